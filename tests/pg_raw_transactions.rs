//! Transaction statements sent as SQL to PostgreSQL links, across request ends.
//!
//! A `ROLLBACK` sent as SQL outside a transaction leaves psqlODBC believing a failed transaction
//! is open; a prepared statement freed then leaves its plan for the driver to drop at the next
//! transaction, by which time the reset (`DISCARD ALL`) has dropped it. The driver used to recurse
//! without end there and overflow the stack: the process died (found by `random_calls.rs`). See
//! `src/session/rollback_flag.rs`.
//!
//! Each test runs on its own thread (its own request) with a key of its own.

mod common;

use common::c_str::cstr;
use common::calls::{Target, end_request, must, ok, pconnect, query, run};
use pconn::ffi::*;

use pconn_status::*;

/// Prepares `SELECT ? + 1` (a server-side plan in psqlODBC), runs it with 41, reads 42, and leaves
/// the statement for the request end to free.
fn run_a_prepared_statement(link: pconn_link) {
    let mut stmt = 0;
    ok(pconn_prepare(link, cstr("SELECT ? + 1").as_ptr(), &mut stmt), link);
    ok(pconn_stmt_bind_int64(stmt, 1, 41), link);
    let mut result = 0;
    ok(pconn_stmt_execute(stmt, &mut result), link);
    ok(pconn_fetch(result), link);
    let mut value = std::ptr::null();
    ok(pconn_result_text(result, 1, &mut value, std::ptr::null_mut(), std::ptr::null_mut()), link);
    assert_eq!(common::c_str::text(value), "42");
}

/// The request the random test's trace came down to: a prepared statement, then `ROLLBACK` with
/// no transaction open.
fn leave_a_rollback_outside_a_transaction(target: &Target) {
    let link = must(pconnect(target), "pconnect");
    run_a_prepared_statement(link);
    must(run(link, "ROLLBACK"), "ROLLBACK outside a transaction");
    end_request();
}

#[test]
fn begin_after_a_rollback_outside_a_transaction_in_an_earlier_request() {
    let target = Target::pg("PconnPingSql=SELECT 'raw begin'");
    leave_a_rollback_outside_a_transaction(&target);
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "BEGIN"), "BEGIN");
    assert_eq!(must(query(link, "SELECT 'in a transaction'"), "select"), "in a transaction");
    must(run(link, "ROLLBACK"), "ROLLBACK");
    end_request();
    let link = must(pconnect(&target), "pconnect");
    assert_eq!(must(query(link, "SELECT count(*) FROM pg_prepared_statements"), "prepared statements"), "0");
    end_request();
}

#[test]
fn manual_commit_after_a_rollback_outside_a_transaction_in_an_earlier_request() {
    // The driver's own BEGIN, before the first statement in manual-commit mode, is a transaction
    // start too.
    let target = Target::pg("PconnPingSql=SELECT 'manual commit'");
    leave_a_rollback_outside_a_transaction(&target);
    let link = must(pconnect(&target), "pconnect");
    ok(pconn_autocommit_set(link, 0), link);
    assert_eq!(must(query(link, "SELECT 'manual'"), "select"), "manual");
    ok(pconn_commit(link), link);
    end_request();
}

#[test]
fn abort_and_a_second_rollback_count_too() {
    let target = Target::pg("PconnPingSql=SELECT 'abort'");
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "BEGIN"), "BEGIN");
    must(run(link, "ROLLBACK"), "ROLLBACK");
    run_a_prepared_statement(link);
    must(run(link, "SELECT 1; ABORT"), "ABORT outside a transaction");
    end_request();
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "BEGIN"), "BEGIN");
    must(run(link, "COMMIT"), "COMMIT");
    end_request();
}

#[test]
fn statements_freed_by_the_caller_after_the_rollback() {
    // Freed inside the request, while the driver's mark is set: their plans go on the driver's list
    // as well. (All are allocated first: a handle allocated where a freed one was gets its plan
    // name, which the driver did not drop, and fails with "already exists"; see
    // `rollback_flag.rs`.)
    let target = Target::pg("PconnPingSql=SELECT 'freed'");
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "ROLLBACK"), "ROLLBACK outside a transaction");
    let mut stmts = Vec::new();
    for value in 0..3 {
        let mut stmt = 0;
        ok(pconn_prepare(link, cstr("SELECT ? + 1").as_ptr(), &mut stmt), link);
        ok(pconn_stmt_bind_int64(stmt, 1, value), link);
        let mut result = 0;
        ok(pconn_stmt_execute(stmt, &mut result), link);
        stmts.push(stmt);
    }
    for stmt in stmts {
        assert_eq!(pconn_stmt_free(stmt), PCONN_OK);
    }
    end_request();
    let link = must(pconnect(&target), "pconnect");
    must(run(link, "BEGIN"), "BEGIN");
    assert_eq!(must(query(link, "SELECT 2"), "select"), "2");
    end_request();
}
