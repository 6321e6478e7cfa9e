//! The C ABI of the catalog functions (tables, columns, primary keys, types, procedures, foreign
//! keys, special columns, statistics, privileges), each as an ordinary result set.

use super::args::{MAX_NAME, optional_str, out_ptr, required_str, write_out};
use super::guard::status_call;
use super::handle::{pack, pconn_link, pconn_result};
use super::status::pconn_status;
use crate::pool;
use crate::session::Session;
use std::ffi::{c_char, c_int};

/// Reads optional name arguments.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string.
unsafe fn names<'a, const N: usize>(args: [(*const c_char, &'static str); N]) -> crate::Result<[Option<&'a str>; N]> {
    let mut out = [None; N];
    for (slot, (ptr, name)) in out.iter_mut().zip(args) {
        // SAFETY: per the contract above.
        *slot = unsafe { optional_str(ptr, name, MAX_NAME)? };
    }
    Ok(out)
}

/// Runs a catalog function that takes optional names (see [`list`]). A bad name is reported
/// once the link is found, as before any other argument of the function is looked at.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string.
unsafe fn list_named<'a, const N: usize>(
    link: pconn_link,
    out_result: *mut pconn_result,
    args: [(*const c_char, &'static str); N],
    call: impl FnOnce(&mut Session, [Option<&'a str>; N]) -> crate::Result<u32>,
) -> pconn_status {
    // SAFETY: per the contract above.
    let names = unsafe { names(args) };
    list(link, out_result, |l| call(l, names?))
}

/// Lists tables (`SQLTables`) as an ordinary result: columns TABLE_CAT, TABLE_SCHEM, TABLE_NAME,
/// TABLE_TYPE, REMARKS. `catalog`, `schema` and `table` are search patterns (`%`, `_`); `types`
/// a comma-separated list such as `'TABLE','VIEW'`. NULL means any.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_tables(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    types: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (table, "table"), (types, "types")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, Session::tables) }
}

/// Lists columns (`SQLColumns`) as an ordinary result with ODBC's 18 columns (TABLE_NAME 3,
/// COLUMN_NAME 4, DATA_TYPE 5, TYPE_NAME 6, COLUMN_SIZE 7, NULLABLE 11, ORDINAL_POSITION 17, …).
/// Arguments are search patterns; NULL means any.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_columns(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    column: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (table, "table"), (column, "column")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, Session::columns) }
}

/// Lists the primary key columns of table `table` (`SQLPrimaryKeys`) as an ordinary result:
/// TABLE_CAT, TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, KEY_SEQ, PK_NAME. `catalog` and `schema` may
/// be NULL; `table` is required and is not a pattern.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_primary_keys(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    // SAFETY: NUL-terminated strings or NULL, as documented.
    let args = unsafe {
        (
            optional_str(catalog, "catalog", MAX_NAME),
            optional_str(schema, "schema", MAX_NAME),
            required_str(table, "table", MAX_NAME),
        )
    };
    list(link, out_result, |l| l.primary_keys(args.0?, args.1?, args.2?))
}

/// Runs a catalog function into a new result of `link` and writes its handle to `*out_result`.
fn list(link: pconn_link, out_result: *mut pconn_result, call: impl FnOnce(&mut Session) -> crate::Result<u32>) -> pconn_status {
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        let slot = pool::call_on_link(link, call)?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, pack(link, slot)) };
        Ok(())
    })
}

/// Lists the data types the data source supports (`SQLGetTypeInfo`) as an ordinary result: one row
/// per type (TYPE_NAME, DATA_TYPE, COLUMN_SIZE, …). `data_type` 0 (`SQL_ALL_TYPES`) lists all; the
/// driver checks any other value.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_type_info(link: pconn_link, data_type: i16, out_result: *mut pconn_result) -> pconn_status {
    list(link, out_result, |l| l.type_info(data_type))
}

/// Lists procedures (`SQLProcedures`) as an ordinary result with the driver's columns. Arguments
/// are search patterns; NULL means any, "" is passed as "".
#[unsafe(no_mangle)]
pub extern "C" fn pconn_procedures(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    procedure: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (procedure, "procedure")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, Session::procedures) }
}

/// Lists the parameters and result columns of procedures (`SQLProcedureColumns`) as an ordinary
/// result. Arguments are search patterns; NULL means any.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_procedure_columns(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    procedure: *const c_char,
    column: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (procedure, "procedure"), (column, "column")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, Session::procedure_columns) }
}

/// Lists foreign keys (`SQLForeignKeys`) as an ordinary result: those of table `fk_*`, those
/// referring to the primary key of table `pk_*`, or the one between both. NULL means not given.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_foreign_keys(
    link: pconn_link,
    pk_catalog: *const c_char,
    pk_schema: *const c_char,
    pk_table: *const c_char,
    fk_catalog: *const c_char,
    fk_schema: *const c_char,
    fk_table: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [
        (pk_catalog, "pk_catalog"),
        (pk_schema, "pk_schema"),
        (pk_table, "pk_table"),
        (fk_catalog, "fk_catalog"),
        (fk_schema, "fk_schema"),
        (fk_table, "fk_table"),
    ];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, |l, [pc, ps, pt, fc, fs, ft]| l.foreign_keys([[pc, ps, pt], [fc, fs, ft]])) }
}

/// Lists the columns that identify a row of table `table` (`identifier_type` `SQL_BEST_ROWID` 1)
/// or that change when it is updated (`SQL_ROWVER` 2) (`SQLSpecialColumns`) as an ordinary result.
/// `scope` and `nullable` as ODBC defines them; the driver checks every integer argument.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_special_columns(
    link: pconn_link,
    identifier_type: c_int,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    scope: c_int,
    nullable: c_int,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (table, "table")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, |l, table| l.special_columns(identifier_type, table, scope, nullable)) }
}

/// Lists the statistics and indexes of table `table` (`SQLStatistics`) as an ordinary result.
/// `unique`: `SQL_INDEX_UNIQUE` 0 or `SQL_INDEX_ALL` 1; `reserved` (ext/odbc's accuracy):
/// `SQL_QUICK` 0 or `SQL_ENSURE` 1.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_statistics(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    unique: c_int,
    reserved: c_int,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (table, "table")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, |l, table| l.statistics(table, unique, reserved)) }
}

/// Lists the privileges on tables (`SQLTablePrivileges`) as an ordinary result. Arguments are
/// search patterns; NULL means any.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_table_privileges(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (table, "table")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, Session::table_privileges) }
}

/// Lists the privileges on the columns of table `table` (`SQLColumnPrivileges`) as an ordinary
/// result. `column` is a search pattern; NULL means any.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_privileges(
    link: pconn_link,
    catalog: *const c_char,
    schema: *const c_char,
    table: *const c_char,
    column: *const c_char,
    out_result: *mut pconn_result,
) -> pconn_status {
    let args = [(catalog, "catalog"), (schema, "schema"), (table, "table"), (column, "column")];
    // SAFETY: NUL-terminated strings or NULL, as documented.
    unsafe { list_named(link, out_result, args, Session::column_privileges) }
}
