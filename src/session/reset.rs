//! Resetting a server session at request end, per DBMS (`postgres.rs`, `sqlite.rs`; other DBMSs:
//! ODBC 3.8's `SQL_ATTR_RESET_CONNECTION`), and the baseline it returns to.

use super::{Session, postgres, sqlite};
use crate::config::ResetPolicy;
use crate::error::Result;
use odbc_api::handles;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dbms {
    PostgreSql,
    Sqlite,
    Other,
}

impl Dbms {
    /// The DBMS of a connection.
    pub fn detect(conn: &handles::Connection<'_>) -> Dbms {
        Dbms::from_name(&dbms_name(conn))
    }

    /// The DBMS by the name its driver gives (`SQL_DBMS_NAME`, see [`dbms_name`]).
    pub fn from_name(name: &str) -> Dbms {
        let name = name.to_ascii_lowercase();
        if name.contains("postgres") {
            Dbms::PostgreSql
        } else if name.contains("sqlite") {
            Dbms::Sqlite
        } else {
            Dbms::Other
        }
    }
}

/// `SQLGetInfo(SQL_DBMS_NAME)` of a connection ("PostgreSQL", "SQLite"…); "" when the driver
/// does not say.
pub fn dbms_name(conn: &handles::Connection<'_>) -> String {
    let mut buf = Vec::new();
    match conn.fetch_database_management_system_name(&mut buf) {
        handles::SqlResult::Success(()) | handles::SqlResult::SuccessWithInfo(()) => handles::slice_to_cow_utf8(&buf).into_owned(),
        _ => String::new(),
    }
}

/// The session state a link had right after connect, which request end returns it to.
#[derive(Debug, Clone, Default)]
pub struct SessionBaseline {
    pub autocommit: bool,
    /// PostgreSQL settings the driver `SET` during connect (source = 'session'), as (name, value).
    pub driver_settings: Vec<(String, String)>,
    /// SQLite pragmas and their values at connect.
    pub pragmas: Vec<(String, String)>,
    /// Attributes read the first time a request changes them (`attributes.rs`).
    pub isolation: Option<u32>,
    pub read_only: Option<bool>,
    pub catalog: Option<String>,
}

/// Reads the baseline right after connect. Only what the configured reset will need is read.
pub fn capture_baseline(link: &mut Session) -> Result<SessionBaseline> {
    let mut baseline = SessionBaseline { autocommit: true, ..SessionBaseline::default() };
    if link.settings.reset != ResetPolicy::Auto {
        return Ok(baseline);
    }
    match link.dbms {
        Dbms::PostgreSql => baseline.driver_settings = postgres::read_driver_settings(link)?,
        Dbms::Sqlite => baseline.pragmas = sqlite::read_pragmas(link)?,
        Dbms::Other => {}
    }
    Ok(baseline)
}

/// Resets the session of a link whose transaction has already been rolled back.
pub fn reset_session(link: &mut Session) -> Result<()> {
    match link.settings.reset.clone() {
        ResetPolicy::None => Ok(()),
        ResetPolicy::Sql(sql) => link.run_internal(&sql).map(drop),
        ResetPolicy::Driver => reset_through_driver(link),
        ResetPolicy::Auto => match link.dbms {
            Dbms::PostgreSql => postgres::reset(link),
            Dbms::Sqlite => sqlite::reset(link),
            Dbms::Other => reset_through_driver(link),
        },
    }
}

fn reset_through_driver(link: &mut Session) -> Result<()> {
    crate::odbc::connection::reset_connection(link.connection()?)
}
