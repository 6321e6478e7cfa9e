//! The few system calls outside sockets (`socket.rs`) that pconn makes itself, behind safe
//! functions: random bytes, wiping a secret, and the process's fork and exit hooks.

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
