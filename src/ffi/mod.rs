//! The C ABI. Each function checks its arguments, calls plain Rust, and maps the outcome to a
//! status code, inside one panic guard. No logic lives here.
//!
//! Threading: every function may be called from any thread. A *request* is per thread: it is what
//! the thread did since its last `pconn_request_end` (or since it started).

mod args;
mod guard;
mod statement;

use crate::config;
use crate::diag::{StoredError, thread_error};
use crate::error::{Error, Status};
use crate::key::ConnSpec;
use crate::link::LinkKind;
use crate::registry::{self, LinkHandle};
use args::{MAX_CONNECT_ARG, MAX_OPTION_ARG, MAX_SQL, optional_str, out_ptr, required_str, write_out};
use guard::{getter, status_call, status_call_no_data};
use std::cell::RefCell;
use std::ffi::{CString, c_char, c_int};

pub use crate::error::pconn_status;
pub use statement::*;

/// A link: an integer handle, valid from the call that returned it until `pconn_close`,
/// `pconn_drop`, `pconn_close_all` or the end of the request that got it. 0 is never a valid link.
#[allow(non_camel_case_types)]
pub type pconn_link = u64;

/// The result of one executed statement, valid until `pconn_result_free`, or until its link is
/// closed or its request ends. 0 is never a valid result.
#[allow(non_camel_case_types)]
pub type pconn_result = u64;

fn split_result(result: pconn_result) -> Result<(LinkHandle, u32), Error> {
    let (link, slot) = (result >> 32, (result & u64::from(u32::MAX)) as u32);
    if link == 0 || slot == 0 {
        return Err(Error::InvalidHandle("result"));
    }
    Ok((link, slot))
}

/// pconn's version as "MAJOR.MINOR.PATCH"; the same as the `PCONN_VERSION_*` macros of the header
/// it was built with. The string is static.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_version() -> *const c_char {
    static VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => c"unknown",
    };
    VERSION.as_ptr()
}

/// Static English text for a status code; an unknown code gives "unknown status code".
#[unsafe(no_mangle)]
pub extern "C" fn pconn_errstr(code: c_int) -> *const c_char {
    getter(c"internal error".as_ptr(), || {
        let text = match Status::from_code(code) {
            Some(status) => status.description(),
            None => "unknown status code",
        };
        // The descriptions are static; keep one C copy of each for the life of the process.
        static CACHE: std::sync::OnceLock<Vec<(i32, CString)>> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(|| {
            (-1..=200)
                .filter_map(|c| Status::from_code(c).map(|s| (c, CString::new(s.description()).unwrap_or_default())))
                .collect()
        });
        match cache.iter().find(|(c, _)| *c == code) {
            Some((_, text)) => text.as_ptr(),
            None => {
                debug_assert_eq!(text, "unknown status code");
                c"unknown status code".as_ptr()
            }
        }
    })
}

fn connect_with(
    kind: LinkKind,
    conn_str: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out_link: *mut pconn_link,
) -> pconn_status {
    status_call(|| {
        let out_link = out_ptr(out_link, "out_link")?;
        // SAFETY: the caller passes NUL-terminated strings or NULL, as documented.
        let (conn_str, user, password) = unsafe {
            (
                required_str(conn_str, "conn_str", MAX_CONNECT_ARG)?,
                optional_str(user, "user", MAX_CONNECT_ARG)?,
                optional_str(password, "password", MAX_CONNECT_ARG)?,
            )
        };
        let spec = ConnSpec::parse(conn_str, user, password)?;
        let link = registry::connect(kind, &spec)?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_link, link) };
        Ok(())
    })
}

/// Gets a persistent link, like `odbc_pconnect`.
///
/// `conn_str` is an ODBC connection string (`DSN=…;` or `Driver={…};…`); `user` and `password` may
/// be NULL (then `UID=`/`PWD=` of the string are used). Links are "identical" when the string's
/// attributes are equal (keys case-insensitive, in any order), and user and password are equal.
/// Within one request, identical calls return the same link. Otherwise an idle link with that
/// identity is reused, after a local liveness check (and a round trip if it was idle longer than
/// `ping_interval`); if every such link is in use, a new one is opened. At request end the link is
/// cleaned and returned to this process's idle pool; its server session is kept.
///
/// Attributes named `Pconn…` (`PconnReset=none;`, `PconnPingInterval=5;`) set pconn's
/// per-connection options and are not sent to the driver.
///
/// On success writes the link to `*out_link`. On failure returns the status and the details are
/// read with `pconn_errmsg(0)`, `pconn_sqlstate(0)`, `pconn_native_error(0)`. A password never
/// appears in any message.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_pconnect(
    conn_str: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out_link: *mut pconn_link,
) -> pconn_status {
    connect_with(LinkKind::Persistent, conn_str, user, password, out_link)
}

