//! A session's result sets and prepared statements by slot: storing them, executing a statement
//! again (which ends its previous result set, as ODBC does with a statement's cursor), freeing.

use crate::error::{Error, Result};
use crate::odbc::result_set::{FetchMode, ResultSet};
use crate::odbc::statement::PreparedStatement;
use crate::session::reset::Dbms;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ffi::{CStr, CString};

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
    pub(crate) fn insert_result_set(&mut self, result: ResultSet) -> u32 {
        let slot = self.next_result_set_slot;
        self.next_result_set_slot = self.next_result_set_slot.wrapping_add(1).max(1);
        if self.next_result_set_slot >= FIRST_STATEMENT_SLOT {
            self.next_result_set_slot = 1;
        }
        self.result_sets.insert(slot, result);
        slot
    }

    /// Prepares `sql` (the bytes given, as for [`Session::execute`]) with the cursor type given, if
    /// any (see [`PreparedStatement::prepare`]); returns the statement's slot.
    pub fn prepare(&mut self, sql: &[u8], cursor_type: Option<u32>) -> Result<u32> {
        self.note_caller_sql(sql)?;
        let prepared = self.allocate_statement().and_then(|stmt| PreparedStatement::prepare(stmt, sql, cursor_type));
        let statement = self.note(prepared)?;
        Ok(self.statements.insert(statement))
    }

    pub fn statement_mut(&mut self, slot: u32) -> Result<&mut PreparedStatement> {
        self.statements.get_mut(slot)
    }

    /// Ends the result of the statement's last execution, which reads the statement's handle.
    fn end_statement_result_set(&mut self, slot: u32) -> Result<()> {
        let previous = self.statements.get_mut(slot)?.result_slot.take();
        if let Some(result) = previous.and_then(|result| self.result_sets.remove(&result)) {
            let closed = result.close();
            self.note(closed)?;
        }
        Ok(())
    }

    /// Executes a prepared statement with its bound values; returns the slot of its result. The
    /// result of the previous execution becomes invalid.
    pub fn execute_prepared(&mut self, slot: u32) -> Result<u32> {
        self.end_statement_result_set(slot)?;
        self.dirty.session_touched = true;
        let mode = self.fetch_mode()?;
        let executed = self.statements.get_mut(slot)?.execute(mode);
        let result = self.note(executed)?;
        let result_slot = self.insert_result_set(result);
        self.statements.get_mut(slot)?.result_slot = Some(result_slot);
        Ok(result_slot)
    }

    /// Frees a prepared statement and the result of its last execution.
    pub fn free_statement(&mut self, slot: u32) -> Result<()> {
        self.end_statement_result_set(slot)?;
        self.statements.map.remove(&slot).ok_or(Error::InvalidHandle("statement"))?;
        Ok(())
    }

    /// Moves a result to its statement's next result set.
    pub fn next_result(&mut self, slot: u32) -> Result<bool> {
        let moved = self.result_set_mut(slot)?.next_result();
        self.note(moved)
    }

    /// Whether this link's driver can take block cursors (asked once per link).
    pub(crate) fn fetch_mode(&mut self) -> Result<FetchMode> {
        if let Some(mode) = self.statements.fetch_mode {
            return Ok(mode);
        }
        let mode = match FetchMode::for_connection(self.connection()?) {
            FetchMode::Block { .. } => FetchMode::Block { doubles_as_text: self.dbms == Dbms::PostgreSql },
            other => other,
        };
        self.statements.fetch_mode = Some(mode);
        Ok(mode)
    }

    /// Stores a string for C on the link, valid until the next call on it.
    pub(crate) fn hand_out_text(&mut self, text: String) -> &CStr {
        self.statements.text_out = CString::new(text.replace('\0', " ")).unwrap_or_default();
        &self.statements.text_out
    }
}
