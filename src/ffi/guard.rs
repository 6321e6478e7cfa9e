//! The one guard every exported function body runs in: no panic crosses the C boundary, and every
//! call leaves the thread's last error describing itself.

use super::status::{pconn_status as Status, status_of};
use crate::error::{Error, Result};
use crate::last_error::thread_error;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// How many guarded calls this thread is inside (a callback may re-enter the library).
    static GUARD_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Catches a panic of `call` without the panic hook printing it: a caught panic becomes a status
/// code and a message the caller reads with `pconn_errmsg`, never text on the host process's
/// stderr (a PHP worker's or a C server's, where it would corrupt output or logs).
///
/// The process-wide hook is wrapped once: inside a guard on this thread it is silent; anywhere
/// else (the host's own Rust code, pconn's background thread) it runs the hook it replaced.
fn catch_quietly<T>(call: impl FnOnce() -> T) -> std::thread::Result<T> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARD_DEPTH.try_with(Cell::get).unwrap_or(0) == 0 {
                previous(info);
            }
        }));
    });
    let _ = GUARD_DEPTH.try_with(|depth| depth.set(depth.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(call));
    let _ = GUARD_DEPTH.try_with(|depth| depth.set(depth.get().saturating_sub(1)));
    outcome
}

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
    let outcome = catch_quietly(call).unwrap_or_else(|payload| Err(Error::Panic(panic_message(&*payload))));
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
    catch_quietly(call).unwrap_or(fallback)
}
