//! SQLite's reset, state by state: every per-connection state SQLite documents (each
//! per-connection pragma, temp objects of every kind, attached databases, open transactions and
//! savepoints, the last row id and the change count) is what a new connection has when the next
//! request gets the link. Where SQL cannot restore a state, the link is replaced instead. And an
//! idle link never holds a file lock.
//!
//! The pool and its statistics are process-wide: every test here takes [`serial`] first.

mod common;

use common::calls::*;
use common::serial::serial;
use common::stats::stats;

/// One state: statements that create what it needs (run before the baseline is read), the
/// statements of a request that changes it, and the query that shows it.
struct Case {
    name: &'static str,
    prepare: &'static [&'static str],
    change: &'static [&'static str],
    probe: &'static str,
    /// SQL cannot put it back: the link is replaced rather than reused.
    replaced: bool,
}

const fn pragma(name: &'static str, change: &'static [&'static str], probe: &'static str) -> Case {
    Case { name, prepare: &[], change, probe, replaced: false }
}

const CASES: &[Case] = &[
    pragma("writable_schema", &["PRAGMA writable_schema = ON"], "SELECT * FROM pragma_writable_schema()"),
    pragma("query_only", &["PRAGMA query_only = ON"], "SELECT * FROM pragma_query_only()"),
    pragma("locking_mode", &["PRAGMA locking_mode = EXCLUSIVE"], "SELECT * FROM pragma_locking_mode()"),
    pragma("journal_mode", &["PRAGMA journal_mode = MEMORY"], "SELECT * FROM pragma_journal_mode()"),
    pragma("read_uncommitted", &["PRAGMA read_uncommitted = ON"], "SELECT * FROM pragma_read_uncommitted()"),
    pragma("foreign_keys", &["PRAGMA foreign_keys = ON"], "SELECT * FROM pragma_foreign_keys()"),
    pragma("recursive_triggers", &["PRAGMA recursive_triggers = ON"], "SELECT * FROM pragma_recursive_triggers()"),
    pragma("busy_timeout", &["PRAGMA busy_timeout = 1234"], "SELECT * FROM pragma_busy_timeout()"),
    pragma("cache_size", &["PRAGMA cache_size = -1234"], "SELECT * FROM pragma_cache_size()"),
    pragma("synchronous", &["PRAGMA synchronous = OFF"], "SELECT * FROM pragma_synchronous()"),
    pragma("temp_store", &["PRAGMA temp_store = MEMORY"], "SELECT * FROM pragma_temp_store()"),
    pragma("defer_foreign_keys", &["PRAGMA defer_foreign_keys = ON"], "SELECT * FROM pragma_defer_foreign_keys()"),
    pragma("reverse_unordered_selects", &["PRAGMA reverse_unordered_selects = ON"], "SELECT * FROM pragma_reverse_unordered_selects()"),
    pragma("automatic_index", &["PRAGMA automatic_index = OFF"], "SELECT * FROM pragma_automatic_index()"),
    pragma("ignore_check_constraints", &["PRAGMA ignore_check_constraints = ON"], "SELECT * FROM pragma_ignore_check_constraints()"),
    pragma("legacy_alter_table", &["PRAGMA legacy_alter_table = ON"], "SELECT * FROM pragma_legacy_alter_table()"),
    pragma("cell_size_check", &["PRAGMA cell_size_check = ON"], "SELECT * FROM pragma_cell_size_check()"),
    pragma("trusted_schema", &["PRAGMA trusted_schema = OFF"], "SELECT * FROM pragma_trusted_schema()"),
    pragma("analysis_limit", &["PRAGMA analysis_limit = 100"], "SELECT * FROM pragma_analysis_limit()"),
    pragma("cache_spill", &["PRAGMA cache_spill = OFF"], "SELECT * FROM pragma_cache_spill()"),
    pragma("checkpoint_fullfsync", &["PRAGMA checkpoint_fullfsync = ON"], "SELECT * FROM pragma_checkpoint_fullfsync()"),
    pragma("fullfsync", &["PRAGMA fullfsync = ON"], "SELECT * FROM pragma_fullfsync()"),
    pragma("count_changes", &["PRAGMA count_changes = ON"], "SELECT * FROM pragma_count_changes()"),
    pragma("empty_result_callbacks", &["PRAGMA empty_result_callbacks = OFF"], "SELECT * FROM pragma_empty_result_callbacks()"),
    pragma("full_column_names", &["PRAGMA full_column_names = ON"], "SELECT * FROM pragma_full_column_names()"),
    pragma("short_column_names", &["PRAGMA short_column_names = OFF"], "SELECT * FROM pragma_short_column_names()"),
    pragma("journal_size_limit", &["PRAGMA journal_size_limit = 12345"], "SELECT * FROM pragma_journal_size_limit()"),
    pragma("max_page_count", &["PRAGMA max_page_count = 99999"], "SELECT * FROM pragma_max_page_count()"),
    pragma("secure_delete", &["PRAGMA secure_delete = FAST"], "SELECT * FROM pragma_secure_delete()"),
    pragma("threads", &["PRAGMA threads = 2"], "SELECT * FROM pragma_threads()"),
    pragma("soft_heap_limit", &["PRAGMA soft_heap_limit = 123456789"], "SELECT * FROM pragma_soft_heap_limit()"),
    Case { name: "temp table", prepare: &[], change: &["CREATE TEMP TABLE tt (a)"], probe: TEMP_OBJECTS, replaced: false },
    Case {
        name: "temp view",
        prepare: &[],
        change: &["CREATE TEMP VIEW tv AS SELECT 1 AS one"],
        probe: TEMP_OBJECTS,
        replaced: false,
    },
    Case {
        name: "temp index",
        prepare: &[],
        change: &["CREATE TEMP TABLE ti (a)", "CREATE INDEX temp.ti_a ON ti (a)"],
        probe: TEMP_OBJECTS,
        replaced: false,
    },
    Case {
        name: "temp trigger on a main table",
        prepare: &["CREATE TABLE IF NOT EXISTS main_t (a)"],
        change: &["CREATE TEMP TRIGGER tg BEFORE INSERT ON main_t BEGIN SELECT RAISE(ABORT, 'trigger fired'); END"],
        probe: TEMP_OBJECTS,
        replaced: false,
    },
    Case {
        name: "attached database",
        prepare: &[],
        change: &["ATTACH DATABASE ':memory:' AS aux"],
        // The temp database comes into being empty when the reset looks into it; it holds nothing.
        probe: "SELECT group_concat(name) FROM pragma_database_list WHERE name NOT IN ('main', 'temp')",
        replaced: false,
    },
    Case {
        name: "savepoint",
        prepare: &["CREATE TABLE IF NOT EXISTS sp_t (a)"],
        change: &["SAVEPOINT s1", "INSERT INTO sp_t VALUES (1)"],
        probe: "SELECT count(*) FROM sp_t",
        replaced: false,
    },
    Case {
        name: "raw transaction",
        prepare: &["CREATE TABLE IF NOT EXISTS tx_t (a)"],
        change: &["BEGIN IMMEDIATE", "INSERT INTO tx_t VALUES (1)"],
        probe: "SELECT count(*) FROM tx_t",
        replaced: false,
    },
    Case {
        name: "last_insert_rowid",
        prepare: &["CREATE TABLE IF NOT EXISTS lr_t (a)"],
        change: &["INSERT INTO lr_t VALUES (1)", "INSERT INTO lr_t VALUES (2)"],
        probe: "SELECT last_insert_rowid()",
        replaced: false,
    },
    Case {
        name: "changes",
        prepare: &["CREATE TABLE IF NOT EXISTS ch_t (a)"],
        change: &["INSERT INTO ch_t VALUES (1), (2), (3)", "UPDATE ch_t SET a = a + 1"],
        probe: "SELECT changes()",
        replaced: false,
    },
    Case {
        name: "case_sensitive_like (cannot be read back)",
        prepare: &[],
        change: &["PRAGMA case_sensitive_like = ON"],
        probe: "SELECT 'a' LIKE 'A'",
        replaced: true,
    },
    Case {
        name: "mmap_size (cannot be read back)",
        prepare: &[],
        change: &["PRAGMA mmap_size = 65536"],
        probe: "PRAGMA mmap_size",
        replaced: true,
    },
];

const TEMP_OBJECTS: &str = "SELECT count(*) FROM temp.sqlite_master";

fn probe(link: pconn::ffi::pconn_link, case: &Case) -> String {
    query(link, case.probe).unwrap_or_else(|f| panic!("{}: probe: {f:?}", case.name))
}

#[test]
fn every_per_connection_state_comes_back_clean() {
    let _serial = serial();
    let mut failures = Vec::new();
    for (index, case) in CASES.iter().enumerate() {
        let target = Target::sqlite(&format!("reset-matrix-{index}"));
        let link = must(pconnect(&target), case.name);
        for sql in case.prepare {
            must(run(link, sql), sql);
        }
        let fresh = probe(link, case);
        for sql in case.change {
            must(run(link, sql), sql);
        }
        let changed = probe(link, case);
        if changed == fresh {
            failures.push(format!("{}: the change did not take ({fresh}), the case proves nothing", case.name));
        }
        end_request();

        let before = stats();
        let link = must(pconnect(&target), case.name);
        let after = probe(link, case);
        let after_stats = stats();
        let reused = after_stats.get("reused") - before.get("reused");
        if after != fresh {
            failures.push(format!("{}: was {fresh}, the next request sees {after}", case.name));
        }
        if reused != u64::from(!case.replaced) {
            failures.push(format!("{}: reused {reused} links, expected {}", case.name, u64::from(!case.replaced)));
        }
        end_request();
    }
    assert!(failures.is_empty(), "{} of {} states leaked:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// The temp trigger that aborted every insert into a main table is gone, not merely hidden.
#[test]
fn a_temp_trigger_on_a_main_table_no_longer_fires() {
    let _serial = serial();
    let target = Target::sqlite("reset-trigger");
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "CREATE TABLE IF NOT EXISTS guarded (a)"), "create");
    must(run(link, "CREATE TEMP TRIGGER no_inserts BEFORE INSERT ON guarded BEGIN SELECT RAISE(ABORT, 'fired'); END"), "trigger");
    assert!(run(link, "INSERT INTO guarded VALUES (1)").is_err(), "the trigger works in its request");
    end_request();
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "INSERT INTO guarded VALUES (1)"), "insert in the next request");
    end_request();
}

