//! Connection attributes a request may change through the API — transaction isolation, read-only
//! mode, current catalog — and their return to the link's baseline at request end.
//!
//! The baseline of an attribute is read the first time a request changes it (the link is at its
//! baseline then, since the previous request end restored it), so links whose requests never touch
//! an attribute pay nothing for it.

use crate::error::{Error, Result};
use crate::session::Session;
use crate::session::reset::Dbms;
use crate::odbc::{check, connection};
use odbc_api::sys::ConnectionAttribute;

/// ODBC's `SQL_TXN_*` isolation levels, the values `pconn_isolation_set` takes.
pub(crate) const TXN_READ_UNCOMMITTED: u32 = 1;
pub(crate) const TXN_READ_COMMITTED: u32 = 2;
pub(crate) const TXN_REPEATABLE_READ: u32 = 4;
pub(crate) const TXN_SERIALIZABLE: u32 = 8;

/// `SQL_MODE_READ_WRITE` / `SQL_MODE_READ_ONLY` of `SQL_ATTR_ACCESS_MODE`.
const MODE_READ_WRITE: u32 = 0;
const MODE_READ_ONLY: u32 = 1;

pub fn validate_isolation(level: i64) -> Result<u32> {
    match u32::try_from(level) {
        Ok(level @ (TXN_READ_UNCOMMITTED | TXN_READ_COMMITTED | TXN_REPEATABLE_READ | TXN_SERIALIZABLE)) => Ok(level),
        _ => Err(Error::InvalidArgument(format!(
            "isolation level must be 1 (read uncommitted), 2 (read committed), 4 (repeatable read) or 8 (serializable), not {level}"
        ))),
    }
}

impl Session {
    fn get_u32_attribute(&self, attribute: ConnectionAttribute) -> Result<u32> {
        connection::get_u32_attribute(self.connection()?, attribute)
    }

    fn set_u32_attribute(&self, attribute: ConnectionAttribute, value: u32) -> Result<()> {
        connection::set_u32_attribute(self.connection()?, attribute, value)
    }

    /// The transaction isolation level (`SQL_TXN_*`).
    pub fn isolation(&mut self) -> Result<u32> {
        let level = self.get_u32_attribute(ConnectionAttribute::TXN_ISOLATION);
        self.note(level)
    }

    /// Sets the isolation level; request end restores the link's baseline.
    pub fn set_isolation(&mut self, level: u32) -> Result<()> {
        self.refuse_session_setting("isolation level", "run SET TRANSACTION ISOLATION LEVEL ... as the first statement of each transaction")?;
        if self.baseline.isolation.is_none() {
            let current = self.isolation()?;
            self.baseline.isolation = Some(current);
        }
        let set = self.set_u32_attribute(ConnectionAttribute::TXN_ISOLATION, level);
        self.note(set)?;
        self.dirty.isolation = true;
        self.dirty.session_touched = true;
        Ok(())
    }

    pub fn read_only(&mut self) -> Result<bool> {
        if self.dbms == Dbms::PostgreSql {
            // psqlodbc accepts SQL_ATTR_ACCESS_MODE but neither applies nor remembers it.
            let rows = self.run_internal("SHOW default_transaction_read_only")?;
            return Ok(matches!(rows.first().and_then(|row| row.first()), Some(Some(value)) if value == "on"));
        }
        if self.dbms == Dbms::Sqlite {
            // SQLite's driver ignores SQL_ATTR_ACCESS_MODE; the query_only pragma enforces it.
            let rows = self.run_internal("SELECT * FROM pragma_query_only()")?;
            return Ok(matches!(rows.first().and_then(|row| row.first()), Some(Some(value)) if value == "1"));
        }
        let mode = self.get_u32_attribute(ConnectionAttribute::ACCESS_MODE);
        Ok(self.note(mode)? == MODE_READ_ONLY)
    }

    /// Sets `SQL_ATTR_ACCESS_MODE`; request end restores the link's baseline. On PostgreSQL the
    /// session's default is also set, since the driver only records the attribute; on SQLite the
    /// `query_only` pragma, since its driver ignores the attribute.
    pub fn set_read_only(&mut self, on: bool) -> Result<()> {
        self.refuse_session_setting("read-only mode", "run SET TRANSACTION READ ONLY as the first statement of each transaction")?;
        if self.baseline.read_only.is_none() {
            let current = self.read_only()?;
            self.baseline.read_only = Some(current);
        }
        self.apply_read_only(on)?;
        self.dirty.read_only = true;
        self.dirty.session_touched = true;
        Ok(())
    }

