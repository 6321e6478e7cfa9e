//! Thin helpers over odbc-api's handle layer: turning `SqlResult`s into pconn errors with every
//! diagnostic record, reading variable-length data without odbc-api's panics, and the one process-wide
//! environment.
//!
//! pconn uses odbc-api's `handles` layer rather than its `Connection`/`CursorImpl` types because
//! those disconnect or close in `Drop` and panic when that fails (a lost server, a forked child);
//! a pooled link must decide itself when and whether bytes go to the server.

use crate::diag::{DiagRecord, Diagnostic};
use std::cell::RefCell;
use crate::error::{Error, Result};
use odbc_api::buffers::Indicator;
use odbc_api::handles::{Diagnostics, SqlResult, Statement};
use odbc_api::sys;
use odbc_api::parameter::{VarCell, VarKind};

/// Text handed to a driver with its length and a NUL after it. ODBC passes lengths, but drivers
/// run `strlen` over what they get anyway (psqlODBC does, for SQL and connection strings), and a
/// Rust `&str` has no NUL after it: they read past the end of its buffer. One copy per call,
/// small next to the round trip it goes with.
pub struct DriverText(String);

impl DriverText {
    pub fn new(text: &str) -> DriverText {
        let mut terminated = String::with_capacity(text.len() + 1);
        terminated.push_str(text);
        terminated.push('\0');
        DriverText(terminated)
    }

    /// The text without its NUL; the byte after the returned slice is the NUL.
    pub fn as_str(&self) -> &str {
        &self.0[..self.0.len() - 1]
    }

    pub fn sql_text(&self) -> odbc_api::handles::SqlText<'_> {
        odbc_api::handles::SqlText::new(self.as_str())
    }
}

/// Bytes handed to a driver with their length and a NUL after them, as [`DriverText`] for text
/// that need not be UTF-8 (the caller's SQL in a narrow encoding).
pub struct DriverBytes(Vec<u8>);

impl DriverBytes {
    pub fn new(bytes: &[u8]) -> DriverBytes {
        let mut terminated = Vec::with_capacity(bytes.len() + 1);
        terminated.extend_from_slice(bytes);
        terminated.push(0);
        DriverBytes(terminated)
    }

    /// The bytes without their NUL; the byte after the returned slice is the NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0[..self.0.len() - 1]
    }
}

/// Converts an ODBC return into a pconn result, reading all diagnostic records from `handle` on
/// error. A lost connection becomes [`Error::Broken`].
pub fn check<T>(result: SqlResult<T>, handle: &(impl Diagnostics + ?Sized)) -> Result<T> {
    match result {
        SqlResult::Success(value) | SqlResult::SuccessWithInfo(value) => Ok(value),
        SqlResult::Error { function } => Err(diagnostic_error(handle, function)),
        SqlResult::NoData => Err(Error::WrongState("the driver reported no data".into())),
        SqlResult::NeedData => Err(Error::WrongState("the driver asked for data at execution".into())),
        SqlResult::StillExecuting => Err(Error::WrongState("the driver is still executing".into())),
    }
}

/// Like [`check`], but `NoData` is a normal outcome (end of rows, a DML statement that touched nothing).
pub fn check_no_data(result: SqlResult<()>, handle: &(impl Diagnostics + ?Sized)) -> Result<bool> {
    match result {
        SqlResult::NoData => Ok(false),
        other => check(other, handle).map(|()| true),
    }
}

thread_local! {
    /// The info records (SQL_SUCCESS_WITH_INFO) of the caller's calls since [`take_info`]: a
    /// session takes them after each call it makes for its caller (see `Session::info`).
    static CALL_INFO: RefCell<Vec<DiagRecord>> = const { RefCell::new(Vec::new()) };
}

fn keep_info(handle: &(impl Diagnostics + ?Sized)) {
    let records = Diagnostic::collect(handle).records;
    let _ = CALL_INFO.try_with(|info| info.borrow_mut().extend(records));
}

/// The info records kept by [`check_reported`] and [`check_reported_raw`] since the last take.
pub fn take_info() -> Vec<DiagRecord> {
    CALL_INFO.try_with(|info| std::mem::take(&mut *info.borrow_mut())).unwrap_or_default()
}

