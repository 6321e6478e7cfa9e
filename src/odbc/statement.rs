//! Prepared statements: SQL prepared once, its `?` parameters bound by position, executed as often
//! as wanted with new values. A statement keeps its ODBC handle; each execution's rows are read
//! through a [`ResultSet`] that borrows that handle.

use super::exec::sql_length;
use super::result_set::{FetchMode, ResultSet};
use super::{DriverBytes, check, check_raw, check_reported, check_reported_raw};
use crate::error::{Error, Result};
use odbc_api::handles::{Statement, StatementImpl};
use odbc_api::sys;
use odbc_api::parameter::{VarBinaryBox, VarCharBox};

/// A parameter value, owned by the statement until it is bound anew.
pub enum ParamValue {
    Text(VarCharBox),
    Int64(i64),
    Double(f64),
    Binary(VarBinaryBox),
    /// A NULL, sent as a NULL of type VARCHAR: the server converts it to the column's type.
    Null(VarCharBox),
}

impl ParamValue {
    /// Character data as the bytes given: UTF-8 or any narrow encoding the driver takes, NULs kept.
    pub fn text(text: &[u8]) -> ParamValue {
        ParamValue::Text(VarCharBox::from_vec(text.to_vec()))
    }

    pub fn binary(bytes: &[u8]) -> ParamValue {
        ParamValue::Binary(VarBinaryBox::from_vec(bytes.to_vec()))
    }

    pub fn null() -> ParamValue {
        ParamValue::Null(VarCharBox::null())
    }
}

/// What `SQLDescribeParam` says about a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamDescription {
    pub sql_type: i16,
    pub size: u64,
    pub digits: i16,
    /// SQL_NO_NULLS 0, SQL_NULLABLE 1, SQL_NULLABLE_UNKNOWN 2; -1 when the driver could not say.
    pub nullable: i32,
}

impl ParamDescription {
    /// For drivers without `SQLDescribeParam`: a VARCHAR of unknown size and nullability.
    pub const UNKNOWN: ParamDescription = ParamDescription { sql_type: 12, size: 0, digits: 0, nullable: -1 };
}

pub struct PreparedStatement {
    /// Lifetime erased as for [`ResultSet`]: the link frees its statements before its connection.
    stmt: StatementImpl<'static>,
    params: Vec<Option<ParamValue>>,
    /// The result slot of the last execution, ended when the statement runs again or is freed.
    pub result_slot: Option<u32>,
}

impl PreparedStatement {
    /// Prepares `sql` on a freshly allocated statement and learns how many parameters it has.
    /// The SQL goes to the driver's narrow `SQLPrepare` as the bytes given (UTF-8 or not).
    /// `cursor_type` (`SQL_ATTR_CURSOR_TYPE`: 0 forward-only, 3 static…) is set first, when given:
    /// the driver manager refuses it once the statement is prepared (HY011).
    pub fn prepare(mut stmt: StatementImpl<'static>, sql: &[u8], cursor_type: Option<u32>) -> Result<PreparedStatement> {
        let len = sql_length(sql)?;
        if let Some(cursor_type) = cursor_type {
            // SAFETY: an integer attribute, passed by value in the pointer argument as ODBC takes
            // it. A driver that cannot keep the type substitutes another and says so in an info
            // record here, which nobody asked for; at execution it says so again where it matters
            // (psqlODBC: 01S02 "cursor updatability changed" when a static cursor meets a
            // statement without rows).
            let ret = unsafe {
                sys::SQLSetStmtAttr(stmt.as_sys(), sys::StatementAttribute::CursorType, cursor_type as usize as sys::Pointer, 0)
            };
            check_raw(ret, &stmt, "SQLSetStmtAttr")?;
        }
        let sql = DriverBytes::new(sql);
        // SAFETY: `sql` is valid for `len` bytes and a NUL during the call; the driver copies it.
        let ret = unsafe { sys::SQLPrepare(stmt.as_sys(), sql.as_bytes().as_ptr(), len) };
        check_reported_raw(ret, &stmt, "SQLPrepare")?;
        let count = check(stmt.num_params(), &stmt)?;
        Ok(PreparedStatement { stmt, params: (0..count).map(|_| None).collect(), result_slot: None })
    }

