//! SQLite: which parts of a reset a request's SQL calls for, the pragmas read as the baseline, and
//! the reset. What a request can leave behind on a connection, and what the reset does about it:
//!
//! - a raw `BEGIN` or `SAVEPOINT` (its driver's `SQLEndTran` does not end one): rolled back;
//! - temp tables, views, indexes and triggers (a temp trigger may sit on a main table): dropped;
//! - attached databases: detached;
//! - every per-connection pragma that can be read back (the list below: `locking_mode`,
//!   `read_uncommitted`, `writable_schema`, `foreign_keys`, …): restored to its value at connect.
//!   After `locking_mode` goes back to `NORMAL` the database is read once, which is when SQLite
//!   lets go of the lock `EXCLUSIVE` mode kept: an idle link never holds a file lock;
//! - `last_insert_rowid()` and `changes()`: put back to 0, what a new connection says, by an insert
//!   with row id 0 and a delete of nothing in a scratch temp table;
//! - pragmas that cannot be read back (`case_sensitive_like`, `mmap_size`, `legacy_file_format`):
//!   the link is replaced (discarded, counted as a failed cleanup) when the request's SQL names one;
//!   so is a link whose raw ODBC handle was taken, since anything may have been done through it.
//!
//! Not reset: `total_changes()`, which counts every row changed since the connection opened. It
//! can be neither reset nor restored without reopening, and replacing the link after every write
//! would make SQLite links non-persistent; it tells how many rows earlier requests changed, never
//! which. Of the process-wide limits, `soft_heap_limit` is restored like the rest; `hard_heap_limit`
//! can only be lowered, never put back, and is the process's, not the link's.

use super::Session;
use crate::error::{Error, Result};

/// Words in a request's SQL that decide which parts of a SQLite reset are needed. SQLite has no
/// SQL-defined functions, so session state changes only through statements that say what they do:
/// a pragma through `PRAGMA`, temp objects through `TEMP`/`TEMPORARY`/`temp.`, attached databases
/// through `ATTACH`, a transaction the driver does not know of through `BEGIN`/`SAVEPOINT`.
/// A plain substring match (comments and string literals included) can only find too much,
/// which costs a needless step, never a missed one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SqlWords(u8);

impl SqlWords {
    const PRAGMA: SqlWords = SqlWords(1);
    const TEMP: SqlWords = SqlWords(2);
    const ATTACH: SqlWords = SqlWords(4);
    const TRANSACTION: SqlWords = SqlWords(8);
    /// Statements that set `last_insert_rowid()` and `changes()`.
    const COUNTERS: SqlWords = SqlWords(16);
    /// A pragma that cannot be read back, so cannot be restored.
    const UNRESTORABLE: SqlWords = SqlWords(32);
    const ALL: SqlWords = SqlWords(63);

    /// Every word: what a request that used the raw handle may have done.
    pub(crate) fn all() -> SqlWords {
        SqlWords::ALL
    }

    /// The words `sql` contains, in any letter case. The words are ASCII; any other byte (UTF-8
    /// or another encoding, valid or not) is just not part of one.
    pub fn scan(sql: &[u8]) -> SqlWords {
        const WORDS: [(&[u8], SqlWords); 12] = [
            (b"pragma", SqlWords::PRAGMA),
            (b"temp", SqlWords::TEMP),
            (b"attach", SqlWords::ATTACH),
            (b"begin", SqlWords::TRANSACTION),
            (b"savepoint", SqlWords::TRANSACTION),
            (b"insert", SqlWords::COUNTERS),
            (b"update", SqlWords::COUNTERS),
            (b"delete", SqlWords::COUNTERS),
            (b"replace", SqlWords::COUNTERS),
            (b"case_sensitive_like", SqlWords::UNRESTORABLE),
            (b"mmap_size", SqlWords::UNRESTORABLE),
            (b"legacy_file_format", SqlWords::UNRESTORABLE),
        ];
        let bytes = sql;
        let mut found = SqlWords::default();
        for start in 0..bytes.len() {
            // Every word starts with a letter that is rare enough to make this check cheap.
            let first = bytes[start].to_ascii_lowercase();
            if !matches!(first, b'p' | b't' | b'a' | b'b' | b's' | b'i' | b'u' | b'd' | b'r' | b'c' | b'm' | b'l') {
                continue;
            }
            for (word, flag) in WORDS {
                if word[0] == first && bytes.len() - start >= word.len() && bytes[start..start + word.len()].eq_ignore_ascii_case(word) {
                    found |= flag;
                }
            }
        }
        found
    }

