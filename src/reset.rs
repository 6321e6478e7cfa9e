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

/// Words in a request's SQL that decide which parts of a SQLite reset are needed. SQLite has no
/// SQL-defined functions, so session state changes only through statements that say what they do:
/// a pragma through `PRAGMA`, temp objects through `TEMP`/`TEMPORARY`/`temp.`, attached databases
/// through `ATTACH`, a transaction the driver does not know of through `BEGIN`/`SAVEPOINT`.
/// A plain substring match (comments and string literals included) can only find too much,
/// which costs a needless step, never a missed one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SqlWords(u8);

impl SqlWords {
    const PRAGMA: SqlWords = SqlWords(1);
    const TEMP: SqlWords = SqlWords(2);
    const ATTACH: SqlWords = SqlWords(4);
    const TRANSACTION: SqlWords = SqlWords(8);
    const ALL: SqlWords = SqlWords(15);

    /// Every word: what a request that used the raw handle may have done.
    pub(crate) fn all() -> SqlWords {
        SqlWords::ALL
    }

    /// The words `sql` contains, in any letter case.
    pub fn scan(sql: &str) -> SqlWords {
        const WORDS: [(&[u8], SqlWords); 5] = [
            (b"pragma", SqlWords::PRAGMA),
            (b"temp", SqlWords::TEMP),
            (b"attach", SqlWords::ATTACH),
            (b"begin", SqlWords::TRANSACTION),
            (b"savepoint", SqlWords::TRANSACTION),
        ];
        let bytes = sql.as_bytes();
        let mut found = SqlWords::default();
        for start in 0..bytes.len() {
            // Every word starts with a letter that is rare enough to make this check cheap.
            let first = bytes[start].to_ascii_lowercase();
            if !matches!(first, b'p' | b't' | b'a' | b'b' | b's') {
                continue;
            }
            for (word, flag) in WORDS {
                if word[0] == first && bytes.len() - start >= word.len() && bytes[start..start + word.len()].eq_ignore_ascii_case(word) {
                    found |= flag;
                }
            }
        }
        found
    }

    pub fn contains(self, other: SqlWords) -> bool {
        self.0 & other.0 != 0
    }
}

