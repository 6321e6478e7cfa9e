//! PostgreSQL (through psqlODBC): the startup settings passed in the connection string, the
//! driver's own settings read as the baseline, and the reset: `DISCARD ALL` (drops temp tables,
//! prepared statements, advisory locks, `SET`s, `SET ROLE`, listeners, cached plans — what
//! `RESET ALL` misses), then the settings the driver itself `SET` at connect are put back, so the
//! driver finds the session it configured.

use super::Session;
use crate::error::Result;

/// psqlODBC `SET`s `extra_float_digits` right after connecting, a value `RESET ALL` (and so
/// `DISCARD ALL`) would not return to: each reset would need a second round trip to put it back.
/// Passed in the startup packet as well (psqlODBC's `pqopt`, libpq's `options`), it becomes the
/// session's reset value and `DISCARD ALL` alone restores it. Only a guess at what the driver
/// sets: the baseline records every driver setting that still differs from its reset value and
/// the reset restores those, so a wrong guess costs the round trip, never correctness.
const PSQLODBC_STARTUP_SETTINGS: &str = "pqopt={options=-cextra_float_digits=2};";

/// The attribute to add to a connection string that names psqlODBC by its driver (not a DSN)
/// and passes no libpq options of its own.
pub fn startup_settings_attribute(driver_attrs: &[(String, String)]) -> Option<&'static str> {
    let names_psqlodbc = driver_attrs.iter().any(|(key, value)| {
        let value = value.to_ascii_lowercase();
        key.eq_ignore_ascii_case("driver") && (value.contains("postgres") || value.contains("psqlodbc"))
    });
    let has_own_options = driver_attrs.iter().any(|(key, _)| key.eq_ignore_ascii_case("pqopt"));
    (names_psqlodbc && !has_own_options).then_some(PSQLODBC_STARTUP_SETTINGS)
}

/// The settings psqlODBC `SET` at connect that differ from their reset value: what a reset puts
/// back after `DISCARD ALL` (settings equal to their reset value come back by themselves).
pub(super) fn read_driver_settings(link: &mut Session) -> Result<Vec<(String, String)>> {
    let rows = link.run_internal(
        "SELECT name, setting FROM pg_settings WHERE source = 'session' AND setting IS DISTINCT FROM reset_val",
    )?;
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
pub(super) fn reset(link: &mut Session) -> Result<()> {
    // Before `DISCARD ALL` drops plans the driver may still mean to drop itself (see there).
    if link.dirty.rolled_back_by_sql || link.dirty.raw_handle_used {
        super::rollback_flag::clear(link)?;
    }
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
    fn psqlodbc_named_by_driver_gets_its_settings_in_the_startup_packet() {
        let attrs = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let pg = attrs(&[("Driver", "{PostgreSQL Unicode}"), ("Server", "h")]);
        assert_eq!(startup_settings_attribute(&pg), Some(PSQLODBC_STARTUP_SETTINGS));
        let by_path = attrs(&[("DRIVER", "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so")]);
        assert_eq!(startup_settings_attribute(&by_path), Some(PSQLODBC_STARTUP_SETTINGS));
        let own = attrs(&[("Driver", "PostgreSQL ANSI"), ("PqOpt", "{sslmode=require}")]);
        assert_eq!(startup_settings_attribute(&own), None, "the caller's libpq options are left alone");
        assert_eq!(startup_settings_attribute(&attrs(&[("DSN", "pg")])), None);
        assert_eq!(startup_settings_attribute(&attrs(&[("Driver", "SQLite3")])), None);
    }
}
