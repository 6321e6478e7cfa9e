//! The C ABI of a prepared statement: preparing, binding parameters by position, executing,
//! freeing.

use super::args::{MAX_SQL, out_ptr, required_bytes, required_str, write_optional, write_out};
use super::guard::status_call;
use super::handle::{on_stmt, pack, pconn_link, pconn_result, pconn_stmt, split_stmt};
use super::status::pconn_status;
use crate::error::Error;
use crate::odbc::statement::ParamValue;
use crate::pool;
use std::ffi::{c_char, c_int, c_void};

/// Prepares `sql` on a link; its parameters are written `?` and numbered from 1. On success
/// writes the statement to `*out_stmt`. On failure the link's error says why.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_prepare(link: pconn_link, sql: *const c_char, out_stmt: *mut pconn_stmt) -> pconn_status {
    status_call(|| {
        let out_stmt = out_ptr(out_stmt, "out_stmt")?;
        // SAFETY: NUL-terminated string or NULL, as documented.
        let sql = unsafe { required_str(sql, "sql", MAX_SQL) };
        let slot = pool::call_on_link(link, |l| l.prepare(sql?.as_bytes(), None))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_stmt, pack(link, slot)) };
        Ok(())
    })
}

/// Prepares `len` bytes of SQL at `sql` (not NUL-terminated), as `pconn_prepare` does but without
/// the UTF-8 check: the bytes go to the driver's narrow `SQLPrepare` exactly as given. An embedded
/// NUL returns `PCONN_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_prepare_bytes(link: pconn_link, sql: *const c_char, len: usize, out_stmt: *mut pconn_stmt) -> pconn_status {
    prepare_bytes(link, sql, len, None, out_stmt)
}

/// As `pconn_prepare_bytes`, with the statement's cursor type (`SQL_ATTR_CURSOR_TYPE`: 0
/// forward-only, the default; 1 keyset-driven, 2 dynamic, 3 static) set before `SQLPrepare`.
/// ext/odbc asks for a static cursor, and drivers answer some executions of it with an info
/// record (psqlODBC: 01S02 "cursor updatability changed" for a statement without rows). A driver
/// that substitutes another type succeeds quietly; results are read forward-only whatever the type.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_prepare_cursor(
    link: pconn_link,
    sql: *const c_char,
    len: usize,
    cursor_type: u32,
    out_stmt: *mut pconn_stmt,
) -> pconn_status {
    prepare_bytes(link, sql, len, Some(cursor_type), out_stmt)
}

/// `pconn_prepare_bytes` and `pconn_prepare_cursor`: `len` readable bytes at `sql`, as they document.
fn prepare_bytes(link: pconn_link, sql: *const c_char, len: usize, cursor_type: Option<u32>, out_stmt: *mut pconn_stmt) -> pconn_status {
    status_call(|| {
        let out_stmt = out_ptr(out_stmt, "out_stmt")?;
        // SAFETY: `len` readable bytes at `sql`, as the exported functions document.
        let sql = unsafe { required_bytes(sql, len, "sql", MAX_SQL) };
        let slot = pool::call_on_link(link, |l| l.prepare(sql?, cursor_type))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_stmt, pack(link, slot)) };
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

/// Describes parameter `index` (from 1) of a prepared statement (`SQLDescribeParam`): its SQL type
/// code, size, decimal digits and nullability (SQL_NO_NULLS 0, SQL_NULLABLE 1,
/// SQL_NULLABLE_UNKNOWN 2). Any out pointer may be NULL. Some drivers only parse the SQL here
/// (psqlODBC), so invalid SQL may fail at this call. A driver that cannot describe parameters
/// gives `PCONN_OK` with SQL_VARCHAR (12), size 0, digits 0 and nullable -1 (unknown).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_describe_param(
    stmt: pconn_stmt,
    index: u16,
    out_sql_type: *mut c_int,
    out_size: *mut u64,
    out_digits: *mut i16,
    out_nullable: *mut c_int,
) -> pconn_status {
    status_call(|| {
        let described = on_stmt(stmt, |l, slot| {
            let described = l.statement_mut(slot)?.describe_param(index);
            l.note(described)
        })?;
        // SAFETY: each pointer is written only when non-NULL; the caller passes writable ones.
        unsafe {
            write_optional(out_sql_type, c_int::from(described.sql_type));
            write_optional(out_size, described.size);
            write_optional(out_digits, described.digits);
            write_optional(out_nullable, described.nullable);
        }
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
    bind(stmt, index, || Ok(ParamValue::text(unsafe { required_str(text, "text", MAX_SQL)? }.as_bytes())))
}

/// Binds `len` bytes at `data` (NULL when `len` is 0) to parameter `index` (from 1) as character
/// data (SQL_C_CHAR), exactly as given: no UTF-8 check, NULs kept (the length ends the value).
/// For text in the driver's narrow encoding (Latin-1…). Otherwise as `pconn_stmt_bind_text`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stmt_bind_text_bytes(stmt: pconn_stmt, index: u16, data: *const c_char, len: usize) -> pconn_status {
    // SAFETY: `len` readable bytes at `data`, as documented.
    bind(stmt, index, || Ok(ParamValue::text(unsafe { required_bytes(data, len, "data", MAX_SQL)? })))
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
        unsafe { write_out(out_result, pack(link, result_slot)) };
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
