//! A connect that ends within its time limit (`login_timeout`), whatever the driver does.
//!
//! Drivers bound the network connect and the login, but not every wait: behind PgBouncer in
//! session mode the pooler completes the login itself and only then parks the client until a
//! server connection is free, and psqlODBC's first setup query inside `SQLDriverConnect` waits
//! there with no timeout (PgBouncer's `query_wait_timeout`, 120 s by default, ends it). So with a
//! limit set, the driver's connect runs on a helper thread and the caller waits for it no longer
//! than the limit. A connect that comes too late is abandoned: the helper thread disconnects and
//! frees it when the driver finally returns, and it is never handed out. The number of abandoned
//! connects still waiting is capped, so a pooler that never answers cannot pile up threads.

use crate::diag::{DiagRecord, Diagnostic};
use crate::error::Error;
use crate::key::DriverConnStr;
use odbc_api::handles::SqlResult;
use odbc_api::{Connection, ConnectionOptions, Environment};
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Abandoned connects whose driver call has not returned yet, at most.
const MAX_ABANDONED: usize = 16;
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

/// Why a connect failed: the driver's error, or pconn's time limit.
pub enum ConnectError {
    Driver(odbc_api::Error),
    TimedOut(Error),
}

/// What the helper thread and the waiting caller share.
#[derive(Default)]
struct Handover {
    /// The connect's outcome, when the caller is still waiting for it.
    outcome: Option<Result<Connection<'static>, odbc_api::Error>>,
    /// The caller gave up: the helper closes whatever it gets.
    abandoned: bool,
}

/// Connects with `conn_str`; with a limit (seconds, > 0), returns within it. `wipe_after` (bytes,
/// 0 for none): the size up to which the driver's freed copies of the string are wiped after.
pub fn connect(
    env: &'static Environment,
    conn_str: DriverConnStr,
    options: ConnectionOptions,
    limit_secs: u32,
    wipe_after: usize,
) -> Result<Connection<'static>, ConnectError> {
    // On the thread that connected: the allocator's per-thread cache holds the driver's freed copies.
    let connect_and_wipe = move |conn_str: DriverConnStr| {
        let connected = env.connect_with_connection_string(conn_str.as_str(), options);
        drop(conn_str);
        if wipe_after > 0 {
            crate::os::freed_heap::wipe_freed_blocks_up_to(wipe_after);
        }
        connected
    };
    if limit_secs == 0 {
        return connect_and_wipe(conn_str).map_err(ConnectError::Driver);
    }
    if ABANDONED.load(Ordering::Relaxed) >= MAX_ABANDONED {
        return Err(ConnectError::TimedOut(timed_out(limit_secs, "and too many earlier connects are still waiting")));
    }
    let shared = Arc::new((Mutex::new(Handover::default()), Condvar::new()));
    let helper_shared = shared.clone();
    let spawned = std::thread::Builder::new().name("pconn-connect".into()).spawn(move || {
        let connected = connect_and_wipe(conn_str);
        let (handover, ready) = &*helper_shared;
        let mut handover = handover.lock();
        if handover.abandoned {
            drop(handover);
            if let Ok(late) = connected {
                close_quietly(late);
            }
            ABANDONED.fetch_sub(1, Ordering::Relaxed);
        } else {
            handover.outcome = Some(connected);
            ready.notify_one();
        }
    });
    if spawned.is_err() {
        return Err(ConnectError::TimedOut(Error::WrongState("could not start a thread to connect on".into())));
    }
    let (handover, ready) = &*shared;
    let mut handover = handover.lock();
    let deadline = Instant::now() + Duration::from_secs(u64::from(limit_secs));
    while handover.outcome.is_none() {
        if ready.wait_until(&mut handover, deadline).timed_out() {
            break;
        }
    }
    match handover.outcome.take() {
        Some(connected) => connected.map_err(ConnectError::Driver),
        None => {
            handover.abandoned = true;
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            Err(ConnectError::TimedOut(timed_out(limit_secs, "")))
        }
    }
}

/// Disconnects a connection nobody will use, never panicking (odbc-api's own drop panics when the
/// disconnect fails): one that cannot be disconnected is leaked rather than freed while connected.
fn close_quietly(connection: Connection<'static>) {
    let mut handle = connection.into_handle();
    let _ = handle.rollback();
    match handle.disconnect() {
        SqlResult::Success(()) | SqlResult::SuccessWithInfo(()) => drop(handle),
        _ => std::mem::forget(handle),
    }
}

fn timed_out(limit_secs: u32, extra: &str) -> Error {
    Error::Database(Diagnostic::single(DiagRecord {
        sqlstate: "HYT00".into(),
        native_error: 0,
        message: format!(
            "could not connect within login_timeout ({limit_secs} s){}{extra}; behind PgBouncer in session mode every \
             persistent link holds a server connection: default_pool_size must be at least the number of worker \
             processes times the persistent links each keeps",
            if extra.is_empty() { "" } else { " " }
        ),
    }))
}
