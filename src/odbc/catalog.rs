//! The catalog functions on a fresh statement. A `None` argument is passed to the driver as NULL
//! ("any"), which odbc-api's wrappers cannot express, hence the raw calls.

use super::undeclared as raw;
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

/// `SQLGetTypeInfo` on `stmt` (`data_type` 0: every type).
pub fn type_info(stmt: &StatementImpl<'_>, data_type: i16) -> Result<()> {
    // SAFETY: a plain call on a valid statement handle.
    let ret = unsafe { sys::SQLGetTypeInfo(stmt.as_sys(), sys::SqlDataType(data_type)) };
    check_raw(ret, stmt, "SQLGetTypeInfo")
}

/// `SQLProcedures` on `stmt`.
pub fn procedures(stmt: &StatementImpl<'_>, catalog: Option<&str>, schema: Option<&str>, procedure: Option<&str>) -> Result<()> {
    let texts = terminated([catalog, schema, procedure]);
    let ((c, cl), (s, sl), (p, pl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { raw::SQLProcedures(stmt.as_sys(), c, cl, s, sl, p, pl) };
    check_raw(ret, stmt, "SQLProcedures")
}

/// `SQLProcedureColumns` on `stmt`.
pub fn procedure_columns(
    stmt: &StatementImpl<'_>,
    catalog: Option<&str>,
    schema: Option<&str>,
    procedure: Option<&str>,
    column: Option<&str>,
) -> Result<()> {
    let texts = terminated([catalog, schema, procedure, column]);
    let ((c, cl), (s, sl), (p, pl), (n, nl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]), arg(&texts[3]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { raw::SQLProcedureColumns(stmt.as_sys(), c, cl, s, sl, p, pl, n, nl) };
    check_raw(ret, stmt, "SQLProcedureColumns")
}

/// The two tables of `SQLForeignKeys`: the one whose primary key is referred to, and the one
/// that refers to it (catalog, schema, table each).
pub type ForeignKeyTables<'a> = [[Option<&'a str>; 3]; 2];

/// `SQLForeignKeys` on `stmt`.
pub fn foreign_keys(stmt: &StatementImpl<'_>, [pk, fk]: ForeignKeyTables<'_>) -> Result<()> {
    let (pk, fk) = (terminated(pk), terminated(fk));
    let ((pc, pcl), (ps, psl), (pt, ptl)) = (arg(&pk[0]), arg(&pk[1]), arg(&pk[2]));
    let ((fc, fcl), (fs, fsl), (ft, ftl)) = (arg(&fk[0]), arg(&fk[1]), arg(&fk[2]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { sys::SQLForeignKeys(stmt.as_sys(), pc, pcl, ps, psl, pt, ptl, fc, fcl, fs, fsl, ft, ftl) };
    check_raw(ret, stmt, "SQLForeignKeys")
}

/// `SQLSpecialColumns` on `stmt`: `identifier_type` SQL_BEST_ROWID 1 / SQL_ROWVER 2, `scope` and
/// `nullable` as ODBC defines them (the driver checks them).
pub fn special_columns(
    stmt: &StatementImpl<'_>,
    identifier_type: u16,
    [catalog, schema, table]: [Option<&str>; 3],
    scope: u16,
    nullable: u16,
) -> Result<()> {
    let texts = terminated([catalog, schema, table]);
    let ((c, cl), (s, sl), (t, tl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe {
        raw::SQLSpecialColumns(stmt.as_sys(), identifier_type, c, cl, s, sl, t, tl, scope, nullable)
    };
    check_raw(ret, stmt, "SQLSpecialColumns")
}

/// `SQLStatistics` on `stmt`: `unique` SQL_INDEX_UNIQUE 0 / SQL_INDEX_ALL 1, `reserved`
/// SQL_QUICK 0 / SQL_ENSURE 1 (the driver checks them).
pub fn statistics(stmt: &StatementImpl<'_>, [catalog, schema, table]: [Option<&str>; 3], unique: u16, reserved: u16) -> Result<()> {
    let texts = terminated([catalog, schema, table]);
    let ((c, cl), (s, sl), (t, tl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { raw::SQLStatistics(stmt.as_sys(), c, cl, s, sl, t, tl, unique, reserved) };
    check_raw(ret, stmt, "SQLStatistics")
}

/// `SQLTablePrivileges` on `stmt`.
pub fn table_privileges(stmt: &StatementImpl<'_>, [catalog, schema, table]: [Option<&str>; 3]) -> Result<()> {
    let texts = terminated([catalog, schema, table]);
    let ((c, cl), (s, sl), (t, tl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { raw::SQLTablePrivileges(stmt.as_sys(), c, cl, s, sl, t, tl) };
    check_raw(ret, stmt, "SQLTablePrivileges")
}

/// `SQLColumnPrivileges` on `stmt`.
pub fn column_privileges(stmt: &StatementImpl<'_>, [catalog, schema, table, column]: [Option<&str>; 4]) -> Result<()> {
    let texts = terminated([catalog, schema, table, column]);
    let ((c, cl), (s, sl), (t, tl), (n, nl)) = (arg(&texts[0]), arg(&texts[1]), arg(&texts[2]), arg(&texts[3]));
    // SAFETY: every pointer is NULL or valid for its length during the call.
    let ret = unsafe { raw::SQLColumnPrivileges(stmt.as_sys(), c, cl, s, sl, t, tl, n, nl) };
    check_raw(ret, stmt, "SQLColumnPrivileges")
}
