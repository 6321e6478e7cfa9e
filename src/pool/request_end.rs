//! Ending leases: at request end, `pconn_close`, `pconn_drop` and `pconn_close_all`. Each link is
//! cleaned (rolled back, attributes restored, session reset), then settled: back to the idle pool,
//! or closed. Cleanings that wait for the server go to the background thread.

use super::background;
use super::limits::expiry;
use super::link::{Link, LinkKind};
use super::request::{self, RequestLink};
use super::state::{FORK_GENERATION, LinkHandle, State, close_link, find_slot, inside_link_call, lock, registry, this_thread};
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::key::LinkKey;
use crate::session::CleanReport;
use crate::stats::DiscardReason;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// What to do with a link whose lease ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LeaseEnd {
    /// Request end or `pconn_close`: persistent links are cleaned and kept, others closed.
    Release,
    /// `pconn_drop` / `pconn_close_all`: closed whatever its kind.
    Drop,
}

/// Where a link goes when its lease ends.
enum Fate {
    Idle,
    /// Closed: `None` for the ordinary close of a non-persistent link.
    Close(Option<DiscardReason>),
}

/// A link taken out of its ended lease, cleaned, on its way to the idle pool or to be closed.
struct Ended {
    link: Box<Link>,
    report: CleanReport,
    fate: Fate,
}

thread_local! {
    /// Scratch space for [`end_leases`], kept so that a request end allocates nothing.
    static ENDED: RefCell<Vec<Ended>> = const { RefCell::new(Vec::new()) };
}

/// Request-end work on one link, outside any registry lock: cleaning may make round trips.
///
/// `ended_at`: when its lease ended, which is when it became idle for `idle_timeout` and for
/// which idle link is closed first to make room — not when a background cleaning finished.
fn finish_link(mut link: Box<Link>, how: LeaseEnd, config: &Config, ended_at: Instant) -> Ended {
    let report = CleanReport::default();
    let fate = if how == LeaseEnd::Drop {
        Fate::Close(Some(DiscardReason::Dropped))
    } else if link.kind() != LinkKind::Persistent {
        Fate::Close(None)
    } else if link.is_broken() {
        Fate::Close(Some(DiscardReason::Broken))
    } else {
        match link.clean() {
            Ok(report) if report.replace => {
                return Ended { link, report, fate: Fate::Close(Some(DiscardReason::UnverifiedReset)) };
            }
            Ok(report) => {
                link.idle_since(ended_at);
                let fate = match expiry(&link, config, Instant::now(), false) {
                    Some(reason) => Fate::Close(Some(reason)),
                    // Another process waits for the host-wide slot this idle link would keep.
                    None if link.host_slot_wanted() => Fate::Close(Some(DiscardReason::Limit)),
                    None => Fate::Idle,
                };
                return Ended { link, report, fate };
            }
            Err(error) => Fate::Close(Some(if matches!(error, Error::Broken(_)) || link.is_broken() {
                DiscardReason::Broken
            } else {
                DiscardReason::FailedCleanup
            })),
        }
    };
    Ended { link, report, fate }
}

/// Ends the leases of `links`, in order: each link is taken out of its slot (waiting for a call
/// another thread may still be making on it; from then on its handle finds nothing there) and
/// cleaned outside any lock; then one registry acquisition unregisters the leases, returns the
/// clean persistent links to the idle pool and counts what was done; links to close are
/// disconnected after it. Returns how many of the links were still leased (a handle another thread
/// closed meanwhile is simply gone). `links` is left empty.
fn end_leases(links: &mut Vec<RequestLink>, how: LeaseEnd) -> usize {
    if links.is_empty() {
        return 0;
    }
    let config = config::current().unwrap_or_default();
    let mut ended = ENDED.try_with(|scratch| std::mem::take(&mut *scratch.borrow_mut())).unwrap_or_default();
    // A slot found empty is another caller's to end (a handle closed from another thread): left
    // alone, lease and all.
    links.retain(|(_, slot)| {
        let Some(mut link) = slot.lock().take() else { return false };
        let ended_at = Instant::now();
        // The thread whose request ends, not the one that may clean the link: it gets this link
        // back first (see `pop_idle`).
        link.returned_by_thread(this_thread());
        match clean_in_background(link, how, &config, ended_at) {
            Ok(()) => {}
            Err(link) => ended.push(finish_link(link, how, &config, ended_at)),
        }
        true
    });
    let found = links.len();
    {
        let mut state = lock();
        for (handle, slot) in links.drain(..) {
            state.unregister_lease(handle, slot);
        }
        settle(&mut state, &mut ended);
    }
    close_ended(&mut ended);
    let _ = ENDED.try_with(|scratch| *scratch.borrow_mut() = ended);
    found
}

