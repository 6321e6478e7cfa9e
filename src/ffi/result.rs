//! The C ABI of a result set: moving through its rows and reading their values, one at a time or
//! a row per call; moving to the next result set; freeing it.

use super::args::{out_ptr, write_null_flag, write_out};
use super::guard::{status_call, status_call_no_data};
use super::handle::{on_result, pconn_result};
use super::status::pconn_status;
use crate::error::Error;
use crate::odbc::result_set::{Cell, ValueKind};
use std::ffi::{c_char, c_int, c_void};

/// Moves to the next row: `PCONN_OK` when there is one, `PCONN_NO_DATA` after the last.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_fetch(result: pconn_result) -> pconn_status {
    status_call_no_data(|| {
        on_result(result, |l, slot| l.fetch(slot))
    })
}

/// Reads column `column` (from 1) of the current row as text. On success `*out_text` points to the
/// NUL-terminated value (or is NULL for SQL NULL), `*out_len` is its length in bytes (0 for NULL) and
/// `*out_is_null` is 1 for SQL NULL, else 0. The text is owned by pconn and valid until the next
/// `pconn_fetch` or `pconn_result_free` on this result. `out_len` and `out_is_null` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_text(
    result: pconn_result,
    column: u16,
    out_text: *mut *const c_char,
    out_len: *mut usize,
    out_is_null: *mut c_int,
) -> pconn_status {
    status_call(|| {
        let out_text = out_ptr(out_text, "out_text")?;
        let (ptr, len) = on_result(result, |l, slot| {
            let value = l.result_set_mut(slot)?.text(column)?;
            Ok(match value {
                Some(bytes) => (bytes.as_ptr().cast::<c_char>(), Some(bytes.len() - 1)),
                None => (std::ptr::null(), None),
            })
        })?;
        // SAFETY: out_text checked; the optional pointers are written only when non-NULL.
        unsafe {
            write_out(out_text, ptr);
            if !out_len.is_null() {
                write_out(out_len, len.unwrap_or(0));
            }
            if !out_is_null.is_null() {
                write_out(out_is_null, c_int::from(len.is_none()));
            }
        }
        Ok(())
    })
}

/// Number of columns of the result (0 for a statement without rows).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_columns(result: pconn_result, out_count: *mut u16) -> pconn_status {
    status_call(|| {
        let out_count = out_ptr(out_count, "out_count")?;
        let count = on_result(result, |l, slot| Ok(l.result_set_mut(slot)?.column_count()))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_count, count) };
        Ok(())
    })
}

/// Rows changed by the INSERT, UPDATE or DELETE that made this result; for a result set, its
/// number of rows when the driver knows it before the rows are fetched (psqlODBC does); -1 when
/// not known.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_affected_rows(result: pconn_result, out_rows: *mut i64) -> pconn_status {
    status_call(|| {
        let out_rows = out_ptr(out_rows, "out_rows")?;
        let rows = on_result(result, |l, slot| Ok(l.result_set_mut(slot)?.affected_rows()))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_rows, rows) };
        Ok(())
    })
}

/// Frees a result (closing its cursor). `pconn_result_free(0)` does nothing; a second free returns
/// `PCONN_INVALID_HANDLE`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_free(result: pconn_result) -> pconn_status {
    if result == 0 {
        return status_call(|| Ok(()));
    }
    status_call(|| {
        on_result(result, |l, slot| l.free_result_set(slot))
    })
}

/// Reads column `column` (from 1) of the current row as a 64-bit integer into `*out_value`
/// (0 for NULL); `*out_is_null` is 1 for SQL NULL, else 0 (`out_is_null` may be NULL). A value
/// that is not a whole number returns `PCONN_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_int64(result: pconn_result, column: u16, out_value: *mut i64, out_is_null: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_value = out_ptr(out_value, "out_value")?;
        let value = on_result(result, |l, slot| l.result_set_mut(slot)?.int64(column))?;
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
        let value = on_result(result, |l, slot| l.result_set_mut(slot)?.double(column))?;
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
            Ok(match l.result_set_mut(slot)?.bytes(column)? {
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
            let filled = l.result_set_mut(slot)?.for_each_value(|index, cell| {
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

/// Moves the result to its statement's next result set (`SQLMoreResults`, for SQL with several
/// statements or procedures returning several sets): `PCONN_OK` when there is one (read its
/// columns, rows or affected rows as usual), `PCONN_NO_DATA` when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_result_next(result: pconn_result) -> pconn_status {
    status_call_no_data(|| on_result(result, |l, slot| l.next_result(slot)))
}
