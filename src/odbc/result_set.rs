//! Results of executed SQL: a statement handle, its cursor, the current row, column metadata.
//!
//! A result belongs to the link that executed it and is freed at the latest when the link is
//! cleaned at request end. Rows arrive through an ODBC block cursor: every column is bound to a
//! buffer of `fetch_batch` rows, so one `SQLFetch` brings a whole batch. A value longer than its
//! column's buffer is not cut: the cursor is positioned on its row (`SQLSetPos`) and the value read
//! whole with `SQLGetData`. Columns that have no usable size (LOBs, unknown types) make the result
//! fall back to one row per fetch with every value read by `SQLGetData`.

use crate::config;
use crate::error::{Error, Result};
use crate::odbc::exec::Caller;
use crate::odbc::{check, check_no_data, check_raw, get_var_data};
use odbc_api::handles::{CData, CDataMut, ColumnDescription, Statement, StatementImpl};
use odbc_api::parameter::{Binary, Text};
use odbc_api::sys::{self, CDataType, SqlDataType};
use std::ffi::CString;
use std::mem::ManuallyDrop;

/// Longest value kept in a block-cursor buffer; longer ones are read whole on their own.
const MAX_INLINE_BYTES: usize = 512;
/// Room for a column name (PostgreSQL's limit is 63 bytes, SQL Server's 128 characters).
const MAX_COLUMN_NAME_BYTES: usize = 1024;
/// Ceiling on the memory of one batch: wide rows get fewer rows per fetch.
const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// The `SQLColAttribute` field identifiers with a numeric value: SQL_COLUMN_LENGTH 3,
/// SQL_COLUMN_PRECISION 4, SQL_COLUMN_SCALE 5 (ODBC 2), SQL_DESC_DISPLAY_SIZE 6, UNSIGNED 8,
/// FIXED_PREC_SCALE 9, UPDATABLE 10, AUTO_UNIQUE_VALUE 11, CASE_SENSITIVE 12, SEARCHABLE 13,
/// CONCISE_TYPE 2, TYPE 1002, LENGTH 1003, PRECISION 1005, SCALE 1006, NULLABLE 1008,
/// OCTET_LENGTH 1013, NUM_PREC_RADIX 32.
pub(crate) const NUMERIC_COLUMN_FIELDS: [u16; 18] = [3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 2, 1002, 1003, 1005, 1006, 1008, 1013, 32];

/// What the driver says about one result column.
#[derive(Debug, Clone)]
pub struct ColumnInfo {
    /// The column's name (NUL-terminated for C; possibly empty).
    pub name: CString,
    /// The ODBC SQL type code (`SQL_INTEGER` = 4, `SQL_VARCHAR` = 12, …).
    pub sql_type: i16,
    /// Column size: the maximum length in characters for text, digits for numbers; 0 when unknown.
    pub precision: usize,
    /// Decimal digits.
    pub scale: i16,
    /// `Some(true)` nullable, `Some(false)` not nullable, `None` unknown.
    pub nullable: Option<bool>,
}

impl ColumnInfo {
    fn from_description(description: &ColumnDescription) -> ColumnInfo {
        let name = String::from_utf8_lossy(&description.name).replace('\0', " ");
        ColumnInfo {
            name: CString::new(name).unwrap_or_default(),
            sql_type: description.data_type.data_type().0,
            precision: description.data_type.column_size().map_or(0, |size| size.get()),
            scale: description.data_type.decimal_digits(),
            nullable: match description.nullability {
                odbc_api::Nullability::Nullable => Some(true),
                odbc_api::Nullability::NoNulls => Some(false),
                odbc_api::Nullability::Unknown => None,
            },
        }
    }

    /// Double-precision columns are read as doubles, not as the driver's text, which may round
    /// (SQLite's driver prints 15 digits).
    fn is_double(&self) -> bool {
        matches!(SqlDataType(self.sql_type), SqlDataType::DOUBLE | SqlDataType::FLOAT)
    }

    fn kind(&self) -> BlockKind {
        if self.is_binary() {
            BlockKind::Binary
        } else if self.is_double() {
            BlockKind::Double
        } else {
            BlockKind::Text
        }
    }

    /// How whole-row reads present this column's values.
    pub fn value_kind(&self) -> ValueKind {
        match SqlDataType(self.sql_type) {
            _ if self.is_binary() => ValueKind::Binary,
            _ if self.is_double() || SqlDataType(self.sql_type) == SqlDataType::REAL => ValueKind::Double,
            SqlDataType::SMALLINT | SqlDataType::INTEGER | SqlDataType::EXT_BIG_INT | SqlDataType::EXT_TINY_INT | SqlDataType::EXT_BIT => {
                ValueKind::Integer
            }
            _ => ValueKind::Text,
        }
    }

    fn is_binary(&self) -> bool {
        matches!(SqlDataType(self.sql_type), SqlDataType::EXT_BINARY | SqlDataType::EXT_VAR_BINARY | SqlDataType::EXT_LONG_VAR_BINARY)
    }

    /// Bytes a buffer needs for any value of this column, or `None` when no bound is known.
    fn max_bytes(&self) -> Option<usize> {
        let size = self.precision;
        let bytes = match SqlDataType(self.sql_type) {
            // Long types may say a size (PostgreSQL's text: 8190) but hold more; the buffer then
            // takes the common short values and longer ones are read whole after the fetch.
            SqlDataType::UNKNOWN_TYPE => return None,
            _ if self.is_binary() => size,
            // Numbers, dates and times print in a few dozen characters whatever their size says.
            SqlDataType::SMALLINT | SqlDataType::INTEGER | SqlDataType::EXT_BIG_INT | SqlDataType::EXT_TINY_INT => 24,
            SqlDataType::FLOAT | SqlDataType::REAL | SqlDataType::DOUBLE => 32,
            SqlDataType::EXT_BIT => 8,
            SqlDataType::DATE | SqlDataType::TIME | SqlDataType::TIMESTAMP => 64,
            // Text: the size counts characters; narrow text is UTF-8, up to 4 bytes each.
            _ => size.saturating_mul(4),
        };
        (bytes > 0).then_some(bytes)
    }
}

