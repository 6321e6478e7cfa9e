//! Prepared statements: SQL prepared once on a link, its `?` parameters bound by position, executed
//! as often as wanted with new values.
//!
//! A statement keeps its ODBC handle; each execution's rows are read through a
//! [`ResultSet`] that borrows that handle. Executing again (or freeing the statement) ends the
//! previous execution's result, as ODBC does with a statement's cursor.

use crate::error::{Error, Result};
use crate::odbc::{check, check_no_data};
use crate::odbc::result_set::{FetchMode, ResultSet};
use odbc_api::handles::{SqlText, Statement, StatementImpl};
use odbc_api::parameter::{VarBinaryBox, VarCharBox};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ffi::CString;

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
    pub fn text(text: &str) -> ParamValue {
        ParamValue::Text(VarCharBox::from_vec(text.as_bytes().to_vec()))
    }

    pub fn binary(bytes: &[u8]) -> ParamValue {
        ParamValue::Binary(VarBinaryBox::from_vec(bytes.to_vec()))
    }

    pub fn null() -> ParamValue {
        ParamValue::Null(VarCharBox::null())
    }
}

pub struct PreparedStatement {
    /// Lifetime erased as for [`ResultSet`]: the link frees its statements before its connection.
    stmt: StatementImpl<'static>,
    params: Vec<Option<ParamValue>>,
    /// The result slot of the last execution, ended when the statement runs again or is freed.
    pub(crate) result_slot: Option<u32>,
}

impl PreparedStatement {
    /// Prepares `sql` on a freshly allocated statement and learns how many parameters it has.
    pub fn prepare(mut stmt: StatementImpl<'static>, sql: &str) -> Result<PreparedStatement> {
        check(stmt.prepare(&SqlText::new(sql)), &stmt)?;
        let count = check(stmt.num_params(), &stmt)?;
        Ok(PreparedStatement { stmt, params: (0..count).map(|_| None).collect(), result_slot: None })
    }

    pub fn param_count(&self) -> u16 {
        self.params.len() as u16
    }

    /// Sets parameter `index` (from 1) for the next executions.
    pub fn bind(&mut self, index: u16, value: ParamValue) -> Result<()> {
        let count = self.params.len();
        if index == 0 || index as usize > count {
            return Err(Error::InvalidArgument(format!(
                "parameter {index} is out of range: the statement has {count} parameter(s), numbered from 1"
            )));
        }
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
        check_no_data(executed, &*stmt)?;
        // SAFETY: the handle belongs to this statement, which the link keeps until the result
        // that borrows it is gone (`Statements::end_result`).
        unsafe { ResultSet::borrowed(stmt.as_sys(), mode) }
    }
}

/// Results and statements of a link by slot. Slots are small integers pconn issues itself, so
/// SipHash's protection against chosen keys buys nothing and costs a measurable share of every
/// per-row call.
pub(crate) type SlotMap<V> = HashMap<u32, V, BuildHasherDefault<SlotHasher>>;

/// Spreads a slot number over the hash (Fibonacci hashing): one multiplication.
#[derive(Default)]
pub(crate) struct SlotHasher(u64);

impl Hasher for SlotHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, slot: u32) {
        self.0 = u64::from(slot).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A link's prepared statements and the text it hands out, in one field of [`crate::session::Session`].
#[derive(Default)]
pub struct Statements {
    pub(crate) map: SlotMap<PreparedStatement>,
    next_slot: u32,
    /// A string handed to C (e.g. the current catalog), valid until the next call on the link.
    pub(crate) text_out: CString,
    /// How this link's results read rows, learned from the driver on first use.
    fetch_mode: Option<FetchMode>,
}

/// Statement slots live in the upper half of the slot space and result slots in the lower, so a
/// statement handle passed where a result is expected is an invalid handle, not another object.
pub(crate) const FIRST_STATEMENT_SLOT: u32 = 0x8000_0000;

impl Statements {
    pub fn insert(&mut self, statement: PreparedStatement) -> u32 {
        if self.next_slot < FIRST_STATEMENT_SLOT {
            self.next_slot = FIRST_STATEMENT_SLOT;
        }
        let slot = self.next_slot;
        self.next_slot = self.next_slot.checked_add(1).unwrap_or(FIRST_STATEMENT_SLOT);
        self.map.insert(slot, statement);
        slot
    }

