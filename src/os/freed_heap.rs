//! Wiping what the driver stack leaves in freed heap blocks.
//!
//! The drivers copy the connection string into heap blocks of their own while they connect and
//! free them without wiping: psqlODBC `strdup`s it and splits the copy in place into its
//! attributes (`Port\0 5432\0 pqopt\0 password=…\0 UID\0 …`), then frees it; unixODBC converts it
//! to UTF-16 for a Unicode driver and frees that. A freed block keeps its bytes until malloc hands
//! it out again, and whether anything of that size is allocated later on the thread is chance:
//! the credential could stay readable in the process's memory for good. pconn cannot wipe the
//! driver's blocks, but it can be the next to allocate them.

/// Blocks taken per size class: more than glibc's per-thread cache holds for one size (7), so
/// the fast bin behind it is reached too.
const BLOCKS_PER_SIZE: usize = 24;
/// The distance between malloc's size classes (its chunk granularity on 64-bit Linux).
const SIZE_STEP: usize = 16;

/// Allocates, zeroes and frees blocks of every size class up to `max_len` bytes, on the calling
/// thread: the blocks this thread freed most recently in those classes (malloc reuses them first)
/// are overwritten. Call it on the thread that connected, right after the driver returned.
pub fn wipe_freed_blocks_up_to(max_len: usize) {
    let mut blocks = [std::ptr::null_mut::<u8>(); BLOCKS_PER_SIZE];
    // Request sizes 24, 40, 56, …: the largest request of each chunk size class.
    let mut size = SIZE_STEP + 8;
    while size < max_len + SIZE_STEP + 8 {
        for block in &mut blocks {
            // SAFETY: a plain allocation, freed below; a null result is skipped.
            *block = unsafe { libc::malloc(size) }.cast();
            if !block.is_null() {
                for at in 0..size {
                    // SAFETY: within the `size` bytes just allocated; volatile, so the writes to
                    // memory freed right after are not elided.
                    unsafe { std::ptr::write_volatile(block.add(at), 0) };
                }
            }
        }
        // Freed after all of the class are taken, so each one took a different freed block.
        for block in &mut blocks {
            // SAFETY: allocated above by malloc (or null, which free ignores), freed once.
            unsafe { libc::free(block.cast()) };
            *block = std::ptr::null_mut();
        }
        size += SIZE_STEP;
    }
}
