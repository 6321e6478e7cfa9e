//! pconn: persistent database links for long-running processes, over ODBC, with a C ABI.
//!
//! The logic lives in plain Rust modules; [`ffi`] only translates between C and them.

pub mod attributes;
pub mod catalog;
pub mod cleaner;
pub mod config;
pub mod diag;
pub mod doctor;
pub mod error;
pub mod host_slots;
pub mod ffi;
pub mod key;
pub mod link;
pub mod odbc;
pub mod prepared;
pub mod registry;
pub mod request;
pub mod reset;
pub mod socket;
pub mod statement;
pub mod stats;

pub use error::{Error, Result, Status};

/// The header cbindgen generated from this source at build time; a test compares it with the
/// committed `include/pconn.h`.
#[doc(hidden)]
pub const GENERATED_HEADER: &str = include_str!(concat!(env!("OUT_DIR"), "/pconn.h"));
/// The preprocessor-free declarations for PHP's FFI, generated alongside the header.
#[doc(hidden)]
pub const GENERATED_FFI_DECLARATIONS: &str = include_str!(concat!(env!("OUT_DIR"), "/pconn_ffi.h"));
