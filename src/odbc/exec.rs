//! Direct execution of SQL text, shared by prepared statements and result sets: the SQL's length
//! as ODBC takes it, and whose call an execution is.

use super::{DriverBytes, check_raw, check_reported_raw};
use crate::error::{Error, Result};
use odbc_api::handles::{Statement, StatementImpl};
use odbc_api::sys;

/// The length of SQL text as ODBC's 32-bit length argument. An embedded NUL would end the text
/// early for some drivers and not for others, so it is refused. Empty SQL goes as `SQL_NTS` (its
/// text is NUL-terminated during the call, see [`DriverBytes`]): the driver manager refuses a
/// length of 0 itself (HY090) where ext/odbc, passing `SQL_NTS`, gets the driver's own answer.
pub fn sql_length(sql: &[u8]) -> Result<i32> {
    if sql.contains(&0) {
        return Err(Error::InvalidArgument("sql contains a NUL byte".into()));
    }
    if sql.is_empty() {
        return Ok(sys::NTS as i32);
    }
    i32::try_from(sql.len()).map_err(|_| Error::TooLong { what: "sql", limit: i32::MAX as usize })
}

/// Whose call an execution is: the caller's, whose info records (SQL_SUCCESS_WITH_INFO) are kept
/// for it, or pconn's own (ping, reset, baselines), whose info nobody asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Application,
    Pconn,
}

/// Executes `sql` directly on `stmt`, passing the bytes given to the driver's narrow
/// `SQLExecDirect`. `Ok(false)`: `NO_DATA` (a searched UPDATE or DELETE that matched no row).
pub fn exec_direct(stmt: &mut StatementImpl<'_>, sql: &[u8], caller: Caller) -> Result<bool> {
    let len = sql_length(sql)?;
    let sql = DriverBytes::new(sql);
    // SAFETY: `sql` is valid for `len` bytes and a NUL during the call; nothing is bound to the
    // statement.
    let ret = unsafe { sys::SQLExecDirect(stmt.as_sys(), sql.as_bytes().as_ptr(), len) };
    match (caller, ret) {
        (Caller::Application, _) => check_reported_raw(ret, &*stmt, "SQLExecDirect"),
        (Caller::Pconn, sys::SqlReturn::NO_DATA) => Ok(false),
        (Caller::Pconn, _) => check_raw(ret, &*stmt, "SQLExecDirect").map(|()| true),
    }
}
