//! The C ABI of a link: getting one (persistent, request-scoped or fresh), closing it, requests,
//! running SQL on it, transactions, its last error, and its raw ODBC handle.

use super::args::{MAX_CONNECT_ARG, MAX_SQL, optional_str, out_ptr, required_bytes, required_str, write_optional, write_out};
use super::guard::{getter, status_call};
use super::handle::{pack, pconn_link, pconn_result};
use super::status::{pconn_status, status_of};
use crate::error::Result;
use crate::last_error::{LastError, thread_error};
use crate::key::ConnSpec;
use crate::pool::LinkKind;
use crate::pool;
use crate::session::Session;
use std::ffi::{c_char, c_int, c_void};

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
        let link = pool::connect(kind, &spec)?;
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
    status_call(|| pool::close(link))
}

/// Disconnects a link for good, persistent or not (it is not returned to the idle pool).
#[unsafe(no_mangle)]
pub extern "C" fn pconn_drop(link: pconn_link) -> pconn_status {
    if link == 0 {
        return status_call(|| Ok(()));
    }
    status_call(|| pool::drop_link(link))
}

/// Like `odbc_close_all`: disconnects every link of the calling thread's request (persistent ones
/// too) and every idle persistent link of the process.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_close_all() -> pconn_status {
    status_call(|| {
        pool::close_all();
        Ok(())
    })
}

/// Marks the start of a request on the calling thread. Optional: a request also starts implicitly
/// after the previous `pconn_request_end`. Links left over from an unended request are ended first.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_request_begin() -> pconn_status {
    status_call(|| {
        pool::end_request();
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
        pool::end_request();
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
        let slot = pool::call_on_link(link, |l| {
            let sql = sql?;
            l.execute(sql.as_bytes())
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, pack(link, slot)) };
        Ok(())
    })
}

/// Executes `len` bytes of SQL at `sql` (not NUL-terminated) on a link, as `pconn_exec` does but
/// without the UTF-8 check: the bytes go to the driver's narrow `SQLExecDirect` exactly as given,
/// for applications whose SQL is in the driver's narrow encoding (Latin-1…). An embedded NUL
/// returns `PCONN_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_exec_bytes(link: pconn_link, sql: *const c_char, len: usize, out_result: *mut pconn_result) -> pconn_status {
    status_call(|| {
        let out_result = out_ptr(out_result, "out_result")?;
        let (result, ()) = exec_bytes_then(link, sql, len, |_, _| Ok(()))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_result, result) };
        Ok(())
    })
}

/// `pconn_exec_bytes`'s execution, then `then` on the new result's slot in the same call on the
/// link: returns the result handle and what `then` read.
pub(super) fn exec_bytes_then<T>(
    link: pconn_link,
    sql: *const c_char,
    len: usize,
    then: impl FnOnce(&mut Session, u32) -> Result<T>,
) -> Result<(pconn_result, T)> {
    // SAFETY: `len` readable bytes at `sql`, as the callers document.
    let sql = unsafe { required_bytes(sql, len, "sql", MAX_SQL) };
    let (slot, read) = pool::call_on_link(link, |l| {
        let slot = l.execute(sql?)?;
        Ok((slot, then(l, slot)?))
    })?;
    Ok((pack(link, slot), read))
}

/// Commits the link's transaction.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_commit(link: pconn_link) -> pconn_status {
    status_call(|| pool::call_on_link(link, |l| l.commit()))
}

/// Rolls back the link's transaction.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_rollback(link: pconn_link) -> pconn_status {
    status_call(|| pool::call_on_link(link, |l| l.rollback()))
}

/// Reads an error field: of `link` when it is a live link, of the calling thread's last call when
/// `link` is 0. Reading never changes the error.
fn read_error<T>(link: pconn_link, read: impl Fn(Option<&LastError>) -> T, invalid: T) -> T {
    if link == 0 {
        return thread_error::with(read);
    }
    pool::read_link_error(link, read).unwrap_or(invalid)
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
    getter(pconn_status::PCONN_PANIC, || {
        read_error(link, |e| e.map_or(pconn_status::PCONN_OK, |e| status_of(&e.error)), pconn_status::PCONN_INVALID_HANDLE)
    })
}

/// Writes to `*out_count` the number of info records (the driver's SQL_SUCCESS_WITH_INFO
/// diagnostics: PostgreSQL's notices, "cursor updatability changed"…) of the last call on `link`,
/// 0 when it had none. Only what the caller's own call got is kept (pconn's internal statements
/// never add any), and the next call on the link (or request end) drops them. Reading them is not
/// a call: it changes neither them nor the link's error.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_info_count(link: pconn_link, out_count: *mut u32) -> pconn_status {
    status_call(|| {
        let out_count = out_ptr(out_count, "out_count")?;
        let count = pool::read_session(link, |l| l.info().len())?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_count, u32::try_from(count).unwrap_or(u32::MAX)) };
        Ok(())
    })
}

/// Writes info record `index` (from 0) of the last call on `link` (see `pconn_info_count`): its
/// five-character SQLSTATE to `*out_sqlstate` and its message to `*out_message` (either may be
/// NULL). NUL-terminated, owned by pconn, valid until the next call on the link. An index past
/// the last returns `PCONN_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_info_record(link: pconn_link, index: u32, out_sqlstate: *mut *const c_char, out_message: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let (sqlstate, message) = pool::read_session(link, |l| {
            let info = l.info();
            info.get(index as usize).map(|(state, message)| (state.as_ptr(), message.as_ptr())).ok_or_else(|| {
                crate::error::Error::InvalidArgument(format!("info record {index} does not exist: the last call got {}", info.len()))
            })
        })??;
        // SAFETY: each pointer is written only when non-NULL; the caller passes writable ones.
        unsafe {
            write_optional(out_sqlstate, sqlstate);
            write_optional(out_message, message);
        }
        Ok(())
    })
}

/// Writes what the link's driver calls its DBMS (`SQLGetInfo(SQL_DBMS_NAME)`: "PostgreSQL",
/// "SQLite", "MariaDB"…; "" when the driver does not say) to `*out_name`. NUL-terminated, owned
/// by pconn, valid as long as the link. Reading it is not a call: the link's error stays.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_dbms_name(link: pconn_link, out_name: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let out_name = out_ptr(out_name, "out_name")?;
        let name = pool::read_session(link, |l| l.dbms_name().as_ptr())?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_name, name) };
        Ok(())
    })
}

/// 1 when the link is persistent, 0 when it is request-scoped or fresh (a pconnect that fell back
/// under `on_limit=fallback` is not persistent), -1 for an invalid handle.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_link_is_persistent(link: pconn_link) -> c_int {
    getter(-1, || match pool::link_kind(link) {
        Ok(LinkKind::Persistent) => 1,
        Ok(_) => 0,
        Err(_) => -1,
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
        let hdbc = pool::call_on_link(link, |l| {
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
    status_call(|| pool::call_on_link(link, |l| l.mark_dirty()))
}
