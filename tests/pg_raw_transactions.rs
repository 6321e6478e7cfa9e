mod common;

use common::calls::{Target, end_request, must, pconnect, run, ok};
use common::c_str::cstr;
use pconn::ffi::*;

use pconn_status::*;

fn prepare_and_run(link: pconn_link, sql: &str) -> (pconn_stmt, pconn_status) {
    let mut stmt = 0;
    ok(pconn_prepare(link, cstr(sql).as_ptr(), &mut stmt), link);
    let _ = pconn_stmt_bind_int64(stmt, 1, 5);
    let mut result = 0;
    let status = pconn_stmt_execute(stmt, &mut result);
    (stmt, status)
}

#[test]
fn candidate() {
    let target = Target::pg("PconnPingSql=SELECT 'raw'");
    let link = must(pconnect(&target), "pconnect");
    let (_stmt, status) = prepare_and_run(link, "SELECT ? + 1");
    eprintln!("execute: {status:?}");
    let r = run(link, "ROLLBACK");
    eprintln!("rollback: {r:?}");
    end_request();
    let link = must(pconnect(&target), "pconnect");
    let r = run(link, "BEGIN");
    eprintln!("begin: {r:?}");
    end_request();
}
