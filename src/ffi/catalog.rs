//! The C ABI of the catalog functions: tables, columns and primary keys, each as an ordinary
//! result set.

use super::args::{MAX_NAME, optional_str, out_ptr, required_str, write_out};
use super::guard::status_call;
use super::handle::{pack, pconn_link, pconn_result};
use super::status::pconn_status;
use crate::pool;
use std::ffi::c_char;

/// Reads four optional name arguments.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string.
unsafe fn names<'a>(args: [(*const c_char, &'static str); 4]) -> crate::Result<[Option<&'a str>; 4]> {
    let mut out = [None; 4];
    for (slot, (ptr, name)) in out.iter_mut().zip(args) {
        // SAFETY: per the contract above.
        *slot = unsafe { optional_str(ptr, name, MAX_NAME)? };
    }
    Ok(out)
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
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        // SAFETY: NUL-terminated strings or NULL, as documented.
        let args = unsafe { names([(catalog, "catalog"), (schema, "schema"), (table, "table"), (types, "types")]) };
        let slot = pool::call_on_link(link, |l| {
            let [catalog, schema, table, types] = args?;
            l.tables(catalog, schema, table, types)
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, pack(link, slot)) };
        Ok(())
    })
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
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        // SAFETY: NUL-terminated strings or NULL, as documented.
        let args = unsafe { names([(catalog, "catalog"), (schema, "schema"), (table, "table"), (column, "column")]) };
        let slot = pool::call_on_link(link, |l| {
            let [catalog, schema, table, column] = args?;
            l.columns(catalog, schema, table, column)
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, pack(link, slot)) };
        Ok(())
    })
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
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        // SAFETY: NUL-terminated strings or NULL, as documented.
        let args = unsafe {
            (
                optional_str(catalog, "catalog", MAX_NAME),
                optional_str(schema, "schema", MAX_NAME),
                required_str(table, "table", MAX_NAME),
            )
        };
        let slot = pool::call_on_link(link, |l| l.primary_keys(args.0?, args.1?, args.2?))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, pack(link, slot)) };
        Ok(())
    })
}