impl std::ops::BitOr for SqlWords {
    type Output = SqlWords;
    fn bitor(self, other: SqlWords) -> SqlWords {
        SqlWords(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for SqlWords {
    fn bitor_assign(&mut self, other: SqlWords) {
        self.0 |= other.0;
    }
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

/// psqlODBC `SET`s `client_encoding` right after connecting, to the encoding of the locale the
/// environment names (`LC_ALL`, `LC_CTYPE`, `LANG`: `SQL_ASCII` in the C locale, where php-fpm and
/// many services run), a value `RESET ALL` (and so `DISCARD ALL`) would not return to: each reset
/// would need a second round trip to put it back. Passed in the startup packet as well
/// (psqlODBC's `pqopt`; `client_encoding` is a startup parameter PgBouncer accepts by default,
/// unlike `options`), it becomes the session's reset value and `DISCARD ALL` alone restores it.
/// Only a guess at what the driver sets: the baseline records every driver setting that still
/// differs from its reset value and the reset restores those, so a wrong guess costs the round
/// trip, never correctness.
const PSQLODBC_STARTUP_ENCODINGS: &[(&str, &str)] =
    &[("SQL_ASCII", "pqopt={client_encoding=SQL_ASCII};"), ("UTF8", "pqopt={client_encoding=UTF8};")];

/// The attribute to add to a connection string that names psqlODBC by its driver (not a DSN)
/// and passes no libpq options of its own.
pub fn startup_settings_attribute(driver_attrs: &[(String, String)]) -> Option<&'static str> {
    startup_settings_for_locale(driver_attrs, &environment_ctype_locale())
}

fn startup_settings_for_locale(driver_attrs: &[(String, String)], locale: &str) -> Option<&'static str> {
    let names_psqlodbc = driver_attrs.iter().any(|(key, value)| {
        let value = value.to_ascii_lowercase();
        key.eq_ignore_ascii_case("driver") && (value.contains("postgres") || value.contains("psqlodbc"))
    });
    let has_own_options = driver_attrs.iter().any(|(key, _)| key.eq_ignore_ascii_case("pqopt"));
    if !names_psqlodbc || has_own_options {
        return None;
    }
    let encoding = locale_client_encoding(locale)?;
    PSQLODBC_STARTUP_ENCODINGS.iter().find(|(name, _)| *name == encoding).map(|(_, attribute)| *attribute)
}

/// The `LC_CTYPE` locale the environment names, as `setlocale(LC_CTYPE, "")` looks it up (the
/// driver does that, whatever locale the process itself runs in).
fn environment_ctype_locale() -> String {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .unwrap_or_else(|| "C".to_owned())
}

/// The PostgreSQL client encoding psqlODBC derives from an `LC_CTYPE` locale name, for the
/// locales where that is known: the C locale has no codeset and gets `SQL_ASCII`.
fn locale_client_encoding(locale: &str) -> Option<&'static str> {
    if locale == "C" || locale == "POSIX" {
        return Some("SQL_ASCII");
    }
    let codeset = locale.split_once('.')?.1;
    let codeset = codeset.split_once('@').map_or(codeset, |(codeset, _modifier)| codeset);
    (codeset.eq_ignore_ascii_case("UTF-8") || codeset.eq_ignore_ascii_case("utf8")).then_some("UTF8")
}

/// Settings the driver makes that differ from their reset value but need no restoring:
/// psqlODBC's `extra_float_digits = 2` prints floats exactly like the default 1 on PostgreSQL
/// 12 and later (any value above 0 selects the shortest exact form).
const DRIVER_SETTINGS_EQUIVALENT_AFTER_RESET: &str = "NOT (name = 'extra_float_digits' \
     AND current_setting('server_version_num')::int >= 120000 AND setting::int > 0 AND reset_val::int > 0)";

/// Reads the baseline right after connect. Only what the configured reset will need is read.
pub fn capture_baseline(link: &mut Link) -> Result<SessionBaseline> {
    let mut baseline = SessionBaseline { autocommit: true, ..SessionBaseline::default() };
    if link.settings.reset != ResetPolicy::Auto {
        return Ok(baseline);
    }
    match link.dbms {
        Dbms::PostgreSql => {
            // Settings equal to their reset value come back with DISCARD ALL by themselves.
            let rows = link.run_internal(&format!(
                "SELECT name, setting FROM pg_settings WHERE source = 'session' AND setting IS DISTINCT FROM reset_val \
                 AND {DRIVER_SETTINGS_EQUIVALENT_AFTER_RESET}"
            ))?;
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

/// `DISCARD ALL` spelled out as the statements it is documented to equal, for a session in manual
/// commit mode: there the driver opens a transaction before each statement, and `DISCARD ALL`
/// refuses to run in a transaction block.
const POSTGRESQL_DISCARD_SPELLED_OUT: &str = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; \
     UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES";

/// `DISCARD ALL`, then the settings the driver made at connect put back.
///
/// Two round trips rather than one: sent as one multi-statement query, the spelled-out form runs
/// every statement in one implicit transaction and measured 4-5× slower than `DISCARD ALL` and a
/// `set_config` call sent one after the other (pgbench on this machine: ~0.2 ms vs ~0.75-1 ms).
fn reset_postgresql(link: &mut Link) -> Result<()> {
    let restore = restore_driver_settings_sql(&link.baseline().driver_settings);
    if link.autocommit {
        link.run_internal("DISCARD ALL")?;
        if let Some(restore) = restore {
            link.run_internal(&restore)?;
        }
        return Ok(());
    }
    let mut sql = POSTGRESQL_DISCARD_SPELLED_OUT.to_owned();
    if let Some(restore) = restore {
        sql.push_str("; ");
        sql.push_str(&restore);
    }
    link.run_internal(&sql).map(drop)
}

/// One `SELECT set_config(...), ...` that restores the driver's connect-time settings; `None`
/// when it made none.
fn restore_driver_settings_sql(settings: &[(String, String)]) -> Option<String> {
    if settings.is_empty() {
        return None;
    }
    let calls: Vec<String> = settings
        .iter()
        .map(|(name, value)| format!("set_config({}, {}, false)", quote_literal(name), quote_literal(value)))
        .collect();
    Some(format!("SELECT {}", calls.join(", ")))
}

/// Undoes what the request's SQL can have changed (see [`SqlWords`]); the rest is skipped, which
/// matters because reading the pragmas alone costs ~170 µs, 20× a small query.
fn reset_sqlite(link: &mut Link) -> Result<()> {
    let words = link.dirty.sql_words;
    if words.contains(SqlWords::TRANSACTION) {
        // A raw BEGIN survives SQLEndTran in this driver's autocommit mode; end it here.
        match link.run_internal("ROLLBACK") {
            Ok(_) => {}
            Err(Error::Database(diag)) if diag.message().contains("no transaction is active") => {}
            Err(other) => return Err(other),
        }
    }
    if words.contains(SqlWords::TEMP | SqlWords::ATTACH) {
        drop_sqlite_temp_objects_and_attachments(link)?;
    }
    if words.contains(SqlWords::PRAGMA) {
        restore_sqlite_pragmas(link)?;
    }
    Ok(())
}

fn drop_sqlite_temp_objects_and_attachments(link: &mut Link) -> Result<()> {
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
    Ok(())
}

fn restore_sqlite_pragmas(link: &mut Link) -> Result<()> {
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
        assert_eq!(restore_driver_settings_sql(&[]), None);
        let settings = [("DateStyle".to_owned(), "ISO, MDY".to_owned()), ("x.y".to_owned(), "o'k".to_owned())];
        assert_eq!(
            restore_driver_settings_sql(&settings).as_deref(),
            Some("SELECT set_config('DateStyle', 'ISO, MDY', false), set_config('x.y', 'o''k', false)")
        );
    }

    #[test]
    fn sql_words_are_found_in_any_case_and_only_when_present() {
        assert_eq!(SqlWords::scan("SELECT 1"), SqlWords::default());
        assert_eq!(SqlWords::scan("pragma foreign_keys = ON"), SqlWords::PRAGMA);
        assert_eq!(SqlWords::scan("CREATE TEMPORARY TABLE t (x)"), SqlWords::TEMP);
        assert_eq!(SqlWords::scan("create table Temp.t (x)"), SqlWords::TEMP);
        assert_eq!(SqlWords::scan("ATTACH DATABASE 'x.db' AS x"), SqlWords::ATTACH);
        assert_eq!(SqlWords::scan("Begin Immediate"), SqlWords::TRANSACTION);
        assert_eq!(SqlWords::scan("SAVEPOINT a"), SqlWords::TRANSACTION);
        assert_eq!(SqlWords::scan("BEGIN; PRAGMA x; CREATE TEMP VIEW v AS SELECT 1; ATTACH 'y' AS y"), SqlWords::ALL);
        // Too much is fine (a column called `tempo`), never too little.
        assert!(SqlWords::scan("SELECT tempo FROM songs").contains(SqlWords::TEMP));
        assert_eq!(SqlWords::scan("prag"), SqlWords::default());
        assert_eq!(SqlWords::scan("é pragma"), SqlWords::PRAGMA);
    }

    #[test]
    fn psqlodbc_named_by_driver_gets_its_settings_in_the_startup_packet() {
        let attrs = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let c_locale = Some("pqopt={client_encoding=SQL_ASCII};");
        let pg = attrs(&[("Driver", "{PostgreSQL Unicode}"), ("Server", "h")]);
        assert_eq!(startup_settings_for_locale(&pg, "C"), c_locale);
        assert_eq!(startup_settings_for_locale(&pg, "C.UTF-8"), Some("pqopt={client_encoding=UTF8};"));
        assert_eq!(startup_settings_for_locale(&pg, "de_DE.ISO-8859-15"), None, "unknown: nothing guessed");
        let by_path = attrs(&[("DRIVER", "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so")]);
        assert_eq!(startup_settings_for_locale(&by_path, "POSIX"), c_locale);
        let own = attrs(&[("Driver", "PostgreSQL ANSI"), ("PqOpt", "{sslmode=require}")]);
        assert_eq!(startup_settings_for_locale(&own, "C"), None, "the caller's libpq options are left alone");
        assert_eq!(startup_settings_for_locale(&attrs(&[("DSN", "pg")]), "C"), None);
        assert_eq!(startup_settings_for_locale(&attrs(&[("Driver", "SQLite3")]), "C"), None);
    }

    #[test]
    fn client_encoding_follows_the_locale_where_it_is_known() {
        assert_eq!(locale_client_encoding("C"), Some("SQL_ASCII"));
        assert_eq!(locale_client_encoding("POSIX"), Some("SQL_ASCII"));
        assert_eq!(locale_client_encoding("C.UTF-8"), Some("UTF8"));
        assert_eq!(locale_client_encoding("en_US.utf8"), Some("UTF8"));
        assert_eq!(locale_client_encoding("de_DE.UTF-8@euro"), Some("UTF8"));
        // unknown: no startup setting, the baseline restores whatever the driver set
        assert_eq!(locale_client_encoding("de_DE.ISO-8859-1"), None);
        assert_eq!(locale_client_encoding("en_US"), None);
    }

    #[test]
    fn only_plain_pragma_values_are_written_back() {
        assert!(is_safe_identifier("-2000"));
        assert!(!is_safe_identifier("1; DROP TABLE x"));
    }
}
