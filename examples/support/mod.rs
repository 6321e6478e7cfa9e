//! What the benchmarks share: the PostgreSQL they run against, and failing loudly.

pub mod pg_server;

use pconn::ffi::{pconn_errmsg, pconn_link, pconn_status};
use std::ffi::CStr;

/// Panics with the failed call's message unless `status` is `PCONN_OK`; `link` 0 reads the
/// calling thread's last error.
#[allow(dead_code)] // each benchmark uses one of the two
pub fn ok_on(status: pconn_status, link: pconn_link, what: &str) {
    if status != pconn_status::PCONN_OK {
        // SAFETY: pconn_errmsg returns a NUL-terminated string valid until the next call.
        let message = unsafe { CStr::from_ptr(pconn_errmsg(link)) }.to_string_lossy().into_owned();
        panic!("{what}: {status:?}: {message}");
    }
}

/// [`ok_on`] for calls whose error is the thread's (connects, options).
#[allow(dead_code)]
pub fn ok(status: pconn_status, what: &str) {
    ok_on(status, 0, what);
}
