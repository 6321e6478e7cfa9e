//! Getting a link for a request: the same link again within a request, an idle one that passes
//! the liveness verdict, or a new one within the limits.

use super::background;
use super::fork;
use super::fork_gate;
use super::host_slots;
use super::request_end::{abandon_cleanings, end_handles_on_thread_exit};
use super::limits::{expiry, open_within_limits, sweep_idle};
use super::link::{Link, LinkKind};
use super::request;
use super::state::{LinkHandle, close_link, lock, this_thread};
use crate::config::{self, Config, LinkSettings, OnLimit};
use crate::error::{Error, Result};
use crate::key::ConnSpec;
use crate::session::SocketVerdict;
use crate::stats::DiscardReason;
use std::sync::Arc;
use std::time::Instant;

/// Gets a link for the calling thread's request: `pconn_pconnect`, `pconn_connect` and
/// `pconn_new_connect`.
pub fn connect(kind: LinkKind, spec: &ConnSpec) -> Result<LinkHandle> {
    fork::install_process_hooks();
    request::on_thread_exit(end_handles_on_thread_exit);
    let config = config::current()?;
    let settings = spec.settings(&config)?;
    if kind == LinkKind::Fresh {
        request::ensure_current();
    } else if let Some(handle) = request::find(kind, &spec.key) {
        if lock().leases.contains_key(&handle) {
            return Ok(handle);
        }
        request::forget_identity(kind, &spec.key);
    }
    let opened = match kind {
        LinkKind::Persistent => {
            if let Some(handle) = hand_out_idle(spec, &settings, &config)? {
                return Ok(handle);
            }
            match open_within_limits(spec, kind, &settings, &config) {
                // A request-scoped link needs a host slot too: no fallback round a host cap.
                Err(Error::Limit(ref message)) if config.on_limit == OnLimit::Fallback && !host_slots::is_host_refusal(message) => {
                    lock().counters.limit_fallbacks += 1;
                    open_within_limits(spec, LinkKind::RequestScoped, &settings, &config)
                }
                other => other,
            }
        }
        LinkKind::RequestScoped | LinkKind::Fresh => {
            sweep_idle(&config);
            open_within_limits(spec, kind, &settings, &config)
        }
    };
    match opened {
        Ok(link) => Ok(lease_new(link, kind)),
        Err(error) => {
            if let Error::Limit(_) = error {
                lock().counters.limit_refusals += 1;
            }
            Err(error)
        }
    }
}

/// Registers a lease for a newly opened link in the registry and in the calling thread's request.
fn lease_new(mut link: Box<Link>, requested: LinkKind) -> LinkHandle {
    link.hand_out(Instant::now());
    let (kind, key) = (link.kind(), link.key().clone());
    let (handle, slot) = lock().register_lease(kind, &key, Some(link));
    // A fallback link answers later identical pconnects of this request too.
    request::add(handle, slot, requested, (requested != LinkKind::Fresh).then_some(key));
    handle
}

/// The outcome of checking an idle link at hand-out.
enum Check {
    Alive { pinged: bool },
    Discard { reason: DiscardReason, pinged: bool },
}

/// Whether an idle link may be handed out: within its limits, its socket neither closed nor
/// reset by the server (one `poll`, no round trip), not dead by the driver's own account, and
/// answering a ping when one is due — after `ping_interval` idle, or when the server sent the
/// idle session something and kept the connection open (a notice: a ping tells whether the session
/// is still good, and lets the driver read what was sent).
///
/// `settings` are the per-link options as configured now: a `pconn_set_option` at run time
/// applies to links already in the pool too.
fn check_idle(link: &mut Link, settings: &Arc<LinkSettings>, config: &Config, now: Instant) -> Check {
    link.session_mut().use_settings(settings);
    // Limits first: they need no system call, and an expired link is closed either way.
    if let Some(reason) = expiry(link, config, now, true) {
        return Check::Discard { reason, pinged: false };
    }
    let socket = link.session().socket_verdict();
    // The driver's dead-connection attribute only when the socket told nothing: for a link idle
    // since its last successful call it can only say what the kernel just said (and through
    // unixODBC it costs a handle validation and a mutex).
    let dead = match socket {
        SocketVerdict::Dead => true,
        SocketVerdict::Alive => false,
        SocketVerdict::Unknown | SocketVerdict::Doubtful => link.session().is_dead_locally(),
    };
    if dead {
        return Check::Discard { reason: DiscardReason::Broken, pinged: false };
    }
    let ping_due = socket == SocketVerdict::Doubtful
        || link.session().settings().ping_interval.is_some_and(|interval| now.saturating_duration_since(link.last_used()) >= interval);
    if !ping_due {
        return Check::Alive { pinged: false };
    }
    match link.session_mut().ping() {
        Ok(()) => Check::Alive { pinged: true },
        Err(_) => Check::Discard { reason: DiscardReason::Broken, pinged: true },
    }
}

/// Hands out an idle link of `spec.key` that passes [`check_idle`]: registered as a lease in the
/// same lock acquisition that takes it from the pool (and sweeps, when due), then checked
/// outside the lock. `None` when the key has no idle link left.
fn hand_out_idle(spec: &ConnSpec, settings: &Arc<LinkSettings>, config: &Config) -> Result<Option<LinkHandle>> {
    let now = Instant::now();
    loop {
        let mut expired = Vec::new();
        let being_cleaned;
        let taken = {
            let mut state = lock();
            state.sweep(config, now, &mut expired);
            let taken = state.pop_idle(&spec.key, this_thread()).map(|link| {
                // Counted now, in this acquisition; taken back if the check fails.
                state.counters.reused += 1;
                let (handle, slot) = state.register_lease(LinkKind::Persistent, &spec.key, None);
                (link, handle, slot)
            });
            // Asked with the registry locked: a cleaning returns its link to the pool under this
            // lock before it stops counting as pending, so no link can slip between the two.
            being_cleaned = taken.is_none() && background::pending(&spec.key);
            taken
        };
        for (link, reason) in expired {
            close_link(link, Some(reason));
        }
        let Some((mut link, handle, slot)) = taken else {
            // A link of this key still being cleaned after its request is about to be idle:
            // waiting for it beats opening another connection. Not beyond reset_timeout: a
            // server that stopped answering keeps that link, and a new one is opened.
            if being_cleaned {
                if !background::wait_for(&spec.key, config.reset_timeout) {
                    let mut state = lock();
                    let abandoned = background::abandon(&spec.key);
                    abandon_cleanings(&mut state, [(spec.key.clone(), abandoned)]);
                }
                continue;
            }
            return Ok(None);
        };
        // The liveness check may ping, or ask the driver.
        match fork_gate::inside(|| check_idle(&mut link, settings, config, now)) {
            Check::Alive { pinged } => {
                if pinged {
                    lock().counters.pings += 1;
                }
                link.hand_out(now);
                *slot.lock() = Some(link);
                request::add(handle, slot, LinkKind::Persistent, Some(spec.key.clone()));
                return Ok(Some(handle));
            }
            Check::Discard { reason, pinged } => {
                {
                    let mut state = lock();
                    state.counters.reused -= 1;
                    state.counters.pings += u64::from(pinged);
                    if reason == DiscardReason::Broken {
                        state.counters.dead_replaced += 1;
                    }
                    state.unregister_lease(handle, slot);
                }
                close_link(link, Some(reason));
            }
        }
    }
}
