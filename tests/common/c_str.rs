//! C strings going into the C ABI and coming out of it.

use std::ffi::{CStr, CString, c_char};

/// A C string of `text` (which has no NUL in it), alive as long as the value.
pub fn cstr(text: &str) -> CString {
    CString::new(text).unwrap()
}

/// The text pconn returned; `<NULL>` for a NULL pointer, so an assertion names what it got.
pub fn text(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return "<NULL>".into();
    }
    // SAFETY: pconn returns NUL-terminated strings that live until the thread's next call.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}
