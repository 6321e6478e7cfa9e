//! Request-end cleaning off the request's path: background threads run the session resets of
//! persistent links, so `pconn_request_end` returns before the reset's round
//! trip and the caller (a PHP worker finishing its response, a server writing its reply) does not
//! wait for it. A link being cleaned belongs to no one: whoever asks for a link of its key next
//! waits for it rather than opening another, so nothing of the old request is ever handed out.
//! When no thread has started that link's reset yet, the one asking runs it itself
//! ([`wait_for`]): the reset then costs its round trip and no thread switch. A thread that ends a
//! request and asks for the link again at once (a server's request loop) runs them all: no thread
//! is woken for its jobs then ([`run`]).
//!
//! The first thread starts on the first job, never when the library is merely loaded; another
//! starts when a job is queued and no thread is free (several threads ending requests at once, or
//! a reset stuck on a server that stopped answering), up to [`MAX_WORKERS`], so a stuck server
//! holds up the resets of no other. Extra threads end after a while idle. Jobs are tagged with
//! their link's key so that a hand-out can wait for just that key, at most `reset_timeout`: then
//! the key's jobs are abandoned ([`abandon`]) and their links, whenever their reset ends, are
//! disconnected, never handed out. Statistics, `close_all` and process exit wait for every job,
//! each within a bound of its own.
//!
//! Fork: the child never runs the parent's jobs (they own the parent's links, which the child
//! must not touch), never touches the parent's queue, and starts its own thread when it first
//! needs one.

use crate::key::LinkKey;
use std::collections::{HashMap, VecDeque};
use crate::os::ForkLocal;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A cleaning: runs on a background thread, given its ticket.
pub type Job = Box<dyn FnOnce(&Ticket) + Send>;

/// Background threads at most: each stuck server can hold one.
pub(crate) const MAX_WORKERS: usize = 8;

/// How long a thread beyond the first waits for work before it ends.
const LINGER: Duration = Duration::from_secs(30);

/// A job's standing, shared by the job and the queue: whether it may still return its link to
/// the pool, or was abandoned by a hand-out that waited too long for it.
#[derive(Default)]
pub struct Ticket(AtomicU8);

const PENDING: u8 = 0;
const SETTLED: u8 = 1;
const ABANDONED: u8 = 2;

