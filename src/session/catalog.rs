//! Catalog functions legacy code relies on — tables, columns, primary keys — returned as ordinary
//! results, read with the same fetch and getters as a query's.

use crate::error::Result;
use crate::odbc::catalog as odbc_catalog;
use crate::odbc::result_set::ResultSet;
use crate::session::Session;
use odbc_api::handles::StatementImpl;

impl Session {
    /// `SQLTables`: one row per table matching the patterns (NULL: any). Columns TABLE_CAT,
    /// TABLE_SCHEM, TABLE_NAME, TABLE_TYPE, REMARKS. `types` is a comma-separated list such as
    /// `'TABLE','VIEW'`.
    pub fn tables(
        &mut self,
        catalog: Option<&str>,
        schema: Option<&str>,
        table: Option<&str>,
        types: Option<&str>,
    ) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, table, types])?;
        self.list(|stmt| odbc_catalog::tables(stmt, catalog, schema, table, types))
    }

    /// `SQLColumns`: one row per column of the matching tables (ODBC's 18 columns: TABLE_NAME,
    /// COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, …, NULLABLE, …, ORDINAL_POSITION, …).
    pub fn columns(
        &mut self,
        catalog: Option<&str>,
        schema: Option<&str>,
        table: Option<&str>,
        column: Option<&str>,
    ) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, table, column])?;
        self.list(|stmt| odbc_catalog::columns(stmt, catalog, schema, table, column))
    }

    /// `SQLPrimaryKeys`: the primary key columns of one table (TABLE_CAT, TABLE_SCHEM, TABLE_NAME,
    /// COLUMN_NAME, KEY_SEQ, PK_NAME).
    pub fn primary_keys(&mut self, catalog: Option<&str>, schema: Option<&str>, table: &str) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, Some(table)])?;
        self.list(|stmt| odbc_catalog::primary_keys(stmt, catalog, schema, table))
    }

    /// Runs a catalog function on a fresh statement and keeps what it lists as a result set.
    fn list(&mut self, call: impl FnOnce(&mut StatementImpl<'static>) -> Result<()>) -> Result<u32> {
        self.dirty.session_touched = true;
        let mode = self.fetch_mode()?;
        let listed = self.allocate_statement().and_then(|mut stmt| {
            call(&mut stmt)?;
            ResultSet::executed(stmt, mode)
        });
        let result = self.note(listed)?;
        Ok(self.insert_result_set(result))
    }
}
