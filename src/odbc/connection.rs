//! Raw calls on a connection handle that odbc-api's handles do not wrap (or wrap only unsafely):
//! numeric and text attributes, the driver's session reset, and allocating a statement whose
//! lifetime the session manages itself.

use super::{check, check_raw};
use crate::error::{Error, Result};
use odbc_api::handles::{Connection, StatementImpl};
use odbc_api::sys::{self, ConnectionAttribute};
use std::ffi::CString;

/// Reads a numeric connection attribute.
pub fn get_u32_attribute(conn: &Connection<'_>, attribute: ConnectionAttribute) -> Result<u32> {
    let mut value: u32 = 0;
    // SAFETY: numeric attribute, written into a u32; odbc-api's numeric getter is private.
    let ret = unsafe {
        sys::SQLGetConnectAttr(conn.as_sys(), attribute, (&mut value as *mut u32).cast(), 0, std::ptr::null_mut())
    };
    check_raw(ret, conn, "SQLGetConnectAttr")?;
    Ok(value)
}

/// Sets a numeric connection attribute.
pub fn set_u32_attribute(conn: &Connection<'_>, attribute: ConnectionAttribute, value: u32) -> Result<()> {
    // SAFETY: numeric attributes take their value in the pointer argument; no memory is referenced.
    let set = unsafe { conn.set_attribute(attribute, value as usize as sys::Pointer, 0) };
    check(set, conn)
}

/// Switches the current catalog (`SQL_ATTR_CURRENT_CATALOG`).
pub fn set_current_catalog(conn: &Connection<'_>, catalog: &str) -> Result<()> {
    let text = CString::new(catalog).map_err(|_| Error::InvalidArgument("catalog contains a NUL".into()))?;
    // SAFETY: a NUL-terminated string that outlives the call; the driver copies it.
    let set = unsafe {
        conn.set_attribute(ConnectionAttribute::CURRENT_CATALOG, text.as_ptr() as sys::Pointer, sys::NTS as i32)
    };
    check(set, conn)
}

/// Asks the driver to reset the session (`SQL_ATTR_RESET_CONNECTION`).
pub fn reset_connection(conn: &Connection<'_>) -> Result<()> {
    // SAFETY: SQL_ATTR_RESET_CONNECTION takes an integer value (SQL_RESET_CONNECTION_YES = 1),
    // passed in the pointer argument; no memory is referenced.
    let result = unsafe { conn.set_attribute(ConnectionAttribute::RESET_CONNECTION, 1usize as sys::Pointer, 0) };
    check(result, conn)
}

/// Allocates a statement on `conn` with its lifetime erased.
///
/// The caller (a session) keeps every statement it allocates, directly or through a result set,
/// and frees them all before it disconnects or frees `conn`: that is what the lifetime guarded.
pub fn allocate_statement(conn: &Connection<'static>) -> Result<StatementImpl<'static>> {
    let stmt = check(conn.allocate_statement(), conn)?;
    // SAFETY: per the contract above, the handle never outlives its connection.
    Ok(unsafe { StatementImpl::new(stmt.into_sys()) })
}
