//! The C ABI for PHP bindings: a batch of rows in one call, in PHP's `serialize()` format.

use super::args::{out_ptr, write_out};
use super::guard::status_call_no_data;
use super::handle::{on_result, pconn_result};
use super::status::pconn_status;
use crate::error::Error;
use std::ffi::{c_char, c_int};

/// Flags of `pconn_fetch_php_serialized`, combined with `|`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_php_rows {
    /// Each row a list: values keyed by column number from 0 (`odbc_fetch_into`).
    PCONN_PHP_ROWS_LISTS = 0,
    /// Each row keyed by column name (`odbc_fetch_array`); a later column of the same name wins.
    PCONN_PHP_ROWS_BY_NAME = 1,
    /// Every non-binary value as the driver's text (read as SQL_C_CHAR), doubles too: `1.0`,
    /// `1e+20`, `Infinity`, `$1.50` as the driver prints them, as ext/odbc shows them (without
    /// it, doubles come in pconn's exact form: `1`, `1e20`, `inf`). Only before the first row of
    /// a result set may it differ from the previous call's: later a change returns
    /// `PCONN_INVALID_ARGUMENT` ("flags changed within a result set").
    PCONN_PHP_ROWS_DRIVER_TEXT = 2,
}

/// Fetches up to `max_rows` rows (from 1 to 1,000,000), fewer once the text reaches `max_bytes`
/// (0: no limit; at least one row is always read), and writes them as one string in PHP's
/// `serialize()` format: a list of rows, each an array of its column values as strings (binary
/// columns as their bytes, doubles in exact form unless `PCONN_PHP_ROWS_DRIVER_TEXT`), SQL NULL as
/// null, keyed as `flags` (`pconn_php_rows` values combined with `|`) says. So a PHP binding gets a batch of arrays with one FFI call and one
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
        let known = pconn_php_rows::PCONN_PHP_ROWS_BY_NAME as c_int | pconn_php_rows::PCONN_PHP_ROWS_DRIVER_TEXT as c_int;
        if flags & !known != 0 {
            return Err(Error::InvalidArgument(format!("flags must be pconn_php_rows values combined with |, not {flags}")));
        }
        let keyed_by_name = flags & pconn_php_rows::PCONN_PHP_ROWS_BY_NAME as c_int != 0;
        let driver_text = flags & pconn_php_rows::PCONN_PHP_ROWS_DRIVER_TEXT as c_int != 0;
        let (ptr, len, rows) = on_result(result, |l, slot| {
            let fetched = l
                .result_set_mut(slot)?
                .fetch_php_serialized(max_rows as usize, max_bytes, keyed_by_name, driver_text)
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
