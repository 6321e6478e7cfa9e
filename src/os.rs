//! The few system calls outside sockets (`socket.rs`) that pconn makes itself, behind safe
//! functions: random bytes, wiping a secret, a thread's timer slack, the process's fork and exit hooks, values a forked
//! child replaces, byte locks of files (`byte_locks.rs`, for the host-wide slots), and wiping
//! the driver stack's freed copies of a connection string (`freed_heap.rs`).

use std::sync::atomic::{AtomicPtr, Ordering};

pub mod byte_locks;
pub mod freed_heap;

/// Fills `buf` with random bytes from the kernel. `wait`: block until the kernel's pool is
/// seeded (for secrets); otherwise take what there is (for jitter and starting points).
/// Returns whether the buffer was filled.
pub fn random_bytes(buf: &mut [u8], wait: bool) -> bool {
    let flags = if wait { 0 } else { libc::GRND_NONBLOCK };
    // SAFETY: `buf` is valid for writes of its length.
    let filled = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), flags) };
    usize::try_from(filled).is_ok_and(|filled| filled == buf.len())
}

/// Registers fork handlers (`pthread_atfork`) and an exit handler (`atexit`).
pub fn install_process_hooks(before_fork: extern "C" fn(), in_parent: extern "C" fn(), in_child: extern "C" fn(), at_exit: extern "C" fn()) {
    // SAFETY: plain function pointers with C ABI, valid for the life of the process (the shared
    // object is linked with -z nodelete, so it is never unmapped).
    unsafe {
        libc::pthread_atfork(Some(before_fork), Some(in_parent), Some(in_child));
        libc::atexit(at_exit);
    }
}

/// Whether the calling thread is the process's main thread. Its thread-local destructors run
/// only when the process exits (`exit()`, or a return from `main`).
pub fn is_main_thread() -> bool {
    // SAFETY: both calls only read the caller's ids.
    unsafe { libc::gettid() == libc::getpid() }
}

/// Lets the calling thread's timed waits end within `slack` of their deadline (the kernel's
/// default, 50 µs, is longer than the waits that need it).
pub fn set_timer_slack(slack: std::time::Duration) {
    let nanos = libc::c_ulong::try_from(slack.as_nanos()).unwrap_or(libc::c_ulong::MAX).max(1);
    // SAFETY: PR_SET_TIMERSLACK takes a number and changes only the calling thread.
    unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, nanos) };
}

/// Overwrites `text` with zeros in place (its length stays), so a secret does not linger in memory
/// the allocator hands out again.
pub fn wipe(text: &mut str) {
    // SAFETY: zero bytes are valid UTF-8; volatile writes keep the compiler from eliding them.
    unsafe {
        for byte in text.as_bytes_mut() {
            std::ptr::write_volatile(byte, 0);
        }
    }
}

/// A value that lives for the rest of the process and that a forked child replaces by a fresh one,
/// leaking the parent's: the child may neither unlock a mutex a parent thread held at fork time
/// nor free what the parent's links own.
pub struct ForkLocal<T: Send + Sync + 'static>(AtomicPtr<T>);

impl<T: Send + Sync + 'static> ForkLocal<T> {
    pub const fn new() -> Self {
        ForkLocal(AtomicPtr::new(std::ptr::null_mut()))
    }

    /// The current value, if one was made.
    pub fn get(&self) -> Option<&'static T> {
        let current = self.0.load(Ordering::Acquire);
        // SAFETY: null, or an allocation leaked by `get_or_init`/`replace` and never freed.
        (!current.is_null()).then(|| unsafe { &*current })
    }

    /// The current value, made with `init` if there is none yet (by one thread: another's
    /// concurrent `init` result is dropped unused).
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &'static T {
        if let Some(value) = self.get() {
            return value;
        }
        let fresh = Box::into_raw(Box::new(init()));
        match self.0.compare_exchange(std::ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just leaked, never freed.
            Ok(_) => unsafe { &*fresh },
            Err(winner) => {
                // SAFETY: `fresh` was never shared; `winner` is a leaked allocation, never freed.
                drop(unsafe { Box::from_raw(fresh) });
                unsafe { &*winner }
            }
        }
    }

    /// Puts `value` in place of the current one, which is leaked, not dropped.
    pub fn replace(&self, value: T) {
        self.0.store(Box::into_raw(Box::new(value)), Ordering::Release);
    }
}

impl<T: Send + Sync + 'static> Default for ForkLocal<T> {
    fn default() -> Self {
        ForkLocal::new()
    }
}
