//! How long a pooled link lives: `idle_timeout`, `max_lifetime`, `max_uses`, on SQLite (no
//! server needed to count links).
//!
//! The pool is process-wide: every test here takes [`serial`] first.

mod common;

use common::calls::*;
use common::serial::serial;
use common::stats::{assert_moved, stats};
use std::time::{Duration, Instant};

use pconn::ffi::pconn_status::*;

// Timing: the machine running these tests may be loaded (2 cores, several builds), so a test may
// stall for a long while between any two calls. A stall only makes links older, so:
// - "not yet expired" is asserted only while the limit is a minute, which no stall reaches;
// - "expired" is asserted after lowering the limit (pconn reads `idle_timeout` and `max_lifetime`
//   at every check, for links already in the pool too) and sleeping well past it: the sleep is a
//   lower bound, and a stall only adds to it.
// No assertion depends on something happening before a deadline.

/// A limit no stall of a loaded machine reaches.
const A_MINUTE: &str = "60";

#[test]
fn idle_timeout_evicts_at_hand_out_and_in_the_sweep() {
    let _serial = serial();
    let (a, b, c) = (Target::sqlite("it-a"), Target::sqlite("it-b"), Target::sqlite("it-c"));
    assert_eq!(set_option("idle_timeout", A_MINUTE), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a");
    end_request();
    must(pconnect(&a), "a again, at once");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("reused", 1)]);

    // A timeout of 0.3 s, and a wait of more than three times that (also past the sweep's 0.5 s
    // period).
    assert_eq!(set_option("idle_timeout", "0.3"), PCONN_OK);
    let well_past = Duration::from_secs(1);
    std::thread::sleep(well_past);
    let before = stats();
    must(pconnect(&a), "a after its idle timeout");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("idle_timeout", 1)]);

    // b is never asked for again: the lazy sweep on another key's connect closes it. The new a
    // is idle from here on too. The snapshot is taken before b's connect: should the machine
    // stall past a's timeout before b connects, b's connect sweeps a instead of c's; either way
    // both land in this window.
    let before = stats();
    must(pconnect(&b), "b");
    end_request();
    std::thread::sleep(well_past);
    must(pconnect(&c), "c");
    end_request();
    let after = stats();
    // a and b were both idle past the timeout.
    assert_moved(&before, &after, &[("opened", 2), ("idle_timeout", 2)]);
    assert_eq!(after.key("it-b"), (0, 0));
    // Statistics do not sweep: c, just used, is still there however long that took.
    assert_eq!(after.key("it-c"), (1, 0));
}

#[test]
fn max_lifetime_evicts_old_links_even_when_busy() {
    let _serial = serial();
    let a = Target::sqlite("lt-a");
    assert_eq!(set_option("max_lifetime", A_MINUTE), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a");
    end_request();
    // The link was opened before this instant: it is at least as old as the time since.
    let opened_by = Instant::now();
    // Busy (never idle long), and getting old.
    let mut cycles = 0;
    while opened_by.elapsed() < Duration::from_millis(400) {
        must(pconnect(&a), "a");
        end_request();
        cycles += 1;
    }
    assert_moved(&before, &stats(), &[("opened", 1), ("reused", cycles)]);

    // Lowered to 0.2 s (0.18–0.2 s with the jitter): the link, at least 0.4 s old, is past it.
    assert_eq!(set_option("max_lifetime", "0.2"), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a past its lifetime");
    // Back to a minute before the request ends, where the lifetime is checked again: the link
    // just opened is not old enough, however long the machine took to get here.
    assert_eq!(set_option("max_lifetime", A_MINUTE), PCONN_OK);
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("lifetime", 1)]);
}

#[test]
fn max_uses_evicts_after_that_many_requests() {
    let _serial = serial();
    let a = Target::sqlite("uses-a");
    assert_eq!(set_option("max_uses", "3"), PCONN_OK);
    let before = stats();
    for _ in 0..3 {
        must(pconnect(&a), "a");
        end_request();
    }
    // Closed as its third request ended, not kept to be found spent.
    let after = stats();
    assert_moved(&before, &after, &[("opened", 1), ("reused", 2), ("uses", 1)]);
    assert_eq!(after.key("uses-a"), (0, 0));
    for _ in 0..4 {
        must(pconnect(&a), "a");
        end_request();
    }
    assert_moved(&after, &stats(), &[("opened", 2), ("reused", 2), ("uses", 1)]);
}

