//! Diagnostics: what a failed call reports, read from every ODBC diagnostic record, with secrets
//! scrubbed before anything is stored.

use odbc_api::handles::{Diagnostics, Record};

/// One ODBC diagnostic record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagRecord {
    pub sqlstate: String,
    pub native_error: i32,
    pub message: String,
}

/// All diagnostic records of one failed call, first (most important) record first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostic {
    pub records: Vec<DiagRecord>,
}

/// SQLGetDiagRec can report thousands of records for a batch; nobody reads past the first few.
const MAX_RECORDS: i16 = 32;

impl Diagnostic {
    pub fn single(record: DiagRecord) -> Self {
        Diagnostic { records: vec![record] }
    }

    /// Reads every diagnostic record the last ODBC call left on `handle`.
    pub fn collect(handle: &(impl Diagnostics + ?Sized)) -> Self {
        let mut records = Vec::new();
        let mut record = Record::with_capacity(256);
        for number in 1..=MAX_RECORDS {
            if !record.fill_from(handle, number) {
                break;
            }
            records.push(DiagRecord {
                sqlstate: record.state.as_str().to_owned(),
                native_error: record.native_error,
                message: scrub_secrets(&String::from_utf8_lossy(&record.message)),
            });
        }
        Diagnostic { records }
    }

    /// Builds a diagnostic from odbc-api's error, used where the handle is already gone (a failed
    /// connect frees its handle before we could read more than odbc-api's first record).
    pub fn from_odbc_error(error: &odbc_api::Error) -> Self {
        let record = match error {
            odbc_api::Error::Diagnostics { record, .. } => DiagRecord {
                sqlstate: record.state.as_str().to_owned(),
                native_error: record.native_error,
                message: String::from_utf8_lossy(&record.message).into_owned(),
            },
            other => DiagRecord {
                sqlstate: "HY000".to_owned(),
                native_error: 0,
                message: other.to_string(),
            },
        };
        let mut diag = Diagnostic::single(record);
        diag.scrub();
        diag
    }

    /// Removes every occurrence of `secret` (a password the caller passed) from all messages,
    /// on top of the attribute-based scrubbing every message gets.
    pub fn scrub_literal(&mut self, secret: &str) {
        if secret.len() < 2 {
            // Replacing single characters would shred the message and protect nothing.
            return;
        }
        for record in &mut self.records {
            if record.message.contains(secret) {
                record.message = record.message.replace(secret, "***");
            }
        }
    }

    fn scrub(&mut self) {
        for record in &mut self.records {
            record.message = scrub_secrets(&record.message);
        }
    }

    pub fn sqlstate(&self) -> &str {
        self.records.first().map_or("", |r| r.sqlstate.as_str())
    }

    pub fn native_error(&self) -> i32 {
        self.records.first().map_or(0, |r| r.native_error)
    }

    /// All records' messages, one per line, each with its SQLSTATE when there is more than one.
    pub fn message(&self) -> String {
        match self.records.as_slice() {
            [] => String::new(),
            [only] => only.message.clone(),
            many => many
                .iter()
                .map(|r| format!("{}: {}", r.sqlstate, r.message))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// True when the records say the server connection is gone: SQLSTATE class 08 (connection
    /// exception), or PostgreSQL's 57P01–57P03 (admin shutdown, crash shutdown, cannot connect
    /// now), which psqlODBC passes through.
    pub fn is_connection_lost(&self) -> bool {
        self.records.iter().any(|r| is_connection_lost_state(&r.sqlstate))
            || self.records.iter().any(|r| {
                // psqlODBC reports a dropped socket as a generic error with a telling message.
                let m = r.message.to_ascii_lowercase();
                m.contains("server closed the connection")
                    || m.contains("could not send data to server")
                    || m.contains("terminating connection due to administrator command")
                    || m.contains("connection is dead")
                    || m.contains("the connection has been lost")
            })
    }
}

pub fn is_connection_lost_state(sqlstate: &str) -> bool {
    sqlstate.starts_with("08") || matches!(sqlstate, "57P01" | "57P02" | "57P03")
}

/// Replaces the value of every attribute that carries a credential (`PWD=`, `Password=`,
/// `AccessToken=`, a `password=` inside `pqopt={…}`: the rule of [`crate::secrets`]) in `text`
/// with `***`.
///
/// Drivers echo connection strings into their messages ("could not connect with ..."); this keeps the
/// password out of everything pconn stores or returns. Braced values (`PWD={a;b}}c}`) are handled as
/// ODBC defines them: `}}` is an escaped brace.
pub fn scrub_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    while let Some((value_start, value_end)) = crate::secrets::find_secret_assignment(text, copied_to) {
        out.push_str(&text[copied_to..value_start]);
        out.push_str("***");
        copied_to = value_end.max(value_start);
        if copied_to >= text.len() {
            break;
        }
    }
    out.push_str(&text[copied_to.min(text.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_plain_and_braced_passwords_in_any_case() {
        assert_eq!(
            scrub_secrets("Driver=x;UID=bob;PWD=hunter2;Port=5"),
            "Driver=x;UID=bob;PWD=***;Port=5"
        );
        assert_eq!(scrub_secrets("password = {a;b}}c};x=1"), "password = ***;x=1");
        assert_eq!(scrub_secrets("Pwd=s3cret"), "Pwd=***");
        assert_eq!(scrub_secrets("conn 'user=a password=zz host=h'"), "conn 'user=a password=*** host=h'");
    }

    #[test]
    fn leaves_words_that_merely_contain_a_key_alone() {
        assert_eq!(scrub_secrets("newpassword is wrong"), "newpassword is wrong");
        assert_eq!(scrub_secrets("pwdhint=1"), "pwdhint=1");
    }

    #[test]
    fn scrubs_credentials_under_other_names_and_nested_ones() {
        assert_eq!(scrub_secrets("UID=u;pqopt={password=S3cret}"), "UID=u;pqopt={password=***}");
        assert_eq!(scrub_secrets("AccessToken=abc;Authentication=xyz;SSLPassword={k}"), "AccessToken=***;Authentication=***;SSLPassword=***");
    }

    #[test]
    fn scrubs_every_occurrence() {
        assert_eq!(scrub_secrets("PWD=a; then PWD=b"), "PWD=***; then PWD=***");
    }

    #[test]
    fn literal_scrub_removes_the_password_wherever_it_is_echoed() {
        let mut diag = Diagnostic::single(DiagRecord {
            sqlstate: "28P01".into(),
            native_error: 1,
            message: "auth failed for hunter2".into(),
        });
        diag.scrub_literal("hunter2");
        assert_eq!(diag.message(), "auth failed for ***");
    }

    #[test]
    fn connection_loss_is_recognised_by_state_and_by_message() {
        let lost = |state: &str, msg: &str| {
            Diagnostic::single(DiagRecord { sqlstate: state.into(), native_error: 0, message: msg.into() })
                .is_connection_lost()
        };
        assert!(lost("08S01", "link failure"));
        assert!(lost("57P01", "terminating"));
        assert!(lost("HY000", "server closed the connection unexpectedly"));
        assert!(!lost("42P01", "relation does not exist"));
    }
}
