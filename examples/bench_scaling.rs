//! `make bench`: how the pconnect hit path scales with the number of keys and threads.
//!
//! One cycle is `pconn_pconnect` answered from the idle pool + `pconn_request_end`, with the
//! liveness check on as configured by default (a round trip only after `ping_interval`, 60 s,
//! which these cycles never reach). No statement runs, so request end has nothing to roll back or
//! reset: this is the pool's own cost.
//!
//! SQLite makes no server round trip and has no socket, so its figures are pconn's and the driver
//! manager's (the local check is the driver's dead-connection attribute). Keys are distinct
//! in-memory databases: `Database=:memory:;PconnPingSql=SELECT <n>` (a per-connection option is
//! part of the key and is not sent to the driver). Each thread walks all keys in turn, so with many
//! keys every hand-out touches a cold part of the pool.
//!
//! The last rows are PostgreSQL (one key): there the local check is a `poll` of the link's
//! socket, a system call per hand-out. The server is the one `PCONN_PG_CONNSTR` names, or a
//! throwaway one (`scripts/pg-tmp`).
//!
//! `PCONN_BENCH_MS` sets the time per measurement (default 1000 ms); `PCONN_BENCH_DRIVER`
//! (`sqlite` or `postgresql`), `PCONN_BENCH_KEYS` (SQLite, e.g. `10000`) and `PCONN_BENCH_THREADS`
//! (e.g. `1`) select rows, for a profiler.

#[path = "support/mod.rs"]
mod support;

use pconn::ffi::*;
use std::ffi::{CStr, CString};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use support::ok;

/// A connection string with its user and password (empty: none).
struct Key {
    conn: CString,
    user: CString,
    password: CString,
}

fn sqlite_keys(count: usize) -> Vec<Key> {
    (0..count)
        .map(|n| Key {
            conn: CString::new(format!("Driver=SQLite3;Database=:memory:;PconnPingSql=SELECT {n}")).unwrap(),
            user: CString::default(),
            password: CString::default(),
        })
        .collect()
}

fn cycle(key: &Key) {
    let mut link = 0;
    ok(pconn_pconnect(key.conn.as_ptr(), key.user.as_ptr(), key.password.as_ptr(), &mut link), "pconnect");
    ok(pconn_request_end(), "request end");
}

/// Runs cycles over `keys` in `threads` threads for about `budget`; returns (ns per cycle seen by
/// one thread, cycles per second of all threads together).
fn measure(keys: &Arc<Vec<Key>>, threads: usize, budget: Duration) -> (f64, f64) {
    let barrier = Arc::new(Barrier::new(threads));
    let turn = Arc::new(Mutex::new(()));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let keys = keys.clone();
            let barrier = barrier.clone();
            let turn = turn.clone();
            std::thread::spawn(move || {
                // Warm: every key gets a link of this thread's, held until every thread is warm, so
                // each key has one idle link per thread. One thread at a time: the sockets of links
                // opened at the same moment by two threads cannot be told apart, and those links
                // would get no socket check.
                let offset = t * keys.len() / threads.max(1);
                {
                    let _turn = turn.lock().unwrap();
                    for i in 0..keys.len() {
                        let key = &keys[(i + offset) % keys.len()];
                        let mut link = 0;
                        ok(pconn_pconnect(key.conn.as_ptr(), key.user.as_ptr(), key.password.as_ptr(), &mut link), "pconnect");
                    }
                }
                barrier.wait();
                ok(pconn_request_end(), "request end");
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

/// Measures one row and prints it, with a note when not every cycle was a hit.
fn row(label: &str, keys: &Arc<Vec<Key>>, threads: usize, budget: Duration) {
    let before = unsafe { CStr::from_ptr(pconn_stats_json()) }.to_string_lossy().into_owned();
    let (per_cycle, throughput) = measure(keys, threads, budget);
    let after = unsafe { CStr::from_ptr(pconn_stats_json()) }.to_string_lossy().into_owned();
    println!("{label:>10} {:>7} {threads:>8} {per_cycle:>16.0} {throughput:>18.0}", keys.len());
    // A hit that opened, pinged or replaced a link would not be a hit.
    let opened = stat(&after, "opened") - stat(&before, "opened");
    let pings = stat(&after, "pings") - stat(&before, "pings");
    let dead = stat(&after, "dead_replaced") - stat(&before, "dead_replaced");
    if pings + dead > 0 || opened > (keys.len() * threads) as u64 {
        println!("           (not all hits: {opened} opened, {pings} pings, {dead} found dead)");
    }
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("PCONN_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
    );
    println!("pconnect hit + request end, liveness check on (ping_interval 60 s)");
    println!("in-memory SQLite databases, then PostgreSQL; {} ms per row\n", budget.as_millis());
    println!("{:>10} {:>7} {:>8} {:>16} {:>18}", "driver", "keys", "threads", "ns/cycle/thread", "cycles/s (total)");
    let only = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<usize>().ok());
    let driver = std::env::var("PCONN_BENCH_DRIVER").unwrap_or_default().to_ascii_lowercase();
    let key_counts = only("PCONN_BENCH_KEYS").map_or(vec![1, 100, 10_000], |n| vec![n]);
    let thread_counts = only("PCONN_BENCH_THREADS").map_or(vec![1, 2], |n| vec![n]);
    if driver.is_empty() || driver == "sqlite" {
        for &key_count in &key_counts {
            let keys = Arc::new(sqlite_keys(key_count));
            for &threads in &thread_counts {
                row("SQLite", &keys, threads, budget);
            }
            ok(pconn_close_all(), "close all");
        }
    }
    if driver.is_empty() || driver == "postgresql" {
        let pg = support::pg_server::PgServer::given_or_started("bench-scaling");
        let keys = Arc::new(vec![Key {
            conn: CString::new(pg.conn_str.clone()).unwrap(),
            user: CString::new(pg.user.clone()).unwrap(),
            password: CString::new(pg.password.clone()).unwrap(),
        }]);
        for &threads in &thread_counts {
            row("PostgreSQL", &keys, threads, budget);
        }
        ok(pconn_close_all(), "close all");
    }
}
