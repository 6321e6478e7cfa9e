//! Resetting a server session at request end, per DBMS, and the baseline it returns to.
//!
//! - PostgreSQL: `DISCARD ALL` (drops temp tables, prepared statements, advisory locks, `SET`s,
//!   `SET ROLE`, listeners, cached plans — what `RESET ALL` misses), then the settings the driver
//!   itself `SET` at connect are put back, so the driver finds the session it configured.
//! - SQLite: a raw `BEGIN` is rolled back (its driver's `SQLEndTran` does not end one), temp tables
//!   and views are dropped, attached databases detached, changed pragmas restored.
//! - Other DBMSs: ODBC 3.8's `SQL_ATTR_RESET_CONNECTION`.

use crate::config::ResetPolicy;
use crate::error::{Error, Result};
use crate::link::Link;
use crate::odbc::check;
use odbc_api::handles;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dbms {
    PostgreSql,
    Sqlite,
    Other,
}

impl Dbms {
    pub fn detect(conn: &handles::Connection<'_>) -> Dbms {
        let mut buf = Vec::new();
        if !matches!(
            conn.fetch_database_management_system_name(&mut buf),
            handles::SqlResult::Success(()) | handles::SqlResult::SuccessWithInfo(())
        ) {
            return Dbms::Other;
        }
        let name = handles::slice_to_cow_utf8(&buf).to_ascii_lowercase();
        if name.contains("postgres") {
            Dbms::PostgreSql
        } else if name.contains("sqlite") {
            Dbms::Sqlite
        } else {
            Dbms::Other
        }
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

/// SQLite pragmas a request can change and that are readable, so they can be put back.
const SQLITE_PRAGMAS: &[&str] = &[
    "foreign_keys",
    "recursive_triggers",
    "busy_timeout",
    "cache_size",
    "synchronous",
    "temp_store",
    "query_only",
    "defer_foreign_keys",
    "reverse_unordered_selects",
    "automatic_index",
    "ignore_check_constraints",
    "legacy_alter_table",
    "cell_size_check",
    "trusted_schema",
];

fn sqlite_pragma_query() -> String {
    // Table-valued pragma functions read every pragma in one statement; each scalar subquery takes
    // the pragma's single value whatever its column is called.
    let columns: Vec<String> = SQLITE_PRAGMAS.iter().map(|p| format!("(SELECT * FROM pragma_{p}())")).collect();
    format!("SELECT {}", columns.join(", "))
}

fn read_sqlite_pragmas(link: &mut Link) -> Result<Vec<(String, String)>> {
    let rows = link.run_internal(&sqlite_pragma_query())?;
    let row = rows.into_iter().next().unwrap_or_default();
    Ok(SQLITE_PRAGMAS
        .iter()
        .zip(row)
        .map(|(name, value)| ((*name).to_owned(), value.unwrap_or_default()))
        .collect())
}

fn is_safe_identifier(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Reads the baseline right after connect. Only what the configured reset will need is read.
pub fn capture_baseline(link: &mut Link) -> Result<SessionBaseline> {
    let mut baseline = SessionBaseline { autocommit: true, ..SessionBaseline::default() };
    if link.settings.reset != ResetPolicy::Auto {
        return Ok(baseline);
    }
    match link.dbms {
        Dbms::PostgreSql => {
            let rows = link.run_internal("SELECT name, setting FROM pg_settings WHERE source = 'session'")?;
            baseline.driver_settings = rows
                .into_iter()
                .filter_map(|row| match row.as_slice() {
                    [Some(name), Some(value)] => Some((name.clone(), value.clone())),
                    _ => None,
                })
                .collect();
        }
        Dbms::Sqlite => baseline.pragmas = read_sqlite_pragmas(link)?,
        Dbms::Other => {}
    }
    Ok(baseline)
}

/// Resets the session of a link whose transaction has already been rolled back.
pub fn reset_session(link: &mut Link) -> Result<()> {
    match link.settings.reset.clone() {
        ResetPolicy::None => Ok(()),
        ResetPolicy::Sql(sql) => link.run_internal(&sql).map(drop),
        ResetPolicy::Driver => reset_through_driver(link),
        ResetPolicy::Auto => match link.dbms {
            Dbms::PostgreSql => reset_postgresql(link),
            Dbms::Sqlite => reset_sqlite(link),
            Dbms::Other => reset_through_driver(link),
        },
    }
}

fn reset_through_driver(link: &mut Link) -> Result<()> {
    let conn = link.connection()?;
    // SAFETY: SQL_ATTR_RESET_CONNECTION takes an integer value (SQL_RESET_CONNECTION_YES = 1),
    // passed in the pointer argument; no memory is referenced.
    let result = unsafe {
        conn.set_attribute(odbc_api::sys::ConnectionAttribute::RESET_CONNECTION, 1usize as odbc_api::sys::Pointer, 0)
    };
    check(result, conn)
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `DISCARD ALL` spelled out as the statements it is documented to equal, so that they and the
/// restoring of the driver's own settings travel in one round trip: `DISCARD ALL` itself refuses to
/// run in the implicit transaction of a multi-statement query.
const POSTGRESQL_DISCARD: &str = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; \
     UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES";

fn reset_postgresql(link: &mut Link) -> Result<()> {
    let settings = &link.baseline().driver_settings;
    let mut sql = POSTGRESQL_DISCARD.to_owned();
    if !settings.is_empty() {
        let calls: Vec<String> = settings
            .iter()
            .map(|(name, value)| format!("set_config({}, {}, false)", quote_literal(name), quote_literal(value)))
            .collect();
        sql.push_str("; SELECT ");
        sql.push_str(&calls.join(", "));
    }
    link.run_internal(&sql).map(drop)
}

fn reset_sqlite(link: &mut Link) -> Result<()> {
    // A raw BEGIN survives SQLEndTran in this driver's autocommit mode; end it here.
    match link.run_internal("ROLLBACK") {
        Ok(_) => {}
        Err(Error::Database(diag)) if diag.message().contains("no transaction is active") => {}
        Err(other) => return Err(other),
    }
    let objects = link.run_internal(
        "SELECT 'TABLE', name FROM temp.sqlite_master WHERE type = 'table' \
         UNION ALL SELECT 'VIEW', name FROM temp.sqlite_master WHERE type = 'view' \
         UNION ALL SELECT 'DATABASE', name FROM pragma_database_list WHERE name NOT IN ('main', 'temp')",
    )?;
    for row in objects {
        let (Some(kind), Some(name)) = (&row[0], &row[1]) else { continue };
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let sql = if kind == "DATABASE" {
            format!("DETACH DATABASE {quoted}")
        } else {
            format!("DROP {kind} IF EXISTS temp.{quoted}")
        };
        link.run_internal(&sql)?;
    }
    let baseline = link.baseline().pragmas.clone();
    if baseline.is_empty() {
        return Ok(());
    }
    let current = read_sqlite_pragmas(link)?;
    for ((name, was), (_, now)) in baseline.iter().zip(current.iter()) {
        if was != now && is_safe_identifier(was) {
            link.run_internal(&format!("PRAGMA {name} = {was}"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_query_reads_every_listed_pragma_in_one_statement() {
        let sql = sqlite_pragma_query();
        for pragma in SQLITE_PRAGMAS {
            assert!(sql.contains(&format!("pragma_{pragma}()")));
        }
    }

    #[test]
    fn literals_are_quoted_for_set_config() {
        assert_eq!(quote_literal("it's"), "'it''s'");
    }

    #[test]
    fn only_plain_pragma_values_are_written_back() {
        assert!(is_safe_identifier("-2000"));
        assert!(!is_safe_identifier("1; DROP TABLE x"));
    }
}
