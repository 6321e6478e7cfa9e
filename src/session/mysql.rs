//! MariaDB / MySQL sessions (MariaDB Connector/ODBC 3.1).
//!
//! The connector accepts `SQL_ATTR_RESET_CONNECTION` and does nothing: its attribute switch has
//! no case for it and answers `SQL_SUCCESS`, and it never calls the client library's reset. No
//! SQL statement resets a MariaDB session either. So pconn reaches the protocol's reset
//! (`COM_RESET_CONNECTION`) beside the driver, through the driver's own client-library connection
//! (`odbc/mysql_client.rs`: found at connect and checked to be this session by its thread id).
//!
//! The reset clears temporary tables, user variables, every session system variable (sql_mode,
//! time_zone, isolation, wait_timeout, group_concat_max_len, ...), named locks (GET_LOCK),
//! LAST_INSERT_ID, prepared statements, table locks, the character set (back to the handshake's,
//! which is the driver's), and rolls back the open transaction. It keeps the current database,
//! which is selected again first, and it undoes the session variables the driver set at connect
//! (its session tracking, SQL_AUTO_IS_NULL): those are read into the baseline and set again in one
//! statement. The driver's cached autocommit and isolation match the server again because request
//! end restores them through the driver before the reset, to the baseline values the reset
//! returns to. Statements of the link are freed before it (the client library invalidates them).
//!
//! Cost: three round trips (select the database, reset, restore the driver's settings), measured
//! against a reconnect by `make bench` (README "Deployments").
//!
//! Where the client-library connection cannot be found and checked (another connector build, a
//! connector with the client library linked in statically, MySQL's Connector/ODBC), the link is
//! replaced at request end instead: counted in statistics and said once (`notice.rs`), never a
//! silent reuse. The first reset of each link is checked with a canary user variable.

use super::canary::{self, ResetOutcome};
use super::Session;
use crate::error::Result;
use crate::odbc::mysql_client::{self, ClientConnection};

/// What a MariaDB/MySQL link returns to at request end.
#[derive(Debug, Clone, Default)]
pub struct MysqlBaseline {
    /// The driver's client-library connection, when found and checked at connect.
    client: Option<ClientConnection>,
    /// The current database at connect (`DATABASE()`), which a protocol reset keeps as it is.
    database: Option<String>,
    /// Session variables the driver set at connect, differing from the server's globals, which
    /// the protocol reset returns to: (name, value).
    driver_settings: Vec<(String, String)>,
}

/// Session variables whose value differs from the server's global one right after connect: what
/// the driver (or the server's init_connect) set.
const DRIVER_SETTINGS_SQL: &str = "SELECT s.VARIABLE_NAME, s.VARIABLE_VALUE \
     FROM information_schema.SESSION_VARIABLES s JOIN information_schema.GLOBAL_VARIABLES g \
     ON g.VARIABLE_NAME = s.VARIABLE_NAME WHERE NOT (s.VARIABLE_VALUE <=> g.VARIABLE_VALUE)";

pub(super) fn read_baseline(link: &mut Session) -> Result<MysqlBaseline> {
    let rows = link.run_internal("SELECT CONNECTION_ID(), DATABASE()")?;
    let (connection_id, database) = match rows.first().map(Vec::as_slice) {
        Some([Some(id), database]) => (id.parse::<u64>().ok(), database.clone()),
        _ => (None, None),
    };
    let client = connection_id.and_then(|id| mysql_client::find(link.connection().ok()?, id));
    let driver_settings = link
        .run_internal(DRIVER_SETTINGS_SQL)?
        .into_iter()
        .filter_map(|row| match row.as_slice() {
            [Some(name), Some(value)] if is_variable_name(name) => Some((name.to_ascii_lowercase(), value.clone())),
            _ => None,
        })
        .collect();
    Ok(MysqlBaseline { client, database, driver_settings })
}

/// The protocol reset, checked on the link's first reset; `Replace` when it is out of reach.
pub(super) fn reset(link: &mut Session) -> Result<ResetOutcome> {
    let baseline = link.baseline.mysql.clone().unwrap_or_default();
    let Some(client) = baseline.client else {
        crate::notice::once(
            "MariaDB/MySQL: the driver's client-library connection could not be found and checked (a connector \
             other than MariaDB Connector/ODBC 3.x with a shared libmariadb), so its links are replaced at \
             request end instead of reset"
                .into(),
        );
        return Ok(ResetOutcome::Replace);
    };
    canary::checked(link, canary::USER_VARIABLE, "MariaDB/MySQL protocol reset (COM_RESET_CONNECTION)", |link| {
        if let Some(database) = &baseline.database {
            client.select_db(database)?;
        }
        client.reset()?;
        if let Some(sql) = restore_sql(&baseline.driver_settings) {
            link.run_internal(&sql)?;
        }
        Ok(())
    })
}

fn is_variable_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One `SET SESSION a = ..., b = ...` restoring the driver's settings; `None` when there are none.
/// Numbers go unquoted (MariaDB refuses a quoted value for a numeric variable).
fn restore_sql(settings: &[(String, String)]) -> Option<String> {
    if settings.is_empty() {
        return None;
    }
    let assignments: Vec<String> = settings
        .iter()
        .map(|(name, value)| {
            if value.parse::<f64>().is_ok() && !value.is_empty() {
                format!("SESSION {name} = {value}")
            } else {
                format!("SESSION {name} = '{}'", value.replace('\\', "\\\\").replace('\'', "''"))
            }
        })
        .collect();
    Some(format!("SET {}", assignments.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_settings_are_restored_in_one_statement() {
        assert_eq!(restore_sql(&[]), None);
        let settings = [
            ("sql_auto_is_null".to_owned(), "OFF".to_owned()),
            ("wait_timeout".to_owned(), "600".to_owned()),
            ("session_track_system_variables".to_owned(), "autocommit,tx_isolation".to_owned()),
            ("x".to_owned(), "it's \\".to_owned()),
        ];
        assert_eq!(
            restore_sql(&settings).as_deref(),
            Some(
                "SET SESSION sql_auto_is_null = 'OFF', SESSION wait_timeout = 600, \
                 SESSION session_track_system_variables = 'autocommit,tx_isolation', SESSION x = 'it''s \\\\'"
            )
        );
        assert!(is_variable_name("SQL_AUTO_IS_NULL"));
        assert!(!is_variable_name("a;DROP"));
    }
}