    fn apply_read_only(&mut self, on: bool) -> Result<()> {
        let mode = if on { MODE_READ_ONLY } else { MODE_READ_WRITE };
        let set = self.set_u32_attribute(ConnectionAttribute::ACCESS_MODE, mode);
        self.note(set)?;
        match self.dbms {
            Dbms::PostgreSql => {
                let sql = format!("SET SESSION CHARACTERISTICS AS TRANSACTION {}", if on { "READ ONLY" } else { "READ WRITE" });
                self.run_internal(&sql)?;
            }
            Dbms::Sqlite => {
                self.run_internal(if on { "PRAGMA query_only = 1" } else { "PRAGMA query_only = 0" })?;
            }
            // MariaDB Connector/ODBC accepts the access mode and does not pass it on.
            Dbms::MariaDb => {
                self.run_internal(if on { "SET SESSION TRANSACTION READ ONLY" } else { "SET SESSION TRANSACTION READ WRITE" })?;
            }
            Dbms::Other => {}
        }
        Ok(())
    }

    /// The current catalog (database) name.
    pub fn current_catalog(&mut self) -> Result<String> {
        let conn = self.connection()?;
        let mut buf = Vec::new();
        let fetched = check(conn.fetch_current_catalog(&mut buf), conn);
        self.note(fetched)?;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// Switches the current catalog; request end switches back. Drivers that cannot switch
    /// (PostgreSQL: one database per connection) report an error.
    pub fn set_current_catalog(&mut self, catalog: &str) -> Result<()> {
        self.refuse_session_setting("current catalog", "name the database in the connection string")?;
        if self.baseline.catalog.is_none() {
            let current = self.current_catalog()?;
            self.baseline.catalog = Some(current);
        }
        self.apply_catalog(catalog)?;
        self.dirty.catalog = true;
        self.dirty.session_touched = true;
        Ok(())
    }

    fn apply_catalog(&mut self, catalog: &str) -> Result<()> {
        let set = connection::set_current_catalog(self.connection()?, catalog);
        self.note(set)
    }

    /// Marks the link as changed in ways pconn cannot see (through the raw ODBC handle): request
    /// end then restores every attribute it knows and resets the session.
    pub fn mark_dirty(&mut self) -> Result<()> {
        self.capture_attribute_baseline()?;
        self.dirty.raw_handle_used = true;
        self.dirty.session_touched = true;
        self.dirty.sql_words = crate::session::sqlite::SqlWords::all();
        Ok(())
    }

    /// Reads every attribute's baseline not read yet, before the caller can change it unseen.
    pub fn capture_attribute_baseline(&mut self) -> Result<()> {
        if self.baseline.isolation.is_none() {
            self.baseline.isolation = self.isolation().ok();
        }
        if self.baseline.read_only.is_none() {
            self.baseline.read_only = self.read_only().ok();
        }
        Ok(())
    }

    /// Request end: puts back what the request changed (everything known, after raw handle use).
    /// Runs after the rollback, since isolation cannot change inside a transaction.
    pub(crate) fn restore_attributes(&mut self) -> Result<()> {
        let everything = self.dirty.raw_handle_used;
        if everything {
            let conn = self.connection()?;
            let restored = check(conn.set_autocommit(self.baseline.autocommit), conn);
            self.note(restored)?;
            self.autocommit = self.baseline.autocommit;
        }
        if let (true, Some(level)) = (self.dirty.isolation || everything, self.baseline.isolation) {
            let set = self.set_u32_attribute(ConnectionAttribute::TXN_ISOLATION, level);
            self.note(set)?;
        }
        if let (true, Some(on)) = (self.dirty.read_only || everything, self.baseline.read_only) {
            self.apply_read_only(on)?;
        }
        if self.dirty.catalog
            && let Some(catalog) = self.baseline.catalog.clone()
        {
            self.apply_catalog(&catalog)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_odbc_isolation_levels_are_accepted() {
        assert_eq!(validate_isolation(2).unwrap(), TXN_READ_COMMITTED);
        assert_eq!(validate_isolation(8).unwrap(), TXN_SERIALIZABLE);
        for bad in [0, 3, 16, -1, 1 << 40] {
            assert!(validate_isolation(bad).is_err());
        }
    }
}
