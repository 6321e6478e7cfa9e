//! A link: one ODBC connection and everything pconn knows about it — its kind, its baseline, what
//! the current request changed, its last error, its open results, its age and use count.

use crate::config::{LinkSettings, ResetPolicy};
use crate::diag::{Diagnostic, StoredError};
use crate::error::{Error, Result};
use crate::key::{ConnSpec, LinkKey};
use crate::odbc::{check, environment};
use crate::reset::{self, Dbms, SessionBaseline};
use crate::socket::{Peer, SocketFds, WatchedSocket};
use crate::statement::ResultSet;
use odbc_api::handles::{self, StatementImpl};
use std::sync::Arc;
use std::time::Instant;

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

/// What the current request changed through the API, so request end restores exactly that
/// (HikariCP's "dirty bits").
#[derive(Debug, Default, Clone, Copy)]
pub struct DirtyMarks {
    /// Any SQL ran, or anything else that may have changed server-side state.
    pub session_touched: bool,
    /// The caller took the raw ODBC handle: pconn cannot see what was done through it.
    pub raw_handle_used: bool,
    pub autocommit: bool,
    pub isolation: bool,
    pub read_only: bool,
    pub catalog: bool,
    /// Words seen in the request's SQL that tell which parts of a SQLite reset are needed
    /// ([`crate::reset::SqlWords`]); all of them once the raw handle was used.
    pub(crate) sql_words: crate::reset::SqlWords,
}

impl DirtyMarks {
    pub fn any(&self) -> bool {
        self.session_touched || self.raw_handle_used || self.autocommit || self.isolation || self.read_only || self.catalog
    }
}

/// What a link's socket says about its server session, without a round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketVerdict {
    /// No socket is known for this link (the driver has none, or it could not be told apart).
    Unknown,
    /// Connected, nothing unexpected waiting.
    Alive,
    /// The peer closed or reset the connection.
    Dead,
    /// The server sent something unasked, or the descriptor no longer names the link's socket:
    /// only a round trip can tell.
    Doubtful,
}

/// What a cleaning did, for the statistics.
#[derive(Debug, Default, Clone, Copy)]
pub struct CleanReport {
    pub rolled_back: bool,
    pub reset: bool,
}

pub struct Link {
    /// `None` once disconnected or forgotten.
    conn: Option<handles::Connection<'static>>,
    pub kind: LinkKind,
    pub key: LinkKey,
    pub dbms: Dbms,
    /// Shared with the cache of resolved settings: handing the link out compares pointers first.
    pub settings: Arc<LinkSettings>,
    pub(crate) baseline: SessionBaseline,
    pub(crate) autocommit: bool,
    pub dirty: DirtyMarks,
    pub error: Option<StoredError>,
    pub(crate) results: crate::prepared::SlotMap<ResultSet>,
    pub(crate) next_result_slot: u32,
    /// Prepared statements (see `prepared.rs`); freed after `results`, which may read them.
    pub(crate) statements: crate::prepared::Statements,
    pub opened_at: Instant,
    pub last_used: Instant,
    pub uses: u64,
    /// 0.9–1.0: this link's share of `max_lifetime`, so a worker pool's links do not all
    /// reconnect in the same second.
    pub lifetime_jitter: f64,
    /// The server connection is gone (or a call failed in a way that makes the session unknown):
    /// never hand this link out again.
    pub broken: bool,
    /// The pid that opened the connection; only that process may send anything on it.
    pub owner_pid: u32,
    /// The driver's socket, when it could be found at open: checked at every hand-out.
    socket: Option<WatchedSocket>,
    /// The thread that returned the link to the idle pool last (a number of the registry's): the
    /// next hand-out to that thread prefers it.
    pub(crate) returned_by: u64,
    /// The host-wide slot the link holds from connect to disconnect, under a host cap; freed when
    /// the link is dropped, after its disconnect.
    pub host_slot: Option<crate::host_slots::HostSlot>,
}

impl Link {
    /// Opens a new connection for `spec`.
    pub fn open(spec: &ConnSpec, kind: LinkKind, settings: Arc<LinkSettings>, login_timeout: u32) -> Result<Link> {
        let env = environment()?;
        let options = odbc_api::ConnectionOptions {
            login_timeout_sec: (login_timeout > 0).then_some(login_timeout),
            packet_size: None,
        };
        let conn_str = spec.driver_connection_string();
        // The socket the driver opens is the one new connected stream socket of the process once
        // it has connected (see socket.rs).
        let sockets_before = SocketFds::snapshot();
        let conn = env.connect_with_connection_string(conn_str.as_str(), options).map_err(|e| {
            let mut diag = Diagnostic::from_odbc_error(&e);
            diag.scrub_literal(spec.password());
            Error::Database(diag)
        })?;
        let socket = sockets_before.and_then(|before| SocketFds::snapshot()?.new_stream_since(&before));
        drop(conn_str);
        let conn = conn.into_handle();
        let mut link = Link {
            conn: Some(conn),
            kind,
            key: spec.key.clone(),
            dbms: Dbms::Other,
            settings,
            baseline: SessionBaseline::default(),
            autocommit: true,
            dirty: DirtyMarks::default(),
            error: None,
            results: Default::default(),
            next_result_slot: 1,
            statements: Default::default(),
            opened_at: Instant::now(),
            last_used: Instant::now(),
            uses: 0,
            lifetime_jitter: lifetime_jitter(),
            broken: false,
            owner_pid: std::process::id(),
            socket,
            returned_by: 0,
            host_slot: None,
        };
        link.dbms = Dbms::detect(link.connection()?);
        match reset::capture_baseline(&mut link) {
            Ok(baseline) => link.baseline = baseline,
            Err(error) => {
                link.disconnect();
                return Err(error);
            }
        }
        Ok(link)
    }

