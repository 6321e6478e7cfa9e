//! Thin helpers over odbc-api's handle layer: turning `SqlResult`s into pconn errors with every
//! diagnostic record, reading variable-length data without odbc-api's panics, and the one process-wide
//! environment.
//!
//! pconn uses odbc-api's `handles` layer rather than its `Connection`/`CursorImpl` types because
//! those disconnect or close in `Drop` and panic when that fails (a lost server, a forked child);
//! a pooled link must decide itself when and whether bytes go to the server.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use odbc_api::buffers::Indicator;
use odbc_api::handles::{Diagnostics, SqlResult, Statement};
use odbc_api::sys;
use odbc_api::parameter::{VarCell, VarKind};

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
pub mod mysql_client;
pub mod result_set;
pub mod statement;