    pub fn contains(self, other: SqlWords) -> bool {
        self.0 & other.0 != 0
    }
}

impl std::ops::BitOr for SqlWords {
    type Output = SqlWords;
    fn bitor(self, other: SqlWords) -> SqlWords {
        SqlWords(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for SqlWords {
    fn bitor_assign(&mut self, other: SqlWords) {
        self.0 |= other.0;
    }
}

/// SQLite pragmas a request can change and that are readable, so they can be put back: every
/// per-connection pragma SQLite documents that has a table-valued `pragma_…()` form, apart from
/// those that describe the database file rather than the connection (`page_size`, `auto_vacuum`,
/// `encoding`, `user_version`, `application_id`: a request that changes them changed the database).
const SQLITE_PRAGMAS: &[&str] = &[
    // Restored first: with `writable_schema` or `query_only` left on, the others would still go
    // back, but the order keeps the restore independent of what the request left.
    "writable_schema",
    "query_only",
    "locking_mode",
    "journal_mode",
    "read_uncommitted",
    "foreign_keys",
    "recursive_triggers",
    "busy_timeout",
    "cache_size",
    "synchronous",
    "temp_store",
    "query_only",
    "defer_foreign_keys",
    "reverse_unordered_selects",
    "automatic_index",
    "ignore_check_constraints",
    "legacy_alter_table",
    "cell_size_check",
    "trusted_schema",
    "analysis_limit",
    "cache_spill",
    "checkpoint_fullfsync",
    "fullfsync",
    "count_changes",
    "empty_result_callbacks",
    "full_column_names",
    "short_column_names",
    "journal_size_limit",
    "max_page_count",
    "secure_delete",
    "threads",
    "soft_heap_limit",
];

fn sqlite_pragma_query() -> String {
    // Table-valued pragma functions read every pragma in one statement; each scalar subquery takes
    // the pragma's single value whatever its column is called.
    let columns: Vec<String> = SQLITE_PRAGMAS.iter().map(|p| format!("(SELECT * FROM pragma_{p}())")).collect();
    format!("SELECT {}", columns.join(", "))
}

pub(super) fn read_pragmas(link: &mut Session) -> Result<Vec<(String, String)>> {
    let rows = link.run_internal(&sqlite_pragma_query())?;
    let row = rows.into_iter().next().unwrap_or_default();
    Ok(SQLITE_PRAGMAS
        .iter()
        .zip(row)
        .map(|(name, value)| ((*name).to_owned(), value.unwrap_or_default()))
        .collect())
}

fn is_safe_identifier(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Undoes what the request's SQL can have changed (see [`SqlWords`]); the rest is skipped, which
/// matters because reading the pragmas alone costs ~170 µs, 20× a small query.
pub(super) fn reset(link: &mut Session) -> Result<()> {
    let words = link.dirty.sql_words;
    if words.contains(SqlWords::UNRESTORABLE) {
        return Err(Error::WrongState(
            "the request changed SQLite state that cannot be read back (case_sensitive_like, mmap_size, \
             legacy_file_format, or anything through the raw handle): the link is replaced"
                .into(),
        ));
    }
    if words.contains(SqlWords::TRANSACTION) {
        // A raw BEGIN survives SQLEndTran in this driver's autocommit mode; end it here.
        match link.run_internal("ROLLBACK") {
            Ok(_) => {}
            Err(Error::Database(diag)) if diag.message().contains("no transaction is active") => {}
            Err(other) => return Err(other),
        }
    }
    if words.contains(SqlWords::TEMP | SqlWords::ATTACH) {
        drop_sqlite_temp_objects_and_attachments(link)?;
    }
    if words.contains(SqlWords::PRAGMA) {
        restore_sqlite_pragmas(link)?;
    }
    if words.contains(SqlWords::COUNTERS | SqlWords::TRANSACTION) {
        reset_change_counters(link)?;
    }
    Ok(())
}

/// `last_insert_rowid()` and `changes()` back to 0, as on a new connection: an insert with row id 0
/// sets the first, a delete that matches nothing the second; the scratch table goes again. One
/// read first: a request whose statements changed nothing costs no more.
fn reset_change_counters(link: &mut Session) -> Result<()> {
    let counters = link.run_internal("SELECT last_insert_rowid() = 0 AND changes() = 0")?;
    if counters.first().and_then(|row| row.first()).is_some_and(|clean| clean.as_deref() == Some("1")) {
        return Ok(());
    }
    for sql in [
        "CREATE TEMP TABLE IF NOT EXISTS pconn_reset_counters (x)",
        "INSERT INTO temp.pconn_reset_counters (rowid, x) VALUES (0, 0)",
        "DELETE FROM temp.pconn_reset_counters WHERE 0",
        "DROP TABLE temp.pconn_reset_counters",
    ] {
        link.run_internal(sql)?;
    }
    Ok(())
}

fn drop_sqlite_temp_objects_and_attachments(link: &mut Session) -> Result<()> {
    // Triggers first (a temp trigger may sit on a main table, and nothing else drops it), then
    // views, indexes and the tables.
    let objects = link.run_internal(
        "SELECT 'TRIGGER', name FROM temp.sqlite_master WHERE type = 'trigger' \
         UNION ALL SELECT 'VIEW', name FROM temp.sqlite_master WHERE type = 'view' \
         UNION ALL SELECT 'INDEX', name FROM temp.sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         UNION ALL SELECT 'TABLE', name FROM temp.sqlite_master WHERE type = 'table' \
         UNION ALL SELECT 'DATABASE', name FROM pragma_database_list WHERE name NOT IN ('main', 'temp')",
    )?;
    for row in objects {
        let (Some(kind), Some(name)) = (&row[0], &row[1]) else { continue };
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let sql = if kind == "DATABASE" {
            format!("DETACH DATABASE {quoted}")
        } else {
            format!("DROP {kind} IF EXISTS temp.{quoted}")
        };
        link.run_internal(&sql)?;
    }
    Ok(())
}

fn restore_sqlite_pragmas(link: &mut Session) -> Result<()> {
    let baseline = link.baseline().pragmas.clone();
    if baseline.is_empty() {
        return Ok(());
    }
    let current = read_pragmas(link)?;
    let mut lock_mode_restored = false;
    for ((name, was), (_, now)) in baseline.iter().zip(current.iter()) {
        if was != now && is_safe_identifier(was) {
            link.run_internal(&format!("PRAGMA {name} = {was}"))?;
            lock_mode_restored |= name == "locking_mode";
        }
    }
    if lock_mode_restored {
        // SQLite releases the lock EXCLUSIVE mode kept the next time it reads the database.
        link.run_internal("SELECT count(*) FROM main.sqlite_master")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_query_reads_every_listed_pragma_in_one_statement() {
        let sql = sqlite_pragma_query();
        for pragma in SQLITE_PRAGMAS {
            assert!(sql.contains(&format!("pragma_{pragma}()")));
        }
    }

    #[test]
    fn sql_words_are_found_in_any_case_and_only_when_present() {
        assert_eq!(SqlWords::scan("SELECT 1".as_bytes()), SqlWords::default());
        assert_eq!(SqlWords::scan("pragma foreign_keys = ON".as_bytes()), SqlWords::PRAGMA);
        assert_eq!(SqlWords::scan("CREATE TEMPORARY TABLE t (x)".as_bytes()), SqlWords::TEMP);
        assert_eq!(SqlWords::scan("create table Temp.t (x)".as_bytes()), SqlWords::TEMP);
        assert_eq!(SqlWords::scan("ATTACH DATABASE 'x.db' AS x".as_bytes()), SqlWords::ATTACH);
        assert_eq!(SqlWords::scan("Begin Immediate".as_bytes()), SqlWords::TRANSACTION);
        assert_eq!(SqlWords::scan("SAVEPOINT a".as_bytes()), SqlWords::TRANSACTION);
        assert_eq!(
            SqlWords::scan("BEGIN; PRAGMA case_sensitive_like=1; CREATE TEMP VIEW v AS SELECT 1; ATTACH 'y' AS y; DELETE FROM x".as_bytes()),
            SqlWords::ALL
        );
        assert_eq!(SqlWords::scan("insert into t values (1)".as_bytes()), SqlWords::COUNTERS);
        // Too much is fine (a column called `tempo`), never too little.
        assert!(SqlWords::scan("SELECT tempo FROM songs".as_bytes()).contains(SqlWords::TEMP));
        assert_eq!(SqlWords::scan("prag".as_bytes()), SqlWords::default());
        assert_eq!(SqlWords::scan(b"SELECT 'caf\xe9' \xff\xfe; PRAGMA x"), SqlWords::PRAGMA);
        assert_eq!(SqlWords::scan("é pragma".as_bytes()), SqlWords::PRAGMA);
    }

    #[test]
    fn only_plain_pragma_values_are_written_back() {
        assert!(is_safe_identifier("-2000"));
        assert!(!is_safe_identifier("1; DROP TABLE x"));
    }
}