    pub fn connection(&self) -> Result<&handles::Connection<'static>> {
        self.conn.as_ref().ok_or(Error::InvalidHandle("link"))
    }

    pub fn raw_hdbc(&mut self) -> Result<odbc_api::sys::HDbc> {
        let hdbc = self.connection()?.as_sys();
        self.dirty.raw_handle_used = true;
        self.dirty.session_touched = true;
        self.dirty.sql_words = crate::reset::SqlWords::all();
        Ok(hdbc)
    }

    /// Records a failure's consequences on the link: a lost connection breaks it.
    pub fn note<T>(&mut self, result: Result<T>) -> Result<T> {
        if let Err(Error::Broken(_)) = &result {
            self.broken = true;
        }
        result
    }

    /// The driver's own dead-connection attribute: no round trip.
    pub fn is_dead_locally(&self) -> bool {
        match &self.conn {
            Some(conn) => !matches!(conn.is_dead(), handles::SqlResult::Success(false) | handles::SqlResult::SuccessWithInfo(false)),
            None => true,
        }
    }

    /// The kernel's view of the link's socket: one `poll` with no timeout, and an `fstat` only
    /// when that reports the socket closed or failed. For idle links of the process that opened them
    /// (the registry forgets links inherited across fork before anything looks at them).
    pub fn socket_verdict(&self) -> SocketVerdict {
        let Some(socket) = &self.socket else { return SocketVerdict::Unknown };
        match socket.peek() {
            Peer::Quiet => SocketVerdict::Alive,
            Peer::Spoke => SocketVerdict::Doubtful,
            Peer::Closed | Peer::Failed if socket.is_still_ours() => SocketVerdict::Dead,
            // The number was closed (and maybe reused): not the link's socket any more, so its
            // state says nothing about the session.
            Peer::Closed | Peer::Failed => SocketVerdict::Doubtful,
        }
    }

    /// A real round trip to the server.
    pub fn ping(&mut self) -> Result<()> {
        let sql = self.settings.ping_sql.clone();
        let result = self.run_internal(&sql).map(drop);
        self.note(result)
    }

    /// Runs SQL for pconn's own purposes (ping, reset), reading and discarding any rows.
    pub fn run_internal(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let stmt = self.allocate_statement()?;
        let mut result = ResultSet::execute(stmt, sql)?;
        let mut rows = Vec::new();
        if result.column_count() > 0 {
            while result.fetch()? {
                let row = (1..=result.column_count())
                    .map(|col| {
                        result.text(col).map(|v| {
                            v.map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len() - 1]).into_owned())
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                rows.push(row);
            }
        }
        result.close()?;
        Ok(rows)
    }

    pub(crate) fn allocate_statement(&self) -> Result<StatementImpl<'static>> {
        let conn = self.connection()?;
        let stmt = check(conn.allocate_statement(), conn)?;
        // SAFETY: the statement is owned by this link (directly or through `results`) and every one
        // is freed before `conn` is disconnected or freed, which is what the lifetime guarded.
        Ok(unsafe { StatementImpl::new(stmt.into_sys()) })
    }

    /// Records that the request ran `sql`: the session may have changed. Only SQLite's reset
    /// reads the words of the SQL, so other links skip the scan.
    pub(crate) fn note_caller_sql(&mut self, sql: &str) {
        self.dirty.session_touched = true;
        if self.dbms == Dbms::Sqlite {
            self.dirty.sql_words |= crate::reset::SqlWords::scan(sql);
        }
    }

    /// Executes caller SQL; returns the slot of its result.
    pub fn execute(&mut self, sql: &str) -> Result<u32> {
        self.note_caller_sql(sql);
        let mode = self.fetch_mode()?;
        let executed = self.allocate_statement().and_then(|stmt| ResultSet::execute_with(stmt, sql, mode));
        let result = self.note(executed)?;
        let slot = self.next_result_slot;
        self.next_result_slot = self.next_result_slot.wrapping_add(1).max(1);
        self.results.insert(slot, result);
        Ok(slot)
    }

    pub fn result_mut(&mut self, slot: u32) -> Result<&mut ResultSet> {
        self.results.get_mut(&slot).ok_or(Error::InvalidHandle("result"))
    }

    pub fn fetch(&mut self, slot: u32) -> Result<bool> {
        let fetched = self.result_mut(slot)?.fetch();
        self.note(fetched)
    }

    pub fn free_result(&mut self, slot: u32) -> Result<()> {
        let result = self.results.remove(&slot).ok_or(Error::InvalidHandle("result"))?;
        let closed = result.close();
        self.note(closed)
    }

    pub fn open_results(&self) -> usize {
        self.results.len()
    }

    pub fn autocommit(&self) -> bool {
        self.autocommit
    }

    pub fn set_autocommit(&mut self, on: bool) -> Result<()> {
        let conn = self.connection()?;
        let set = check(conn.set_autocommit(on), conn);
        self.note(set)?;
        self.autocommit = on;
        self.dirty.autocommit = on != self.baseline.autocommit;
        self.dirty.session_touched = true;
        Ok(())
    }

    pub fn commit(&mut self) -> Result<()> {
        let conn = self.connection()?;
        let done = check(conn.commit(), conn);
        self.note(done)
    }

    pub fn rollback(&mut self) -> Result<()> {
        let conn = self.connection()?;
        let done = check(conn.rollback(), conn);
        self.note(done)
    }

    /// Request end for this link, short of disconnecting: free results, roll back, restore
    /// attributes, reset the session, clear the error. Any failure means the link must be discarded.
    ///
    /// A link the request never touched costs nothing here: no statement ran, so there is nothing
    /// to roll back or reset, and no server round trip is made.
    /// Whether cleaning this link at request end will wait for the server: a session reset
    /// (unless the DBMS runs in-process, as SQLite does) or the rollback of a manual-commit
    /// transaction. Only then is handing it to the background thread worth the thread switch.
    pub fn cleaning_waits_for_server(&self) -> bool {
        if !self.dirty.any() || self.dbms == Dbms::Sqlite {
            return false;
        }
        let resets = self.dirty.session_touched && self.settings.reset != ResetPolicy::None;
        resets || !self.autocommit
    }

    pub fn clean(&mut self) -> Result<CleanReport> {
        let mut report = CleanReport::default();
        self.error = None;
        let mut first_error = None;
        for (_, result) in self.results.drain() {
            if let Err(error) = result.close() {
                first_error.get_or_insert(error);
            }
        }
        self.statements.clear();
        if let Some(error) = first_error {
            return self.note(Err(error));
        }
        if !self.dirty.any() {
            return Ok(report);
        }
        // Roll back first: switching autocommit back on would otherwise commit the open work.
        self.rollback()?;
        report.rolled_back = true;
        if self.autocommit != self.baseline.autocommit {
            let conn = self.connection()?;
            let restored = check(conn.set_autocommit(self.baseline.autocommit), conn);
            self.note(restored)?;
            self.autocommit = self.baseline.autocommit;
        }
        self.restore_attributes()?;
        if self.dirty.session_touched && self.settings.reset != ResetPolicy::None {
            let outcome = reset::reset_session(self);
            self.note(outcome)?;
            report.reset = true;
        }
        self.dirty = DirtyMarks::default();
        self.error = None;
        Ok(report)
    }

    pub fn baseline(&self) -> &SessionBaseline {
        &self.baseline
    }

    /// Graceful close: free results, roll back, disconnect. Never panics; a connection that cannot
    /// be disconnected is leaked rather than freed while connected.
    pub fn disconnect(&mut self) {
        self.results.clear();
        self.statements.clear();
        if let Some(mut conn) = self.conn.take() {
            let _ = conn.rollback();
            match conn.disconnect() {
                handles::SqlResult::Success(()) | handles::SqlResult::SuccessWithInfo(()) => drop(conn),
                // Freeing a handle that is still connected fails, and odbc-api panics on that.
                _ => std::mem::forget(conn),
            }
        }
    }

    /// Forgets the connection without a byte sent on its socket: for links inherited across fork,
    /// whose socket belongs to the parent's session.
    pub fn forget(mut self) {
        let results = std::mem::take(&mut self.results);
        std::mem::forget(results);
        std::mem::forget(std::mem::take(&mut self.statements));
        if let Some(conn) = self.conn.take() {
            std::mem::forget(conn);
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        if self.conn.is_none() {
            return;
        }
        if self.owner_pid == std::process::id() {
            self.disconnect();
        } else {
            let results = std::mem::take(&mut self.results);
            std::mem::forget(results);
            std::mem::forget(std::mem::take(&mut self.statements));
            if let Some(conn) = self.conn.take() {
                std::mem::forget(conn);
            }
        }
    }
}

fn lifetime_jitter() -> f64 {
    let mut bytes = [0u8; 2];
    // SAFETY: valid buffer of the given length.
    unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), libc::GRND_NONBLOCK) };
    0.9 + 0.1 * (u16::from_ne_bytes(bytes) as f64 / u16::MAX as f64)
}
