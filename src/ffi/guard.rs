//! The one guard every exported function body runs in: no panic crosses the C boundary, and every
//! call leaves the thread's last error describing itself.

use super::status::{pconn_status as Status, status_of};
use crate::error::{Error, Result};
use crate::last_error::thread_error;
use std::panic::{AssertUnwindSafe, catch_unwind};

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// Runs an exported call: clears the thread's last error, catches panics, records a failure.
pub fn status_call(call: impl FnOnce() -> Result<()>) -> Status {
    thread_error::clear();
    let outcome = catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| Err(Error::Panic(panic_message(&*payload))));
    match outcome {
        Ok(()) => Status::PCONN_OK,
        Err(error) => {
            thread_error::set(&error);
            status_of(&error)
        }
    }
}

/// Like [`status_call`], for calls where "no more data" is a normal answer.
pub fn status_call_no_data(call: impl FnOnce() -> Result<bool>) -> Status {
    let mut found = true;
    let status = status_call(|| {
        found = call()?;
        Ok(())
    });
    if status == Status::PCONN_OK && !found { Status::PCONN_NO_DATA } else { status }
}

/// For pure getters: never panics across the boundary, never touches the last error.
pub fn getter<T>(fallback: T, call: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or(fallback)
}