    pub fn get_mut(&mut self, slot: u32) -> Result<&mut PreparedStatement> {
        self.map.get_mut(&slot).ok_or(Error::InvalidHandle("statement"))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Frees every statement (their results must already be gone).
    pub fn clear(&mut self) {
        self.map.clear();
    }
}

impl crate::session::Session {
    /// Stores a result and returns its slot (results count up from 1, below statement slots).
    pub(crate) fn insert_result(&mut self, result: ResultSet) -> u32 {
        let slot = self.next_result_slot;
        self.next_result_slot = self.next_result_slot.wrapping_add(1).max(1);
        if self.next_result_slot >= FIRST_STATEMENT_SLOT {
            self.next_result_slot = 1;
        }
        self.results.insert(slot, result);
        slot
    }

    /// Prepares `sql`; returns the statement's slot.
    pub fn prepare(&mut self, sql: &str) -> Result<u32> {
        self.note_caller_sql(sql);
        let prepared = self.allocate_statement().and_then(|stmt| PreparedStatement::prepare(stmt, sql));
        let statement = self.note(prepared)?;
        Ok(self.statements.insert(statement))
    }

    pub fn statement_mut(&mut self, slot: u32) -> Result<&mut PreparedStatement> {
        self.statements.get_mut(slot)
    }

    /// Ends the result of the statement's last execution, which reads the statement's handle.
    fn end_statement_result(&mut self, slot: u32) -> Result<()> {
        let previous = self.statements.get_mut(slot)?.result_slot.take();
        if let Some(result) = previous.and_then(|result| self.results.remove(&result)) {
            let closed = result.close();
            self.note(closed)?;
        }
        Ok(())
    }

    /// Executes a prepared statement with its bound values; returns the slot of its result. The
    /// result of the previous execution becomes invalid.
    pub fn execute_prepared(&mut self, slot: u32) -> Result<u32> {
        self.end_statement_result(slot)?;
        self.dirty.session_touched = true;
        let mode = self.fetch_mode()?;
        let executed = self.statements.get_mut(slot)?.execute(mode);
        let result = self.note(executed)?;
        let result_slot = self.insert_result(result);
        self.statements.get_mut(slot)?.result_slot = Some(result_slot);
        Ok(result_slot)
    }

    /// Frees a prepared statement and the result of its last execution.
    pub fn free_statement(&mut self, slot: u32) -> Result<()> {
        self.end_statement_result(slot)?;
        self.statements.map.remove(&slot).ok_or(Error::InvalidHandle("statement"))?;
        Ok(())
    }

    /// Moves a result to its statement's next result set.
    pub fn next_result(&mut self, slot: u32) -> Result<bool> {
        let moved = self.result_mut(slot)?.next_result();
        self.note(moved)
    }

    /// Whether this link's driver can take block cursors (asked once per link).
    pub(crate) fn fetch_mode(&mut self) -> Result<FetchMode> {
        if let Some(mode) = self.statements.fetch_mode {
            return Ok(mode);
        }
        let mode = match FetchMode::for_connection(self.connection()?) {
            FetchMode::Block { .. } => FetchMode::Block { doubles_as_text: self.dbms == crate::session::reset::Dbms::PostgreSql },
            other => other,
        };
        self.statements.fetch_mode = Some(mode);
        Ok(mode)
    }

    /// Stores a string for C on the link, valid until the next call on it.
    pub(crate) fn hand_out_text(&mut self, text: String) -> *const std::ffi::c_char {
        self.statements.text_out = CString::new(text.replace('\0', " ")).unwrap_or_default();
        self.statements.text_out.as_ptr()
    }
}
