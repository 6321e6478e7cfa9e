//! The C ABI for PHP bindings: a batch of rows in one call, in PHP's `serialize()` format, and
//! what a request needs to know about its worker process in one call.

use super::args::{out_ptr, write_out};
use super::guard::{getter, status_call, status_call_no_data};
use super::handle::{on_result, pconn_link, pconn_result};
use super::link::exec_bytes_then;
use super::status::pconn_status;
use crate::config;
use crate::error::Error;
use std::cell::UnsafeCell;
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

/// Executes `len` bytes of SQL at `sql` as `pconn_exec_bytes` does, and writes in the same call
/// what the ext/odbc drop-in reads of every new result: its number of columns to `*out_columns`
/// (0 for a statement without rows) and how many of them are of a long or binary SQL type
/// (`SQL_LONGVARCHAR`, `SQL_WLONGVARCHAR`, `SQL_BINARY`, `SQL_VARBINARY`, `SQL_LONGVARBINARY`,
/// which ext/odbc reads in pieces) to `*out_long_columns`: a binding asks for column types only
/// when there are some. One FFI call instead of two or more per query, which costs a PHP request
/// more than the C work it saves.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_php_exec(
    link: pconn_link,
    sql: *const c_char,
    len: usize,
    out_result: *mut pconn_result,
    out_columns: *mut u16,
    out_long_columns: *mut u32,
) -> pconn_status {
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        let out_columns = out_ptr(out_columns, "out_columns")?;
        let out_long_columns = out_ptr(out_long_columns, "out_long_columns")?;
        let (result, (columns, long_columns)) = exec_bytes_then(link, sql, len, |l, slot| {
            let set = l.result_set_mut(slot)?;
            Ok((set.column_count(), set.long_or_binary_columns()))
        })?;
        // SAFETY: the three pointers were checked non-NULL above.
        unsafe {
            write_out(out_result, result);
            write_out(out_columns, columns);
            write_out(out_long_columns, u32::from(long_columns));
        }
        Ok(())
    })
}

/// Flags of `pconn_php_worker`, combined with `|`: facts about the worker process a PHP binding
/// found out in one request and reads in the next ones.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_php_worker_flags {
    /// The binding handed the library the `PCONN_*` values PHP sees (a web server's per-site
    /// variables, which the process environment does not hold).
    PCONN_PHP_SETTINGS_APPLIED = 1,
}

/// A PHP binding's cells for the out-parameters of its calls, one of each C type, owned by pconn
/// (see `pconn_php_worker`), and what `pconn_php_worker` tells. Each cell is an array of one,
/// which PHP's FFI passes where a pointer is expected: the binding makes none of its own, which
/// would cost it a parse of the C type per cell in every request. A call writes its
/// out-parameter to a cell and the binding reads it right after; nothing is kept across calls.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct pconn_php_cells {
    /// A link, result or statement handle (all three are `uint64_t`).
    pub handle: [u64; 1],
    pub text: [*const c_char; 1],
    pub len: [usize; 1],
    pub int_value: [c_int; 1],
    pub u16_value: [u16; 1],
    pub u32_value: [u32; 1],
    pub i64_value: [i64; 1],
    /// This process's `pconn_php_worker_flags`, as of the last `pconn_php_worker` call.
    pub worker_flags: u32,
    /// The `fetch_batch` option, as of the last `pconn_php_worker` call.
    pub fetch_batch: usize,
}

thread_local! {
    static CELLS: UnsafeCell<pconn_php_cells> = const {
        UnsafeCell::new(pconn_php_cells {
            handle: [0],
            text: [std::ptr::null()],
            len: [0],
            int_value: [0],
            u16_value: [0],
            u32_value: [0],
            i64_value: [0],
            worker_flags: 0,
            fetch_batch: 0,
        })
    };
}

/// What a PHP binding needs when a request first uses the library, in one call (PHP frees
/// everything a request made, so it cannot keep these itself): adds `set_flags`
/// (`pconn_php_worker_flags` values combined with `|`; 0 adds none) to this process's flags and
/// returns the calling thread's cells with `worker_flags` (all flags set in this process so far)
/// and `fetch_batch` filled in. The cells live as long as the thread; the flags as long as the
/// process (a child forked later starts with its parent's). NULL when `set_flags` has an
/// unknown bit.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_php_worker(set_flags: u32) -> *mut pconn_php_cells {
    getter(std::ptr::null_mut(), || {
        if set_flags & !(pconn_php_worker_flags::PCONN_PHP_SETTINGS_APPLIED as u32) != 0 {
            return std::ptr::null_mut();
        }
        let flags = config::add_binding_marks(set_flags);
        let fetch_batch = config::fetch_batch();
        CELLS
            .try_with(|cells| {
                let cells = cells.get();
                // SAFETY: this thread's cells; PHP reads them only between its calls on this thread.
                unsafe {
                    (*cells).worker_flags = flags;
                    (*cells).fetch_batch = fetch_batch;
                }
                cells
            })
            .unwrap_or(std::ptr::null_mut())
    })
}