/// What a whole-row read gives for a column besides its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// Also as a 64-bit integer (SMALLINT, INTEGER, BIGINT, TINYINT, BIT).
    Integer,
    /// Also as a double (FLOAT, REAL, DOUBLE).
    Double,
    /// Bytes as stored.
    Binary,
}

/// One value of the current row, as a whole-row read sees it.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The value with a trailing NUL (text as the driver gives it, binary columns as their
    /// bytes); `None` for SQL NULL.
    pub data: Option<&'a [u8]>,
    /// The value as an integer for [`ValueKind::Integer`] columns (0 otherwise or for NULL).
    pub int64: i64,
    /// The value as a double for [`ValueKind::Double`] and [`ValueKind::Integer`] columns.
    pub double: f64,
    pub kind: ValueKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Text,
    Binary,
    Double,
}

/// Text of a double that parses back to the same double: the shortest round-trip form.
fn format_double(value: f64) -> String {
    let mut buf = [0u8; DOUBLE_TEXT_BYTES];
    let len = write_double(value, &mut buf);
    String::from_utf8_lossy(&buf[..len]).into_owned()
}

/// Writes [`format_double`]'s text into `out` without allocating (once per double fetched as
/// text, so it matters); returns its length.
fn write_double(value: f64, out: &mut [u8; DOUBLE_TEXT_BYTES]) -> usize {
    struct Cursor<'a>(&'a mut [u8], usize);
    impl std::fmt::Write for Cursor<'_> {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            let end = self.1 + text.len();
            self.0.get_mut(self.1..end).ok_or(std::fmt::Error)?.copy_from_slice(text.as_bytes());
            self.1 = end;
            Ok(())
        }
    }
    let mut cursor = Cursor(out, 0);
    // `{:?}` is Rust's shortest round-trip form; the longest (e.g. -2.2250738585072014e-308) fits.
    let _ = std::fmt::Write::write_fmt(&mut cursor, format_args!("{value:?}"));
    let len = cursor.1;
    if out[..len].ends_with(b".0") { len - 2 } else { len }
}

/// Room for any [`format_double`] text.
const DOUBLE_TEXT_BYTES: usize = 32;

/// One column of a block: `rows` values of `stride` bytes, each followed by room for a NUL, and
/// their length indicators. Bound with `SQLBindCol` as text (`SQL_C_CHAR`), bytes, or doubles
/// (kept in `doubles` and turned into text in `values` after each fetch).
struct ColumnBlock {
    kind: BlockKind,
    doubles: Vec<f64>,
    /// Length of each double's text once made; `usize::MAX` before.
    text_lens: Vec<usize>,
    /// Bytes per value including the NUL slot.
    stride: usize,
    values: Vec<u8>,
    indicators: Vec<isize>,
    /// Values longer than `stride - 1`, read whole after the fetch: (row in batch, value with NUL).
    overflow: Vec<(usize, Option<Vec<u8>>)>,
}

// SAFETY: the pointers and lengths describe `values` and `indicators`, which live as long as the
// block; the driver writes at most `buffer_length` bytes per row.
unsafe impl CData for ColumnBlock {
    fn cdata_type(&self) -> CDataType {
        match self.kind {
            BlockKind::Text => CDataType::Char,
            BlockKind::Binary => CDataType::Binary,
            BlockKind::Double => CDataType::Double,
        }
    }

    fn indicator_ptr(&self) -> *const isize {
        self.indicators.as_ptr()
    }

    fn value_ptr(&self) -> *const std::ffi::c_void {
        match self.kind {
            BlockKind::Double => self.doubles.as_ptr().cast(),
            _ => self.values.as_ptr().cast(),
        }
    }

    fn buffer_length(&self) -> isize {
        // Text: the driver writes the NUL itself. Bytes: the NUL slot is ours, written after fetch.
        match self.kind {
            BlockKind::Text => self.stride as isize,
            BlockKind::Binary => (self.stride - 1) as isize,
            BlockKind::Double => size_of::<f64>() as isize,
        }
    }
}

// SAFETY: as for `CData`.
unsafe impl CDataMut for ColumnBlock {
    fn mut_indicator_ptr(&mut self) -> *mut isize {
        self.indicators.as_mut_ptr()
    }

    fn mut_value_ptr(&mut self) -> *mut std::ffi::c_void {
        match self.kind {
            BlockKind::Double => self.doubles.as_mut_ptr().cast(),
            _ => self.values.as_mut_ptr().cast(),
        }
    }
}

impl ColumnBlock {
    fn new(kind: BlockKind, max_len: usize, rows: usize) -> ColumnBlock {
        let max_len = if kind == BlockKind::Double { DOUBLE_TEXT_BYTES } else { max_len };
        let stride = max_len + 1;
        let doubles = if kind == BlockKind::Double { vec![0.0; rows] } else { Vec::new() };
        let text_lens = if kind == BlockKind::Double { vec![usize::MAX; rows] } else { Vec::new() };
        ColumnBlock { kind, doubles, text_lens, stride, values: vec![0; stride * rows], indicators: vec![0; rows], overflow: Vec::new() }
    }

    /// A double column's text of `row`, made once.
    fn ensure_text(&mut self, row: usize) {
        if self.kind == BlockKind::Double && self.indicators[row] != sys::NULL_DATA && self.text_lens[row] == usize::MAX {
            let mut text = [0u8; DOUBLE_TEXT_BYTES];
            let len = write_double(self.doubles[row], &mut text);
            let offset = row * self.stride;
            self.values[offset..offset + len].copy_from_slice(&text[..len]);
            self.values[offset + len] = 0;
            self.text_lens[row] = len;
        }
    }

    fn double(&self, row: usize) -> Option<f64> {
        (self.indicators[row] != sys::NULL_DATA).then(|| self.doubles[row])
    }

    /// The value at `row` with its NUL, after [`ColumnBlock::settle`] (and, for doubles,
    /// [`ColumnBlock::ensure_text`]).
    fn value(&self, row: usize) -> Option<&[u8]> {
        if let Some((_, value)) = self.overflow.iter().find(|(r, _)| *r == row) {
            return value.as_deref();
        }
        let indicator = self.indicators[row];
        if indicator == sys::NULL_DATA {
            return None;
        }
        let offset = row * self.stride;
        let len = if self.kind == BlockKind::Double { self.text_lens[row] } else { indicator.max(0) as usize };
        let len = len.min(self.stride - 1);
        Some(&self.values[offset..offset + len + 1])
    }

