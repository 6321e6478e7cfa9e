//! The C ABI of the process: pconn's version, status texts, its options, and its pool's statistics.

use super::args::{MAX_OPTION_ARG, out_ptr, required_str, write_out};
use super::guard::{getter, status_call};
use super::status::pconn_status;
use crate::config;
use crate::pool;
use std::cell::RefCell;
use std::ffi::{CString, c_char, c_int};

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
        pconn_status::from_code(code).map_or(c"unknown status code", pconn_status::description).as_ptr()
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
    getter(c"{}".as_ptr(), || thread_text(pool::snapshot().to_json()))
}
