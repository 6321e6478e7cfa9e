//! Small wrappers over pconn's C ABI for the backend tests: connect, run, read one value, end
//! the request. Failures panic with pconn's error message.

use pconn::ffi::*;
use std::ffi::{c_char, c_int};
use std::ptr::null;

use pconn_status::*;

pub use super::c_str::cstr as c_string;
pub use super::calls::{errmsg, ok};

/// A persistent link (`pconn_pconnect`), or Err(message) when connecting fails.
pub fn try_pconnect(conn_str: &str) -> Result<pconn_link, String> {
    let mut link = 0;
    match pconn_pconnect(c_string(conn_str).as_ptr(), null(), null(), &mut link) {
        PCONN_OK => Ok(link),
        _ => Err(errmsg(0)),
    }
}

#[track_caller]
pub fn pconnect(conn_str: &str) -> pconn_link {
    try_pconnect(conn_str).unwrap_or_else(|e| panic!("pconnect: {e}"))
}

/// `status` as a Result carrying pconn's message for `link`.
pub fn check(status: pconn_status, link: pconn_link) -> Result<(), String> {
    if status == PCONN_OK { Ok(()) } else { Err(errmsg(link)) }
}

#[track_caller]
pub fn run(link: pconn_link, sql: &str) {
    let mut result = 0;
    ok(pconn_exec(link, c_string(sql).as_ptr(), &mut result), link);
    ok(pconn_result_free(result), link);
}

/// The first column of the first row as text (None: no row or NULL).
#[track_caller]
pub fn scalar(link: pconn_link, sql: &str) -> Option<String> {
    let mut result = 0;
    ok(pconn_exec(link, c_string(sql).as_ptr(), &mut result), link);
    let value = match pconn_fetch(result) {
        PCONN_OK => {
            let (mut data, mut len, mut is_null) = (null::<c_char>(), 0usize, 0 as c_int);
            ok(pconn_result_text(result, 1, &mut data, &mut len, &mut is_null), link);
            // SAFETY: pconn_result_text returns `len` bytes valid until the next fetch.
            (is_null == 0).then(|| String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }).into_owned())
        }
        PCONN_NO_DATA => None,
        other => panic!("fetch: {other:?}: {}", errmsg(link)),
    };
    ok(pconn_result_free(result), link);
    value
}

/// Runs `f` on a thread of its own (its own request) and ends that request.
pub fn with_request<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let value = f();
                assert_eq!(pconn_request_end(), PCONN_OK);
                value
            })
            .join()
            .expect("request thread panicked")
    })
}
