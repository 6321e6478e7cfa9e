//! A session: one ODBC connection to a server and everything pconn knows about it — the DBMS, the
//! baseline it returns to, what the current request changed (dirty marks), its open result sets
//! and statements, and the internal statements pconn runs on it (ping, reset). The pool's link is
//! a session plus the pool's bookkeeping (`pool/link.rs`).

use crate::config::{LinkSettings, ResetPolicy};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::key::ConnSpec;
use crate::odbc::{self, check, check_reported, connection, environment};
use std::ffi::{CStr, CString};
use reset::{Dbms, SessionBaseline};
use crate::socket::{HeldSocket, Peer, SocketFds, WatchedSocket};
use crate::odbc::result_set::ResultSet;
use odbc_api::handles::{self, StatementImpl};
use std::sync::Arc;

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
    /// ([`crate::session::sqlite::SqlWords`]); all of them once the raw handle was used.
    pub(crate) sql_words: crate::session::sqlite::SqlWords,
    /// A PostgreSQL statement of the request rolled back by SQL (`rollback_flag.rs`).
    pub(crate) rolled_back_by_sql: bool,
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
    /// The reset could not be trusted (`canary.rs`): the link is to be replaced, not reused.
    pub replace: bool,
}

/// One server session. Its fields are private to `session/`: the layers above go through methods.
pub struct Session {
    /// `None` once disconnected or forgotten.
    conn: Option<handles::Connection<'static>>,
    dbms: Dbms,
    /// Shared with the cache of resolved settings: handing the link out compares pointers first.
    settings: Arc<LinkSettings>,
    baseline: SessionBaseline,
    autocommit: bool,
    dirty: DirtyMarks,
    result_sets: slots::SlotMap<ResultSet>,
    next_result_set_slot: u32,
    /// Prepared statements (see `slots.rs`); freed after `result_sets`, which may read them.
    statements: slots::Statements,
    /// The statement pconn's own SQL runs on (resets, pings): kept, as allocating one per reset
    /// would cost more than the rest of the reset on the client.
    own_statement: Option<StatementImpl<'static>>,
    /// The statement of the caller's last freed result, for the caller's next execution: one
    /// allocation per query saved (see `ResultSet::close_for_reuse`).
    spare_statement: Option<StatementImpl<'static>>,
    /// The server connection is gone (or a call failed in a way that makes the session unknown):
    /// never hand this session out again.
    broken: bool,
    /// The pid that opened the connection; only that process may send anything on it.
    owner_pid: u32,
    /// The driver's socket, when it could be found at open: checked at every hand-out.
    socket: Option<WatchedSocket>,
    /// The info records (SQLSTATE, message) of the caller's last call, NUL-terminated for C.
    info: Vec<(CString, CString)>,
    /// What the driver calls the DBMS (`SQL_DBMS_NAME`), NUL-terminated for C.
    dbms_name: CString,
    /// The session's reset passed its canary check (`canary.rs`); not checked again.
    reset_verified: bool,
}

