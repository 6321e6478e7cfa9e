//! One test at a time, for tests that share process-wide state (the pool and its options, the
//! test server).

use super::calls::set_option;
use pconn::ffi::*;
use std::sync::{Mutex, MutexGuard};

static SERIAL: Mutex<()> = Mutex::new(());

/// Serializes the tests of this binary that take it. A test that panicked while holding it does
/// not fail the others.
pub fn lock() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// [`lock`] for tests of the pool: on entry and on exit the pool is emptied and every option is
/// back at its default. Then the statistics a test reads changed only through what that test did,
/// and can be compared exactly.
pub struct Serial(#[allow(dead_code)] MutexGuard<'static, ()>);

pub fn serial() -> Serial {
    let guard = lock();
    clean_slate();
    Serial(guard)
}

impl Drop for Serial {
    fn drop(&mut self) {
        clean_slate();
    }
}

fn clean_slate() {
    pconn_request_end();
    pconn_close_all();
    for option in pconn::config::OPTIONS {
        let status = set_option(option.name, option.default);
        assert_eq!(status, pconn_status::PCONN_OK, "resetting {}", option.name);
    }
}
