//! `make bench`: how the pconnect hit path scales with the number of keys and threads.
//!
//! One cycle is `pconn_pconnect` answered from the idle pool + `pconn_request_end`, with the
//! liveness check on as configured by default (the driver's dead-connection attribute at every
//! hand-out, a round trip only after `ping_interval`, 60 s, which these cycles never reach). No
//! statement runs, so request end has nothing to roll back or reset: this is the pool's own cost.
//!
//! SQLite makes no server round trip, so the figures are pconn's and the driver manager's. Keys
//! are distinct in-memory databases: `Database=:memory:;PconnPingSql=SELECT <n>` (a per-connection
//! option is part of the key and is not sent to the driver). Each thread walks all keys in turn,
//! so with many keys every hand-out touches a cold part of the pool.
//!
//! `PCONN_BENCH_MS` sets the time per measurement (default 1000 ms); `PCONN_BENCH_KEYS` (e.g.
//! `10000`) and `PCONN_BENCH_THREADS` (e.g. `1`) run one row only, for a profiler.

use pconn::ffi::*;
use std::ffi::{CStr, CString};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

fn ok(status: pconn_status, what: &str) {
    if status != pconn_status::PCONN_OK {
        let message = unsafe { CStr::from_ptr(pconn_errmsg(0)) }.to_string_lossy().into_owned();
        panic!("{what}: {status:?}: {message}");
    }
}

fn keys(count: usize) -> Vec<CString> {
    (0..count)
        .map(|n| CString::new(format!("Driver=SQLite3;Database=:memory:;PconnPingSql=SELECT {n}")).unwrap())
        .collect()
}

fn cycle(conn: &CStr) {
    let mut link = 0;
    ok(pconn_pconnect(conn.as_ptr(), std::ptr::null(), std::ptr::null(), &mut link), "pconnect");
    ok(pconn_request_end(), "request end");
}

/// Runs cycles over `keys` in `threads` threads for about `budget`; returns (ns per cycle seen by
/// one thread, cycles per second of all threads together).
fn measure(keys: &Arc<Vec<CString>>, threads: usize, budget: Duration) -> (f64, f64) {
    let barrier = Arc::new(Barrier::new(threads));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let keys = keys.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                // Warm: every key has an idle link for this thread, the caches are filled.
                let offset = t * keys.len() / threads.max(1);
                for i in 0..keys.len() {
                    cycle(&keys[(i + offset) % keys.len()]);
                }
                barrier.wait();
                let start = Instant::now();
                let mut n = 0usize;
                while start.elapsed() < budget {
                    for _ in 0..100 {
                        cycle(&keys[(n + offset) % keys.len()]);
                        n += 1;
                    }
                }
                (n, start.elapsed())
            })
        })
        .collect();
    let results: Vec<(usize, Duration)> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let per_cycle = results.iter().map(|(n, d)| d.as_nanos() as f64 / *n as f64).sum::<f64>() / threads as f64;
    let throughput = results.iter().map(|(n, d)| *n as f64 / d.as_secs_f64()).sum::<f64>();
    (per_cycle, throughput)
}

fn stat(json: &str, name: &str) -> u64 {
    let pattern = format!("\"{name}\":");
    json.find(&pattern)
        .map(|i| json[i + pattern.len()..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("PCONN_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
    );
    println!("pconnect hit + request end, liveness check on (dead attribute; ping_interval 60 s)");
    println!("SQLite3 ODBC, in-memory databases, {} ms per row\n", budget.as_millis());
    println!("{:>7} {:>8} {:>16} {:>18}", "keys", "threads", "ns/cycle/thread", "cycles/s (total)");
    let only = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<usize>().ok());
    let key_counts = only("PCONN_BENCH_KEYS").map_or(vec![1, 100, 10_000], |n| vec![n]);
    let thread_counts = only("PCONN_BENCH_THREADS").map_or(vec![1, 2], |n| vec![n]);
    for &key_count in &key_counts {
        let keys = Arc::new(keys(key_count));
        for &threads in &thread_counts {
            let before = unsafe { CStr::from_ptr(pconn_stats_json()) }.to_string_lossy().into_owned();
            let (per_cycle, throughput) = measure(&keys, threads, budget);
            let after = unsafe { CStr::from_ptr(pconn_stats_json()) }.to_string_lossy().into_owned();
            println!("{key_count:>7} {threads:>8} {per_cycle:>16.0} {throughput:>18.0}");
            // A hit that opened, pinged or replaced a link would not be a hit.
            let opened = stat(&after, "opened") - stat(&before, "opened");
            let pings = stat(&after, "pings") - stat(&before, "pings");
            let dead = stat(&after, "dead_replaced") - stat(&before, "dead_replaced");
            if pings + dead > 0 || opened > (key_count * threads) as u64 {
                println!("        (not all hits: {opened} opened, {pings} pings, {dead} found dead)");
            }
        }
        ok(pconn_close_all(), "close all");
    }
}
