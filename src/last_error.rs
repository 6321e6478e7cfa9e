//! The one place a last error is set, cleared and kept: on a link (the error of the last call on
//! it) and on a thread (the error of its last call, which is how a call without a link, such as a
//! failed connect, reports).

use crate::diag::Diagnostic;
use crate::error::Error;
use std::cell::RefCell;
use std::ffi::CString;

/// An error as a caller reads it back: the error, its diagnostic, and the message and SQLSTATE as
/// NUL-terminated text that stays valid (and unchanged) until the next call replaces it, so C can
/// read it in place.
#[derive(Debug, Clone)]
pub struct LastError {
    pub error: Error,
    pub diagnostic: Diagnostic,
    pub message: CString,
    pub sqlstate: CString,
}

impl LastError {
    fn new(error: &Error) -> Self {
        let diagnostic = error.to_diagnostic();
        let to_text = |text: String| CString::new(text.replace('\0', " ")).unwrap_or_default();
        LastError {
            error: error.clone(),
            message: to_text(diagnostic.message()),
            sqlstate: to_text(diagnostic.sqlstate().to_owned()),
            diagnostic,
        }
    }
}

/// Where one last error is kept: a link's, or a thread's.
#[derive(Debug, Default)]
pub struct ErrorSlot(Option<LastError>);

impl ErrorSlot {
    pub fn clear(&mut self) {
        self.0 = None;
    }

    pub fn set(&mut self, error: &Error) {
        self.0 = Some(LastError::new(error));
    }

    pub fn get(&self) -> Option<&LastError> {
        self.0.as_ref()
    }
}

thread_local! {
    static THREAD_LAST_ERROR: RefCell<ErrorSlot> = RefCell::default();
}

/// The calling thread's last error: set by every failing call, cleared at the start of every call
/// that is not a pure getter.
pub mod thread_error {
    use super::*;

    pub fn clear() {
        let _ = THREAD_LAST_ERROR.try_with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                slot.clear();
            }
        });
    }

    pub fn set(error: &Error) {
        let _ = THREAD_LAST_ERROR.try_with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                slot.set(error);
            }
        });
    }

    /// Runs `read` on the thread's last error. Pointers taken from it stay valid until this thread
    /// makes its next pconn call.
    pub fn with<R>(read: impl FnOnce(Option<&LastError>) -> R) -> R {
        let mut read = Some(read);
        let result = THREAD_LAST_ERROR.try_with(|slot| match slot.try_borrow() {
            Ok(slot) => (read.take().expect("called once"))(slot.get()),
            Err(_) => (read.take().expect("called once"))(None),
        });
        match result {
            Ok(value) => value,
            Err(_) => (read.take().expect("called once"))(None),
        }
    }
}
