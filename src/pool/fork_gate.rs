//! The fork gate: pconn is never inside the ODBC driver manager on its own account when the
//! process forks, as far as a bounded wait allows.
//!
//! unixODBC guards its handle lists and environment with process-wide mutexes, held for a moment
//! inside every call (and psqlODBC has its own). A fork that copies one of them locked leaves it
//! locked for good in the child, whose first `SQLAllocHandle` then hangs. So every ODBC call pconn
//! makes — a caller's call on a link, a connect, a liveness check, a background reset, a
//! disconnect — runs inside the gate (the shared side of a read-write lock), and the
//! `pthread_atfork` prepare handler closes it (the exclusive side): it waits until no pconn call
//! is inside ODBC, keeps new ones out until the fork is done, and the parent reopens it.
//!
//! The wait is bounded by [`FORK_WAIT`]: a fork must not wait behind a long query or a reset
//! stuck on a stopped server. A call still inside after that is one waiting on its server, where
//! the driver manager holds none of its own locks (unixODBC's default `Threading = 0` protects
//! only its internal lists, around the driver call, not during it); the fork goes ahead.

use crate::os::ForkLocal;
use parking_lot::RwLock;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a fork waits for pconn's calls in ODBC to come out.
pub(super) const FORK_WAIT: Duration = Duration::from_millis(500);

static GATE: ForkLocal<RwLock<()>> = ForkLocal::new();

/// Whether the prepare handler holds the gate closed (it may have given up waiting).
static CLOSED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// How deep this thread is in gated calls: only the outermost takes the gate, so a nested one
    /// never queues behind a waiting fork that waits for this very thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

fn gate() -> &'static RwLock<()> {
    GATE.get_or_init(|| RwLock::new(()))
}

/// Runs `call`, which may call into ODBC, inside the gate: never while a fork is under way.
pub(super) fn inside<R>(call: impl FnOnce() -> R) -> R {
    struct Depth;
    impl Drop for Depth {
        fn drop(&mut self) {
            let _ = DEPTH.try_with(|depth| depth.set(depth.get().saturating_sub(1)));
        }
    }
    // While thread-locals are torn down (a thread exiting) the depth is unknown: no gate then.
    let outermost = DEPTH.try_with(|depth| {
        depth.set(depth.get() + 1);
        depth.get() == 1
    });
    let _depth = outermost.is_ok().then_some(Depth);
    let _open = matches!(outermost, Ok(true)).then(|| gate().read());
    call()
}

/// `pthread_atfork` prepare handler: waits, at most [`FORK_WAIT`], until no pconn call is inside
/// ODBC, and keeps new ones out until [`reopen_in_parent`] or [`reset_in_child`].
pub(super) fn close_for_fork() {
    let Some(gate) = GATE.get() else { return };
    if let Some(closed) = gate.try_write_for(FORK_WAIT) {
        std::mem::forget(closed);
        CLOSED.store(true, Ordering::SeqCst);
    }
}

/// `pthread_atfork` parent handler.
pub(super) fn reopen_in_parent() {
    if CLOSED.swap(false, Ordering::SeqCst)
        && let Some(gate) = GATE.get()
    {
        // SAFETY: closed by this thread in `close_for_fork`, whose guard was forgotten.
        unsafe { gate.force_unlock_write() };
    }
}

/// `pthread_atfork` child handler: a gate of its own, open; the parent's is left locked and
/// leaked (unlocking a parking_lot lock here could hand it to a parent thread that does not
/// exist in the child).
pub(super) fn reset_in_child() {
    CLOSED.store(false, Ordering::SeqCst);
    if GATE.get().is_some() {
        GATE.replace(RwLock::new(()));
    }
}