    /// Rows of the batch whose value did not fit (or whose length the driver did not say).
    fn truncated_rows(&self, rows: usize) -> impl Iterator<Item = usize> + '_ {
        let room = self.stride - 1;
        self.indicators[..rows]
            .iter()
            .enumerate()
            .filter(move |(_, ind)| **ind == sys::NO_TOTAL || (**ind >= 0 && **ind as usize > room))
            .map(|(row, _)| row)
    }

    /// Writes the NUL after every fetched byte value, so C can use every value the same way, and
    /// the text of every fetched double.
    fn settle(&mut self, rows: usize) {
        if self.kind == BlockKind::Double {
            // Text is made on demand (`ensure_text`): most callers read doubles as doubles.
            self.text_lens[..rows].fill(usize::MAX);
            return;
        }
        if self.kind != BlockKind::Binary {
            return;
        }
        for row in 0..rows {
            let indicator = self.indicators[row];
            if indicator >= 0 {
                let len = (indicator as usize).min(self.stride - 1);
                self.values[row * self.stride + len] = 0;
            }
        }
    }
}

/// How rows are read.
enum Rows {
    /// Block cursor: columns bound, `SQLFetch` fills up to `capacity` rows.
    Block {
        columns: Vec<ColumnBlock>,
        /// Set by the driver through `SQL_ATTR_ROWS_FETCHED_PTR`; boxed so its address is stable.
        fetched: Box<usize>,
        /// The current row within the batch.
        row: usize,
    },
    /// One row per fetch, every value read with `SQLGetData` (for LOB columns): each value with a
    /// NUL appended.
    Single { row: Vec<Option<Vec<u8>>> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CursorState {
    /// No result set (DML, DDL): only the affected-row count is meaningful.
    NoCursor,
    BeforeFirstRow,
    OnRow,
    AfterLastRow,
}

/// One executed statement and where its cursor stands.
pub struct ResultSet {
    /// Lifetime erased to `'static`: the owning session frees every result before it
    /// disconnects or frees its connection handle, which is what the lifetime protected. Not owned
    /// when the result reads a prepared statement's cursor: then the statement frees the handle.
    stmt: ManuallyDrop<StatementImpl<'static>>,
    owns_stmt: bool,
    mode: FetchMode,
    /// Every non-binary column is read as the driver's text (SQL_C_CHAR), doubles too: what
    /// ext/odbc shows (`1.0`, `1e+20`, `Infinity`, `$1.50`), where pconn's own reading gives
    /// exact doubles in its own form.
    driver_text: bool,
    columns: Vec<ColumnInfo>,
    affected_rows: i64,
    state: CursorState,
    rows: Rows,
    /// Scratch and output of [`ResultSet::fetch_php_serialized`].
    serialized: Vec<u8>,
    serialized_out: Vec<u8>,
    /// Column names as PHP `serialize()` keys, made on first use.
    php_keys: Vec<Vec<u8>>,
    /// A fetch that failed after a batch call had read rows: reported by the next fetch, so the
    /// rows before the failing one are not lost.
    pending_error: Option<Error>,
}

/// How a result reads its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchMode {
    /// Batches through a block cursor. Only for drivers that can read a value of a row inside a
    /// block with `SQLGetData` (`SQL_GD_BLOCK`), which is how values longer than the buffer are
    /// read whole.
    Block {
        /// Bind FLOAT/DOUBLE columns as text and parse them on demand. Right for drivers that get
        /// text from the server anyway (psqlODBC: PostgreSQL's text is exact, and the driver's own
        /// text-to-double conversion is a large share of its fetch time); wrong for drivers that
        /// print stored doubles with fewer digits (SQLite's prints 15).
        doubles_as_text: bool,
    },
    /// One row per `SQLFetch`, every value read whole with `SQLGetData`.
    RowByRow,
}

impl FetchMode {
    /// `Block` when the driver reports `SQL_GD_BLOCK` among its `SQLGetData` extensions.
    pub fn for_connection(conn: &odbc_api::handles::Connection<'_>) -> FetchMode {
        const SQL_GD_BLOCK: u32 = 4;
        let mut extensions: u32 = 0;
        // SAFETY: SQL_GETDATA_EXTENSIONS is a 32-bit bitmask written into `extensions`; odbc-api's
        // handles do not wrap this SQLGetInfo.
        let ret = unsafe {
            sys::SQLGetInfo(conn.as_sys(), sys::InfoType::GetDataExtensions, (&mut extensions as *mut u32).cast(), 4, std::ptr::null_mut())
        };
        match ret {
            sys::SqlReturn::SUCCESS | sys::SqlReturn::SUCCESS_WITH_INFO if extensions & SQL_GD_BLOCK != 0 => {
                FetchMode::Block { doubles_as_text: false }
            }
            _ => FetchMode::RowByRow,
        }
    }
}

impl ResultSet {
    /// Executes pconn's own `sql` (a reset, a ping, a baseline query) on `stmt`, a statement the
    /// session keeps for these and runs them all on, and reads the result row by row through
    /// `read`. Then closes the cursor and discards any results left (a second statement's), so
    /// the statement is ready for the next one: allocating a statement costs more than the rest
    /// of a reset on the client (unixODBC allocates and clears four descriptors with it).
    ///
    /// After a failure the statement's state is not worth reasoning about: the caller frees it.
    pub fn execute_on_kept<R>(stmt: &mut StatementImpl<'static>, sql: &str, read: impl FnOnce(&mut ResultSet) -> Result<R>) -> Result<R> {
        super::exec::exec_direct(stmt, sql.as_bytes(), Caller::Pconn)?;
        // SAFETY: `stmt` is a valid statement handle that outlives the result, dropped in here.
        let outcome = unsafe { ResultSet::borrowed(stmt.as_sys(), FetchMode::RowByRow) }.and_then(|mut result| {
            let out = read(&mut result)?;
            result.close()?;
            Ok(out)
        });
        // SAFETY: a valid statement handle; the result that bound buffers to it is gone.
        let closed = unsafe { sys::SQLFreeStmt(stmt.as_sys(), sys::FreeStmtOption::Close) };
        let out = outcome?;
        check_raw(closed, &*stmt, "SQLFreeStmt")?;
        Ok(out)
    }