/// `PRAGMA locking_mode = EXCLUSIVE` keeps the file locked after a write for as long as the
/// connection lives; the reset lets go of it: another connection writes while the link is idle.
#[test]
fn an_idle_link_holds_no_file_lock() {
    let _serial = serial();
    let target = Target::sqlite("reset-lock");
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "CREATE TABLE IF NOT EXISTS locked (a)"), "create");
    must(run(link, "PRAGMA locking_mode = EXCLUSIVE"), "exclusive");
    must(run(link, "INSERT INTO locked VALUES (1)"), "insert");
    end_request();
    assert_eq!(stats().key("reset-lock").0, 1, "the link is idle in the pool");

    // A connection of its own (another key), which gives up after 200 ms instead of waiting.
    let other = must(new_connect(&target.with("Timeout=200")), "other connection");
    must(run(other, "INSERT INTO locked VALUES (2)"), "a write while the pooled link is idle");
    assert_eq!(must(query(other, "SELECT count(*) FROM locked"), "count"), "2");
    end_request();

    // The pooled link still works and still sees the other's write.
    let link = must(pconnect(&target), "pconnect again");
    assert_eq!(must(query(link, "SELECT count(*) FROM locked"), "count"), "2");
    assert_eq!(must(query(link, "SELECT * FROM pragma_locking_mode()"), "mode"), "normal");
    end_request();
}
