//! A server's request loop with background resets on (the default): one thread ends a request and
//! asks for the same link again at once, request after request (the hand-out then runs the reset
//! itself, and the reset thread polls instead of being woken), and now and then after a pause (the
//! reset thread runs it). Every request gets the same server session back clean, and every reset
//! is counted. On a real PostgreSQL (started by the tests).

mod common;

use common::calls::*;
use common::serial::serial;
use common::stats::{assert_moved, stats};
use pconn::ffi::*;
use pconn_status::*;
use std::time::Duration;

#[test]
fn back_to_back_requests_each_get_their_link_clean() {
    let _serial = serial();
    assert_eq!(set_option("background_reset", "on"), PCONN_OK);
    let target = Target::pg("PconnPingSql=SELECT 'request loop'");
    let first = must(pconnect(&target), "pconnect");
    let pid = backend_pid(first);
    end_request();
    let before = stats();
    const REQUESTS: u64 = 300;
    for i in 0..REQUESTS {
        let link = must(pconnect(&target), "pconnect");
        assert_eq!(backend_pid(link), pid, "request {i}: the same session");
        let setting = must(query(link, "SELECT current_setting('application_name')"), "read the setting");
        assert_eq!(setting, "", "request {i}: the previous request's setting is gone");
        let leaked = must(query(link, "SELECT count(*) FROM pg_class WHERE relname = 'loop_leak'"), "look for the table");
        assert_eq!(leaked, "0", "request {i}: the previous request's temporary table is gone");
        must(run(link, "SET application_name = 'dirty'"), "set");
        must(run(link, "CREATE TEMP TABLE loop_leak (a int)"), "create");
        assert_eq!(pconn_request_end(), PCONN_OK);
        // Every tenth request comes after a pause, as a server's next request often does.
        if i % 10 == 9 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let after = stats();
    assert_moved(&before, &after, &[("reused", REQUESTS), ("rolled_back", REQUESTS), ("reset", REQUESTS)]);
    assert_eq!(after.get("persistent_links"), before.get("persistent_links"), "no link opened or lost: {}", after.0);
    assert_eq!(pconn_close_all(), PCONN_OK);
}
