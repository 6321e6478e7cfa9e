//! The C ABI, one file per C type. Each function checks its arguments, calls plain Rust, and maps
//! the outcome to a status code, inside one panic guard. No logic lives here, and no C type
//! (`c_char`, `pconn_status`, the handle integers) is known below this module.
//!
//! Threading: every function may be called from any thread. A *request* is per thread: it is what
//! the thread did since its last `pconn_request_end` (or since it started).
//!
//! The exported functions are safe to call from Rust as far as Rust can check: they test every
//! pointer for NULL and every string for length and UTF-8 before use. What they cannot check (that
//! a non-NULL pointer points where its documentation says) is the C caller's contract, written on
//! each function; so they stay plain `extern "C"` for C callers and the Rust tests alike.
#![allow(
    clippy::not_unsafe_ptr_arg_deref,
    reason = "C ABI entry points: the pointer contract is documented per function and checked as far as it can be"
)]

// The C types' files, in the order the header lists them (cbindgen follows this order).
mod options;
mod link;
mod result;
mod column;
mod statement;
mod attributes;
mod catalog;
mod php;

// Shared by the files above.
mod args;
mod guard;
mod handle;
mod status;

pub use attributes::*;
pub use catalog::*;
pub use column::*;
pub use handle::{pconn_link, pconn_result, pconn_stmt};
pub use link::*;
pub use options::*;
pub use php::*;
pub use result::*;
pub use statement::*;
pub use status::pconn_status;