    /// Executes the caller's `sql` (the bytes given, for the driver's narrow `SQLExecDirect`)
    /// directly on a freshly allocated statement.
    pub fn execute_with(mut stmt: StatementImpl<'static>, sql: &[u8], mode: FetchMode) -> Result<ResultSet> {
        // NO_DATA (a searched UPDATE/DELETE that matched no row) is a success.
        super::exec::exec_direct(&mut stmt, sql, Caller::Application)?;
        ResultSet::executed(stmt, mode)
    }

    /// Wraps a statement that has just been executed (or had a catalog function called on it),
    /// owning and eventually freeing it.
    pub fn executed(stmt: StatementImpl<'static>, mode: FetchMode) -> Result<ResultSet> {
        ResultSet::new(ManuallyDrop::new(stmt), true, mode)
    }

    /// Wraps the cursor of a prepared statement that has just been executed. The statement keeps
    /// the handle; this result unbinds its buffers and closes the cursor when dropped.
    ///
    /// # Safety
    /// `hstmt` is a valid statement handle that outlives the returned result.
    pub unsafe fn borrowed(hstmt: sys::HStmt, mode: FetchMode) -> Result<ResultSet> {
        // SAFETY: per the contract above; ManuallyDrop keeps this view from freeing the handle.
        let stmt = ManuallyDrop::new(unsafe { StatementImpl::new(hstmt) });
        ResultSet::new(stmt, false, mode)
    }

    fn new(stmt: ManuallyDrop<StatementImpl<'static>>, owns_stmt: bool, mode: FetchMode) -> Result<ResultSet> {
        let mut result = ResultSet {
            stmt,
            owns_stmt,
            mode,
            driver_text: false,
            columns: Vec::new(),
            affected_rows: -1,
            state: CursorState::NoCursor,
            rows: Rows::Single { row: Vec::new() },
            serialized: Vec::new(),
            serialized_out: Vec::new(),
            php_keys: Vec::new(),
            pending_error: None,
        };
        result.describe()?;
        Ok(result)
    }

    /// Reads the shape of the current result set and binds its buffers.
    fn describe(&mut self) -> Result<()> {
        let driver_text = self.driver_text;
        let stmt = &mut *self.stmt;
        let count = check(stmt.num_result_cols(), &*stmt)?;
        let count = u16::try_from(count).unwrap_or(0);
        self.columns.clear();
        self.affected_rows = -1;
        // For a result set too: psqlODBC knows the row count of a SELECT (it reads the whole
        // result at execute), as ext/odbc's odbc_num_rows shows; other drivers say -1.
        self.affected_rows = check(stmt.row_count(), &*stmt).map(|n| n as i64).unwrap_or(-1);
        if count == 0 {
            self.state = CursorState::NoCursor;
            self.rows = Rows::Single { row: Vec::new() };
            return Ok(());
        }
        let mut description = ColumnDescription::default();
        for col in 1..=count {
            // A roomy buffer for every column: odbc-api sizes the name buffer from the previous
            // column's, and SQLite's driver reports a cut name's cut length, so a long name after
            // a short one would come back cut ("the tex") with no sign of it.
            description.name = Vec::with_capacity(MAX_COLUMN_NAME_BYTES);
            check(stmt.describe_col(col, &mut description), &*stmt)?;
            let mut info = ColumnInfo::from_description(&description);
            if info.precision == 0 && description.data_type.column_size().is_none() {
                // Fixed-size types (INTEGER, DOUBLE) carry no size in odbc-api's DataType.
                info.precision = check(stmt.col_precision(col), &*stmt).map_or(0, |p| p.max(0) as usize);
                if info.precision == 0 {
                    info.precision = standard_column_size(SqlDataType(info.sql_type));
                }
            }
            self.columns.push(info);
        }
        self.state = CursorState::BeforeFirstRow;
        self.rows = Rows::Single { row: Vec::new() };
        let sizes: Option<Vec<usize>> = self.columns.iter().map(|c| c.max_bytes()).collect();
        let (Some(sizes), FetchMode::Block { doubles_as_text }) = (sizes, self.mode) else {
            // A LOB column: SQLGetData on a block cursor needs SQLSetPos for every row, so fetch
            // one row at a time instead.
            return Ok(());
        };
        let sizes: Vec<usize> = sizes.into_iter().map(|s| s.min(MAX_INLINE_BYTES)).collect();
        let row_bytes: usize = sizes.iter().map(|s| s + 1 + size_of::<isize>()).sum();
        let mut batch = config::current()?.fetch_batch.clamp(1, (MAX_BATCH_BYTES / row_bytes).max(1));
        // A driver that knows the row count (psqlODBC reads the whole result at execute) needs no
        // block larger than the result: a one-row SELECT then binds one row, not fetch_batch
        // rows of zeroed buffers, which cost more than the query itself in PHP's per-request
        // profile. A wrong count only means more fetches.
        if let Ok(known @ 1..) = usize::try_from(self.affected_rows) {
            batch = batch.min(known);
        }
        let mut columns: Vec<ColumnBlock> =
            self.columns
            .iter()
            .zip(&sizes)
            .map(|(info, size)| {
                let kind = match info.kind() {
                    BlockKind::Double if doubles_as_text || driver_text => BlockKind::Text,
                    kind => kind,
                };
                ColumnBlock::new(kind, *size, batch)
            })
            .collect();
        let mut fetched = Box::new(0usize);
        // SAFETY: every buffer lives in `self.rows` as long as the binding; `Drop`/`unbind` unbind
        // before they go, and a new `describe` replaces them only after rebinding.
        unsafe {
            check(stmt.set_row_array_size(batch), &*stmt)?;
            check(stmt.set_num_rows_fetched(&mut fetched), &*stmt)?;
            for (index, column) in columns.iter_mut().enumerate() {
                check(stmt.bind_col(index as u16 + 1, column), &*stmt)?;
            }
        }
        self.rows = Rows::Block { columns, fetched, row: 0 };
        Ok(())
    }