    pub fn param_count(&self) -> u16 {
        self.params.len() as u16
    }

    /// `SQLDescribeParam` for parameter `index` (from 1). A driver that cannot describe
    /// parameters (HYC00, or the driver manager's IM001) gets [`ParamDescription::UNKNOWN`]: not
    /// supporting the call says nothing against the statement.
    pub fn describe_param(&self, index: u16) -> Result<ParamDescription> {
        self.check_index(index)?;
        let (mut sql_type, mut size, mut digits, mut nullable) = (0i16, 0usize, 0i16, 0i16);
        // SAFETY: every out pointer points to a local of the type the function writes.
        let ret = unsafe {
            super::undeclared::SQLDescribeParamRaw(self.stmt.as_sys(), index, &mut sql_type, &mut size, &mut digits, &mut nullable)
        };
        match check_raw(ret, &self.stmt, "SQLDescribeParam") {
            Ok(()) => Ok(ParamDescription { sql_type, size: size as u64, digits, nullable: i32::from(nullable) }),
            Err(Error::Database(diag)) if matches!(diag.sqlstate(), "HYC00" | "IM001") => Ok(ParamDescription::UNKNOWN),
            Err(error) => Err(error),
        }
    }

    fn check_index(&self, index: u16) -> Result<()> {
        let count = self.params.len();
        if index == 0 || index as usize > count {
            return Err(Error::InvalidArgument(format!(
                "parameter {index} is out of range: the statement has {count} parameter(s), numbered from 1"
            )));
        }
        Ok(())
    }

    /// Sets parameter `index` (from 1) for the next executions.
    pub fn bind(&mut self, index: u16, value: ParamValue) -> Result<()> {
        self.check_index(index)?;
        self.params[index as usize - 1] = Some(value);
        Ok(())
    }

    /// Executes with the bound values. The caller must already have ended the previous
    /// execution's result (see [`Statements`]), since that result reads this statement's handle.
    pub fn execute(&mut self, mode: FetchMode) -> Result<ResultSet> {
        if let Some(missing) = self.params.iter().position(Option::is_none) {
            return Err(Error::WrongState(format!(
                "parameter {} of {} is not bound: bind every parameter before executing",
                missing + 1,
                self.params.len()
            )));
        }
        let stmt = &mut self.stmt;
        check(stmt.reset_parameters(), &*stmt)?;
        for (index, value) in self.params.iter().enumerate() {
            let number = index as u16 + 1;
            // SAFETY: every value lives in `self.params` and is not moved or changed before the
            // execution below; the next execution binds again, after `reset_parameters`.
            let bound = unsafe {
                match value.as_ref().expect("checked above") {
                    ParamValue::Text(text) => stmt.bind_input_parameter(number, text),
                    ParamValue::Int64(number_value) => stmt.bind_input_parameter(number, number_value),
                    ParamValue::Double(number_value) => stmt.bind_input_parameter(number, number_value),
                    ParamValue::Binary(bytes) => stmt.bind_input_parameter(number, bytes),
                    ParamValue::Null(null) => stmt.bind_input_parameter(number, null),
                }
            };
            check(bound, &*stmt)?;
        }
        // SAFETY: the bound parameters live in `self.params` (see above); no columns are bound.
        let executed = unsafe { stmt.execute() };
        check_reported(executed, &*stmt)?;
        // SAFETY: the handle belongs to this statement, which the link keeps until the result
        // that borrows it is gone (`Statements::end_result`).
        unsafe { ResultSet::borrowed(stmt.as_sys(), mode) }
    }
}