/// Gets a request-scoped link, like `oci_connect`: identical calls within one request return the
/// same link; it is disconnected at request end (or `pconn_close`). Arguments as `pconn_pconnect`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_connect(
    conn_str: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out_link: *mut pconn_link,
) -> pconn_status {
    connect_with(LinkKind::RequestScoped, conn_str, user, password, out_link)
}

/// Always opens a new link of its own, like `oci_new_connect`; disconnected at `pconn_close` or
/// request end. Arguments as `pconn_pconnect`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_new_connect(
    conn_str: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out_link: *mut pconn_link,
) -> pconn_status {
    connect_with(LinkKind::Fresh, conn_str, user, password, out_link)
}

/// Closes a link. A non-persistent link is rolled back and disconnected; a persistent link is
/// cleaned as at request end and returned to the idle pool (its server session kept). The handle is
/// invalid afterwards. `pconn_close(0)` does nothing; closing twice returns `PCONN_INVALID_HANDLE`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_close(link: pconn_link) -> pconn_status {
    if link == 0 {
        return status_call(|| Ok(()));
    }
    status_call(|| registry::close(link))
}

/// Disconnects a link for good, persistent or not (it is not returned to the idle pool).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_drop(link: pconn_link) -> pconn_status {
    if link == 0 {
        return status_call(|| Ok(()));
    }
    status_call(|| registry::drop_link(link))
}

/// Like `odbc_close_all`: disconnects every link of the calling thread's request (persistent ones
/// too) and every idle persistent link of the process.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_close_all() -> pconn_status {
    status_call(|| {
        registry::close_all();
        Ok(())
    })
}

/// Marks the start of a request on the calling thread. Optional: a request also starts implicitly
/// after the previous `pconn_request_end`. Links left over from an unended request are ended first.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_request_begin() -> pconn_status {
    status_call(|| {
        registry::end_request();
        Ok(())
    })
}

/// Ends the calling thread's request. For every link it got, in order: its results are freed, any
/// open transaction is rolled back (also one opened by SQL `BEGIN`), attributes changed through the
/// API are restored, the session is reset (per the `reset` option) and its error cleared; then
/// persistent links return to the idle pool and other links are disconnected. A link for which any
/// step fails is disconnected and never handed out again. All handles of the request become invalid.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_request_end() -> pconn_status {
    status_call(|| {
        registry::end_request();
        Ok(())
    })
}

/// Executes SQL on a link and writes a result handle to `*out_result` (also for statements without
/// rows: read `pconn_result_affected_rows`). On failure the link's error says why.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_exec(link: pconn_link, sql: *const c_char, out_result: *mut pconn_result) -> pconn_status {
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        // SAFETY: NUL-terminated string or NULL, as documented.
        let sql = unsafe { required_str(sql, "sql", MAX_SQL) };
        let slot = registry::call_on_link(link, |l| {
            let sql = sql?;
            l.execute(sql)
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, (link << 32) | u64::from(slot)) };
        Ok(())
    })
}

/// Moves to the next row: `PCONN_OK` when there is one, `PCONN_NO_DATA` after the last.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_fetch(result: pconn_result) -> pconn_status {
    status_call_no_data(|| {
        let (link, slot) = split_result(result)?;
        registry::call_on_link(link, |l| l.fetch(slot))
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
        let (link, slot) = split_result(result)?;
        let (ptr, len) = registry::call_on_link(link, |l| {
            let value = l.result_mut(slot)?.text(column)?;
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
        let (link, slot) = split_result(result)?;
        let count = registry::call_on_link(link, |l| Ok(l.result_mut(slot)?.column_count()))?;
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
        let (link, slot) = split_result(result)?;
        let rows = registry::call_on_link(link, |l| Ok(l.result_mut(slot)?.affected_rows()))?;
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
        let (link, slot) = split_result(result)?;
        registry::call_on_link(link, |l| l.free_result(slot))
    })
}

/// Turns autocommit on (`on` = 1) or off (0). Request end restores the link's state at connect.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_autocommit_set(link: pconn_link, on: c_int) -> pconn_status {
    status_call(|| {
        registry::call_on_link(link, |l| match on {
            0 | 1 => l.set_autocommit(on == 1),
            other => Err(Error::InvalidArgument(format!("autocommit must be 0 or 1, not {other}"))),
        })
    })
}

/// Writes 1 to `*out_on` when autocommit is on, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_autocommit_get(link: pconn_link, out_on: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_on = out_ptr(out_on, "out_on")?;
        let on = registry::call_on_link(link, |l| Ok(l.autocommit()))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_on, c_int::from(on)) };
        Ok(())
    })
}