impl Ticket {
    /// Called by the job with the registry locked, before it returns its link to the pool:
    /// `false` when the job was abandoned (its link was counted as discarded then, and must only
    /// be disconnected now).
    pub fn settle(&self) -> bool {
        self.0.compare_exchange(PENDING, SETTLED, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }

    fn abandon(&self) -> bool {
        self.0.compare_exchange(PENDING, ABANDONED, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }
}

#[derive(Default)]
struct Queue {
    /// The fork generation this queue belongs to; a mismatch means it was inherited.
    generation: u64,
    /// Queued jobs: their key, ticket, and when they were queued.
    jobs: VecDeque<(LinkKey, Arc<Ticket>, Job, Instant)>,
    /// Jobs queued or running and not abandoned, per key, with when each was queued.
    pending: HashMap<LinkKey, Vec<(Arc<Ticket>, Instant)>>,
    pending_total: usize,
    /// The threads, by number: since when each runs its current job (`None`: free, or starting).
    workers: HashMap<u64, Option<Instant>>,
    next_worker: u64,
    /// Hand-outs that came for their key's job within [`HAND_OUT_GRACE`] of its queueing, ever.
    prompt_hand_outs: u64,
    /// The free thread that looks at the queue every [`POLL_EVERY`] instead of being woken for
    /// each job, while hand-outs are prompt (see [`run`]).
    poller: Option<u64>,
}

/// A thread busy with one job this long may be stuck on a server that stopped answering: a job
/// queued meanwhile gets a thread of its own.
const STUCK_AFTER: Duration = Duration::from_millis(100);

/// A hand-out that comes for its key's job within this time of its queueing is prompt: the
/// thread that ended the request asks for the same link again at once, as a server's request loop
/// does. While hand-outs are prompt, the polling thread also leaves a job this long to its
/// hand-out before starting it. Short next to a round trip.
const HAND_OUT_GRACE: Duration = Duration::from_micros(30);

/// While hand-outs are prompt, they run the jobs themselves (see [`wait_for`]), and a thread woken
/// for each job would only find it gone or make the hand-out wait for its wake-up: one thread
/// looks at the queue this often instead, and jobs are queued without waking anyone. A job no
/// hand-out takes waits up to this long more before a thread starts it.
const POLL_EVERY: Duration = Duration::from_millis(2);

/// How many looks in a row with no prompt hand-out meanwhile end the polling: each job wakes a
/// thread again.
const POLL_LOOKS: u32 = 50;

/// The threads' timer slack: [`HAND_OUT_GRACE`] is shorter than the kernel's default.
const TIMER_SLACK: Duration = Duration::from_micros(5);

/// How often statistics waiting for the cleanings under way look whether those look stuck.
const RECHECK: Duration = Duration::from_millis(20);

impl Queue {
    fn free_worker(&self) -> bool {
        self.workers.values().any(Option::is_none)
    }

    /// Starts a thread for the queued jobs when none is free and `needed` says one is. Returns
    /// `false` when there is no thread at all and none could be started.
    fn start_worker_if(&mut self, needed: impl Fn(&Queue) -> bool) -> bool {
        if self.jobs.is_empty() || self.free_worker() || self.workers.len() >= MAX_WORKERS || !needed(self) {
            return true;
        }
        let number = self.next_worker;
        let first = self.workers.is_empty();
        match std::thread::Builder::new().name("pconn-reset".into()).spawn(move || run(number, first)) {
            Ok(_) => {
                self.next_worker += 1;
                self.workers.insert(number, None);
                true
            }
            Err(_) => !self.workers.is_empty(),
        }
    }

    /// Whether every thread that runs a job has been on it for [`STUCK_AFTER`].
    fn all_workers_look_stuck_or_free(&self) -> bool {
        self.workers.values().flatten().all(|since| since.elapsed() >= STUCK_AFTER)
    }

    /// Whether every thread has been on its job for [`STUCK_AFTER`] (or there is none).
    fn all_workers_look_stuck(&self) -> bool {
        self.workers.values().all(|since| since.is_some_and(|since| since.elapsed() >= STUCK_AFTER))
    }
}

struct Cleaner {
    queue: Mutex<Queue>,
    /// Signals the threads that a job is queued.
    work: Condvar,
    /// Signals waiters that a job finished or was abandoned.
    done: Condvar,
}

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

/// The process's cleaner: a leaked allocation, replaced by a fresh one in a forked child. The
/// child never unlocks or waits on the parent's: a parent thread may have held its lock when the
/// process was copied.
///
/// Its lock and condition variables are std's, not parking_lot's like the rest of the pool:
/// parking_lot keeps its waiting threads in one process-wide table, and a thread parked there
/// when the process forks leaves an entry the child still follows; glibc gives the dead thread's
/// stack to the child's next thread, and the child's next wait on any lock whose address hashes
/// to that entry crashed (`fork_and_exit`'s fork test, up to 9 runs in 12 on an idle machine;
/// parking_lot issue 515). The cleaner's threads spend their idle life waiting on these condition
/// variables, so they were nearly always in that table. std's waiters live in the lock itself.
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
fn lock() -> QueueGuard {
    // A job's panic is caught outside the lock: a poisoned queue is still consistent.
    let mut queue = cleaner().queue.lock().unwrap_or_else(PoisonError::into_inner);
    forget_inherited(&mut queue);
    queue
}

type QueueGuard = MutexGuard<'static, Queue>;

/// How often [`lock_until`] tries the lock again (std's mutex has no timed lock).
const LOCK_RETRY: Duration = Duration::from_micros(100);

/// [`lock`], giving up at `deadline`.
fn lock_until(deadline: Instant) -> Option<QueueGuard> {
    let mut queue = loop {
        match cleaner().queue.try_lock() {
            Ok(queue) => break queue,
            Err(TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
            Err(TryLockError::WouldBlock) if Instant::now() >= deadline => return None,
            Err(TryLockError::WouldBlock) => std::thread::sleep(LOCK_RETRY),
        }
    };
    forget_inherited(&mut queue);
    Some(queue)
}

/// Waits on `condvar` until it is notified or `deadline` passes (or spuriously); gives the
/// queue back, and whether the deadline has passed.
fn wait_until(condvar: &Condvar, queue: QueueGuard, deadline: Instant) -> (QueueGuard, bool) {
    let timeout = deadline.saturating_duration_since(Instant::now());
    let (queue, _) = condvar.wait_timeout(queue, timeout).unwrap_or_else(PoisonError::into_inner);
    (queue, Instant::now() >= deadline)
}

fn forget_inherited(queue: &mut Queue) {
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    if queue.generation != generation {
        let inherited = std::mem::take(queue);
        std::mem::forget(inherited);
        queue.generation = generation;
    }
}

/// Queues `job` (the cleaning of a link of `key`) for a background thread, starting one when
/// none is free.
///
/// Returns the job when no thread runs and none can be started, so the caller runs it itself.
pub fn submit(key: LinkKey, job: Job) -> Result<(), Job> {
    let mut queue = lock();
    let ticket = Arc::new(Ticket::default());
    let now = Instant::now();
    queue.jobs.push_back((key.clone(), ticket.clone(), job, now));
    if !queue.start_worker_if(Queue::all_workers_look_stuck) {
        let (_, _, job, _) = queue.jobs.pop_back().expect("just queued");
        return Err(job);
    }
    queue.pending.entry(key).or_default().push((ticket, now));
    queue.pending_total += 1;
    if queue.poller.is_none() {
        cleaner().work.notify_one();
    }
    Ok(())
}

/// A background thread, `number` in [`Queue::workers`]. `first`: the process's first one, which
/// never ends.
///
/// A job wakes a free thread, which starts it at once: the reset runs while the caller is elsewhere
/// (a PHP worker sending its response). When hand-outs are prompt (see [`HAND_OUT_GRACE`]), that
/// wake-up is a thread switch for nothing, or one the hand-out waits for: one free thread then
/// polls the queue every [`POLL_EVERY`], jobs are queued without a wake-up and the hand-outs run
/// them, until a job waited for the poller, a hand-out came late, or [`POLL_LOOKS`] looks saw no
/// prompt hand-out.
fn run(number: u64, first: bool) {
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    crate::os::set_timer_slack(TIMER_SLACK);
    let mut prompt_seen = 0;
    let mut looks_without_taking = 0;
    loop {
        let (key, ticket, job) = {
            let mut queue = lock();
            let next = loop {
                if queue.generation != generation {
                    // Only a thread of this generation exists; a stale one cannot survive fork.
                    return;
                }
                if let Some(&(.., queued_at)) = queue.jobs.front() {
                    // While polling, a job just queued is left a moment to the link's next
                    // hand-out, which takes it if it comes that soon (see `wait_for`).
                    let start_at = queued_at + HAND_OUT_GRACE;
                    if queue.poller == Some(number) && Instant::now() < start_at {
                        queue = wait_until(&cleaner().work, queue, start_at).0;
                        continue;
                    }
                    let (key, ticket, job, _) = queue.jobs.pop_front().expect("looked at just now");
                    if queue.poller == Some(number) {
                        // Busy now, and this job waited: each job wakes a thread again.
                        queue.poller = None;
                    }
                    break Some((key, ticket, job));
                }
                if queue.prompt_hand_outs != prompt_seen {
                    prompt_seen = queue.prompt_hand_outs;
                    looks_without_taking = 0;
                    queue.poller.get_or_insert(number);
                } else if queue.poller == Some(number) {
                    looks_without_taking += 1;
                    if looks_without_taking >= POLL_LOOKS {
                        queue.poller = None;
                    }
                }
                if queue.poller == Some(number) {
                    queue = wait_until(&cleaner().work, queue, Instant::now() + POLL_EVERY).0;
                    continue;
                }
                let timed_out = if first {
                    queue = cleaner().work.wait(queue).unwrap_or_else(PoisonError::into_inner);
                    false
                } else {
                    let timed_out;
                    (queue, timed_out) = wait_until(&cleaner().work, queue, Instant::now() + LINGER);
                    timed_out
                };
                if timed_out && queue.jobs.is_empty() && queue.generation == generation {
                    break None;
                }
            };
            match next {
                Some(next) => {
                    queue.workers.insert(number, Some(Instant::now()));
                    next
                }
                None => {
                    queue.workers.remove(&number);
                    return;
                }
            }
        };
        let mut queue = run_job(&key, &ticket, job);
        queue.workers.insert(number, None);
    }
}

/// Runs a job taken off the queue, then stops counting it as pending and tells the waiters.
/// Returns the queue, locked.
fn run_job(key: &LinkKey, ticket: &Arc<Ticket>, job: Job) -> QueueGuard {
    // A job catches its own failures; a panic must still not take the thread down with the
    // count of pending jobs never going back to zero.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(ticket)));
    // A job that panicked before settling can no longer be abandoned either.
    ticket.settle();
    let mut queue = lock();
    if let Some(tickets) = queue.pending.get_mut(key)
        && let Some(at) = tickets.iter().position(|(t, _)| Arc::ptr_eq(t, ticket))
    {
        tickets.swap_remove(at);
        if tickets.is_empty() {
            queue.pending.remove(key);
        }
        queue.pending_total = queue.pending_total.saturating_sub(1);
    }
    cleaner().done.notify_all();
    queue
}

/// Whether a link of `key` is being cleaned or waiting to be. May be called with the registry
/// locked (the queue is always taken after the registry, never before).
pub fn pending(key: &LinkKey) -> bool {
    lock().pending.contains_key(key)
}

/// Waits until no link of `key` is being cleaned, at most `limit`; returns whether none is. Never
/// call with the registry locked: the jobs take it to return their links.
///
/// A job of `key` that no thread has started yet is taken off the queue and run here, on the
/// caller's thread: the caller needs that link now, and running its reset costs the reset's round
/// trip, where waiting for a thread costs that plus the thread's wake-up and the caller's own (two
/// context switches, more on a busy machine). That also covers a job queued behind threads busy
/// with other servers (one stuck, say): this wait is for this key's server only. The link's server
/// answered its request a moment ago; a wait on a job a thread already runs is bounded by `limit`.
pub fn wait_for(key: &LinkKey, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut queue = lock();
    if let Some(tickets) = queue.pending.get(key) {
        if tickets.iter().any(|(_, queued_at)| queued_at.elapsed() < HAND_OUT_GRACE) {
            queue.prompt_hand_outs += 1;
        } else {
            // A later hand-out: its job may have waited for the polling thread's next look.
            queue.poller = None;
        }
    }
    while queue.pending.contains_key(key) {
        if let Some(at) = queue.jobs.iter().position(|(k, ..)| k == key) {
            let (key, ticket, job, _) = queue.jobs.remove(at).expect("found just now");
            drop(queue);
            queue = run_job(&key, &ticket, job);
            continue;
        }
        let timed_out;
        (queue, timed_out) = wait_until(&cleaner().done, queue, deadline);
        if timed_out {
            return !queue.pending.contains_key(key);
        }
    }
    true
}

/// Gives up on the cleanings of `key` under way or queued: they no longer count as pending, and
/// their links are disconnected when (if ever) their reset ends. Returns how many were abandoned
/// (a job that already returned its link is not). Called with the registry locked, so that a job
/// settles its link either before (and it is in the pool) or never.
pub fn abandon(key: &LinkKey) -> usize {
    let mut queue = lock();
    let Some(tickets) = queue.pending.remove(key) else { return 0 };
    queue.pending_total = queue.pending_total.saturating_sub(tickets.len());
    cleaner().done.notify_all();
    tickets.iter().filter(|(ticket, _)| ticket.abandon()).count()
}

/// Waits until every queued cleaning is done, at most `limit`, but not for cleanings that look
/// stuck: returns as soon as none is queued and every one running has been for [`STUCK_AFTER`].
pub fn wait_all_unless_stuck(limit: Duration) {
    let deadline = Instant::now() + limit;
    let Some(mut queue) = lock_until(deadline) else { return };
    while queue.pending_total > 0 && !(queue.jobs.is_empty() && queue.all_workers_look_stuck_or_free()) {
        let wake = deadline.min(Instant::now() + RECHECK);
        queue = wait_until(&cleaner().done, queue, wake).0;
        if Instant::now() >= deadline {
            return;
        }
    }
}

/// How many cleanings are queued or running (not abandoned).
pub fn pending_total() -> usize {
    lock().pending_total
}

/// Abandons every cleaning under way or queued (see [`abandon`]): per key, how many.
pub fn abandon_all() -> Vec<(LinkKey, usize)> {
    let keys: Vec<LinkKey> = lock().pending.keys().cloned().collect();
    keys.into_iter().map(|key| {
        let abandoned = abandon(&key);
        (key, abandoned)
    }).collect()
}

/// Waits until every queued cleaning is done, at most `limit`; returns whether all are. The
/// queue's lock is only tried for that long too: at process exit it may be held by the exiting
/// thread's own interrupted frame.
pub fn wait_all(limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let Some(mut queue) = lock_until(deadline) else { return false };
    while queue.pending_total > 0 {
        let timed_out;
        (queue, timed_out) = wait_until(&cleaner().done, queue, deadline);
        if timed_out {
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
    fn jobs_run_in_order_off_the_caller() {
        let ran = Arc::new(AtomicUsize::new(0));
        let caller = std::thread::current().id();
        let (a, b) = (key("Driver=A;X=cleaner-test-1"), key("Driver=A;X=cleaner-test-2"));
        for step in 0..10 {
            let ran = ran.clone();
            let job: Job = Box::new(move |_| {
                assert_ne!(std::thread::current().id(), caller);
                std::thread::sleep(Duration::from_millis(2));
                assert_eq!(ran.fetch_add(1, Ordering::SeqCst), step, "in order");
            });
            assert!(submit(if step % 2 == 0 { a.clone() } else { b.clone() }, job).is_ok());
        }
        assert!(wait_all(Duration::from_secs(10)));
        assert_eq!(ran.load(Ordering::SeqCst), 10);
        assert!(!pending(&b));
    }

    #[test]
    fn a_hand_out_runs_its_key_s_queued_jobs_itself_and_waits_for_a_running_one() {
        let (a, b) = (key("Driver=A;X=cleaner-test-3"), key("Driver=A;X=cleaner-test-4"));
        let caller = std::thread::current().id();
        // A job of b keeps the thread busy until released: a's jobs queue behind it.
        let release = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let (held, running) = (release.clone(), started.clone());
        assert!(submit(b.clone(), Box::new(move |_| {
            running.fetch_add(1, Ordering::SeqCst);
            while held.load(Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        })).is_ok());
        while started.load(Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let (ran, on_caller) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        for _ in 0..2 {
            let (ran, on_caller) = (ran.clone(), on_caller.clone());
            assert!(submit(a.clone(), Box::new(move |_| {
                ran.fetch_add(1, Ordering::SeqCst);
                if std::thread::current().id() == caller {
                    on_caller.fetch_add(1, Ordering::SeqCst);
                }
            })).is_ok());
        }
        assert!(wait_for(&a, Duration::from_secs(10)), "a's jobs do not wait for b's");
        assert_eq!(ran.load(Ordering::SeqCst), 2);
        assert!(!pending(&a));
        // Only a thread started for a's jobs (the busy one looking stuck on a slow machine) would
        // have taken them from the caller.
        eprintln!("a's jobs run by the caller: {}", on_caller.load(Ordering::SeqCst));
        // b's job, under way on its thread, is waited for within the limit only.
        assert!(!wait_for(&b, Duration::from_millis(20)), "still running: the wait ends at its limit");
        assert!(pending(&b));
        release.store(1, Ordering::SeqCst);
        assert!(wait_for(&b, Duration::from_secs(10)));
        assert!(!pending(&b));
    }

    #[test]
    fn a_panicking_job_does_not_stop_the_thread() {
        let k = key("Driver=A;X=cleaner-test-panic");
        assert!(submit(k.clone(), Box::new(|_| panic!("job failed"))).is_ok());
        let ran = Arc::new(AtomicUsize::new(0));
        let seen = ran.clone();
        assert!(submit(k.clone(), Box::new(move |_| { seen.fetch_add(1, Ordering::SeqCst); })).is_ok());
        assert!(wait_for(&k, Duration::from_secs(10)));
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
