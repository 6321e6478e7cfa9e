//! Request-end cleaning off the request's path: one background thread per process runs the
//! session resets of persistent links, so `pconn_request_end` returns before the reset's round
//! trip and the caller (a PHP worker finishing its response, a server writing its reply) does not
//! wait for it. A link being cleaned belongs to no one: whoever asks for a link of its key next
//! waits for it rather than opening another, so nothing of the old request is ever handed out.
//!
//! The thread starts on the first job, never when the library is merely loaded. Jobs are tagged
//! with their link's key so that a hand-out can wait for just that key; statistics, `close_all`
//! and process exit wait for every job.
//!
//! Fork: the child never runs the parent's jobs (they own the parent's links, which the child
//! must not touch), never touches the parent's queue, and starts its own thread when it first
//! needs one.

use crate::key::LinkKey;
use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque};
use crate::os::ForkLocal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Queue {
    /// The fork generation this queue belongs to; a mismatch means it was inherited.
    generation: u64,
    jobs: VecDeque<(LinkKey, Job)>,
    /// Jobs queued or running, per key.
    pending: HashMap<LinkKey, usize>,
    pending_total: usize,
    thread_started: bool,
}

struct Cleaner {
    queue: Mutex<Queue>,
    /// Signals the thread that a job is queued.
    work: Condvar,
    /// Signals waiters that a job finished.
    done: Condvar,
}

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

/// The process's cleaner: a leaked allocation, replaced by a fresh one in a forked child. The
/// child never unlocks or waits on the parent's: a parking_lot mutex unlocked in the child may
/// hand itself to a parent thread that was parked on it and does not exist there, leaving it
/// locked for good (seen as a rare hang of the fork test).
static CLEANER: ForkLocal<Cleaner> = ForkLocal::new();

fn new_cleaner() -> Cleaner {
    let queue = Queue { generation: FORK_GENERATION.load(Ordering::SeqCst), ..Queue::default() };
    Cleaner { queue: Mutex::new(queue), work: Condvar::new(), done: Condvar::new() }
}

fn cleaner() -> &'static Cleaner {
    CLEANER.get_or_init(new_cleaner)
}

/// Locks the queue; in a forked child, first forgets the parent's jobs without running or
/// dropping them (they own the parent's links).
fn lock() -> parking_lot::MutexGuard<'static, Queue> {
    let mut queue = cleaner().queue.lock();
    forget_inherited(&mut queue);
    queue
}

fn forget_inherited(queue: &mut Queue) {
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    if queue.generation != generation {
        let inherited = std::mem::take(queue);
        std::mem::forget(inherited);
        queue.generation = generation;
    }
}

/// [`lock`], giving up at `deadline`.
fn lock_until(deadline: Instant) -> Option<parking_lot::MutexGuard<'static, Queue>> {
    let mut queue = cleaner().queue.try_lock_until(deadline)?;
    forget_inherited(&mut queue);
    Some(queue)
}

/// Queues `job` (the cleaning of a link of `key`) for the background thread.
///
/// Returns the job when the thread cannot be started, so the caller runs it itself.
pub fn submit(key: LinkKey, job: Job) -> Result<(), Job> {
    let mut queue = lock();
    if !queue.thread_started {
        let spawned = std::thread::Builder::new().name("pconn-reset".into()).spawn(run);
        if spawned.is_err() {
            return Err(job);
        }
        queue.thread_started = true;
    }
    *queue.pending.entry(key.clone()).or_default() += 1;
    queue.pending_total += 1;
    queue.jobs.push_back((key, job));
    cleaner().work.notify_one();
    Ok(())
}

fn run() {
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    loop {
        let (key, job) = {
            let mut queue = lock();
            loop {
                if queue.generation != generation {
                    // Only a thread of this generation exists; a stale one cannot survive fork.
                    return;
                }
                if let Some(next) = queue.jobs.pop_front() {
                    break next;
                }
                cleaner().work.wait(&mut queue);
            }
        };
        // A job catches its own failures; a panic must still not take the thread down with
        // the count of pending jobs never going back to zero.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        let mut queue = lock();
        if let Some(count) = queue.pending.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                queue.pending.remove(&key);
            }
        }
        queue.pending_total = queue.pending_total.saturating_sub(1);
        cleaner().done.notify_all();
    }
}

/// Whether a link of `key` is being cleaned or waiting to be. May be called with the registry
/// locked (the queue is always taken after the registry, never before).
pub fn pending(key: &LinkKey) -> bool {
    lock().pending.contains_key(key)
}

/// Waits until no link of `key` is being cleaned. Never call with the registry locked: the jobs
/// take it to return their links.
pub fn wait_for(key: &LinkKey) {
    let mut queue = lock();
    while queue.pending.contains_key(key) {
        cleaner().done.wait(&mut queue);
    }
}

/// Waits until every queued cleaning is done, at most `limit`; returns whether all are. The
/// queue's lock is only tried for that long too: at process exit it may be held by the exiting
/// thread's own interrupted frame.
pub fn wait_all(limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let Some(mut queue) = lock_until(deadline) else { return false };
    while queue.pending_total > 0 {
        if cleaner().done.wait_until(&mut queue, deadline).timed_out() {
            return queue.pending_total == 0;
        }
    }
    true
}

/// `pthread_atfork` child handler: the child gets a cleaner of its own, empty, with no thread;
/// the parent's (its jobs own the parent's links) is left untouched and leaked.
pub fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
    if CLEANER.get().is_some() {
        CLEANER.replace(new_cleaner());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ConnSpec;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    fn key(text: &str) -> LinkKey {
        ConnSpec::parse(text, None, None).unwrap().key
    }

    #[test]
    fn jobs_run_in_order_off_the_caller_and_waiters_see_them_done() {
        let ran = Arc::new(AtomicUsize::new(0));
        let caller = std::thread::current().id();
        let (a, b) = (key("Driver=A;X=cleaner-test-1"), key("Driver=A;X=cleaner-test-2"));
        for step in 0..10 {
            let ran = ran.clone();
            let job: Job = Box::new(move || {
                assert_ne!(std::thread::current().id(), caller);
                std::thread::sleep(Duration::from_millis(2));
                assert_eq!(ran.fetch_add(1, Ordering::SeqCst), step, "in order");
            });
            assert!(submit(if step % 2 == 0 { a.clone() } else { b.clone() }, job).is_ok());
        }
        wait_for(&a);
        assert!(!pending(&a));
        assert!(ran.load(Ordering::SeqCst) >= 9, "a's last job was the ninth");
        assert!(wait_all(Duration::from_secs(10)));
        assert_eq!(ran.load(Ordering::SeqCst), 10);
        assert!(!pending(&b));
    }

    #[test]
    fn a_panicking_job_does_not_stop_the_thread() {
        let k = key("Driver=A;X=cleaner-test-panic");
        assert!(submit(k.clone(), Box::new(|| panic!("job failed"))).is_ok());
        let ran = Arc::new(AtomicUsize::new(0));
        let seen = ran.clone();
        assert!(submit(k.clone(), Box::new(move || { seen.fetch_add(1, Ordering::SeqCst); })).is_ok());
        wait_for(&k);
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
