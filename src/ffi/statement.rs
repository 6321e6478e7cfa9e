//! The C ABI of prepared statements, typed column reads, column metadata, more results,
//! connection attributes, the raw handle and catalog functions. Translation only: the logic is
//! in `prepared.rs`, `statement.rs`, `attributes.rs` and `catalog.rs`.

use super::args::{MAX_OPTION_ARG, MAX_SQL, optional_str, out_ptr, required_str, write_out};
use super::guard::{status_call, status_call_no_data};
use super::{pconn_link, pconn_result, split_result};
use crate::attributes;
use crate::error::{Error, pconn_status};
use crate::link::Link;
use crate::prepared::{FIRST_STATEMENT_SLOT, ParamValue};
use crate::registry::{self, LinkHandle};
use crate::statement::{Cell, ColumnInfo, ValueKind};
use std::ffi::{c_char, c_int, c_void};

/// A prepared statement, valid until `pconn_stmt_free`, or until its link is closed or its request
/// ends. 0 is never a valid statement.
#[allow(non_camel_case_types)]
pub type pconn_stmt = u64;

/// Transaction isolation levels: ODBC's `SQL_TXN_*` values. `pconn_isolation_set` takes them as
/// an `int`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_isolation {
    PCONN_TXN_READ_UNCOMMITTED = 1,
    PCONN_TXN_READ_COMMITTED = 2,
    PCONN_TXN_REPEATABLE_READ = 4,
    PCONN_TXN_SERIALIZABLE = 8,
}

impl pconn_isolation {
    fn from_level(level: u32) -> crate::Result<pconn_isolation> {
        Ok(match level {
            attributes::TXN_READ_UNCOMMITTED => pconn_isolation::PCONN_TXN_READ_UNCOMMITTED,
            attributes::TXN_READ_COMMITTED => pconn_isolation::PCONN_TXN_READ_COMMITTED,
            attributes::TXN_REPEATABLE_READ => pconn_isolation::PCONN_TXN_REPEATABLE_READ,
            attributes::TXN_SERIALIZABLE => pconn_isolation::PCONN_TXN_SERIALIZABLE,
            other => return Err(Error::InvalidArgument(format!("the driver reports an unknown isolation level {other}"))),
        })
    }
}

/// Longest catalog argument (catalog, schema, table, column name or pattern).
const MAX_NAME: usize = MAX_OPTION_ARG;

fn split_stmt(stmt: pconn_stmt) -> Result<(LinkHandle, u32), Error> {
    let (link, slot) = (stmt >> 32, (stmt & u64::from(u32::MAX)) as u32);
    if link == 0 || slot < FIRST_STATEMENT_SLOT {
        return Err(Error::InvalidHandle("statement"));
    }
    Ok((link, slot))
}

/// Runs `call` on the prepared statement's link.
fn on_stmt<T>(stmt: pconn_stmt, call: impl FnOnce(&mut Link, u32) -> crate::Result<T>) -> crate::Result<T> {
    let (link, slot) = split_stmt(stmt)?;
    registry::call_on_link(link, |l| call(l, slot))
}

/// Runs `call` on a result's link.
fn on_result<T>(result: pconn_result, call: impl FnOnce(&mut Link, u32) -> crate::Result<T>) -> crate::Result<T> {
    let (link, slot) = split_result(result)?;
    registry::call_on_link(link, |l| call(l, slot))
}

/// Writes an optional NULL indicator.
///
/// # Safety
/// `out_is_null` is NULL or writable.
unsafe fn write_null_flag(out_is_null: *mut c_int, is_null: bool) {
    if !out_is_null.is_null() {
        // SAFETY: per the contract above.
        unsafe { write_out(out_is_null, c_int::from(is_null)) };
    }
}

/// Prepares `sql` on a link; its parameters are written `?` and numbered from 1. On success
/// writes the statement to `*out_stmt`. On failure the link's error says why.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_prepare(link: pconn_link, sql: *const c_char, out_stmt: *mut pconn_stmt) -> pconn_status {
    status_call(|| {
        let out_stmt = out_ptr(out_stmt, "out_stmt")?;
        // SAFETY: NUL-terminated string or NULL, as documented.
        let sql = unsafe { required_str(sql, "sql", MAX_SQL) };
        let slot = registry::call_on_link(link, |l| l.prepare(sql?))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_stmt, (link << 32) | u64::from(slot)) };
        Ok(())
    })
}

