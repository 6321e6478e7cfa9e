//! One error type for the whole library, and the status codes the C layer maps it to.
//!
//! Every failing call produces an [`Error`]; the C layer turns it into a [`Status`] once and stores
//! the [`Diagnostic`] where the caller will look for it (the link's error slot, or the thread's
//! last error when no link is involved).

use crate::diag::{DiagRecord, Diagnostic};
use std::fmt;

/// Status code returned by every `pconn_*` function that is not a pure getter.
///
/// `PCONN_OK` is zero so that `if (rc != PCONN_OK)` reads naturally in C; `PCONN_NO_DATA` uses ODBC's
/// `SQL_NO_DATA` value. Codes are stable: new ones are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_status {
    /// The call succeeded.
    PCONN_OK = 0,
    /// The database reported an error; `pconn_errmsg`, `pconn_sqlstate` and `pconn_native_error`
    /// say which.
    PCONN_ERROR = 1,
    /// The handle is 0, closed, ended with its request, or was never issued by this process.
    PCONN_INVALID_HANDLE = 2,
    /// A required pointer argument was NULL.
    PCONN_NULL_ARGUMENT = 3,
    /// A string argument was not valid UTF-8.
    PCONN_INVALID_UTF8 = 4,
    /// A configured limit was reached (see the message for which one).
    PCONN_LIMIT = 5,
    /// pconn caught a panic inside the library; the operation did not complete.
    PCONN_PANIC = 6,
    /// An argument was out of range or not understood (column index, option name or value, …).
    PCONN_INVALID_ARGUMENT = 7,
    /// The call is not valid in the handle's current state (e.g. reading a column before fetching).
    PCONN_WRONG_STATE = 8,
    /// A string argument was longer than pconn accepts.
    PCONN_TOO_LONG = 9,
    /// The link lost its server connection; it will be discarded at request end.
    PCONN_BROKEN_LINK = 10,
    /// No more rows, results or records (ODBC's `SQL_NO_DATA`). Not an error.
    PCONN_NO_DATA = 100,
}

pub use pconn_status as Status;

impl Status {
    /// Static, human-readable text for a status code (`pconn_errstr`).
    pub fn description(self) -> &'static str {
        match self {
            Status::PCONN_OK => "ok",
            Status::PCONN_ERROR => "database error",
            Status::PCONN_INVALID_HANDLE => "invalid, closed or foreign handle",
            Status::PCONN_NULL_ARGUMENT => "a required argument was NULL",
            Status::PCONN_INVALID_UTF8 => "a string argument is not valid UTF-8",
            Status::PCONN_LIMIT => "a configured limit was reached",
            Status::PCONN_PANIC => "internal error (a panic was caught inside pconn)",
            Status::PCONN_INVALID_ARGUMENT => "invalid argument",
            Status::PCONN_WRONG_STATE => "call not valid in the current state",
            Status::PCONN_TOO_LONG => "a string argument is too long",
            Status::PCONN_BROKEN_LINK => "the link lost its server connection",
            Status::PCONN_NO_DATA => "no more data",
        }
    }

    /// Maps an integer coming from C back to a status, for `pconn_errstr`.
    pub fn from_code(code: i32) -> Option<Status> {
        use Status::*;
        [
            PCONN_OK,
            PCONN_ERROR,
            PCONN_INVALID_HANDLE,
            PCONN_NULL_ARGUMENT,
            PCONN_INVALID_UTF8,
            PCONN_LIMIT,
            PCONN_PANIC,
            PCONN_INVALID_ARGUMENT,
            PCONN_WRONG_STATE,
            PCONN_TOO_LONG,
            PCONN_BROKEN_LINK,
            PCONN_NO_DATA,
        ]
        .into_iter()
        .find(|status| *status as i32 == code)
    }
}

/// Every way a pconn call can fail.
#[derive(Debug, Clone)]
pub enum Error {
    /// The driver manager or driver reported diagnostics.
    Database(Diagnostic),
    /// The link lost its connection during the call (SQLSTATE class 08, PostgreSQL 57P0x).
    Broken(Diagnostic),
    InvalidHandle(&'static str),
    NullArgument(&'static str),
    InvalidUtf8(&'static str),
    TooLong { what: &'static str, limit: usize },
    Limit(String),
    InvalidArgument(String),
    WrongState(String),
    Panic(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> Status {
        match self {
            Error::Database(_) => Status::PCONN_ERROR,
            Error::Broken(_) => Status::PCONN_BROKEN_LINK,
            Error::InvalidHandle(_) => Status::PCONN_INVALID_HANDLE,
            Error::NullArgument(_) => Status::PCONN_NULL_ARGUMENT,
            Error::InvalidUtf8(_) => Status::PCONN_INVALID_UTF8,
            Error::TooLong { .. } => Status::PCONN_TOO_LONG,
            Error::Limit(_) => Status::PCONN_LIMIT,
            Error::InvalidArgument(_) => Status::PCONN_INVALID_ARGUMENT,
            Error::WrongState(_) => Status::PCONN_WRONG_STATE,
            Error::Panic(_) => Status::PCONN_PANIC,
        }
    }

    /// The diagnostic a caller reads back: the driver's records for database errors, one record with
    /// a fitting SQLSTATE for pconn's own errors.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let own = |sqlstate: &str, message: String| {
            Diagnostic::single(DiagRecord {
                sqlstate: sqlstate.to_owned(),
                native_error: 0,
                message: format!("[pconn] {message}"),
            })
        };
        match self {
            Error::Database(diag) | Error::Broken(diag) => diag.clone(),
            // HY009: invalid use of null pointer; HY024: invalid attribute value; HY010: function
            // sequence error; 08003: connection not open; HY000: general error.
            Error::NullArgument(what) => own("HY009", format!("argument `{what}` is NULL")),
            Error::InvalidUtf8(what) => own("HY024", format!("argument `{what}` is not valid UTF-8")),
            Error::TooLong { what, limit } => {
                own("HY090", format!("argument `{what}` is longer than {limit} bytes"))
            }
            Error::InvalidHandle(what) => {
                own("08003", format!("{what} handle is invalid, closed, or from another request or process"))
            }
            Error::Limit(message) => own("HY000", message.clone()),
            Error::InvalidArgument(message) => own("HY024", message.clone()),
            Error::WrongState(message) => own("HY010", message.clone()),
            Error::Panic(message) => own("HY000", format!("internal error: {message}")),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_diagnostic().message())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_code() {
        for code in -5..200 {
            if let Some(status) = Status::from_code(code) {
                assert_eq!(status as i32, code);
                assert!(!status.description().is_empty());
            }
        }
        assert_eq!(Status::from_code(100), Some(Status::PCONN_NO_DATA));
        assert_eq!(Status::from_code(42), None);
    }

    #[test]
    fn own_errors_carry_a_sqlstate_and_a_prefixed_message() {
        let diag = Error::NullArgument("conn_str").to_diagnostic();
        assert_eq!(diag.sqlstate(), "HY009");
        assert!(diag.message().contains("conn_str"));
        assert!(diag.message().starts_with("[pconn]"));
    }
}
