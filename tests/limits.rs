//! pconn's own limits (`max_per_key`, `max_persistent`, `max_links`, `on_limit`) and the
//! server's connection limit, through the C ABI.
//!
//! The pool is process-wide: every test here takes [`serial`] first.

mod common;

use common::calls::*;
use common::pg::{PgServer, start_cluster, stop_cluster};
use common::serial::serial;
use common::stats::{assert_moved, stats};
use pconn::ffi::*;
use std::sync::mpsc;

use pconn_status::*;

// ---------------------------------------------------------------------------------------------
// The server's own connection limit

/// A cluster of its own with a low `max_connections`, stopped when dropped.
struct LowLimitServer(PgServer);

impl LowLimitServer {
    fn start(max_connections: u32) -> LowLimitServer {
        let dir = std::env::temp_dir().join(format!("pconn-pg-low-{}", std::process::id()));
        LowLimitServer(start_cluster(dir, &[("PG_TMP_MAX_CONNECTIONS", &max_connections.to_string())]))
    }

    fn target(&self, extra: &str) -> Target {
        Target::on(&self.0, extra)
    }
}

impl Drop for LowLimitServer {
    fn drop(&mut self) {
        pconn_request_end();
        pconn_close_all();
        stop_cluster(&self.0.dir);
    }
}

#[test]
fn server_connection_limit_gives_a_clear_error_and_leaves_other_links_alone() {
    let _serial = serial();
    // PostgreSQL keeps 3 of these for superusers: the test role gets 3.
    let server = LowLimitServer::start(6);
    let before = stats();
    let mut links = Vec::new();
    let mut refused = None;
    for i in 0..6 {
        // Distinct keys: each pconnect needs a link of its own.
        match pconnect(&server.target(&format!("PconnPingSql=SELECT {i}"))) {
            Ok(link) => links.push(link),
            Err(failure) => {
                refused = Some(failure);
                break;
            }
        }
    }
    let failure = refused.expect("the server refused a connection at its limit");
    assert_eq!(links.len(), 3, "the role has 3 connections");
    assert_eq!(failure.status, PCONN_ERROR, "{failure:?}");
    // The server's own words: "too many clients already", or (for the slots kept for
    // superusers) "remaining connection slots are reserved".
    assert!(
        failure.message.contains("too many clients") || failure.message.contains("connection slots are reserved"),
        "{failure:?}"
    );
    assert!(failure.sqlstate.starts_with("08") || failure.sqlstate == "53300", "{failure:?}");
    for &link in &links {
        assert_eq!(must(query(link, "SELECT 1"), "the other links still work"), "1");
    }
    let middle = stats();
    assert_moved(&before, &middle, &[("opened", 3), ("failed_connects", 1)]);
    assert_eq!(middle.get("persistent_links"), 3);
    assert_eq!(middle.get("total_links"), 3);

    // Room again once a link is dropped.
    assert_eq!(pconn_drop(links.pop().unwrap()), PCONN_OK);
    let link = must(pconnect(&server.target("PconnPingSql=SELECT 99")), "pconnect after room was made");
    assert_eq!(must(query(link, "SELECT 2"), "query"), "2");
    end_request();
    assert_eq!(stats().get("persistent_links"), 3);
}

// ---------------------------------------------------------------------------------------------
// pconn's own limits (SQLite: no server needed to count links)

/// Holds a pconnect of `target` in a thread of its own (its own request) until dropped.
struct Holder {
    release: mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Holder {
    fn hold(target: &Target) -> Holder {
        let target = target.clone();
        let (got, wait_got) = mpsc::channel();
        let (release, wait_release) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let link = pconnect(&target);
            let ok = link.is_ok();
            got.send(link.map(|_| ()).map_err(|f| format!("{f:?}"))).unwrap();
            if ok {
                let _ = wait_release.recv();
            }
            assert_eq!(pconn_request_end(), PCONN_OK);
        });
        wait_got.recv().unwrap().expect("holder's pconnect");
        Holder { release, thread: Some(thread) }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.release.send(());
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

#[test]
fn max_per_key_refuses_or_falls_back() {
    let _serial = serial();
    let target = Target::sqlite("per-key");
    assert_eq!(set_option("max_per_key", "1"), PCONN_OK);
    let holder = Holder::hold(&target);

    let before = stats();
    let failure = pconnect(&target).expect_err("max_per_key reached");
    assert_eq!(failure.status, PCONN_LIMIT);
    assert!(failure.message.contains("max_per_key (1)"), "{failure:?}");
    assert_moved(&before, &stats(), &[("limit_refusals", 1)]);

    assert_eq!(set_option("on_limit", "fallback"), PCONN_OK);
    let before = stats();
    let link = must(pconnect(&target), "fallback");
    assert_eq!(pconn_link_is_persistent(link), 0);
    // The fallback answers identical pconnects of the same request.
    assert_eq!(must(pconnect(&target), "repeat"), link);
    end_request();
    assert_moved(&before, &stats(), &[("limit_fallbacks", 1), ("opened", 1), ("closed", 1)]);
    drop(holder);
    let after = stats();
    assert_eq!(after.key("per-key"), (1, 0));
    assert_eq!(after.get("total_links"), 1);
}

#[test]
fn max_persistent_closes_idle_links_first_then_refuses() {
    let _serial = serial();
    let (a, b, c) = (Target::sqlite("mp-a"), Target::sqlite("mp-b"), Target::sqlite("mp-c"));
    assert_eq!(set_option("max_persistent", "2"), PCONN_OK);
    let before = stats();
    let link_a = must(pconnect(&a), "a");
    must(pconnect(&b), "b");
    let failure = pconnect(&c).expect_err("both persistent links are in use");
    assert_eq!(failure.status, PCONN_LIMIT);
    assert!(failure.message.contains("max_persistent (2)"), "{failure:?}");
    // The request goes on: its links still work.
    assert_eq!(must(query(link_a, "SELECT 1"), "a still works"), "1");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 2), ("limit_refusals", 1), ("rolled_back", 1), ("reset", 1)]);

    // Now a and b are idle: c closes the one idle longest (a) to make room.
    let before = stats();
    must(pconnect(&c), "c");
    must(pconnect(&b), "b from the pool");
    let after = stats();
    assert_moved(&before, &after, &[("opened", 1), ("reused", 1), ("limit", 1)]);
    assert_eq!(after.key("mp-a"), (0, 0));
    let failure = pconnect(&a).expect_err("b and c are in use");
    assert!(failure.message.contains("max_persistent"), "{failure:?}");
    end_request();
    assert_eq!(stats().get("persistent_links"), 2);
}

#[test]
fn max_links_counts_every_kind_and_closes_idle_links_first() {
    let _serial = serial();
    let (a, b) = (Target::sqlite("ml-a"), Target::sqlite("ml-b"));
    assert_eq!(set_option("max_links", "2"), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a");
    must(new_connect(&b), "fresh b");
    let failure = new_connect(&b).expect_err("two links open");
    assert_eq!(failure.status, PCONN_LIMIT);
    assert!(failure.message.contains("max_links (2)"), "{failure:?}");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 2), ("closed", 1), ("limit_refusals", 1)]);

    // a is idle: a fresh link may take its place, even one of the same key.
    assert_eq!(set_option("max_links", "1"), PCONN_OK);
    let before = stats();
    must(new_connect(&a), "fresh a in place of the idle one");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("closed", 1), ("limit", 1)]);
    assert_eq!(stats().get("total_links"), 0);
}

