//! One error type for the whole library.
//!
//! Every failing call produces an [`Error`]; the C layer turns it into a status code once, and
//! the `last_error` module keeps it where the caller will look for it (the link's error slot, or the
//! thread's last error when no link is involved).

use crate::diag::{DiagRecord, Diagnostic};
use std::fmt;

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
    fn own_errors_carry_a_sqlstate_and_a_prefixed_message() {
        let diag = Error::NullArgument("conn_str").to_diagnostic();
        assert_eq!(diag.sqlstate(), "HY009");
        assert!(diag.message().contains("conn_str"));
        assert!(diag.message().starts_with("[pconn]"));
    }
}