    /// Unbinds the block buffers and puts the statement back to one row per fetch.
    /// Unbinds the block cursor's buffers and sets the statement back to one row per fetch;
    /// returns whether every step succeeded (a statement that still points at the buffers must
    /// not be executed again).
    fn unbind(&mut self) -> bool {
        if let Rows::Block { .. } = self.rows {
            let stmt = &mut *self.stmt;
            let unbound = !stmt.unbind_cols().is_err();
            let unset = !stmt.unset_num_rows_fetched().is_err();
            // SAFETY: no buffer is bound any more.
            let one_row = !unsafe { stmt.set_row_array_size(1) }.is_err();
            return unbound && unset && one_row;
        }
        true
    }

    pub fn column_count(&self) -> u16 {
        self.columns.len() as u16
    }

    /// How many columns are of a long or binary SQL type (`SQL_LONGVARCHAR`, `SQL_WLONGVARCHAR`,
    /// `SQL_BINARY`, `SQL_VARBINARY`, `SQL_LONGVARBINARY`): the ones ext/odbc reads in pieces and
    /// converts by its binary mode. A PHP binding learns it with the execution, and asks for the
    /// columns' types only when there are some.
    pub fn long_or_binary_columns(&self) -> u16 {
        self.columns
            .iter()
            .filter(|info| {
                info.is_binary()
                    || matches!(SqlDataType(info.sql_type), SqlDataType::EXT_LONG_VARCHAR | SqlDataType::EXT_W_LONG_VARCHAR)
            })
            .count() as u16
    }

    /// Metadata of column `col` (from 1).
    pub fn column(&self, col: u16) -> Result<&ColumnInfo> {
        if col == 0 || col as usize > self.columns.len() {
            return Err(self.column_out_of_range(col));
        }
        Ok(&self.columns[col as usize - 1])
    }

    /// The driver's display size of column `col`: the most characters a value needs.
    pub fn column_display_size(&mut self, col: u16) -> Result<i64> {
        self.column(col)?;
        let size = check(self.stmt.col_display_size(col), &*self.stmt)?;
        Ok(size as i64)
    }

    fn column_out_of_range(&self, col: u16) -> Error {
        Error::InvalidArgument(format!(
            "column {col} is out of range: the result has {} column(s), numbered from 1",
            self.columns.len()
        ))
    }

    /// Rows changed by INSERT/UPDATE/DELETE, or a result set's rows when the driver knows them before
    /// they are fetched (psqlODBC does); -1 when the driver does not say.
    pub fn affected_rows(&self) -> i64 {
        self.affected_rows
    }

    /// Moves to the next row. `Ok(false)` after the last row.
    pub fn fetch(&mut self) -> Result<bool> {
        if let Some(error) = self.pending_error.take() {
            return Err(error);
        }
        match self.state {
            CursorState::NoCursor => {
                return Err(Error::WrongState("the statement returned no result set to fetch from".into()));
            }
            CursorState::AfterLastRow => return Ok(false),
            CursorState::BeforeFirstRow | CursorState::OnRow => {}
        }
        let found = match &mut self.rows {
            Rows::Block { fetched, row, .. } if self.state == CursorState::OnRow && *row + 1 < **fetched => {
                *row += 1;
                true
            }
            Rows::Block { .. } => self.fetch_block()?,
            Rows::Single { .. } => self.fetch_single()?,
        };
        self.state = if found { CursorState::OnRow } else { CursorState::AfterLastRow };
        Ok(found)
    }

    fn fetch_block(&mut self) -> Result<bool> {
        let Rows::Block { columns, fetched, row } = &mut self.rows else { unreachable!("block rows") };
        let stmt = &mut *self.stmt;
        // SAFETY: the bound buffers live in `columns` (see `describe`).
        let result = unsafe { stmt.fetch() };
        if !check_no_data(result, &*stmt)? || **fetched == 0 {
            return Ok(false);
        }
        let rows = **fetched;
        *row = 0;
        let mut long_values = Vec::new();
        for (index, column) in columns.iter_mut().enumerate() {
            column.overflow.clear();
            column.settle(rows);
            long_values.extend(column.truncated_rows(rows).map(|row| (row, index)));
        }
        long_values.sort_unstable();
        for (row, index) in long_values {
            // SAFETY: positions the cursor within the current rowset; reads no bound buffer.
            let positioned = unsafe {
                sys::SQLSetPos(stmt.as_sys(), (row + 1) as sys::SetPosIRow, sys::Operation::POSITION, sys::Lock::NO_CHANGE)
            };
            // A value longer than the buffer cannot be cut: fail rather than return part of it.
            check_raw(positioned, &*stmt, "SQLSetPos (reading a value longer than the fetch buffer)")?;
            let column = &mut columns[index];
            let mut buf = Vec::new();
            let found = if column.kind == BlockKind::Binary {
                get_var_data::<Binary>(stmt, index as u16 + 1, &mut buf)?
            } else {
                get_var_data::<Text>(stmt, index as u16 + 1, &mut buf)?
            };
            buf.push(0);
            column.overflow.push((row, found.then_some(buf)));
        }
        Ok(true)
    }

    fn fetch_single(&mut self) -> Result<bool> {
        let driver_text = self.driver_text;
        let stmt = &mut *self.stmt;
        // SAFETY: no columns are bound; values are read with SQLGetData into owned buffers.
        let fetched = unsafe { stmt.fetch() };
        if !check_no_data(fetched, &*stmt)? {
            return Ok(false);
        }
        let mut row = Vec::with_capacity(self.columns.len());
        for (index, info) in self.columns.iter().enumerate() {
            let col = index as u16 + 1;
            let mut buf = Vec::new();
            let found = if info.is_double() && !driver_text {
                let mut value = odbc_api::Nullable::<f64>::null();
                check(stmt.get_data(col, &mut value), &*stmt)?;
                match value.into_opt() {
                    Some(value) => {
                        buf.extend_from_slice(format_double(value).as_bytes());
                        true
                    }
                    None => false,
                }
            } else if info.is_binary() {
                get_var_data::<Binary>(stmt, col, &mut buf)?
            } else {
                get_var_data::<Text>(stmt, col, &mut buf)?
            };
            if found {
                buf.push(0);
                row.push(Some(buf));
            } else {
                row.push(None);
            }
        }
        self.rows = Rows::Single { row };
        Ok(true)
    }

    /// The value of column `col` (1-based) of the current row with a trailing NUL (text as the
    /// driver gives it, binary columns as their bytes), or `None` for SQL NULL.
    pub fn text(&mut self, col: u16) -> Result<Option<&[u8]>> {
        let index = self.check_column(col)?;
        if let Rows::Block { columns, row, .. } = &mut self.rows {
            columns[index].ensure_text(*row);
        }
        Ok(self.value(index))
    }

