//! pconn: persistent database links for long-running processes, over ODBC, with a C ABI.
//!
//! The logic lives in plain Rust modules; [`ffi`] only translates between C and them.

pub mod config;
pub mod diag;
pub mod error;
pub mod ffi;
pub mod key;
pub mod link;
pub mod odbc;
pub mod registry;
pub mod request;
pub mod reset;
pub mod statement;
pub mod stats;

pub use error::{Error, Result, Status};
