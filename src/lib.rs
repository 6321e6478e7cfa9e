//! pconn: persistent database links for long-running processes, over ODBC, with a C ABI.
//!
//! The logic lives in plain Rust modules; [`ffi`] only translates between C and them.

pub mod config;
pub mod diag;
pub mod doctor;
pub mod error;
pub mod ffi;
mod json;
pub mod key;
pub mod last_error;
pub mod notice;
pub mod odbc;
pub mod os;
pub mod secrets;
pub mod pool;
pub mod session;
pub mod socket;
pub mod stats;

pub use error::{Error, Result};
pub use ffi::pconn_status as Status;

/// The header cbindgen generated from this source at build time; a test compares it with the
/// committed `include/pconn.h`.
#[doc(hidden)]
pub const GENERATED_HEADER: &str = include_str!(concat!(env!("OUT_DIR"), "/pconn.h"));
/// The preprocessor-free declarations for PHP's FFI, generated alongside the header.
#[doc(hidden)]
pub const GENERATED_FFI_DECLARATIONS: &str = include_str!(concat!(env!("OUT_DIR"), "/pconn_ffi.h"));