/// Counts what cleaning did and returns the clean links to the idle pool; the rest stay in
/// `ended` for [`close_ended`], after the lock is released.
fn settle(state: &mut State, ended: &mut Vec<Ended>) {
    let mut i = 0;
    while i < ended.len() {
        let Ended { report, fate, .. } = &ended[i];
        state.counters.rolled_back += u64::from(report.rolled_back);
        state.counters.reset += u64::from(report.reset);
        if matches!(fate, Fate::Idle) {
            state.push_idle(ended.swap_remove(i).link);
        } else {
            i += 1;
        }
    }
}

fn close_ended(ended: &mut Vec<Ended>) {
    for Ended { link, fate, .. } in ended.drain(..) {
        if let Fate::Close(reason) = fate {
            close_link(link, reason);
        }
    }
}

/// Hands a persistent link whose request left work for request end (a reset's round trip) to
/// the background thread (`background.rs`), which returns it to the idle pool when clean. Gives the
/// link back when it is to be finished here: not persistent, dropped, broken, nothing that waits
/// for the server (cheaper than a thread switch), or `background_reset` off.
fn clean_in_background(link: Box<Link>, how: LeaseEnd, config: &Arc<Config>, ended_at: Instant) -> std::result::Result<(), Box<Link>> {
    if how != LeaseEnd::Release
        || !config.background_reset
        || link.kind() != LinkKind::Persistent
        || link.is_broken()
        || !link.session().cleaning_waits_for_server()
    {
        return Err(link);
    }
    let key = link.key().clone();
    let config = config.clone();
    let job: background::Job = Box::new(move |ticket| {
        let mut ended = vec![finish_link(link, LeaseEnd::Release, &config, ended_at)];
        let mut state = lock();
        if ticket.settle() {
            settle(&mut state, &mut ended);
            drop(state);
            close_ended(&mut ended);
        } else {
            // Abandoned by a hand-out that waited longer than reset_timeout: counted as
            // discarded then. Its server answers again; it is disconnected, never handed out.
            drop(state);
            for Ended { mut link, .. } in ended {
                link.disconnect();
            }
        }
    });
    // No thread could be started: the same work, here and now.
    if let Err(job) = background::submit(key, job) {
        job(&background::Ticket::default());
    }
    Ok(())
}

fn end_lease(handle: LinkHandle, how: LeaseEnd) -> Result<()> {
    let slot = find_slot(handle)?;
    request::remove(handle);
    let mut links = vec![(handle, slot)];
    match end_leases(&mut links, how) {
        0 => Err(Error::InvalidHandle("link")),
        _ => Ok(()),
    }
}

/// `pconn_close`: a non-persistent link is rolled back and disconnected; a persistent link is
/// cleaned as at request end and returned to the idle pool.
pub fn close(handle: LinkHandle) -> Result<()> {
    end_lease(handle, LeaseEnd::Release)
}

/// `pconn_drop`: closes a link for good, persistent or not.
pub fn drop_link(handle: LinkHandle) -> Result<()> {
    end_lease(handle, LeaseEnd::Drop)
}

/// Ends the calling thread's request: every link it got is cleaned and kept, or closed.
pub fn end_request() {
    end_handles(request::take_all());
}

/// Ends the leases of a finished request, in the order they were handed out.
pub fn end_handles(mut links: Vec<RequestLink>) {
    end_leases(&mut links, LeaseEnd::Release);
    request::give_back(links);
}

