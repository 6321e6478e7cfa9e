//! The process's fork and exit hooks, and what they do to the pool: a forked child forgets every
//! inherited link without a byte sent on it; at exit the process's own links are disconnected.

use super::background;
use super::host_slots;
use super::fork_gate;
use super::link::Link;
use super::request;
use super::state::{FORK_GENERATION, REGISTRY, State, close_link, inside_link_call, registry_if_created};
use crate::stats::DiscardReason;
use parking_lot::Mutex;
use std::sync::Once;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Installs the hooks, once per process: before the first link is opened.
pub(super) fn install_process_hooks() {
    static HOOKS: Once = Once::new();
    HOOKS.call_once(|| {
        extern "C" fn before_fork() {
            // First, so that no pconn call is inside the driver manager when the process is
            // copied; the registry after it (a call inside the gate never waits for the registry).
            fork_gate::close_for_fork();
            // Hold the registry lock across fork, so the state the child reads its handle counter
            // from is not half-updated.
            if let Some(registry) = registry_if_created() {
                std::mem::forget(registry.lock());
            }
        }
        extern "C" fn after_fork_in_parent() {
            fork_gate::reopen_in_parent();
            if let Some(registry) = registry_if_created() {
                // SAFETY: locked by this thread in before_fork.
                unsafe { registry.force_unlock() };
            }
        }
        extern "C" fn after_fork_in_child() {
            fork_gate::reset_in_child();
            background::after_fork_in_child();
            host_slots::after_fork_in_child();
            let generation = FORK_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(inherited) = registry_if_created() {
                // A parking_lot mutex unlocked here may hand itself to a parent thread that was
                // parked on it and does not exist in the child, staying locked for good. So the
                // child never unlocks it: it reads the handle counter through the lock this
                // thread took in before_fork, and starts a registry of its own. The inherited
                // one, links and all, is leaked: nothing may be sent on the parent's sockets.
                // SAFETY: this thread holds the lock (before_fork) and is the only thread.
                let next_handle = unsafe { (*inherited.data_ptr()).next_handle };
                let mut fresh = State::new();
                fresh.fork_generation = generation;
                fresh.next_handle = next_handle;
                REGISTRY.replace(Mutex::new(fresh));
            }
            request::forget_after_fork();
        }
        extern "C" fn at_exit() {
            let _ = std::panic::catch_unwind(disconnect_at_exit);
        }
        crate::os::install_process_hooks(before_fork, after_fork_in_parent, after_fork_in_child, at_exit);
    });
}

/// How long process exit waits for cleanings under way.
const EXIT_CLEANING_WAIT: Duration = Duration::from_millis(300);

/// At exit, links this process opened itself are disconnected gracefully; inherited ones were
/// forgotten at the first call after fork and are never touched.
fn disconnect_at_exit() {
    // Exiting from inside an interrupted link call: nothing is touched (see
    // `end_handles_on_thread_exit` for why); the kernel closes every link's socket.
    if inside_link_call() {
        return;
    }
    let Some(registry) = registry_if_created() else { return };
    // Let cleanings under way finish, so their links are disconnected too, not cut off; briefly:
    // a cleaning stuck on a stopped server must not hold up the exit. Links still being cleaned
    // after that are abandoned with the process (the kernel closes their sockets).
    background::wait_all(EXIT_CLEANING_WAIT);
    // The pool's lock is never held across a round trip; one not free after this is held by the
    // exiting thread's own interrupted frame.
    let Some(mut state) = registry.try_lock_for(Duration::from_millis(100)) else { return };
    if state.fork_generation != FORK_GENERATION.load(Ordering::SeqCst) {
        return;
    }
    let idle: Vec<Box<Link>> = state.keys.values_mut().flat_map(|links| std::mem::take(&mut links.idle)).collect();
    let leases = std::mem::take(&mut state.leases);
    state.idle_total = 0;
    drop(state);
    for link in idle {
        close_link(link, Some(DiscardReason::Exit));
    }
    // Another thread's call on a leased link gets a moment to finish; one that does not (a long
    // query) is abandoned with the process.
    for lease in leases.into_values() {
        if let Some(mut slot) = lease.slot.try_lock_for(Duration::from_millis(100))
            && let Some(link) = slot.take()
        {
            close_link(link, Some(DiscardReason::Exit));
        }
    }
}