impl Session {
    /// Opens a new connection for `spec`.
    pub fn open(spec: &ConnSpec, settings: Arc<LinkSettings>, login_timeout: u32) -> Result<Session> {
        let env = environment()?;
        let options = odbc_api::ConnectionOptions {
            login_timeout_sec: (login_timeout > 0).then_some(login_timeout),
            packet_size: None,
        };
        let extra: String = [
            postgres::startup_settings_attribute(spec.driver_attributes()),
            pooler::driver_attributes(settings.pooler, spec.driver_attributes())?,
        ]
        .into_iter()
        .flatten()
        .collect();
        let conn_str = spec.driver_connection_string((!extra.is_empty()).then_some(extra.as_str()));
        // The socket the driver opens is the one new connected stream socket of the process once
        // it has connected (see socket.rs).
        let sockets_before = SocketFds::snapshot();
        // The driver stack frees its copies of the string unwiped, UTF-16 ones included (see
        // os/freed_heap.rs): they are wiped on the connecting thread, on success and on a failed
        // login alike.
        let wipe_after = if spec.secret_values().any(|secret| !secret.is_empty()) { 4 * (conn_str.as_str().len() + 1) } else { 0 };
        let conn = deadline::connect(env, conn_str, options, login_timeout, wipe_after).map_err(|error| match error {
            deadline::ConnectError::Driver(e) => {
                let mut diag = Diagnostic::from_odbc_error(&e);
                for secret in spec.secret_values() {
                    diag.scrub_literal(secret);
                }
                Error::Database(diag)
            }
            deadline::ConnectError::TimedOut(error) => error,
        })?;
        let socket = sockets_before.and_then(|before| SocketFds::snapshot()?.new_stream_since(&before));
        let conn = conn.into_handle();
        let mut link = Session {
            conn: Some(conn),
            dbms: Dbms::Other,
            settings,
            baseline: SessionBaseline::default(),
            autocommit: true,
            dirty: DirtyMarks::default(),
            result_sets: Default::default(),
            next_result_set_slot: 1,
            statements: Default::default(),
            own_statement: None,
            spare_statement: None,
            broken: false,
            owner_pid: std::process::id(),
            socket,
            info: Vec::new(),
            dbms_name: CString::default(),
            reset_verified: false,
        };
        let name = reset::dbms_name(link.connection()?);
        link.dbms = Dbms::from_name(&name);
        link.dbms_name = CString::new(name.replace('\0', " ")).unwrap_or_default();
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
        self.dirty.sql_words = crate::session::sqlite::SqlWords::all();
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
        let mut stmt = match self.own_statement.take() {
            Some(stmt) => stmt,
            None => self.allocate_statement()?,
        };
        let rows = ResultSet::execute_on_kept(&mut stmt, sql, |result| {
            let mut rows = Vec::new();
            while result.column_count() > 0 && result.fetch()? {
                let row = (1..=result.column_count())
                    .map(|col| {
                        result.text(col).map(|v| v.map(|bytes| String::from_utf8_lossy(&bytes[..bytes.len() - 1]).into_owned()))
                    })
                    .collect::<Result<Vec<_>>>()?;
                rows.push(row);
            }
            Ok(rows)
        })?;
        // Kept only after a success (a failed one is freed on the way out).
        if self.keeps_statement_handles() {
            self.own_statement = Some(stmt);
        }
        Ok(rows)
    }

