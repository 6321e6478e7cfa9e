//! The pool's link: a server session plus what the pool keeps about it — its kind and key, its
//! last error, its age, use count and idle time, and which thread returned it last.

use super::host_slots::HostSlot;
use crate::config::LinkSettings;
use crate::error::{Error, Result};
use crate::key::{ConnSpec, LinkKey};
use crate::last_error::{ErrorSlot, LastError};
use crate::os;
use crate::session::{CleanReport, Session};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest a disconnect under a host cap waits for the server to end the session before its
/// slot goes back anyway: a server that is slow to let go makes the cap approximate, never a hang.
const SESSION_END_WAIT: Duration = Duration::from_secs(2);

/// How long a link lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// `pconn_pconnect`: returned to the process's idle pool at request end.
    Persistent,
    /// `pconn_connect`: shared by identical calls within one request, closed at request end.
    RequestScoped,
    /// `pconn_new_connect`: always its own connection, closed at close or request end.
    Fresh,
}

pub struct Link {
    session: Session,
    kind: LinkKind,
    key: LinkKey,
    /// The error of the last call on the link, for `pconn_errmsg(link)` and its siblings.
    error: ErrorSlot,
    opened_at: Instant,
    last_used: Instant,
    uses: u64,
    /// 0.9–1.0: this link's share of `max_lifetime`, so a worker pool's links do not all
    /// reconnect in the same second.
    lifetime_jitter: f64,
    /// The thread that returned the link to the idle pool last (a number of the pool's): the next
    /// hand-out to that thread prefers it.
    returned_by: u64,
    /// The host-wide slot the link holds from connect to disconnect, under a host cap (see
    /// `host_slots.rs`). Declared last, so dropped last: freed after the session's disconnect.
    host_slot: Option<HostSlot>,
}

impl Link {
    /// Opens a new session for `spec`.
    pub fn open(spec: &ConnSpec, kind: LinkKind, settings: Arc<LinkSettings>, login_timeout: u32) -> Result<Link> {
        let session = Session::open(spec, settings, login_timeout)?;
        let now = Instant::now();
        Ok(Link {
            session,
            kind,
            key: spec.key.clone(),
            error: ErrorSlot::default(),
            opened_at: now,
            last_used: now,
            uses: 0,
            lifetime_jitter: lifetime_jitter(),
            returned_by: 0,
            host_slot: None,
        })
    }

    /// Runs a caller's call on the session: the one place a link's last error is cleared (before)
    /// and set (on failure). A lost connection marks the session broken.
    pub fn call<T>(&mut self, call: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        self.error.clear();
        self.session.begin_call();
        let result = call(&mut self.session);
        self.session.end_call();
        if let Err(error) = &result {
            if let Error::Broken(_) = error {
                self.session.mark_broken();
            }
            self.error.set(error);
        }
        result
    }

    pub fn last_error(&self) -> Option<&LastError> {
        self.error.get()
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    pub fn kind(&self) -> LinkKind {
        self.kind
    }

    pub fn key(&self) -> &LinkKey {
        &self.key
    }

    pub fn opened_at(&self) -> Instant {
        self.opened_at
    }

    pub fn last_used(&self) -> Instant {
        self.last_used
    }

    pub fn uses(&self) -> u64 {
        self.uses
    }

    pub fn lifetime_jitter(&self) -> f64 {
        self.lifetime_jitter
    }

    pub fn returned_by(&self) -> u64 {
        self.returned_by
    }

    /// Counts a hand-out at `now`.
    pub fn hand_out(&mut self, now: Instant) {
        self.uses += 1;
        self.last_used = now;
    }

    /// Records which thread's request ended the lease: that thread gets this link back first.
    pub fn returned_by_thread(&mut self, thread: u64) {
        self.returned_by = thread;
    }

    /// Records when the link's lease ended, which is when it became idle (for `idle_timeout`, and
    /// for which idle link is closed first to make room).
    pub fn idle_since(&mut self, at: Instant) {
        self.last_used = at;
    }

    /// Gives the link the host-wide slot taken for it before it was opened.
    pub fn hold_host_slot(&mut self, slot: Option<HostSlot>) {
        self.host_slot = slot;
    }

    pub fn host_slot(&self) -> Option<&HostSlot> {
        self.host_slot.as_ref()
    }

    /// Whether another process on the host waits for the host-wide slot this link holds: kept
    /// idle, the link would keep it from them.
    pub fn host_slot_wanted(&self) -> bool {
        self.host_slot.as_ref().is_some_and(HostSlot::wanted)
    }

    /// Request end for the link: its error is cleared and its session cleaned.
    pub fn clean(&mut self) -> Result<CleanReport> {
        self.error.clear();
        self.session.clean()
    }

    /// Whether the link's session is broken.
    pub fn is_broken(&self) -> bool {
        self.session.is_broken()
    }

    /// Disconnects. Under a host cap the slot goes back only once the server has ended the
    /// session, not when the driver has sent its goodbye: a server process still exiting counts
    /// against `max_connections`, and the next process's connect would find it there.
    pub fn disconnect(&mut self) {
        let held = self.host_slot.as_ref().and_then(|_| self.session.hold_socket());
        self.session.disconnect();
        if let Some(held) = held {
            held.wait_closed_by_server(SESSION_END_WAIT);
        }
        self.host_slot = None;
    }

    /// Forgets the session without a byte sent on its socket (see [`Session::forget`]).
    pub fn forget(self) {
        self.session.forget();
    }
}

/// This link's share of `max_lifetime`: 0.9 to 1.0.
fn lifetime_jitter() -> f64 {
    let mut bytes = [0u8; 2];
    os::random_bytes(&mut bytes, false);
    0.9 + 0.1 * (u16::from_ne_bytes(bytes) as f64 / u16::MAX as f64)
}
