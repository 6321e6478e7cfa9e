//! Results of executed SQL: a statement handle, its cursor state and the current row.
//!
//! A result belongs to the link that executed it and is freed at the latest when the link is
//! cleaned at request end. Rows are read one at a time; each column of the current row is read
//! whole (long text is never cut at a default length).

use crate::error::{Error, Result};
use crate::odbc::{check, check_no_data, get_var_data};
use odbc_api::handles::{SqlText, Statement, StatementImpl};
use odbc_api::parameter::Text;

/// One executed statement and where its cursor stands.
pub struct ResultSet {
    /// Lifetime erased to `'static`: the owning [`crate::link::Link`] frees every result before it
    /// disconnects or frees its connection handle, which is what the lifetime protected.
    stmt: StatementImpl<'static>,
    columns: u16,
    affected_rows: i64,
    state: CursorState,
    /// Current row: each value with a NUL appended, so C can read it as a string in place.
    row: Vec<Option<Vec<u8>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CursorState {
    /// No result set (DML, DDL): only the affected-row count is meaningful.
    NoCursor,
    BeforeFirstRow,
    OnRow,
    AfterLastRow,
}

impl ResultSet {
    /// Executes `sql` directly on a freshly allocated statement.
    pub fn execute(mut stmt: StatementImpl<'static>, sql: &str) -> Result<ResultSet> {
        // SAFETY: no parameters or columns are bound to this statement, so no buffer can dangle.
        let executed = unsafe { stmt.exec_direct(&SqlText::new(sql)) };
        // NoData: a searched UPDATE/DELETE that matched no row.
        check_no_data(executed, &stmt)?;
        let columns = check(stmt.num_result_cols(), &stmt)?;
        let columns = u16::try_from(columns).unwrap_or(0);
        let affected_rows = if columns == 0 {
            check(stmt.row_count(), &stmt).map(|n| n as i64).unwrap_or(-1)
        } else {
            -1
        };
        Ok(ResultSet {
            stmt,
            columns,
            affected_rows,
            state: if columns == 0 { CursorState::NoCursor } else { CursorState::BeforeFirstRow },
            row: Vec::new(),
        })
    }

    pub fn column_count(&self) -> u16 {
        self.columns
    }

    /// Rows changed by INSERT/UPDATE/DELETE; -1 when the driver does not say (or for a SELECT).
    pub fn affected_rows(&self) -> i64 {
        self.affected_rows
    }

    /// Moves to the next row and reads all its columns. `Ok(false)` after the last row.
    pub fn fetch(&mut self) -> Result<bool> {
        match self.state {
            CursorState::NoCursor => {
                return Err(Error::WrongState("the statement returned no result set to fetch from".into()));
            }
            CursorState::AfterLastRow => return Ok(false),
            CursorState::BeforeFirstRow | CursorState::OnRow => {}
        }
        self.row.clear();
        // SAFETY: no columns are bound; values are read with SQLGetData into owned buffers.
        let fetched = unsafe { self.stmt.fetch() };
        if !check_no_data(fetched, &self.stmt)? {
            self.state = CursorState::AfterLastRow;
            return Ok(false);
        }
        let mut row = Vec::with_capacity(self.columns as usize);
        for col in 1..=self.columns {
            let mut buf = Vec::new();
            if get_var_data::<Text>(&mut self.stmt, col, &mut buf)? {
                buf.push(0);
                row.push(Some(buf));
            } else {
                row.push(None);
            }
        }
        self.row = row;
        self.state = CursorState::OnRow;
        Ok(true)
    }

    /// The value of column `col` (1-based) of the current row as text with a trailing NUL, or
    /// `None` for SQL NULL.
    pub fn text(&self, col: u16) -> Result<Option<&[u8]>> {
        if self.state != CursorState::OnRow {
            return Err(Error::WrongState("no current row: call fetch first (and check it found a row)".into()));
        }
        if col == 0 || col > self.columns {
            return Err(Error::InvalidArgument(format!(
                "column {col} is out of range: the result has {} column(s), numbered from 1",
                self.columns
            )));
        }
        Ok(self.row[col as usize - 1].as_deref())
    }

    /// Closes any open cursor so the connection can end its transaction.
    pub fn close(mut self) -> Result<()> {
        if matches!(self.state, CursorState::BeforeFirstRow | CursorState::OnRow) {
            check(self.stmt.close_cursor(), &self.stmt)?;
        }
        Ok(())
    }
}
