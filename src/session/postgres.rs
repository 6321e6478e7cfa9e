//! PostgreSQL (through psqlODBC): the startup settings passed in the connection string, the
//! driver's own settings read as the baseline, and the reset: `DISCARD ALL` (drops temp tables,
//! prepared statements, advisory locks, `SET`s, `SET ROLE`, listeners, cached plans — what
//! `RESET ALL` misses), then the settings the driver itself `SET` at connect are put back, so the
//! driver finds the session it configured.

use super::Session;
use crate::error::Result;

/// psqlODBC `SET`s `client_encoding` right after connecting, to the encoding of the locale the
/// environment names (`LC_ALL`, `LC_CTYPE`, `LANG`: `SQL_ASCII` in the C locale, where php-fpm and
/// many services run), a value `RESET ALL` (and so `DISCARD ALL`) would not return to: each reset
/// would need to put it back, in the dearer one-query form (see [`reset`]). Passed in the startup
/// packet as well (psqlODBC's `pqopt`; `client_encoding` is a startup parameter PgBouncer accepts
/// by default, unlike `options`), it becomes the session's reset value and `DISCARD ALL` alone
/// restores it.
/// Only a guess at what the driver sets: the baseline records every driver setting that still
/// differs from its reset value and the reset restores those, so a wrong guess costs time, never
/// correctness.
const PSQLODBC_STARTUP_ENCODINGS: &[(&str, &str)] =
    &[("SQL_ASCII", "pqopt={client_encoding=SQL_ASCII};"), ("UTF8", "pqopt={client_encoding=UTF8};")];

/// The attribute to add to a connection string that names psqlODBC by its driver (not a DSN)
/// and passes no libpq options of its own.
pub fn startup_settings_attribute(driver_attrs: &[(String, String)]) -> Option<&'static str> {
    startup_settings_for_locale(driver_attrs, &environment_ctype_locale())
}

/// Whether the connection string names psqlODBC by its driver (not through a DSN).
pub fn names_psqlodbc(driver_attrs: &[(String, String)]) -> bool {
    driver_attrs.iter().any(|(key, value)| {
        let value = value.to_ascii_lowercase();
        key.eq_ignore_ascii_case("driver") && (value.contains("postgres") || value.contains("psqlodbc"))
    })
}

fn startup_settings_for_locale(driver_attrs: &[(String, String)], locale: &str) -> Option<&'static str> {
    let has_own_options = driver_attrs.iter().any(|(key, _)| key.eq_ignore_ascii_case("pqopt"));
    if !names_psqlodbc(driver_attrs) || has_own_options {
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

/// The settings psqlODBC `SET` at connect that differ from their reset value: what a reset puts
/// back after `DISCARD ALL` (settings equal to their reset value come back by themselves).
pub(super) fn read_driver_settings(link: &mut Session) -> Result<Vec<(String, String)>> {
    let rows = link.run_internal(&format!(
        "SELECT name, setting FROM pg_settings WHERE source = 'session' AND setting IS DISTINCT FROM reset_val \
         AND {DRIVER_SETTINGS_EQUIVALENT_AFTER_RESET}"
    ))?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match row.as_slice() {
            [Some(name), Some(value)] => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect())
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `DISCARD ALL` spelled out as the statements the PostgreSQL documentation says it equals, in
/// that order. Unlike `DISCARD ALL`, each may run inside a transaction block, so they can share a
/// query string with other statements (which makes the string an implicit transaction block).
const POSTGRESQL_DISCARD_SPELLED_OUT: &str = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; \
     UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES";

/// `DISCARD ALL`, then the settings the driver made at connect put back: one round trip.
///
/// When the driver made no setting that `DISCARD ALL` would undo (the usual case directly: the
/// startup packet carries the driver's `client_encoding`), `DISCARD ALL` alone. Otherwise (behind
/// PgBouncer, which opens its server connections without the client's startup parameters; a
/// locale whose encoding pconn cannot guess), `DISCARD ALL` could only be followed by the restore
/// as a second query, since it refuses to share a query string: the spelled-out statements and the
/// restore go as one query instead. Measured (`examples/bench_reset.rs`, pconnect + reset +
/// `SELECT 1` + request end, loopback) that costs 1.2-1.6× `DISCARD ALL` alone, and the two-query
/// form 1.1-1.4× the one query, directly and through PgBouncer; a network between them widens the
/// gap. Its statements run as one implicit
/// transaction, and psqlODBC reports a failure of any of them: the link is then discarded, no
/// half-reset session is handed out. The same form serves a session in manual-commit mode, where
/// the driver opens a transaction before each statement and `DISCARD ALL` would be refused.
pub(super) fn reset(link: &mut Session) -> Result<()> {
    // Before the reset drops plans the driver may still mean to drop itself (see there).
    if link.dirty.rolled_back_by_sql || link.dirty.raw_handle_used {
        super::rollback_flag::clear(link)?;
    }
    let restore = restore_driver_settings_sql(&link.baseline().driver_settings);
    link.run_internal(&reset_sql(link.autocommit, restore.as_deref())).map(drop)
}

/// The query [`reset`] sends (see there).
fn reset_sql(autocommit: bool, restore: Option<&str>) -> String {
    match restore {
        None if autocommit => "DISCARD ALL".to_owned(),
        None => POSTGRESQL_DISCARD_SPELLED_OUT.to_owned(),
        Some(restore) => format!("{POSTGRESQL_DISCARD_SPELLED_OUT}; {restore}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn discard_all_alone_unless_a_restore_or_a_transaction_needs_the_spelled_out_form() {
        assert_eq!(reset_sql(true, None), "DISCARD ALL");
        assert_eq!(reset_sql(false, None), POSTGRESQL_DISCARD_SPELLED_OUT);
        let restore = "SELECT set_config('client_encoding', 'SQL_ASCII', false)";
        for autocommit in [true, false] {
            let sql = reset_sql(autocommit, Some(restore));
            assert!(sql.starts_with(POSTGRESQL_DISCARD_SPELLED_OUT) && sql.ends_with(&format!("; {restore}")), "{sql}");
        }
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
}
