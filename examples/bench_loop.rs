//! `make bench`: a server's request loop, one thread, one request after another with no pause:
//! `pconn_pconnect` (a pool hit) + `SELECT 1` read whole + `pconn_request_end`, repeated.
//!
//! Side by side, in one run, on PostgreSQL (psqlODBC, loopback) and SQLite (file database):
//! - the same statements on one ODBC connection held by the program (no pool, nothing cleaned),
//!   and on PostgreSQL that plus `DISCARD ALL` (what a clean-up costs by hand: one round trip);
//! - pconn with the full clean-up, the reset handed to pconn's reset thread (`background_reset`
//!   on, the default) and run by request end itself (off);
//! - pconn with `PconnReset=none`.
//!
//! With no pause between requests the reset can hide nowhere: the next hand-out of the same
//! link runs it. Background on should cost what off costs (the reset's round trip), not more.
//! The variants take turns in slices of 100 ms, so a noisy neighbour slows all of them alike.
//! `PCONN_BENCH_MS` sets the time per figure (default 2000 ms).

#[path = "support/mod.rs"]
mod support;

use odbc_api::{ConnectionOptions, Cursor, Environment};
use pconn::ffi::*;
use std::ffi::CString;
use std::time::{Duration, Instant};

use support::{ok, ok_on};

/// A connection string with its user and password.
struct Target {
    conn: String,
    user: String,
    password: String,
}

impl Target {
    fn c(&self, extra: &str) -> [CString; 3] {
        [format!("{}{extra}", self.conn), self.user.clone(), self.password.clone()].map(|s| CString::new(s).unwrap())
    }

    /// The connection string for a connection of the program's own.
    fn direct(&self) -> String {
        let mut conn = self.conn.clone();
        if !self.user.is_empty() {
            conn.push_str(&format!(";UID={};PWD={}", self.user, self.password));
        }
        conn
    }
}

/// One request through pconn.
fn pconn_request(key: &[CString; 3]) {
    let mut link = 0;
    ok(pconn_pconnect(key[0].as_ptr(), key[1].as_ptr(), key[2].as_ptr(), &mut link), "pconnect");
    let mut result = 0;
    ok_on(pconn_exec(link, c"SELECT 1".as_ptr(), &mut result), link, "exec");
    while pconn_fetch(result) == pconn_status::PCONN_OK {}
    ok_on(pconn_result_free(result), link, "free");
    ok(pconn_request_end(), "request end");
}

/// One request on a connection of the program's own: `SELECT 1` read whole, then `reset` if any.
fn direct_request(conn: &odbc_api::Connection<'_>, reset: Option<&str>) {
    let mut cursor = conn.execute("SELECT 1", (), None).expect("SELECT 1").expect("a result set");
    let mut value = Vec::new();
    while let Some(mut row) = cursor.next_row().expect("fetch") {
        row.get_text(1, &mut value).expect("read");
    }
    drop(cursor);
    if let Some(reset) = reset {
        conn.execute(reset, (), None).expect("reset");
    }
}

/// A variant: its name, the `background_reset` it runs with, and one request of it.
type Variant<'a> = (&'static str, bool, Box<dyn FnMut() + 'a>);

/// Runs the variants in turns of `slice` for about `budget` each; returns requests per second.
fn measure(variants: &mut [Variant<'_>], budget: Duration, slice: Duration) -> Vec<f64> {
    let mut spent = vec![Duration::ZERO; variants.len()];
    let mut done = vec![0u64; variants.len()];
    for (_, background, request) in variants.iter_mut() {
        set_background_reset(*background);
        for _ in 0..50 {
            request();
        }
    }
    let rounds = (budget.as_secs_f64() / slice.as_secs_f64()).ceil().max(1.0) as usize;
    for _ in 0..rounds {
        for (i, (_, background, request)) in variants.iter_mut().enumerate() {
            set_background_reset(*background);
            let start = Instant::now();
            while start.elapsed() < slice {
                for _ in 0..10 {
                    request();
                }
                done[i] += 10;
            }
            spent[i] += start.elapsed();
        }
    }
    done.iter().zip(&spent).map(|(n, t)| *n as f64 / t.as_secs_f64()).collect()
}

fn set_background_reset(on: bool) {
    let value = if on { c"on" } else { c"off" };
    ok(pconn_set_option(c"background_reset".as_ptr(), value.as_ptr()), "background_reset");
}

fn bench_target(name: &str, target: &Target, server_reset: Option<&str>, budget: Duration) {
    println!("\n== {name} ==");
    let env = Environment::new().expect("ODBC environment");
    let direct = env.connect_with_connection_string(&target.direct(), ConnectionOptions::default()).expect("direct connection");
    let (full, none) = (target.c(""), target.c(";PconnReset=none"));
    let direct = &direct;
    let mut variants: Vec<Variant<'_>> =
        vec![("direct ODBC connection, nothing cleaned", true, Box::new(move || direct_request(direct, None)))];
    if let Some(reset) = server_reset {
        variants.push(("direct ODBC connection + DISCARD ALL", true, Box::new(move || direct_request(direct, Some(reset)))));
    }
    variants.push(("pconn, full clean-up, background_reset=on", true, Box::new(|| pconn_request(&full))));
    variants.push(("pconn, full clean-up, background_reset=off", false, Box::new(|| pconn_request(&full))));
    variants.push(("pconn, PconnReset=none", true, Box::new(|| pconn_request(&none))));
    let rates = measure(&mut variants, budget, Duration::from_millis(100));
    set_background_reset(true);
    println!("  {:<48} {:>9} {:>9} {:>12}", "", "req/s", "µs/req", "vs direct");
    for ((name, ..), rate) in variants.iter().zip(&rates) {
        println!("  {name:<48} {rate:>9.0} {:>9.1} {:>11.2}x", 1e6 / rate, rate / rates[0]);
    }
    let by_name = |wanted: &str| variants.iter().position(|(name, ..)| name.ends_with(wanted)).map(|i| rates[i]).unwrap();
    println!(
        "  background_reset on / off: {:.2}x (goal: >= 1.0 within noise)",
        by_name("background_reset=on") / by_name("background_reset=off")
    );
    if server_reset.is_some() {
        println!(
            "  pconn full clean-up (on) / direct + DISCARD ALL: {:.2}x",
            by_name("background_reset=on") / by_name("+ DISCARD ALL")
        );
    }
    ok(pconn_close_all(), "close all");
}

fn main() {
    let budget = Duration::from_millis(std::env::var("PCONN_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000));
    println!("pconn {} — request loop: pconnect + SELECT 1 + request end, back to back ({} ms per figure)", env!("CARGO_PKG_VERSION"), budget.as_millis());
    let pg = support::pg_server::PgServer::given_or_started("bench-loop");
    let postgres = Target { conn: pg.conn_str.clone(), user: pg.user.clone(), password: pg.password.clone() };
    let sqlite_db = std::env::temp_dir().join(format!("pconn-bench-loop-{}.db", std::process::id()));
    let sqlite = Target { conn: format!("Driver=SQLite3;Database={}", sqlite_db.display()), user: String::new(), password: String::new() };
    let outcome = std::panic::catch_unwind(|| {
        bench_target("PostgreSQL (psqlODBC, loopback)", &postgres, Some("DISCARD ALL"), budget);
        bench_target("SQLite (SQLite3 ODBC, file database)", &sqlite, None, budget);
    });
    drop(pg);
    let _ = std::fs::remove_file(&sqlite_db);
    if outcome.is_err() {
        std::process::exit(1);
    }
}
