//! Locks on single bytes of a file that belong to its open file description (`F_OFD_SETLK`), not
//! to the process: the host-wide slots (`pool/host_slots.rs`). The kernel drops them when the last
//! descriptor of the description is closed — by the process itself, or by the kernel when the
//! process dies by any means. Never blocking.

use std::fs::File;
use std::os::fd::{AsRawFd, RawFd};

/// The kind of lock a byte is taken with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteLock {
    /// One holder at a time: a slot.
    Exclusive,
    /// Any number of holders, none while an exclusive one holds it: a waiter's mark.
    Shared,
}

fn flock(byte: u64, kind: libc::c_short) -> libc::flock {
    // SAFETY: flock is plain data; zero is valid for every field (l_pid must be 0 for OFD locks).
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = kind;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = byte as libc::off_t;
    lock.l_len = 1;
    lock
}

fn set(fd: RawFd, byte: u64, kind: libc::c_short) -> std::io::Result<()> {
    let mut lock = flock(byte, kind);
    // SAFETY: a valid flock struct for F_OFD_SETLK, which never blocks.
    let rc = unsafe { libc::fcntl(fd, libc::F_OFD_SETLK, &mut lock) };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

/// Locks `byte` of `file` on its open file description. `Ok(false)`: another description holds
/// a conflicting lock (in this process or another).
pub fn try_lock(file: &File, byte: u64, kind: ByteLock) -> std::io::Result<bool> {
    let kind = match kind {
        ByteLock::Exclusive => libc::F_WRLCK,
        ByteLock::Shared => libc::F_RDLCK,
    };
    match set(file.as_raw_fd(), byte, kind as libc::c_short) {
        Ok(()) => Ok(true),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EAGAIN) | Some(libc::EACCES)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Unlocks `byte` of `file`'s open file description.
pub fn unlock(file: &File, byte: u64) -> std::io::Result<()> {
    set(file.as_raw_fd(), byte, libc::F_UNLCK as libc::c_short)
}

/// Whether a description other than the one of `fd` holds any lock on `byte`. Takes a bare
/// descriptor number so that a caller may ask without holding the file: on a number closed or
/// reused meanwhile the answer is merely wrong (or `false` on an error), never unsafe.
pub fn locked_by_another(fd: RawFd, byte: u64) -> bool {
    let mut lock = flock(byte, libc::F_WRLCK as libc::c_short);
    // SAFETY: a valid flock struct for F_OFD_GETLK, which only reads the lock table.
    let rc = unsafe { libc::fcntl(fd, libc::F_OFD_GETLK, &mut lock) };
    rc == 0 && lock.l_type != libc::F_UNLCK as libc::c_short
}

/// Closes descriptor `fd` in a forked child, where the `File` that owns it was copied from the
/// parent and is never dropped (see `pool/host_slots.rs`): the child's copy goes, the parent's
/// description and its locks stay.
pub fn close_inherited(fd: RawFd) {
    // SAFETY: the caller owns this descriptor number in the child and forgets its File.
    unsafe { libc::close(fd) };
}

/// The process's effective user id: the owner the slot directory and files must have.
pub fn effective_uid() -> u32 {
    // SAFETY: no arguments, always succeeds.
    unsafe { libc::geteuid() }
}
