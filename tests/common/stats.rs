//! The pool's statistics (`pconn_stats_json`), parsed just enough for the tests, and the check
//! that exactly the expected counters moved.

use super::c_str::text;
use pconn::ffi::*;

/// A snapshot of the statistics document.
pub struct Stats(pub String);

/// The statistics once no reset is under way: they count what every request end did.
pub fn stats() -> Stats {
    wait_for_resets()
}

/// Waits until no link is being reset after its request (statistics wait only briefly for
/// resets themselves); returns the statistics then.
pub fn wait_for_resets() -> Stats {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let stats = Stats(text(pconn_stats_json()));
        if stats.get("resetting") == 0 || std::time::Instant::now() > deadline {
            return stats;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

impl Stats {
    /// A top-level counter or a discard reason (the names are unique in the document).
    pub fn get(&self, name: &str) -> u64 {
        let pattern = format!("\"{name}\":");
        let start = self.0.find(&pattern).unwrap_or_else(|| panic!("no {name} in {}", self.0)) + pattern.len();
        let digits: String = self.0[start..].chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().unwrap()
    }

    /// (idle, in use) of the key whose display name contains `fragment`; (0, 0) when it is not
    /// listed.
    pub fn key(&self, fragment: &str) -> (u64, u64) {
        let keys = &self.0[self.0.find("\"keys\":[").expect("keys")..];
        for entry in keys.split("{\"key\":").skip(1) {
            if entry.contains(fragment) {
                let entry = Stats(entry.to_owned());
                return (entry.get("idle"), entry.get("in_use"));
            }
        }
        (0, 0)
    }
}

/// The counters that moved between two snapshots, as (name, delta); every name not listed must
/// not have moved.
pub fn assert_moved(before: &Stats, after: &Stats, expected: &[(&str, u64)]) {
    const COUNTERS: &[&str] = &[
        "opened",
        "reused",
        "dead_replaced",
        "pings",
        "rolled_back",
        "reset",
        "closed",
        "limit_refusals",
        "limit_fallbacks",
        "failed_connects",
        "broken",
        "idle_timeout",
        "lifetime",
        "uses",
        "failed_cleanup",
        "limit",
        "dropped",
        "exit",
        "unverified_reset",
        "reset_timeout",
    ];
    let mut problems = Vec::new();
    for name in COUNTERS {
        let want = expected.iter().find(|(n, _)| n == name).map_or(0, |(_, d)| *d);
        let got = after.get(name) - before.get(name);
        if got != want {
            problems.push(format!("{name}: moved by {got}, expected {want}"));
        }
    }
    assert!(problems.is_empty(), "{}\nbefore: {}\nafter:  {}", problems.join("\n"), before.0, after.0);
}