    pub(crate) fn allocate_statement(&self) -> Result<StatementImpl<'static>> {
        // Every statement is kept by this session (directly or through `result_sets`) and freed
        // before the connection is disconnected or freed (see `disconnect`, `forget`, `Drop`).
        connection::allocate_statement(self.connection()?)
    }

    /// Checks caller SQL before it is sent (`COPY` from or to the client is refused: see
    /// `copy.rs`), and records that the request ran it: the session may have changed. SQLite's
    /// reset reads the words of the SQL; on PostgreSQL, only a rolling-back statement matters
    /// (`rollback_flag.rs`), and most SQL is ruled out by a byte scan. The SQL is bytes (UTF-8 or
    /// the driver's narrow encoding): these checks look at ASCII words only.
    pub(crate) fn note_caller_sql(&mut self, sql: &[u8]) -> Result<()> {
        copy::refuse_client_copy(sql)?;
        self.dirty.session_touched = true;
        match self.dbms {
            Dbms::Sqlite => self.dirty.sql_words |= crate::session::sqlite::SqlWords::scan(sql),
            Dbms::PostgreSql if !self.dirty.rolled_back_by_sql => self.dirty.rolled_back_by_sql = rollback_flag::rolls_back(sql),
            _ => {}
        }
        Ok(())
    }

    /// Executes caller SQL (the bytes given: UTF-8 or the driver's narrow encoding); returns the
    /// slot of its result.
    pub fn execute(&mut self, sql: &[u8]) -> Result<u32> {
        self.note_caller_sql(sql)?;
        let mode = self.fetch_mode()?;
        let stmt = match self.spare_statement.take() {
            Some(stmt) => Ok(stmt),
            None => self.allocate_statement(),
        };
        let executed = stmt.and_then(|stmt| ResultSet::execute_with(stmt, sql, mode));
        let result = self.note(executed)?;
        Ok(self.insert_result_set(result))
    }

    pub fn result_set_mut(&mut self, slot: u32) -> Result<&mut ResultSet> {
        self.result_sets.get_mut(&slot).ok_or(Error::InvalidHandle("result"))
    }

    pub fn fetch(&mut self, slot: u32) -> Result<bool> {
        let fetched = self.result_set_mut(slot)?.fetch();
        self.note(fetched)
    }

    pub fn free_result_set(&mut self, slot: u32) -> Result<()> {
        let result = self.result_sets.remove(&slot).ok_or(Error::InvalidHandle("result"))?;
        let closed = self.retire(result);
        self.note(closed)
    }

    /// Closes a result the caller is done with; keeps its statement for the next execution.
    fn retire(&mut self, result: ResultSet) -> Result<()> {
        if let Some(stmt) = result.close_for_reuse()?
            && self.spare_statement.is_none()
            && self.keeps_statement_handles()
        {
            self.spare_statement = Some(stmt);
        }
        Ok(())
    }

    pub fn open_result_sets(&self) -> usize {
        self.result_sets.len()
    }

    pub fn autocommit(&self) -> bool {
        self.autocommit
    }

    pub fn set_autocommit(&mut self, on: bool) -> Result<()> {
        let conn = self.connection()?;
        let set = check_reported(conn.set_autocommit(on), conn).map(drop);
        self.note(set)?;
        self.autocommit = on;
        self.dirty.autocommit = on != self.baseline.autocommit;
        self.dirty.session_touched = true;
        Ok(())
    }

    pub fn commit(&mut self) -> Result<()> {
        let conn = self.connection()?;
        let done = check_reported(conn.commit(), conn).map(drop);
        self.note(done)
    }

    pub fn rollback(&mut self) -> Result<()> {
        let conn = self.connection()?;
        let done = check_reported(conn.rollback(), conn).map(drop);
        self.note(done)
    }

    /// Starts a call the caller made: the info records of the previous one are dropped.
    pub fn begin_call(&mut self) {
        self.info.clear();
        odbc::take_info();
    }

    /// Ends a call the caller made: keeps the info records (SQL_SUCCESS_WITH_INFO) the driver
    /// returned to it, until the next call.
    pub fn end_call(&mut self) {
        self.info.extend(odbc::take_info().into_iter().map(|record| {
            let to_text = |text: String| CString::new(text.replace('\0', " ")).unwrap_or_default();
            (to_text(record.sqlstate), to_text(record.message))
        }));
    }

    /// What the driver calls the DBMS ("PostgreSQL", "SQLite", "MariaDB"…; "" if it does not say).
    pub fn dbms_name(&self) -> &CStr {
        &self.dbms_name
    }

    /// The info records (SQLSTATE, message) of the caller's last call on this session.
    pub fn info(&self) -> &[(CString, CString)] {
        &self.info
    }

    /// Whether cleaning this link at request end will wait for the server: a session reset
    /// (unless the DBMS runs in-process, as SQLite does) or the rollback of a manual-commit
    /// transaction. Only then is handing it to the background thread worth the thread switch.
    pub fn cleaning_waits_for_server(&self) -> bool {
        if !self.dirty.any() || self.dbms == Dbms::Sqlite {
            return false;
        }
        resets_session(self) || !self.autocommit
    }

    /// Request end for this session, short of disconnecting: free result sets and statements,
    /// roll back, restore attributes, reset the session. Any failure means the link must be
    /// discarded.
    ///
    /// A session the request never touched costs nothing here: no statement ran, so there is
    /// nothing to roll back or reset, and no server round trip is made.
    pub fn clean(&mut self) -> Result<CleanReport> {
        let mut report = CleanReport::default();
        // Info records never outlive the request whose call got them.
        self.info.clear();
        let mut first_error = None;
        // Taken out and put back, so the map keeps its room for the next request.
        let mut result_sets = std::mem::take(&mut self.result_sets);
        for (_, result) in result_sets.drain() {
            if let Err(error) = self.retire(result) {
                first_error.get_or_insert(error);
            }
        }
        self.result_sets = result_sets;
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
        if resets_session(self) {
            let outcome = reset::reset_session(self);
            report.replace = self.note(outcome)? == canary::ResetOutcome::Replace;
            report.reset = true;
        }
        self.dirty = DirtyMarks::default();
        Ok(report)
    }

    /// Whether statement handles are kept for later executions (`own_statement`,
    /// `spare_statement`): with psqlODBC and the SQLite driver, whose direct executions hold no
    /// server-side statement, and whose resets (`DISCARD ALL` drops only server-side plans;
    /// SQLite's is SQL) leave the handles usable. Not with MariaDB Connector/ODBC (a reused
    /// handle broke the link in `verified_resets`; its protocol reset closes the server-side
    /// statements the driver's handles stand for), other drivers, or a driver's own reset.
    fn keeps_statement_handles(&self) -> bool {
        matches!(self.dbms, Dbms::PostgreSql | Dbms::Sqlite) && !matches!(self.settings.reset, ResetPolicy::Driver)
    }

    pub fn baseline(&self) -> &SessionBaseline {
        &self.baseline
    }

    /// Marks the session as lost: a call failed with [`Error::Broken`].
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }

    /// Whether the server connection is gone, or a call left the session in a state nobody knows:
    /// then it is never handed out again.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// The per-link options the session runs with.
    pub fn settings(&self) -> &Arc<LinkSettings> {
        &self.settings
    }

    /// Applies the per-link options as configured now (a `pconn_set_option` at run time applies to
    /// idle links too); a pointer comparison when nothing changed.
    pub fn use_settings(&mut self, settings: &Arc<LinkSettings>) {
        if !Arc::ptr_eq(&self.settings, settings) {
            self.settings = settings.clone();
        }
    }

    /// The session's socket, kept open across a [`Session::disconnect`] to see the server end
    /// the session (see `socket.rs`); `None` without a known socket (SQLite).
    pub fn hold_socket(&self) -> Option<HeldSocket> {
        self.socket.as_ref()?.hold()
    }

    /// Graceful close: free results, roll back, disconnect. Never panics; a connection that cannot
    /// be disconnected is leaked rather than freed while connected.
    pub fn disconnect(&mut self) {
        self.result_sets.clear();
        self.statements.clear();
        self.own_statement = None;
        self.spare_statement = None;
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
        self.leak_handles();
    }

    /// Leaks every ODBC handle of the session: freeing one would reach the driver, which may send
    /// on the socket. The session is then empty, and dropping it touches nothing.
    fn leak_handles(&mut self) {
        std::mem::forget(std::mem::take(&mut self.result_sets));
        std::mem::forget(std::mem::take(&mut self.statements));
        std::mem::forget(self.own_statement.take());
        std::mem::forget(self.spare_statement.take());
        std::mem::forget(self.conn.take());
    }
}

/// Whether request end sends a session reset: something may have changed the session, a reset is
/// configured, and the session is pconn's to reset (not behind a transaction pooler).
fn resets_session(session: &Session) -> bool {
    session.dirty.session_touched && session.settings.reset != ResetPolicy::None && session.keeps_session_state()
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.conn.is_none() {
            return;
        }
        if self.owner_pid == std::process::id() {
            self.disconnect();
        } else {
            self.leak_handles();
        }
    }
}

pub mod attributes;
pub mod canary;
pub mod catalog;
pub mod copy;
pub mod deadline;
pub mod mysql;
pub mod pooler;
pub mod postgres;
pub mod reset;
mod rollback_flag;
pub mod sqlite;
pub mod slots;