    fn check_column(&self, col: u16) -> Result<usize> {
        if self.state != CursorState::OnRow {
            return Err(Error::WrongState("no current row: call fetch first (and check it found a row)".into()));
        }
        if col == 0 || col as usize > self.columns.len() {
            return Err(self.column_out_of_range(col));
        }
        Ok(col as usize - 1)
    }

    fn value(&self, index: usize) -> Option<&[u8]> {
        match &self.rows {
            Rows::Block { columns, row, .. } => columns[index].value(*row),
            Rows::Single { row } => row[index].as_deref(),
        }
    }

    /// The value of column `col` without the trailing NUL; `None` for SQL NULL.
    pub fn bytes(&mut self, col: u16) -> Result<Option<&[u8]>> {
        Ok(self.text(col)?.map(|value| &value[..value.len() - 1]))
    }

    /// The value of column `col` as a 64-bit integer; `None` for SQL NULL.
    pub fn int64(&mut self, col: u16) -> Result<Option<i64>> {
        let Some(value) = self.bytes(col)? else { return Ok(None) };
        let text = std::str::from_utf8(value).unwrap_or("").trim();
        if let Ok(number) = text.parse::<i64>() {
            return Ok(Some(number));
        }
        // A whole number in decimal or float notation ("12.000", "1e3").
        match text.parse::<f64>() {
            Ok(number) if number.fract() == 0.0 && number.abs() < 9.2e18 => Ok(Some(number as i64)),
            _ => Err(Error::InvalidArgument(format!(
                "column {col} holds `{}`, which is not a 64-bit integer",
                preview(value)
            ))),
        }
    }

    /// The value of column `col` as a double; `None` for SQL NULL.
    pub fn double(&mut self, col: u16) -> Result<Option<f64>> {
        let index = self.check_column(col)?;
        if let Rows::Block { columns, row, .. } = &self.rows
            && columns[index].kind == BlockKind::Double
        {
            return Ok(columns[index].double(*row));
        }
        let Some(value) = self.bytes(col)? else { return Ok(None) };
        let text = std::str::from_utf8(value).unwrap_or("").trim();
        text.parse::<f64>().map(Some).map_err(|_| {
            Error::InvalidArgument(format!("column {col} holds `{}`, which is not a number", preview(value)))
        })
    }

