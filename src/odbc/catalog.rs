//! The catalog functions on a fresh statement. A `None` argument is passed to the driver as NULL
//! ("any"), which odbc-api's wrappers cannot express, hence the raw calls.

use super::{DriverText, check, check_raw};
use crate::error::{Error, Result};
use odbc_api::handles::{Statement, StatementImpl};
use odbc_api::sys;

/// Each argument with a NUL after it (see [`DriverText`]), kept alive for the call.
fn terminated<const N: usize>(texts: [Option<&str>; N]) -> [Option<DriverText>; N] {
    texts.map(|text| text.map(DriverText::new))
}

fn arg(text: &Option<DriverText>) -> (*const u8, i16) {
    match text {
        Some(text) => (text.as_str().as_ptr(), i16::try_from(text.as_str().len()).unwrap_or(i16::MAX)),
        None => (std::ptr::null(), 0),
    }
}

/// Refuses arguments longer than ODBC's 16-bit lengths can carry; callers check before the
/// functions below (which would cut such an argument short).
pub fn check_lengths(values: &[Option<&str>]) -> Result<()> {
    if values.iter().flatten().any(|v| v.len() > i16::MAX as usize) {
        return Err(Error::TooLong { what: "catalog argument", limit: i16::MAX as usize });
    }
    Ok(())
}

/// `SQLTables` on `stmt`.
pub fn tables(stmt: &StatementImpl<'_>, catalog: Option<&str>, schema: Option<&str>, table: Option<&str>, types: Option<&str>) -> Result<()> {
    let texts = terminated([catalog, schema, table, types]);
    let ((c, cl), (s, sl), (t, tl), (y, yl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]), arg(&texts[3]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { sys::SQLTables(stmt.as_sys(), c, cl, s, sl, t, tl, y, yl) };
    check_raw(ret, stmt, "SQLTables")
}

/// `SQLColumns` on `stmt`.
pub fn columns(stmt: &StatementImpl<'_>, catalog: Option<&str>, schema: Option<&str>, table: Option<&str>, column: Option<&str>) -> Result<()> {
    let texts = terminated([catalog, schema, table, column]);
    let ((c, cl), (s, sl), (t, tl), (n, nl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]), arg(&texts[3]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { sys::SQLColumns(stmt.as_sys(), c, cl, s, sl, t, tl, n, nl) };
    check_raw(ret, stmt, "SQLColumns")
}

/// `SQLPrimaryKeys` on `stmt`.
pub fn primary_keys(stmt: &mut StatementImpl<'_>, catalog: Option<&str>, schema: Option<&str>, table: &str) -> Result<()> {
    let ([catalog, schema], table) = (terminated([catalog, schema]), DriverText::new(table));
    let (catalog, schema) = (catalog.as_ref().map(DriverText::sql_text), schema.as_ref().map(DriverText::sql_text));
    let listed = stmt.primary_keys(catalog.as_ref(), schema.as_ref(), &table.sql_text());
    check(listed, &*stmt)
}