/// Writes the number of `?` parameters of the statement to `*out_count`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_param_count(stmt: pconn_stmt, out_count: *mut u16) -> pconn_status {
    status_call(|| {
        let out_count = out_ptr(out_count, "out_count")?;
        let count = on_stmt(stmt, |l, slot| Ok(l.statement_mut(slot)?.param_count()))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_count, count) };
        Ok(())
    })
}

fn bind(stmt: pconn_stmt, index: u16, value: impl FnOnce() -> crate::Result<ParamValue>) -> pconn_status {
    status_call(|| on_stmt(stmt, |l, slot| l.statement_mut(slot)?.bind(index, value()?)))
}

/// Binds NUL-terminated UTF-8 `text` to parameter `index` (from 1). pconn copies the value; it is
/// used by every later `pconn_stmt_execute` until bound again. An index outside 1..count returns
/// `PCONN_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_bind_text(stmt: pconn_stmt, index: u16, text: *const c_char) -> pconn_status {
    // SAFETY: NUL-terminated string or NULL, as documented.
    bind(stmt, index, || Ok(ParamValue::text(unsafe { required_str(text, "text", MAX_SQL)? })))
}

/// Binds a 64-bit integer to parameter `index` (from 1). Otherwise as `pconn_stmt_bind_text`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_bind_int64(stmt: pconn_stmt, index: u16, value: i64) -> pconn_status {
    bind(stmt, index, || Ok(ParamValue::Int64(value)))
}

/// Binds a double to parameter `index` (from 1). Otherwise as `pconn_stmt_bind_text`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_bind_double(stmt: pconn_stmt, index: u16, value: f64) -> pconn_status {
    bind(stmt, index, || Ok(ParamValue::Double(value)))
}

/// Binds `len` bytes at `data` (which may be NULL when `len` is 0) to parameter `index` (from 1)
/// as binary. pconn copies the bytes. Otherwise as `pconn_stmt_bind_text`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_bind_binary(stmt: pconn_stmt, index: u16, data: *const c_void, len: usize) -> pconn_status {
    bind(stmt, index, || {
        if len == 0 {
            return Ok(ParamValue::binary(&[]));
        }
        if data.is_null() {
            return Err(Error::NullArgument("data"));
        }
        if len > MAX_SQL {
            return Err(Error::TooLong { what: "data", limit: MAX_SQL });
        }
        // SAFETY: the caller passes `len` readable bytes at `data`, as documented.
        Ok(ParamValue::binary(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }))
    })
}

/// Binds SQL NULL to parameter `index` (from 1). Otherwise as `pconn_stmt_bind_text`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_bind_null(stmt: pconn_stmt, index: u16) -> pconn_status {
    bind(stmt, index, || Ok(ParamValue::null()))
}

/// Executes the statement with its bound values and writes a result handle to `*out_result`
/// (also for statements without rows: read `pconn_result_affected_rows`). Every parameter must be
/// bound (else `PCONN_WRONG_STATE`). Executing again is allowed, with the same or new values; the
/// previous execution's result handle becomes invalid then.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_execute(stmt: pconn_stmt, out_result: *mut pconn_result) -> pconn_status {
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        let (link, _) = split_stmt(stmt)?;
        let result_slot = on_stmt(stmt, |l, slot| l.execute_prepared(slot))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, (link << 32) | u64::from(result_slot)) };
        Ok(())
    })
}

/// Frees a prepared statement and the result of its last execution. `pconn_stmt_free(0)` does
/// nothing; a second free (or using the statement afterwards) returns `PCONN_INVALID_HANDLE`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_free(stmt: pconn_stmt) -> pconn_status {
    if stmt == 0 {
        return status_call(|| Ok(()));
    }
    status_call(|| on_stmt(stmt, |l, slot| l.free_statement(slot)))
}