/// How long the exit path waits for a lock another thread may hold for a moment (a map update, a
/// call on a handle shared across threads). A lock held by the exiting thread's own interrupted
/// frame is never released: the wait is what it costs to find that out.
const EXIT_LOCK_WAIT: Duration = Duration::from_millis(100);

/// Ends the request of a thread that exits without ending it.
///
/// A thread that exits normally ends its request as usual: persistent links are cleaned and kept.
/// The process's main thread gets here only when the process exits (its thread-local destructors
/// run in `exit()`), and a thread that exits from inside a link call — `exit()` in a signal
/// handler that interrupted the call (prefork Apache's SIGTERM, many C servers) — only then too.
/// Neither may clean: the process is going, and the interrupted frame may hold the link's lock
/// (and the pool's) for good. See [`disconnect_at_process_exit`].
///
/// Exiting from inside a link call touches nothing at all, not even the heap: the interrupted
/// frame may hold any lock below it — a driver's (SQLite takes a process-wide mutex on every
/// allocation while a statement steps), the driver manager's, the C allocator's — and a call
/// that takes one of them again never returns: the process hangs in `exit()`. Every link is
/// abandoned with the process; the kernel closes the sockets, which a server takes as the end of
/// the session (rolling back what was open), and SQLite recovers an interrupted write from its
/// journal at the next open.
pub fn end_handles_on_thread_exit(links: Vec<RequestLink>) {
    if inside_link_call() {
        std::mem::forget(links);
    } else if crate::os::is_main_thread() {
        disconnect_at_process_exit(links);
    } else {
        end_handles(links);
    }
}

/// The request's links when the process exits: each is disconnected, which implies the
/// rollback, without the reset's round trip. Locks are only tried: another thread may hold one.
fn disconnect_at_process_exit(links: Vec<RequestLink>) {
    for (handle, slot) in links {
        let Some(mut guard) = slot.try_lock_for(EXIT_LOCK_WAIT) else { continue };
        let Some(mut link) = guard.take() else { continue };
        drop(guard);
        link.disconnect();
        // Counted, and the lease ended so the exit handler does not look at it again; best effort
        // when the interrupted frame holds the pool's lock.
        if let Some(mut state) = registry().try_lock_for(EXIT_LOCK_WAIT)
            && state.fork_generation == FORK_GENERATION.load(Ordering::SeqCst)
        {
            state.unregister_lease(handle, slot);
            state.forget_link_counts(link.kind(), link.key());
            state.counters.discard(DiscardReason::Exit);
        }
    }
}

/// Counts the links of cleanings given up on ([`background::abandon`]) as discarded now: they are
/// no longer the pool's.
pub(super) fn abandon_cleanings(state: &mut State, abandoned: impl IntoIterator<Item = (LinkKey, usize)>) {
    for (key, count) in abandoned {
        for _ in 0..count {
            state.forget_link_counts(LinkKind::Persistent, &key);
            state.counters.discard(DiscardReason::ResetTimeout);
        }
    }
}

/// `pconn_close_all`: closes every link of the calling thread's request (persistent ones for
/// good) and every idle persistent link of the process. Links in other threads' requests are
/// left to their requests.
pub fn close_all() {
    let mut links = request::take_all();
    end_leases(&mut links, LeaseEnd::Drop);
    request::give_back(links);
    // Links being cleaned are about to be idle: close them too. One whose server does not answer
    // within reset_timeout is abandoned: disconnected whenever its reset ends.
    let config = config::current().unwrap_or_default();
    if !background::wait_all(config.reset_timeout) {
        abandon_cleanings(&mut lock(), background::abandon_all());
    }
    let idle: Vec<Box<Link>> = {
        let mut state = lock();
        state.idle_total = 0;
        state.keys.values_mut().flat_map(|links| std::mem::take(&mut links.idle)).collect()
    };
    for link in idle {
        close_link(link, Some(DiscardReason::Dropped));
    }
}
