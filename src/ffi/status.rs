//! The status codes every `pconn_*` call returns: the enum, its texts and its decoding from an
//! integer (one table), and the mapping of a pconn [`Error`] to its code.

use crate::error::Error;
use std::ffi::CStr;

/// Status code returned by every `pconn_*` function that is not a pure getter.
///
/// `PCONN_OK` is zero so that `if (rc != PCONN_OK)` reads naturally in C; `PCONN_NO_DATA` uses ODBC's
/// `SQL_NO_DATA` value. Codes are stable: new ones are only ever appended.
// Written out (not generated) because cbindgen reads the source without expanding macros; the
// texts and `from_code` come from the one table below, which the compiler holds to this list (its
// `match` is exhaustive, so a variant missing there does not build).
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

/// Generates [`pconn_status::description`] and [`pconn_status::from_code`] from one table of
/// `variant => text` rows.
macro_rules! status_texts {
    ($( $name:ident => $text:literal, )*) => {
        impl pconn_status {
            /// Static, human-readable text for a status code (`pconn_errstr`).
            pub fn description(self) -> &'static CStr {
                match self {
                    $( pconn_status::$name => $text, )*
                }
            }

            /// Maps an integer coming from C back to a status, for `pconn_errstr`.
            pub fn from_code(code: i32) -> Option<pconn_status> {
                [$( pconn_status::$name, )*].into_iter().find(|status| *status as i32 == code)
            }
        }
    };
}

status_texts! {
    PCONN_OK => c"ok",
    PCONN_ERROR => c"database error",
    PCONN_INVALID_HANDLE => c"invalid, closed or foreign handle",
    PCONN_NULL_ARGUMENT => c"a required argument was NULL",
    PCONN_INVALID_UTF8 => c"a string argument is not valid UTF-8",
    PCONN_LIMIT => c"a configured limit was reached",
    PCONN_PANIC => c"internal error (a panic was caught inside pconn)",
    PCONN_INVALID_ARGUMENT => c"invalid argument",
    PCONN_WRONG_STATE => c"call not valid in the current state",
    PCONN_TOO_LONG => c"a string argument is too long",
    PCONN_BROKEN_LINK => c"the link lost its server connection",
    PCONN_NO_DATA => c"no more data",
}

/// The status a failed call returns.
pub(crate) fn status_of(error: &Error) -> pconn_status {
    match error {
        Error::Database(_) => pconn_status::PCONN_ERROR,
        Error::Broken(_) => pconn_status::PCONN_BROKEN_LINK,
        Error::InvalidHandle(_) => pconn_status::PCONN_INVALID_HANDLE,
        Error::NullArgument(_) => pconn_status::PCONN_NULL_ARGUMENT,
        Error::InvalidUtf8(_) => pconn_status::PCONN_INVALID_UTF8,
        Error::TooLong { .. } => pconn_status::PCONN_TOO_LONG,
        Error::Limit(_) => pconn_status::PCONN_LIMIT,
        Error::InvalidArgument(_) => pconn_status::PCONN_INVALID_ARGUMENT,
        Error::WrongState(_) => pconn_status::PCONN_WRONG_STATE,
        Error::Panic(_) => pconn_status::PCONN_PANIC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_code() {
        for code in -5..200 {
            if let Some(status) = pconn_status::from_code(code) {
                assert_eq!(status as i32, code);
                assert!(!status.description().is_empty());
            }
        }
        assert_eq!(pconn_status::from_code(100), Some(pconn_status::PCONN_NO_DATA));
        assert_eq!(pconn_status::from_code(42), None);
    }
}
