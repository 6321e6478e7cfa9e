//! Behind a transaction pooler (`PconnPooler=transaction`, `PCONN_POOLER=transaction`; PgBouncer's
//! transaction mode): each transaction of a link may run on another server connection, one that
//! other clients use too. Whatever a session keeps between transactions is then wrong twice: it
//! is missing on the next transaction's server connection, and it reaches other clients. So:
//!
//! - the driver is told not to keep named server-side prepared statements (psqlODBC:
//!   `UseServerSidePrepare=0`; its default `_PLAN…` statements "do not exist" on the next server
//!   connection) — parameters are then sent inline by the driver;
//! - no baseline is read (it would describe some server connection) and no session reset is sent
//!   (it would run on whichever server connection the pooler picks, maybe in the middle of another
//!   client's work): request end only rolls back the open transaction, which the pooler ends on
//!   the server connection it belongs to;
//! - API calls that set session state (isolation, read-only, the current catalog) are refused
//!   with an error naming the option: set per transaction in SQL instead (`SET TRANSACTION
//!   ISOLATION LEVEL …` as the first statement of the transaction).

use super::Session;
use crate::config::Pooler;
use crate::error::{Error, Result};

/// psqlODBC's switch for named server-side prepares.
const SERVER_SIDE_PREPARE: &str = "UseServerSidePrepare";

/// The attributes to add to the driver's connection string for `pooler`; refuses a caller's own
/// setting that cannot work there.
pub fn driver_attributes(pooler: Pooler, driver_attrs: &[(String, String)]) -> Result<Option<&'static str>> {
    if pooler != Pooler::Transaction || !super::postgres::names_psqlodbc(driver_attrs) {
        return Ok(None);
    }
    match driver_attrs.iter().find(|(key, _)| key.eq_ignore_ascii_case(SERVER_SIDE_PREPARE)) {
        Some((_, value)) if value.trim() != "0" => Err(Error::InvalidArgument(format!(
            "{SERVER_SIDE_PREPARE}={} cannot work with PconnPooler=transaction: a named prepared statement stays on \
             one server connection and the next transaction may run on another; leave it out (pconn sets it to 0)",
            value.trim()
        ))),
        Some(_) => Ok(None),
        None => Ok(Some("UseServerSidePrepare=0;")),
    }
}

impl Session {
    /// Behind a transaction pooler the session is not pconn's to keep or reset.
    pub(crate) fn keeps_session_state(&self) -> bool {
        self.settings.pooler != Pooler::Transaction
    }

    /// Refuses an API call that would set `what` for the session, behind a transaction pooler.
    pub(crate) fn refuse_session_setting(&self, what: &str, instead: &str) -> Result<()> {
        if self.keeps_session_state() {
            return Ok(());
        }
        Err(Error::WrongState(format!(
            "setting the {what} is refused with PconnPooler=transaction: it would stay on a server connection other \
             clients share and be missing on the next one; {instead}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn psqlodbc_behind_a_transaction_pooler_gets_no_server_side_prepares() {
        let pg = attrs(&[("Driver", "{PostgreSQL Unicode}")]);
        assert_eq!(driver_attributes(Pooler::Transaction, &pg).unwrap(), Some("UseServerSidePrepare=0;"));
        assert_eq!(driver_attributes(Pooler::None, &pg).unwrap(), None);
        let own_off = attrs(&[("Driver", "{PostgreSQL Unicode}"), ("usesERVERsIDEpREPARE", "0")]);
        assert_eq!(driver_attributes(Pooler::Transaction, &own_off).unwrap(), None);
        let own_on = attrs(&[("Driver", "{PostgreSQL Unicode}"), ("UseServerSidePrepare", "1")]);
        let error = driver_attributes(Pooler::Transaction, &own_on).unwrap_err().to_string();
        assert!(error.contains("UseServerSidePrepare=1 cannot work with PconnPooler=transaction"), "{error}");
        assert_eq!(driver_attributes(Pooler::Transaction, &attrs(&[("Driver", "SQLite3")])).unwrap(), None);
    }
}
