//! Catalog functions legacy code relies on — tables, columns, primary keys — returned as ordinary
//! results, read with the same fetch and getters as a query's.

use crate::error::Result;
use crate::session::Session;
use crate::odbc::check_raw;
use crate::odbc::result_set::ResultSet;
use odbc_api::handles::{SqlText, Statement};
use odbc_api::sys;

/// A pattern or name argument: `None` is passed to the driver as NULL ("any"), which odbc-api's
/// wrappers cannot express, hence the raw calls below.
fn arg(text: Option<&str>) -> (*const u8, i16) {
    match text {
        Some(text) => (text.as_ptr(), i16::try_from(text.len()).unwrap_or(i16::MAX)),
        None => (std::ptr::null(), 0),
    }
}

fn too_long(values: &[Option<&str>]) -> Result<()> {
    if values.iter().flatten().any(|v| v.len() > i16::MAX as usize) {
        return Err(crate::Error::TooLong { what: "catalog argument", limit: i16::MAX as usize });
    }
    Ok(())
}

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
        too_long(&[catalog, schema, table, types])?;
        self.dirty.session_touched = true;
        let mode = self.fetch_mode()?;
        let listed = self.allocate_statement().and_then(|stmt| {
            let ((c, cl), (s, sl), (t, tl), (y, yl)) = (arg(catalog), arg(schema), arg(table), arg(types));
            // SAFETY: every pointer is NULL or valid for its length during the call.
            let ret = unsafe { sys::SQLTables(stmt.as_sys(), c, cl, s, sl, t, tl, y, yl) };
            check_raw(ret, &stmt, "SQLTables")?;
            ResultSet::executed(stmt, mode)
        });
        let result = self.note(listed)?;
        Ok(self.insert_result(result))
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
        too_long(&[catalog, schema, table, column])?;
        self.dirty.session_touched = true;
        let mode = self.fetch_mode()?;
        let listed = self.allocate_statement().and_then(|stmt| {
            let ((c, cl), (s, sl), (t, tl), (n, nl)) = (arg(catalog), arg(schema), arg(table), arg(column));
            // SAFETY: every pointer is NULL or valid for its length during the call.
            let ret = unsafe { sys::SQLColumns(stmt.as_sys(), c, cl, s, sl, t, tl, n, nl) };
            check_raw(ret, &stmt, "SQLColumns")?;
            ResultSet::executed(stmt, mode)
        });
        let result = self.note(listed)?;
        Ok(self.insert_result(result))
    }

    /// `SQLPrimaryKeys`: the primary key columns of one table (TABLE_CAT, TABLE_SCHEM, TABLE_NAME,
    /// COLUMN_NAME, KEY_SEQ, PK_NAME).
    pub fn primary_keys(&mut self, catalog: Option<&str>, schema: Option<&str>, table: &str) -> Result<u32> {
        too_long(&[catalog, schema, Some(table)])?;
        self.dirty.session_touched = true;
        let mode = self.fetch_mode()?;
        let listed = self.allocate_statement().and_then(|mut stmt| {
            let (catalog, schema) = (catalog.map(SqlText::new), schema.map(SqlText::new));
            let listed = stmt.primary_keys(catalog.as_ref(), schema.as_ref(), &SqlText::new(table));
            crate::odbc::check(listed, &stmt)?;
            ResultSet::executed(stmt, mode)
        });
        let result = self.note(listed)?;
        Ok(self.insert_result(result))
    }
}