/// Reads column `column` (from 1) of the current row as a 64-bit integer into `*out_value`
/// (0 for NULL); `*out_is_null` is 1 for SQL NULL, else 0 (`out_is_null` may be NULL). A value
/// that is not a whole number returns `PCONN_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_int64(result: pconn_result, column: u16, out_value: *mut i64, out_is_null: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_value = out_ptr(out_value, "out_value")?;
        let value = on_result(result, |l, slot| l.result_mut(slot)?.int64(column))?;
        // SAFETY: out_value checked; out_is_null written only when non-NULL.
        unsafe {
            write_out(out_value, value.unwrap_or(0));
            write_null_flag(out_is_null, value.is_none());
        }
        Ok(())
    })
}

/// Reads column `column` (from 1) of the current row as a double into `*out_value` (0 for NULL).
/// Otherwise as `pconn_result_int64`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_double(result: pconn_result, column: u16, out_value: *mut f64, out_is_null: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_value = out_ptr(out_value, "out_value")?;
        let value = on_result(result, |l, slot| l.result_mut(slot)?.double(column))?;
        // SAFETY: out_value checked; out_is_null written only when non-NULL.
        unsafe {
            write_out(out_value, value.unwrap_or(0.0));
            write_null_flag(out_is_null, value.is_none());
        }
        Ok(())
    })
}

/// Reads column `column` (from 1) of the current row as bytes: binary columns as stored, other
/// columns as their text. `*out_data` points to `*out_len` bytes (followed by a NUL pconn adds),
/// or is NULL for SQL NULL; `*out_is_null` is 1 for SQL NULL (`out_len`, `out_is_null` may be
/// NULL). The bytes are owned by pconn and valid until the next `pconn_fetch`, `pconn_result_next`
/// or `pconn_result_free` on this result. Long values come back whole.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_bytes(
    result: pconn_result,
    column: u16,
    out_data: *mut *const c_void,
    out_len: *mut usize,
    out_is_null: *mut c_int,
) -> pconn_status {
    status_call(|| {
        let out_data = out_ptr(out_data, "out_data")?;
        let (ptr, len) = on_result(result, |l, slot| {
            Ok(match l.result_mut(slot)?.bytes(column)? {
                Some(bytes) => (bytes.as_ptr().cast::<c_void>(), Some(bytes.len())),
                None => (std::ptr::null(), None),
            })
        })?;
        // SAFETY: out_data checked; the optional pointers are written only when non-NULL.
        unsafe {
            write_out(out_data, ptr);
            if !out_len.is_null() {
                write_out(out_len, len.unwrap_or(0));
            }
            write_null_flag(out_is_null, len.is_none());
        }
        Ok(())
    })
}

/// What a `pconn_value` holds besides its text.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_value_kind {
    /// Text only.
    PCONN_VALUE_TEXT = 0,
    /// An integer column (SMALLINT, INTEGER, BIGINT, TINYINT, BIT): also in `int64` and `number`.
    PCONN_VALUE_INTEGER = 1,
    /// A floating-point column (FLOAT, REAL, DOUBLE): also in `number`.
    PCONN_VALUE_DOUBLE = 2,
    /// A binary column: `text` points to its bytes as stored.
    PCONN_VALUE_BINARY = 3,
}

/// One value of a row, as `pconn_fetch_row` fills it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pconn_value {
    /// The value as NUL-terminated text (binary columns: their bytes, followed by a NUL), or NULL
    /// for SQL NULL. Owned by pconn, valid until the next fetch, `pconn_result_next` or
    /// `pconn_result_free` on the result.
    pub text: *const c_char,
    /// Length of `text` in bytes without the NUL; 0 for SQL NULL.
    pub len: usize,
    /// The value as an integer for `PCONN_VALUE_INTEGER`; otherwise 0.
    pub int64: i64,
    /// The value as a double for `PCONN_VALUE_DOUBLE` and `PCONN_VALUE_INTEGER`; otherwise 0.
    pub number: f64,
    /// 1 for SQL NULL, else 0.
    pub is_null: c_int,
    pub kind: pconn_value_kind,
}

