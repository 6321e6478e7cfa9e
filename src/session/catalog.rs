//! Catalog functions legacy code relies on — tables, columns, primary keys — returned as ordinary
//! results, read with the same fetch and getters as a query's.

use crate::error::Result;
use crate::error::Error;
use crate::odbc::catalog::{self as odbc_catalog, ForeignKeyTables};
use crate::odbc::result_set::ResultSet;
use crate::session::Session;
use odbc_api::handles::StatementImpl;

impl Session {
    /// `SQLTables`: one row per table matching the patterns (NULL: any). Columns TABLE_CAT,
    /// TABLE_SCHEM, TABLE_NAME, TABLE_TYPE, REMARKS. `types` is a comma-separated list such as
    /// `'TABLE','VIEW'`.
    pub fn tables(&mut self, [catalog, schema, table, types]: [Option<&str>; 4]) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, table, types])?;
        self.list(|stmt| odbc_catalog::tables(stmt, catalog, schema, table, types))
    }

    /// `SQLColumns`: one row per column of the matching tables (ODBC's 18 columns: TABLE_NAME,
    /// COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, …, NULLABLE, …, ORDINAL_POSITION, …).
    pub fn columns(&mut self, [catalog, schema, table, column]: [Option<&str>; 4]) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, table, column])?;
        self.list(|stmt| odbc_catalog::columns(stmt, catalog, schema, table, column))
    }

    /// `SQLPrimaryKeys`: the primary key columns of one table (TABLE_CAT, TABLE_SCHEM, TABLE_NAME,
    /// COLUMN_NAME, KEY_SEQ, PK_NAME).
    pub fn primary_keys(&mut self, catalog: Option<&str>, schema: Option<&str>, table: &str) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, Some(table)])?;
        self.list(|stmt| odbc_catalog::primary_keys(stmt, catalog, schema, table))
    }

    /// `SQLGetTypeInfo`: one row per data type the data source supports (`data_type` 0: all).
    pub fn type_info(&mut self, data_type: i16) -> Result<u32> {
        self.list(|stmt| odbc_catalog::type_info(stmt, data_type))
    }

    /// `SQLProcedures`: the procedures matching the patterns (NULL: any).
    pub fn procedures(&mut self, [catalog, schema, procedure]: [Option<&str>; 3]) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, procedure])?;
        self.list(|stmt| odbc_catalog::procedures(stmt, catalog, schema, procedure))
    }

    /// `SQLProcedureColumns`: parameters and result columns of the matching procedures.
    pub fn procedure_columns(&mut self, [catalog, schema, procedure, column]: [Option<&str>; 4]) -> Result<u32> {
        odbc_catalog::check_lengths(&[catalog, schema, procedure, column])?;
        self.list(|stmt| odbc_catalog::procedure_columns(stmt, catalog, schema, procedure, column))
    }

    /// `SQLForeignKeys`: the foreign keys of the second table, or those referring to the first
    /// table's primary key, or the one between both.
    pub fn foreign_keys(&mut self, tables: ForeignKeyTables<'_>) -> Result<u32> {
        odbc_catalog::check_lengths(tables.as_flattened())?;
        self.list(|stmt| odbc_catalog::foreign_keys(stmt, tables))
    }

    /// `SQLSpecialColumns`: the columns that identify a row, or that change when it changes.
    pub fn special_columns(&mut self, identifier_type: i32, table: [Option<&str>; 3], scope: i32, nullable: i32) -> Result<u32> {
        odbc_catalog::check_lengths(&table)?;
        let (identifier_type, scope, nullable) =
            (small("identifier_type", identifier_type)?, small("scope", scope)?, small("nullable", nullable)?);
        self.list(|stmt| odbc_catalog::special_columns(stmt, identifier_type, table, scope, nullable))
    }

    /// `SQLStatistics`: a table's statistics and indexes.
    pub fn statistics(&mut self, table: [Option<&str>; 3], unique: i32, reserved: i32) -> Result<u32> {
        odbc_catalog::check_lengths(&table)?;
        let (unique, reserved) = (small("unique", unique)?, small("reserved", reserved)?);
        self.list(|stmt| odbc_catalog::statistics(stmt, table, unique, reserved))
    }

    /// `SQLTablePrivileges`: the privileges on the matching tables.
    pub fn table_privileges(&mut self, table: [Option<&str>; 3]) -> Result<u32> {
        odbc_catalog::check_lengths(&table)?;
        self.list(|stmt| odbc_catalog::table_privileges(stmt, table))
    }

    /// `SQLColumnPrivileges`: the privileges on a table's matching columns.
    pub fn column_privileges(&mut self, column: [Option<&str>; 4]) -> Result<u32> {
        odbc_catalog::check_lengths(&column)?;
        self.list(|stmt| odbc_catalog::column_privileges(stmt, column))
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

/// An integer argument of a catalog function, which ODBC takes as a 16-bit unsigned value: the
/// driver checks its meaning, but one that does not fit could only be passed cut.
fn small(name: &str, value: i32) -> Result<u16> {
    u16::try_from(value).map_err(|_| Error::InvalidArgument(format!("{name} must be from 0 to 65535, not {value}")))
}
