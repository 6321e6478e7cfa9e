//! Checking what C passes in: NULL pointers, lengths, UTF-8, output pointers.

use crate::error::{Error, Result};
use std::ffi::{c_char, c_int};

/// Longest connection string, user or password accepted.
pub(crate) const MAX_CONNECT_ARG: usize = 64 * 1024;
/// Longest SQL text accepted.
pub(crate) const MAX_SQL: usize = 256 * 1024 * 1024;
/// Longest option name or value accepted.
pub(crate) const MAX_OPTION_ARG: usize = 4096;
/// Longest catalog argument (catalog, schema, table, column name or pattern).
pub(crate) const MAX_NAME: usize = MAX_OPTION_ARG;

/// A required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string readable up to its NUL or `limit + 1` bytes.
pub unsafe fn required_str<'a>(ptr: *const c_char, name: &'static str, limit: usize) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::NullArgument(name));
    }
    // SAFETY: per the contract above; strnlen never reads past limit + 1 bytes.
    let len = unsafe { libc::strnlen(ptr, limit + 1) };
    if len > limit {
        return Err(Error::TooLong { what: name, limit });
    }
    // SAFETY: len bytes were just found readable, followed by a NUL.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8(name))
}

/// A required byte-string argument: `len` bytes at `ptr`, any bytes (NULL only when `len` is 0).
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes.
pub unsafe fn required_bytes<'a>(ptr: *const c_char, len: usize, name: &'static str, limit: usize) -> Result<&'a [u8]> {
    if len > limit {
        return Err(Error::TooLong { what: name, limit });
    }
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(Error::NullArgument(name)) };
    }
    // SAFETY: per the contract above.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// An optional string argument: NULL means "not given".
///
/// # Safety
/// As [`required_str`].
pub unsafe fn optional_str<'a>(ptr: *const c_char, name: &'static str, limit: usize) -> Result<Option<&'a str>> {
    if ptr.is_null() { Ok(None) } else { unsafe { required_str(ptr, name, limit) }.map(Some) }
}

/// Checks an output pointer before any work is done, so a NULL one fails early and cleanly.
pub fn out_ptr<T>(ptr: *mut T, name: &'static str) -> Result<*mut T> {
    if ptr.is_null() { Err(Error::NullArgument(name)) } else { Ok(ptr) }
}

/// Writes an output parameter (only ever on success).
///
/// # Safety
/// `ptr` was checked by [`out_ptr`] and points to writable memory for a `T`.
pub unsafe fn write_out<T>(ptr: *mut T, value: T) {
    unsafe { ptr.write(value) }
}

/// Writes an output parameter the caller may leave out (NULL).
///
/// # Safety
/// `ptr` is NULL or points to writable memory for a `T`.
pub unsafe fn write_optional<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: per the contract above.
        unsafe { ptr.write(value) }
    }
}

/// Writes an optional NULL indicator.
///
/// # Safety
/// `out_is_null` is NULL or writable.
pub unsafe fn write_null_flag(out_is_null: *mut c_int, is_null: bool) {
    if !out_is_null.is_null() {
        // SAFETY: per the contract above.
        unsafe { write_out(out_is_null, c_int::from(is_null)) };
    }
}