impl pconn_value {
    fn from_cell(cell: Cell<'_>) -> pconn_value {
        let (text, len) = match cell.data {
            Some(data) => (data.as_ptr().cast::<c_char>(), data.len() - 1),
            None => (std::ptr::null(), 0),
        };
        pconn_value {
            text,
            len,
            int64: cell.int64,
            number: cell.double,
            is_null: c_int::from(cell.data.is_none()),
            kind: match cell.kind {
                ValueKind::Text => pconn_value_kind::PCONN_VALUE_TEXT,
                ValueKind::Integer => pconn_value_kind::PCONN_VALUE_INTEGER,
                ValueKind::Double => pconn_value_kind::PCONN_VALUE_DOUBLE,
                ValueKind::Binary => pconn_value_kind::PCONN_VALUE_BINARY,
            },
        }
    }
}

/// Moves to the next row and reads it whole in one call: fills `values[0..count)` with the first
/// `count` columns (entries past the last column are left untouched; `pconn_result_columns` says
/// how many there are). `PCONN_OK` when there was a row, `PCONN_NO_DATA` after the last (then
/// `values` is not written). The strings are owned by pconn and valid until the next fetch,
/// `pconn_result_next` or `pconn_result_free` on this result. Long values come back whole.
/// The fastest way to read a large result: one call per row instead of one per value.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_fetch_row(result: pconn_result, values: *mut pconn_value, count: u16) -> pconn_status {
    status_call_no_data(|| {
        if values.is_null() && count > 0 {
            return Err(Error::NullArgument("values"));
        }
        on_result(result, |l, slot| {
            if !l.fetch(slot)? {
                return Ok(false);
            }
            let filled = l.result_mut(slot)?.for_each_value(|index, cell| {
                if index < usize::from(count) {
                    // SAFETY: the caller gave room for `count` values; index < count.
                    unsafe { values.add(index).write(pconn_value::from_cell(cell)) };
                }
            });
            l.note(filled)?;
            Ok(true)
        })
    })
}

/// Flags of `pconn_fetch_php_serialized`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_php_rows {
    /// Each row a list: values keyed by column number from 0 (`odbc_fetch_into`).
    PCONN_PHP_ROWS_LISTS = 0,
    /// Each row keyed by column name (`odbc_fetch_array`); a later column of the same name wins.
    PCONN_PHP_ROWS_BY_NAME = 1,
}

/// Fetches up to `max_rows` rows (from 1 to 1,000,000), fewer once the text reaches `max_bytes`
/// (0: no limit; at least one row is always read), and writes them as one string in PHP's
/// `serialize()` format: a list of rows, each an array of its column values as strings (binary
/// columns as their bytes, doubles in exact form), SQL NULL as null, keyed as `flags` (a
/// `pconn_php_rows`) says. So a PHP binding gets a batch of arrays with one FFI call and one
/// `unserialize()`. `*out_data` points to `*out_len` bytes (followed by a NUL), owned by pconn and
/// valid until the next call on this result; `*out_rows` (may be NULL) is the number of rows.
/// `PCONN_NO_DATA` (with an empty list) when no row was left. A row that fails after others were
/// read ends the batch there, and the next fetch on the result reports its error.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_fetch_php_serialized(
    result: pconn_result,
    max_rows: u32,
    max_bytes: usize,
    flags: c_int,
    out_data: *mut *const c_char,
    out_len: *mut usize,
    out_rows: *mut u32,
) -> pconn_status {
    status_call_no_data(|| {
        let out_data = out_ptr(out_data, "out_data")?;
        let out_len = out_ptr(out_len, "out_len")?;
        if !(1..=1_000_000).contains(&max_rows) {
            return Err(Error::InvalidArgument(format!("max_rows must be from 1 to 1000000, not {max_rows}")));
        }
        let keyed_by_name = match flags {
            0 => false,
            1 => true,
            other => return Err(Error::InvalidArgument(format!("flags must be a pconn_php_rows value, not {other}"))),
        };
        let (ptr, len, rows) = on_result(result, |l, slot| {
            let fetched = l
                .result_mut(slot)?
                .fetch_php_serialized(max_rows as usize, max_bytes, keyed_by_name)
                .map(|(text, rows)| (text.as_ptr(), text.len(), rows));
            l.note(fetched)
        })?;
        // SAFETY: out_data and out_len checked; out_rows written only when non-NULL.
        unsafe {
            write_out(out_data, ptr.cast::<c_char>());
            write_out(out_len, len);
            if !out_rows.is_null() {
                write_out(out_rows, rows as u32);
            }
        }
        Ok(rows > 0)
    })
}

