//! A server that stops answering (its backend SIGSTOPped) while a link of it is being reset after
//! its request: other identities are not held up, statistics do not wait, and the stuck link's
//! own key gets a new link after `reset_timeout`, the stuck one abandoned and counted. On a real
//! PostgreSQL (started by the tests).

mod common;

use common::c_str::text;
use common::calls::*;
use common::serial::serial;
use common::stats::Stats;
use pconn::ffi::*;
use std::time::{Duration, Instant};

use pconn_status::*;

/// A stopped server process, resumed when this goes out of scope (also when the test fails).
struct Stopped(u32);

impl Stopped {
    fn stop(pid: u32) -> Stopped {
        // SAFETY: a plain signal to a server process the test itself connected to.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGSTOP) }, 0, "SIGSTOP {pid}");
        Stopped(pid)
    }

    fn still_stopped(&self) -> bool {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.0)).unwrap_or_default();
        // The state follows the command name in parentheses: T when stopped.
        stat.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('T'))
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        // SAFETY: as in `stop`.
        unsafe { libc::kill(self.0 as libc::pid_t, libc::SIGCONT) };
    }
}

/// Statistics as they are, without waiting for resets (the tests' `stats()` waits for them).
fn stats_now() -> (Stats, Duration) {
    let started = Instant::now();
    let json = Stats(text(pconn_stats_json()));
    (json, started.elapsed())
}

#[test]
fn a_stopped_server_holds_up_no_other_identity_and_its_link_is_replaced_after_reset_timeout() {
    let _serial = serial();
    assert_eq!(set_option("reset_timeout", "2"), PCONN_OK);
    // Two identities (a pconn option in the string makes a key of its own).
    let a = Target::pg("PconnPingSql=SELECT 'stuck a'");
    let b = Target::pg("PconnPingSql=SELECT 'fine b'");

    // A request with a link of each, both with something to reset.
    let link_a = must(pconnect(&a), "pconnect A");
    let pid_a = backend_pid(link_a);
    must(run(link_a, "SET application_name = 'stuck'"), "dirty A");
    let link_b = must(pconnect(&b), "pconnect B");
    let pid_b = backend_pid(link_b);
    must(run(link_b, "SET application_name = 'fine'"), "dirty B");

    // A's server stops just before the request ends: A's reset never gets an answer.
    let stopped = Stopped::stop(pid_a);
    let started = Instant::now();
    assert_eq!(pconn_request_end(), PCONN_OK);
    let request_end_took = started.elapsed();

    // B is not held up: its link comes back from its reset, the same session.
    let started = Instant::now();
    let link_b = must(pconnect(&b), "pconnect B while A's server is stopped");
    assert_eq!(must(query(link_b, "SELECT current_setting('application_name')"), "B's reset"), "");
    let b_took = started.elapsed();
    assert_eq!(backend_pid(link_b), pid_b, "B's own link, reset");
    assert!(stopped.still_stopped(), "A's server was stopped all along");

    // Statistics do not wait for A's reset.
    let (json, stats_took) = stats_now();
    assert_eq!(json.get("resetting"), 1, "A's link is still being reset: {}", json.0);

    // A's next hand-out waits reset_timeout, then gets a new link; the stuck one is counted.
    let started = Instant::now();
    let new_a = must(pconnect(&a), "pconnect A after reset_timeout");
    let a_took = started.elapsed();
    assert!(stopped.still_stopped(), "A's old server session was stopped all along");
    let new_pid_a = backend_pid(new_a);
    assert_ne!(new_pid_a, pid_a, "a new session for A");
    let (json, _) = stats_now();
    assert_eq!(json.get("reset_timeout"), 1, "the stuck link counted: {}", json.0);
    assert_eq!(json.get("resetting"), 0, "nothing waits for the abandoned link: {}", json.0);
    assert_eq!(json.get("persistent_links"), 2, "the new A and B; the abandoned one is not the pool's: {}", json.0);

    // close_all does not wait for the abandoned link either.
    let started = Instant::now();
    assert_eq!(pconn_close_all(), PCONN_OK);
    let close_all_took = started.elapsed();
    assert!(close_all_took < Duration::from_secs(10), "close_all took {close_all_took:?}");

    eprintln!(
        "stopped server: request end {request_end_took:?}, B's pconnect and query {b_took:?}, statistics {stats_took:?}, \
         A's pconnect {a_took:?} (reset_timeout 2 s), close_all {close_all_took:?}"
    );
    // Generous bounds: a loaded machine is slow, a blocked call takes forever.
    assert!(b_took < Duration::from_secs(3), "B took {b_took:?}");
    assert!(stats_took < Duration::from_secs(3), "statistics took {stats_took:?}");
    assert!(a_took < Duration::from_secs(10), "A took {a_took:?}");

    // Once A's server answers again, the abandoned link is disconnected, never handed out.
    drop(stopped);
    common::pg::pg().wait_backend_gone(pid_a);
}
