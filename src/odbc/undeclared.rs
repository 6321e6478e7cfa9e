//! ODBC functions odbc-sys does not declare (the narrow catalog functions) or declares with a
//! Rust enum where any integer may be passed (`SQLColAttribute`'s field identifier: a value
//! outside the enum would be undefined behaviour). They are in unixODBC's libodbc, which odbc-sys
//! links already.

use odbc_api::sys::{HStmt, Len, Pointer, SqlReturn};

unsafe extern "C" {
    pub(crate) fn SQLProcedures(stmt: HStmt, catalog: *const u8, catalog_len: i16, schema: *const u8, schema_len: i16, proc_name: *const u8, proc_len: i16) -> SqlReturn;

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn SQLProcedureColumns(
        stmt: HStmt,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        proc_name: *const u8,
        proc_len: i16,
        column: *const u8,
        column_len: i16,
    ) -> SqlReturn;

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn SQLSpecialColumns(
        stmt: HStmt,
        identifier_type: u16,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        table: *const u8,
        table_len: i16,
        scope: u16,
        nullable: u16,
    ) -> SqlReturn;

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn SQLStatistics(
        stmt: HStmt,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        table: *const u8,
        table_len: i16,
        unique: u16,
        reserved: u16,
    ) -> SqlReturn;

    pub(crate) fn SQLTablePrivileges(stmt: HStmt, catalog: *const u8, catalog_len: i16, schema: *const u8, schema_len: i16, table: *const u8, table_len: i16) -> SqlReturn;

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn SQLColumnPrivileges(
        stmt: HStmt,
        catalog: *const u8,
        catalog_len: i16,
        schema: *const u8,
        schema_len: i16,
        table: *const u8,
        table_len: i16,
        column: *const u8,
        column_len: i16,
    ) -> SqlReturn;

    #[link_name = "SQLColAttribute"]
    pub(crate) fn SQLColAttributeNumeric(
        stmt: HStmt,
        column: u16,
        field: u16,
        character_attribute: Pointer,
        buffer_length: i16,
        string_length: *mut i16,
        numeric_attribute: *mut Len,
    ) -> SqlReturn;

    #[link_name = "SQLDescribeParam"]
    pub(crate) fn SQLDescribeParamRaw(stmt: HStmt, number: u16, data_type: *mut i16, size: *mut usize, digits: *mut i16, nullable: *mut i16) -> SqlReturn;
}