/// Like [`check_no_data`], for a call made because the caller asked for it (execute, prepare,
/// commit…): the records of a SQL_SUCCESS_WITH_INFO are kept for [`take_info`]. pconn's own
/// calls use [`check`], so their info never reaches the caller.
pub fn check_reported(result: SqlResult<()>, handle: &(impl Diagnostics + ?Sized)) -> Result<bool> {
    if let SqlResult::SuccessWithInfo(()) = result {
        keep_info(handle);
    }
    check_no_data(result, handle)
}

/// [`check_reported`] for a raw return code; `NO_DATA` gives `Ok(false)`.
pub fn check_reported_raw(ret: sys::SqlReturn, handle: &(impl Diagnostics + ?Sized), function: &'static str) -> Result<bool> {
    match ret {
        sys::SqlReturn::SUCCESS_WITH_INFO => {
            keep_info(handle);
            Ok(true)
        }
        sys::SqlReturn::NO_DATA => Ok(false),
        other => check_raw(other, handle, function).map(|()| true),
    }
}

/// Checks the return of an ODBC function odbc-api's handles do not wrap.
pub fn check_raw(ret: sys::SqlReturn, handle: &(impl odbc_api::handles::Diagnostics + ?Sized), function: &'static str) -> Result<()> {
    match ret {
        sys::SqlReturn::SUCCESS | sys::SqlReturn::SUCCESS_WITH_INFO => Ok(()),
        sys::SqlReturn::NO_DATA => Err(Error::WrongState(format!("{function}: no data"))),
        _ => Err(diagnostic_error(handle, function)),
    }
}

pub fn diagnostic_error(handle: &(impl Diagnostics + ?Sized), function: &str) -> Error {
    let mut diag = Diagnostic::collect(handle);
    if diag.records.is_empty() {
        diag = Diagnostic::single(crate::diag::DiagRecord {
            sqlstate: "HY000".into(),
            native_error: 0,
            message: format!("{function} failed without a diagnostic record"),
        });
    }
    if diag.is_connection_lost() { Error::Broken(diag) } else { Error::Database(diag) }
}

/// The process's one ODBC environment. Created on first use, never at load time (php-fpm's master
/// may load the library and then fork). unixODBC drops pooled state with its environment, so there
/// is exactly one for the life of the process.
pub fn environment() -> Result<&'static odbc_api::Environment> {
    odbc_api::environment().map_err(|e| Error::Database(Diagnostic::from_odbc_error(&e)))
}

/// Reads a whole variable-length value of column `col` of the current row into `buf` (text as the
/// driver's narrow encoding, or binary). Returns `false` for NULL. Long values come back whole.
pub fn get_var_data<K: VarKind<Element = u8>>(
    stmt: &mut impl Statement,
    col: u16,
    buf: &mut Vec<u8>,
) -> Result<bool> {
    buf.clear();
    buf.resize(256, 0);
    let mut filled = 0usize;
    loop {
        let window = &mut buf[filled..];
        let mut target = VarCell::<&mut [u8], K>::from_buffer(window, Indicator::NoTotal);
        let result = stmt.get_data(col, &mut target);
        if let SqlResult::NoData = result {
            // A later SQLGetData call after the value was complete: nothing more to add.
            break;
        }
        check(result, &*stmt)?;
        let indicator = target.indicator();
        let window_len = target.capacity_in_bytes();
        match indicator {
            Indicator::Null => {
                buf.clear();
                return Ok(false);
            }
            Indicator::Length(len) if len + K::TERMINATING_ZEROES <= window_len => {
                buf.truncate(filled + len);
                return Ok(true);
            }
            Indicator::Length(len) => {
                // Truncated, and the driver told us how much is left in total from this window on.
                let got = window_len - K::TERMINATING_ZEROES;
                filled += got;
                let missing = len - got;
                buf.resize(filled + missing + K::TERMINATING_ZEROES, 0);
            }
            Indicator::NoTotal => {
                let got = window_len - K::TERMINATING_ZEROES;
                filled += got;
                let new_len = (buf.len() * 2).max(filled + 256);
                buf.resize(new_len, 0);
            }
        }
    }
    buf.truncate(filled);
    Ok(true)
}

pub mod catalog;
pub mod connection;
pub mod exec;
pub mod mysql_client;
pub mod result_set;
pub mod statement;
mod undeclared;