    /// Hands every value of the current row to `each`, in column order: one call instead of one
    /// per column. The borrowed data stays valid until the cursor moves.
    pub fn for_each_value(&mut self, mut each: impl FnMut(usize, Cell<'_>)) -> Result<()> {
        if self.state != CursorState::OnRow {
            return Err(Error::WrongState("no current row: call fetch first (and check it found a row)".into()));
        }
        if let Rows::Block { columns, row, .. } = &mut self.rows {
            for column in columns.iter_mut() {
                column.ensure_text(*row);
            }
        }
        for (index, info) in self.columns.iter().enumerate() {
            let data = match &self.rows {
                Rows::Block { columns, row, .. } => columns[index].value(*row),
                Rows::Single { row } => row[index].as_deref(),
            };
            let kind = info.value_kind();
            let (mut int64, mut double) = (0, 0.0);
            if let Some(data) = data {
                let text = &data[..data.len() - 1];
                match kind {
                    ValueKind::Integer => {
                        int64 = parse_int(text).unwrap_or(0);
                        double = int64 as f64;
                    }
                    ValueKind::Double => {
                        double = match &self.rows {
                            Rows::Block { columns, row, .. } if columns[index].kind == BlockKind::Double => {
                                columns[index].double(*row).unwrap_or(0.0)
                            }
                            _ => std::str::from_utf8(text).ok().and_then(|t| t.trim().parse().ok()).unwrap_or(0.0),
                        }
                    }
                    ValueKind::Text | ValueKind::Binary => {}
                }
            }
            each(index, Cell { data, int64, double, kind });
        }
        Ok(())
    }

    /// Fetches up to `max_rows` rows — fewer once the text reaches `max_bytes` (0: no limit;
    /// at least one row is always read) — and writes them in PHP's `serialize()` format: a list
    /// of rows, each an array of its values as strings, SQL NULL as null, keyed by column number
    /// from 0 or, with `keyed_by_name`, by column name (a later column of the same name wins, as
    /// in PHP). So PHP gets a whole batch of arrays from one `unserialize()` call instead of one
    /// FFI call per value. Returns the text and the number of rows (0 after the last row). Valid
    /// until the next call on this result.
    ///
    /// A row that fails after others were read ends the batch there; the error is reported by
    /// the next fetch, so no row read before it is lost.
    ///
    /// With `driver_text`, every non-binary value is the driver's text (see
    /// [`ResultSet::read_as_driver_text`]).
    pub fn fetch_php_serialized(&mut self, max_rows: usize, max_bytes: usize, keyed_by_name: bool, driver_text: bool) -> Result<(&[u8], usize)> {
        self.read_as_driver_text(driver_text)?;
        if keyed_by_name && self.php_keys.len() != self.columns.len() {
            self.php_keys = self
                .columns
                .iter()
                .map(|column| {
                    let name = column.name.as_bytes();
                    let mut key = b"s:".to_vec();
                    push_decimal(&mut key, name.len());
                    key.extend_from_slice(b":\"");
                    key.extend_from_slice(name);
                    key.extend_from_slice(b"\";");
                    key
                })
                .collect();
        }
        let mut body = std::mem::take(&mut self.serialized);
        body.clear();
        let mut rows = 0;
        let columns = self.columns.len();
        let keys = std::mem::take(&mut self.php_keys);
        let outcome = loop {
            if rows >= max_rows || (max_bytes > 0 && body.len() >= max_bytes) {
                break Ok(());
            }
            match self.fetch() {
                Ok(true) => {}
                Ok(false) => break Ok(()),
                Err(error) if rows > 0 => {
                    self.pending_error = Some(error);
                    break Ok(());
                }
                Err(error) => break Err(error),
            }
            body.extend_from_slice(b"i:");
            push_decimal(&mut body, rows);
            body.extend_from_slice(b";a:");
            push_decimal(&mut body, columns);
            body.extend_from_slice(b":{");
            let written = self.for_each_value(|index, cell| {
                if keyed_by_name {
                    body.extend_from_slice(&keys[index]);
                } else {
                    body.extend_from_slice(b"i:");
                    push_decimal(&mut body, index);
                    body.push(b';');
                }
                match cell.data {
                    None => body.extend_from_slice(b"N;"),
                    Some(data) => {
                        let value = &data[..data.len() - 1];
                        body.extend_from_slice(b"s:");
                        push_decimal(&mut body, value.len());
                        body.extend_from_slice(b":\"");
                        body.extend_from_slice(value);
                        body.extend_from_slice(b"\";");
                    }
                }
            });
            if let Err(error) = written {
                break Err(error);
            }
            body.push(b'}');
            rows += 1;
        };
        self.php_keys = keys;
        if let Err(error) = outcome {
            self.serialized = body;
            return Err(error);
        }
        // The list's header counts the rows, so it goes in front of the body once it is known;
        // both buffers are kept for the next batch.
        let mut text = std::mem::take(&mut self.serialized_out);
        text.clear();
        text.reserve(body.len() + 16);
        text.extend_from_slice(b"a:");
        push_decimal(&mut text, rows);
        text.extend_from_slice(b":{");
        text.extend_from_slice(&body);
        text.push(b'}');
        let len = text.len();
        // A NUL after the text, as for every string pconn hands to C.
        text.push(0);
        self.serialized = body;
        self.serialized_out = text;
        Ok((&self.serialized_out[..len], rows))
    }

    /// Reads every non-binary column as the driver's text (SQL_C_CHAR), or doubles as doubles
    /// (pconn's default). The choice may change only before the first row of a result set is
    /// fetched, since a block cursor's buffers are bound for the whole set: later, a different
    /// choice is refused (`InvalidArgument`), so no row of one set is read two ways.
    pub fn read_as_driver_text(&mut self, driver_text: bool) -> Result<()> {
        if driver_text == self.driver_text {
            return Ok(());
        }
        if self.state != CursorState::BeforeFirstRow {
            return Err(Error::InvalidArgument(
                "flags changed within a result set: PCONN_PHP_ROWS_DRIVER_TEXT must be the same on every fetch of a result set".into(),
            ));
        }
        self.driver_text = driver_text;
        let bound_doubles = matches!(&self.rows, Rows::Block { columns, .. }
            if columns.iter().zip(&self.columns).any(|(block, info)| (block.kind == BlockKind::Double) == driver_text && info.is_double()));
        if bound_doubles {
            // The buffers were bound for the other choice at execute: bind them anew.
            self.unbind();
            self.describe()?;
        }
        Ok(())
    }

    /// The driver's name for the type of column `col` (`SQL_DESC_TYPE_NAME`: `int4`, `text`,
    /// `VARCHAR`…), which ext/odbc's `odbc_field_type` shows.
    pub fn column_type_name(&mut self, col: u16) -> Result<String> {
        self.column(col)?;
        let mut buf = vec![0u8; 256];
        let mut len: i16 = 0;
        // SAFETY: `buf` has room for `buf.len()` bytes; the driver writes at most that many,
        // NUL included, and the length of the whole name to `len`.
        let ret = unsafe {
            sys::SQLColAttribute(
                self.stmt.as_sys(),
                col,
                sys::Desc::TypeName,
                buf.as_mut_ptr().cast(),
                buf.len() as i16,
                &mut len,
                std::ptr::null_mut(),
            )
        };
        check_raw(ret, &*self.stmt, "SQLColAttribute(SQL_DESC_TYPE_NAME)")?;
        let len = (len.max(0) as usize).min(buf.len() - 1);
        buf.truncate(len);
        if let Some(nul) = buf.iter().position(|&b| b == 0) {
            buf.truncate(nul);
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    /// The numeric value of `SQLColAttribute(col, field)`, for the numeric field identifiers of
    /// [`NUMERIC_COLUMN_FIELDS`] only (a string-valued one would write into a buffer). The ODBC 2
    /// identifiers (`SQL_COLUMN_PRECISION` 4, …) get the driver's ODBC 2 answer, which is what
    /// ext/odbc's `odbc_field_len` shows.
    pub fn column_attribute(&mut self, col: u16, field: u16) -> Result<i64> {
        self.column(col)?;
        if !NUMERIC_COLUMN_FIELDS.contains(&field) {
            return Err(Error::InvalidArgument(format!(
                "field {field} is not one of the numeric SQLColAttribute fields pconn reads ({NUMERIC_COLUMN_FIELDS:?})"
            )));
        }
        let mut value: sys::Len = 0;
        // SAFETY: a numeric field writes only `value`; no character buffer is passed.
        let ret = unsafe {
            super::undeclared::SQLColAttributeNumeric(self.stmt.as_sys(), col, field, std::ptr::null_mut(), 0, std::ptr::null_mut(), &mut value)
        };
        check_raw(ret, &*self.stmt, "SQLColAttribute")?;
        Ok(value as i64)
    }

    /// Moves to the statement's next result set (`SQLMoreResults`). `Ok(false)` when there is none.
    pub fn next_result(&mut self) -> Result<bool> {
        self.pending_error = None;
        self.php_keys.clear();
        self.unbind();
        self.rows = Rows::Single { row: Vec::new() };
        // SAFETY: no buffers are bound any more.
        let more = unsafe { self.stmt.more_results() };
        if !check_no_data(more, &*self.stmt)? {
            self.columns.clear();
            self.affected_rows = -1;
            self.state = CursorState::NoCursor;
            return Ok(false);
        }
        self.describe()?;
        Ok(true)
    }

    /// Closes any open cursor so the connection can end its transaction.
    pub fn close(mut self) -> Result<()> {
        self.unbind();
        self.rows = Rows::Single { row: Vec::new() };
        if matches!(self.state, CursorState::BeforeFirstRow | CursorState::OnRow | CursorState::AfterLastRow) {
            self.state = CursorState::NoCursor;
            check(self.stmt.close_cursor(), &*self.stmt)?;
        }
        Ok(())
    }

    /// Closes the result and gives back its statement, when it owns one, ready to execute the
    /// caller's next SQL: cursor closed, any results left discarded, nothing bound, one row per
    /// fetch. Executing on it again spares the next execution the statement's allocation, which
    /// in unixODBC costs about as much as the rest of a one-row query on the client.
    pub fn close_for_reuse(mut self) -> Result<Option<StatementImpl<'static>>> {
        let reusable = self.unbind();
        self.rows = Rows::Single { row: Vec::new() };
        self.state = CursorState::NoCursor;
        // SAFETY: a valid statement handle with nothing bound any more.
        let closed = unsafe { sys::SQLFreeStmt(self.stmt.as_sys(), sys::FreeStmtOption::Close) };
        check_raw(closed, &*self.stmt, "SQLFreeStmt")?;
        if !self.owns_stmt || !reusable {
            // Not ours to give, or not clean: `Drop` frees a handle this result owns.
            return Ok(None);
        }
        // The handle changes owner: with `owns_stmt` off, `Drop` neither frees it nor touches
        // it (nothing is bound, no cursor is open).
        self.owns_stmt = false;
        // SAFETY: the handle is valid, and the returned value is its only owner from here on.
        Ok(Some(unsafe { StatementImpl::new(self.stmt.as_sys()) }))
    }
}

impl Drop for ResultSet {
    fn drop(&mut self) {
        if self.owns_stmt {
            // SAFETY: dropped exactly once, here; freeing the handle also drops its bindings.
            unsafe { ManuallyDrop::drop(&mut self.stmt) };
        } else {
            // The prepared statement keeps the handle: leave nothing bound to buffers freed now
            // (best effort: the drop cannot report a failure).
            let _ = self.unbind();
            if self.state != CursorState::NoCursor {
                let _ = self.stmt.close_cursor();
            }
        }
    }
}

/// ODBC's column size of the fixed-size types (appendix D of the ODBC reference), for drivers
/// that report none.
/// Appends `value` in decimal.
fn push_decimal(out: &mut Vec<u8>, mut value: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// A 64-bit integer in plain decimal, as drivers print integer columns; `None` otherwise.
fn parse_int(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 19 {
        return std::str::from_utf8(text).ok()?.trim().parse().ok();
    }
    let mut value: i64 = 0;
    for &digit in digits {
        if !digit.is_ascii_digit() {
            return std::str::from_utf8(text).ok()?.trim().parse().ok();
        }
        match value.checked_mul(10).and_then(|v| v.checked_add(i64::from(digit - b'0'))) {
            Some(next) => value = next,
            // i64::MIN's digits overflow the positive accumulator; let the library decide.
            None => return std::str::from_utf8(text).ok()?.parse().ok(),
        }
    }
    Some(if negative { -value } else { value })
}

fn standard_column_size(sql_type: SqlDataType) -> usize {
    match sql_type {
        SqlDataType::EXT_BIT => 1,
        SqlDataType::EXT_TINY_INT => 3,
        SqlDataType::SMALLINT => 5,
        SqlDataType::INTEGER => 10,
        SqlDataType::EXT_BIG_INT => 19,
        SqlDataType::REAL => 7,
        SqlDataType::FLOAT | SqlDataType::DOUBLE => 15,
        _ => 0,
    }
}

fn preview(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    if text.chars().count() > 40 { format!("{}…", text.chars().take(40).collect::<String>()) } else { text.into_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_in_a_form_that_parses_back_exactly() {
        for value in [1.5, 3.0, std::f64::consts::PI, 1e300, -0.25, 0.1, 1e-7, f64::MAX] {
            let text = format_double(value);
            assert!(text.len() <= DOUBLE_TEXT_BYTES, "{text}");
            assert_eq!(text.parse::<f64>().unwrap(), value, "{text}");
        }
        assert_eq!(format_double(3.0), "3");
    }

    fn info(sql_type: SqlDataType, precision: usize) -> ColumnInfo {
        ColumnInfo { name: CString::default(), sql_type: sql_type.0, precision, scale: 0, nullable: None }
    }

    #[test]
    fn lob_and_unsized_columns_have_no_buffer_size() {
        assert_eq!(info(SqlDataType::EXT_LONG_VAR_BINARY, 0).max_bytes(), None);
        assert_eq!(info(SqlDataType::EXT_LONG_VARCHAR, 8190).max_bytes(), Some(4 * 8190));
        assert_eq!(info(SqlDataType::VARCHAR, 0).max_bytes(), None);
        assert_eq!(info(SqlDataType::VARCHAR, 10).max_bytes(), Some(40));
        assert_eq!(info(SqlDataType::INTEGER, 10).max_bytes(), Some(24));
        assert_eq!(info(SqlDataType::EXT_VAR_BINARY, 16).max_bytes(), Some(16));
    }

    #[test]
    fn a_block_finds_nulls_truncations_and_terminates_bytes() {
        let mut block = ColumnBlock::new(BlockKind::Binary, 4, 3);
        block.indicators = vec![2, sys::NULL_DATA, 9];
        block.values[..2].copy_from_slice(b"ab");
        block.values[2] = 7;
        block.settle(3);
        assert_eq!(block.value(0), Some(&b"ab\0"[..]));
        assert_eq!(block.value(1), None);
        assert_eq!(block.truncated_rows(3).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn integers_parse_fast_and_exactly() {
        assert_eq!(parse_int(b"0"), Some(0));
        assert_eq!(parse_int(b"-42"), Some(-42));
        assert_eq!(parse_int(b"+7"), Some(7));
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int(b"9223372036854775808"), None);
        assert_eq!(parse_int(b" 12 "), Some(12));
        assert_eq!(parse_int(b""), None);
        assert_eq!(parse_int(b"1.5"), None);
    }

    #[test]
    fn decimals_and_doubles_are_written_without_allocating() {
        let mut out = Vec::new();
        for value in [0, 9, 10, 123456, usize::MAX] {
            out.clear();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
        for value in [0.5, 3.0, -2.2250738585072014e-308, 1e300, f64::MAX, f64::MIN_POSITIVE, 0.1 + 0.2, -0.0] {
            let mut buf = [0u8; DOUBLE_TEXT_BYTES];
            let len = write_double(value, &mut buf);
            let text = std::str::from_utf8(&buf[..len]).unwrap();
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), value.to_bits(), "{text}");
            assert_eq!(text, format_double(value));
        }
    }
}