/// Commits the link's transaction.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_commit(link: pconn_link) -> pconn_status {
    status_call(|| registry::call_on_link(link, |l| l.commit()))
}

/// Rolls back the link's transaction.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_rollback(link: pconn_link) -> pconn_status {
    status_call(|| registry::call_on_link(link, |l| l.rollback()))
}

/// Reads an error field: of `link` when it is a live link, of the calling thread's last call when
/// `link` is 0. Reading never changes the error.
fn read_error<T>(link: pconn_link, read: impl Fn(Option<&StoredError>) -> T, invalid: T) -> T {
    if link == 0 {
        return thread_error::with(read);
    }
    registry::read_link_error(link, read).unwrap_or(invalid)
}

/// The error message of the last call on `link` ("" if it succeeded), or, with `link` = 0, of the
/// calling thread's last call. All diagnostic records, one per line. Owned by pconn; valid until the
/// next call on the same link (or, for 0, the thread's next call).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_errmsg(link: pconn_link) -> *const c_char {
    getter(c"".as_ptr(), || {
        read_error(
            link,
            |e| e.map_or(c"".as_ptr(), |e| e.message.as_ptr()),
            c"[pconn] invalid, closed or foreign link handle".as_ptr(),
        )
    })
}

/// The five-character SQLSTATE of the last call's first diagnostic record ("" if it succeeded).
/// Lifetime as `pconn_errmsg`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_sqlstate(link: pconn_link) -> *const c_char {
    getter(c"".as_ptr(), || {
        read_error(link, |e| e.map_or(c"".as_ptr(), |e| e.sqlstate.as_ptr()), c"08003".as_ptr())
    })
}

/// The driver's native error code of the last call's first diagnostic record (0 if none).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_native_error(link: pconn_link) -> i32 {
    getter(0, || read_error(link, |e| e.map_or(0, |e| e.diagnostic.native_error()), 0))
}

/// The status code of the last call on `link` (or of the thread's last call, for 0).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_last_status(link: pconn_link) -> pconn_status {
    getter(Status::PCONN_PANIC, || {
        read_error(link, |e| e.map_or(Status::PCONN_OK, |e| e.status), Status::PCONN_INVALID_HANDLE)
    })
}

/// 1 when the link is persistent, 0 when it is request-scoped or fresh (a pconnect that fell back
/// under `on_limit=fallback` is not persistent), -1 for an invalid handle.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_link_is_persistent(link: pconn_link) -> c_int {
    getter(-1, || match registry::link_kind(link) {
        Ok(LinkKind::Persistent) => 1,
        Ok(_) => 0,
        Err(_) => -1,
    })
}

/// Sets an option for the whole process (see the README's table): `name` as `ping_interval`,
/// `value` as text ("60"). An unknown name or a bad value returns `PCONN_INVALID_ARGUMENT` and
/// changes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_set_option(name: *const c_char, value: *const c_char) -> pconn_status {
    status_call(|| {
        // SAFETY: NUL-terminated strings or NULL, as documented.
        let (name, value) = unsafe {
            (required_str(name, "name", MAX_OPTION_ARG)?, required_str(value, "value", MAX_OPTION_ARG)?)
        };
        config::set_option(name, value)
    })
}

thread_local! {
    static THREAD_TEXT: RefCell<CString> = RefCell::new(CString::default());
}

fn thread_text(text: String) -> *const c_char {
    THREAD_TEXT
        .try_with(|slot| {
            let text = CString::new(text.replace('\0', " ")).unwrap_or_default();
            let ptr = text.as_ptr();
            *slot.borrow_mut() = text;
            ptr
        })
        .unwrap_or(c"".as_ptr())
}

/// Writes the current value of option `name` to `*out_value`: a string owned by pconn, valid until
/// the calling thread's next `pconn_get_option` or `pconn_stats_json`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_get_option(name: *const c_char, out_value: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let out_value = out_ptr(out_value, "out_value")?;
        // SAFETY: NUL-terminated string or NULL, as documented.
        let name = unsafe { required_str(name, "name", MAX_OPTION_ARG)? };
        let value = config::get_option(name)?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_value, thread_text(value)) };
        Ok(())
    })
}

/// Statistics of this process's pool as JSON: per key (attributes and user, never the password)
/// idle and in-use counts; totals of links opened, reused, found dead and replaced, rolled back,
/// reset, discarded by reason, and limit refusals. Owned by pconn, valid until the calling
/// thread's next `pconn_stats_json` or `pconn_get_option`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_stats_json() -> *const c_char {
    getter(c"{}".as_ptr(), || thread_text(registry::snapshot().to_json()))
}
