//! The limits: how many links may be open (per key, persistent, in all), what happens to the idle
//! links when one more is wanted, when a link has lived or idled too long, and the sweep that
//! closes idle links past their time.

use super::host_slots::{self, SlotProbe};
use super::link::{Link, LinkKind};
use super::state::{State, close_link, lock};
use crate::config::{Config, LinkSettings};
use crate::error::{Error, Result};
use crate::key::ConnSpec;
use crate::stats::DiscardReason;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Idle links are checked for timeouts at most this often, on ordinary calls: no background thread.
const SWEEP_EVERY: Duration = Duration::from_millis(500);

impl State {
    /// Takes the idle link unused longest, of any key, to make room under a limit. (A persistent
    /// connect reaches the limits only after taking its own key's idle links, so they are never
    /// closed to make room for themselves.)
    pub(super) fn take_oldest_idle(&mut self) -> Option<Box<Link>> {
        let links = self
            .keys
            .values_mut()
            .filter(|links| !links.idle.is_empty())
            .min_by_key(|links| links.idle[0].last_used())?;
        let link = links.idle.remove(0);
        self.idle_total -= 1;
        Some(link)
    }

    /// Takes out idle links past their idle timeout or lifetime, at most every [`SWEEP_EVERY`];
    /// the caller closes them after unlocking.
    pub(super) fn sweep(&mut self, config: &Config, now: Instant, expired: &mut Vec<(Box<Link>, DiscardReason)>) {
        if config.idle_timeout.is_none() && config.max_lifetime.is_none() {
            return;
        }
        if now.saturating_duration_since(self.last_sweep) < SWEEP_EVERY {
            return;
        }
        self.last_sweep = now;
        let before = expired.len();
        for links in self.keys.values_mut() {
            let mut i = 0;
            while i < links.idle.len() {
                if let Some(reason) = expiry(&links.idle[i], config, now, true) {
                    expired.push((links.idle.remove(i), reason));
                } else {
                    i += 1;
                }
            }
        }
        self.idle_total -= expired.len() - before;
    }
}

/// Why an idle link may not be handed out any more, if it may not. `idle` says whether the link
/// has been idle until `now` (at request end it has just been used, and the idle timeout does
/// not apply).
pub(super) fn expiry(link: &Link, config: &Config, now: Instant, idle: bool) -> Option<DiscardReason> {
    if let Some(limit) = config.max_uses
        && link.uses() >= limit
    {
        return Some(DiscardReason::Uses);
    }
    if let Some(lifetime) = config.max_lifetime
        && now.saturating_duration_since(link.opened_at()) >= lifetime.mul_f64(link.lifetime_jitter())
    {
        return Some(DiscardReason::Lifetime);
    }
    if idle
        && let Some(timeout) = config.idle_timeout
        && now.saturating_duration_since(link.last_used()) >= timeout
    {
        return Some(DiscardReason::IdleTimeout);
    }
    None
}

/// Closes idle links past their idle timeout or lifetime. Runs lazily on connects that do not
/// hand out an idle link (those sweep in the same lock acquisition as the hand-out).
pub(super) fn sweep_idle(config: &Config) {
    if config.idle_timeout.is_none() && config.max_lifetime.is_none() {
        return;
    }
    let mut expired = Vec::new();
    lock().sweep(config, Instant::now(), &mut expired);
    for (link, reason) in expired {
        close_link(link, Some(reason));
    }
}

/// Opens a new link, first making room under the limits by closing idle links; refuses with
/// [`Error::Limit`] naming the limit when there is no room.
pub(super) fn open_within_limits(spec: &ConnSpec, kind: LinkKind, settings: &Arc<LinkSettings>, config: &Config) -> Result<Box<Link>> {
    let persistent = kind == LinkKind::Persistent;
    let mut to_close = Vec::new();
    let reserved = {
        let mut state = lock();
        let reserved = loop {
            let per_key = state.keys.get(&spec.key).map_or(0, |links| links.persistent);
            let blocked_by = if persistent && config.max_per_key.is_some_and(|max| per_key >= max) {
                // Every link of this key is in use (its idle ones were just checked out or closed).
                Some(("max_per_key", config.max_per_key.unwrap_or(0), false))
            } else if persistent && config.max_persistent.is_some_and(|max| state.persistent_total >= max) {
                Some(("max_persistent", config.max_persistent.unwrap_or(0), true))
            } else if config.max_links.is_some_and(|max| state.links_total >= max) {
                Some(("max_links", config.max_links.unwrap_or(0), true))
            } else {
                None
            };
            match blocked_by {
                None => break Ok(()),
                Some((name, max, true)) => match state.take_oldest_idle() {
                    Some(link) => {
                        // Counted as gone now so the loop sees the room; closed after unlocking.
                        let (k, key) = (link.kind(), link.key().clone());
                        state.forget_link_counts(k, &key);
                        to_close.push(link);
                    }
                    None => break Err((name, max)),
                },
                Some((name, max, false)) => break Err((name, max)),
            }
        };
        // A refusal is counted by the caller: under on_limit=fallback it is not one.
        if reserved.is_ok() {
            state.links_total += 1;
            if persistent {
                state.persistent_total += 1;
                state.keys.entry(spec.key.clone()).or_default().persistent += 1;
            }
        }
        for _ in &to_close {
            state.counters.discard(DiscardReason::Limit);
        }
        reserved
    };
    for mut link in to_close {
        link.disconnect();
    }
    if let Err((name, max)) = reserved {
        return Err(Error::Limit(format!(
            "{name} ({max}) reached: no {} link can be opened now",
            if persistent { "persistent" } else { "new" }
        )));
    }
    // Taken before connecting, so that no more sessions than the cap ever reach the server.
    let host_slot = match host_slots::acquire(config, &spec.key, spec.secret_values()) {
        Ok(slot) => {
            if slot.is_some() {
                host_slots::watch_idle_links(close_wanted_idle);
            }
            slot
        }
        Err(error) => {
            lock().forget_link_counts(kind, &spec.key);
            return Err(error);
        }
    };
    match Link::open(spec, kind, settings.clone(), config.login_timeout) {
        Ok(mut link) => {
            link.hold_host_slot(host_slot);
            lock().counters.opened += 1;
            Ok(Box::new(link))
        }
        Err(error) => {
            let mut state = lock();
            state.forget_link_counts(kind, &spec.key);
            state.counters.failed_connects += 1;
            Err(error)
        }
    }
}

/// Closes idle links whose host-wide slot another process waits for (see `host_slots.rs`): run by
/// the host-slot watcher thread, since an idle worker reaches no request end. The slots are asked
/// about outside the registry lock (a system call each); a link handed out meanwhile is left alone.
fn close_wanted_idle() {
    let probes: Vec<(*const Link, SlotProbe)> = {
        let state = lock();
        let idle = state.keys.values().flat_map(|links| links.idle.iter());
        idle.filter_map(|link| Some((&**link as *const Link, link.host_slot()?.probe()))).collect()
    };
    // Pointers compared only, never followed: a link still idle is still at the same address.
    let wanted: Vec<*const Link> = probes.into_iter().filter(|(_, probe)| probe.wanted()).map(|(link, _)| link).collect();
    if wanted.is_empty() {
        return;
    }
    let mut to_close = Vec::new();
    {
        let mut state = lock();
        for links in state.keys.values_mut() {
            while let Some(at) = links.idle.iter().position(|link| wanted.contains(&(&**link as *const Link))) {
                to_close.push(links.idle.remove(at));
            }
        }
        state.idle_total -= to_close.len();
    }
    for link in to_close {
        close_link(link, Some(DiscardReason::Limit));
    }
}