/// Writes the driver's name for the type of column `column` (from 1) to `*out_name`
/// (`SQL_DESC_TYPE_NAME`: psqlODBC says `int4`, `text`…; what ext/odbc's `odbc_field_type` shows).
/// NUL-terminated, owned by pconn, valid until the next call on this result's link.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_type_name(result: pconn_result, column: u16, out_name: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let out_name = out_ptr(out_name, "out_name")?;
        let name = on_result(result, |l, slot| {
            let name = l.result_mut(slot)?.column_type_name(column)?;
            Ok(l.hand_out_text(name))
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_name, name) };
        Ok(())
    })
}

/// Moves the result to its statement's next result set (`SQLMoreResults`, for SQL with several
/// statements or procedures returning several sets): `PCONN_OK` when there is one (read its
/// columns, rows or affected rows as usual), `PCONN_NO_DATA` when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_next(result: pconn_result) -> pconn_status {
    status_call_no_data(|| on_result(result, |l, slot| l.next_result(slot)))
}

fn column_info<T>(result: pconn_result, column: u16, out: *mut T, read: impl FnOnce(&ColumnInfo) -> T) -> pconn_status {
    status_call(|| {
        let out = out_ptr(out, "out")?;
        let value = on_result(result, |l, slot| Ok(read(l.result_mut(slot)?.column(column)?)))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out, value) };
        Ok(())
    })
}

/// Writes the name of column `column` (from 1) to `*out_name`: NUL-terminated UTF-8, owned by pconn,
/// valid until `pconn_result_next` or `pconn_result_free` on this result.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_name(result: pconn_result, column: u16, out_name: *mut *const c_char) -> pconn_status {
    column_info(result, column, out_name, |info| info.name.as_ptr())
}

/// Writes the ODBC SQL type code of column `column` (`SQL_INTEGER` 4, `SQL_VARCHAR` 12,
/// `SQL_WVARCHAR` -9, …) to `*out_type`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_type(result: pconn_result, column: u16, out_type: *mut c_int) -> pconn_status {
    column_info(result, column, out_type, |info| c_int::from(info.sql_type))
}

/// Writes the precision (column size: characters for text, digits for numbers; 0 when unknown) of
/// column `column` to `*out_precision`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_precision(result: pconn_result, column: u16, out_precision: *mut i64) -> pconn_status {
    column_info(result, column, out_precision, |info| info.precision as i64)
}

/// Writes the scale (decimal digits) of column `column` to `*out_scale`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_scale(result: pconn_result, column: u16, out_scale: *mut c_int) -> pconn_status {
    column_info(result, column, out_scale, |info| c_int::from(info.scale))
}

/// Writes 1 to `*out_nullable` when column `column` may hold NULL, 0 when it cannot, -1 when the
/// driver does not know.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_nullable(result: pconn_result, column: u16, out_nullable: *mut c_int) -> pconn_status {
    column_info(result, column, out_nullable, |info| info.nullable.map_or(-1, c_int::from))
}

/// Writes the display size of column `column` (the most characters a value needs) to
/// `*out_size`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_display_size(result: pconn_result, column: u16, out_size: *mut i64) -> pconn_status {
    status_call(|| {
        let out_size = out_ptr(out_size, "out_size")?;
        let size = on_result(result, |l, slot| l.result_mut(slot)?.column_display_size(column))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_size, size) };
        Ok(())
    })
}

/// Sets the transaction isolation level (`PCONN_TXN_*`) of the link. Request end restores the
/// level the link had before the request changed it. Another value returns
/// `PCONN_INVALID_ARGUMENT`; a level the driver refuses returns `PCONN_ERROR`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_isolation_set(link: pconn_link, level: c_int) -> pconn_status {
    status_call(|| registry::call_on_link(link, |l| l.set_isolation(attributes::validate_isolation(i64::from(level))?)))
}

/// Writes the link's transaction isolation level (`PCONN_TXN_*`) to `*out_level`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_isolation_get(link: pconn_link, out_level: *mut pconn_isolation) -> pconn_status {
    status_call(|| {
        let out_level = out_ptr(out_level, "out_level")?;
        let level = registry::call_on_link(link, |l| pconn_isolation::from_level(l.isolation()?))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_level, level) };
        Ok(())
    })
}

/// Makes the link read-only (`on` = 1) or read-write (0), via `SQL_ATTR_ACCESS_MODE` (and on
/// PostgreSQL the session's default transaction mode). Request end restores the previous mode.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_read_only_set(link: pconn_link, on: c_int) -> pconn_status {
    status_call(|| {
        registry::call_on_link(link, |l| match on {
            0 | 1 => l.set_read_only(on == 1),
            other => Err(Error::InvalidArgument(format!("read-only must be 0 or 1, not {other}"))),
        })
    })
}

/// Writes 1 to `*out_on` when the link is read-only, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_read_only_get(link: pconn_link, out_on: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_on = out_ptr(out_on, "out_on")?;
        let on = registry::call_on_link(link, |l| l.read_only())?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_on, c_int::from(on)) };
        Ok(())
    })
}

/// Writes the link's current catalog (database) to `*out_catalog`: NUL-terminated, owned by
/// pconn, valid until the next call on the same link.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_catalog_get(link: pconn_link, out_catalog: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let out_catalog = out_ptr(out_catalog, "out_catalog")?;
        let text = registry::call_on_link(link, |l| {
            let catalog = l.current_catalog()?;
            Ok(l.hand_out_text(catalog))
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_catalog, text) };
        Ok(())
    })
}

/// Switches the link's current catalog (database); request end switches back. Drivers that
/// cannot switch (PostgreSQL's: one database per connection) return `PCONN_ERROR`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_catalog_set(link: pconn_link, catalog: *const c_char) -> pconn_status {
    status_call(|| {
        // SAFETY: NUL-terminated string or NULL, as documented.
        let catalog = unsafe { required_str(catalog, "catalog", MAX_NAME) };
        registry::call_on_link(link, |l| l.set_current_catalog(catalog?))
    })
}

/// Writes the link's ODBC connection handle (`SQLHDBC`) to `*out_hdbc`, for ODBC calls pconn does
/// not wrap. The handle stays owned by pconn: never free or disconnect it, and do not use it after
/// the link's request ends. What is changed through it, pconn cannot see: taking the handle marks
/// the link so request end rolls back, restores every attribute it knows and resets the session
/// (as `pconn_mark_dirty`).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_raw_hdbc(link: pconn_link, out_hdbc: *mut *mut c_void) -> pconn_status {
    status_call(|| {
        let out_hdbc = out_ptr(out_hdbc, "out_hdbc")?;
        let hdbc = registry::call_on_link(link, |l| {
            l.capture_attribute_baseline()?;
            l.raw_hdbc()
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_hdbc, hdbc.0.cast::<c_void>()) };
        Ok(())
    })
}

/// Tells pconn the link's session was changed in ways it cannot see (through the raw handle, or
/// SQL that changed settings): request end then does a full reset.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_mark_dirty(link: pconn_link) -> pconn_status {
    status_call(|| registry::call_on_link(link, |l| l.mark_dirty()))
}

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
        let slot = registry::call_on_link(link, |l| {
            let [catalog, schema, table, types] = args?;
            l.tables(catalog, schema, table, types)
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, (link << 32) | u64::from(slot)) };
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
        let slot = registry::call_on_link(link, |l| {
            let [catalog, schema, table, column] = args?;
            l.columns(catalog, schema, table, column)
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, (link << 32) | u64::from(slot)) };
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
        let slot = registry::call_on_link(link, |l| l.primary_keys(args.0?, args.1?, args.2?))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, (link << 32) | u64::from(slot)) };
        Ok(())
    })
}
