//! `make bench`: the costs of the foundation, side by side in one run.
//!
//! - a pconnect hit + request end with no query (the pool's own overhead);
//! - pconnect + `SELECT 1` + request end (with the session reset) vs a new connection +
//!   `SELECT 1` + close, on PostgreSQL (a throwaway cluster started here, directly and through
//!   PgBouncer in session and in transaction mode), MariaDB (the protocol reset, a throwaway server
//!   started here) and SQLite.

#[path = "support/mod.rs"]
mod support;

use pconn::ffi::*;
use std::ffi::CString;
use std::time::{Duration, Instant};

use support::ok;

struct Target {
    name: &'static str,
    conn: CString,
    user: CString,
    password: CString,
}

impl Target {
    fn with_reset(&self, reset: &str) -> Target {
        let conn = format!("{};PconnReset={reset}", self.conn.to_str().unwrap());
        Target { name: self.name, conn: CString::new(conn).unwrap(), user: self.user.clone(), password: self.password.clone() }
    }
}

fn select_one(link: pconn_link) {
    let mut result = 0;
    ok(pconn_exec(link, c"SELECT 1".as_ptr(), &mut result), "exec");
    ok(pconn_fetch(result), "fetch");
    ok(pconn_result_free(result), "free");
}

/// Runs `cycle` repeatedly for about `budget`; returns (cycles, nanoseconds per cycle).
fn measure(budget: Duration, mut cycle: impl FnMut()) -> (u64, f64) {
    for _ in 0..50 {
        cycle();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..50 {
            cycle();
        }
        n += 50;
    }
    (n, start.elapsed().as_nanos() as f64 / n as f64)
}

fn pconnect(t: &Target) -> pconn_link {
    let mut link = 0;
    ok(pconn_pconnect(t.conn.as_ptr(), t.user.as_ptr(), t.password.as_ptr(), &mut link), "pconnect");
    link
}

fn bench_target(t: &Target, budget: Duration) {
    println!("\n== {} ==", t.name);
    // Warm the pool.
    pconnect(t);
    ok(pconn_request_end(), "request end");
    let (_, hit) = measure(budget, || {
        pconnect(t);
        ok(pconn_request_end(), "request end");
    });
    println!("{:<52} {:>12.0} ns/cycle", "pconnect hit + request end (no query)", hit);

    let (_, pconn_q) = measure(budget, || {
        select_one(pconnect(t));
        ok(pconn_request_end(), "request end");
    });
    let no_reset = t.with_reset("none");
    pconnect(&no_reset);
    ok(pconn_request_end(), "request end");
    let (_, pconn_q_noreset) = measure(budget, || {
        select_one(pconnect(&no_reset));
        ok(pconn_request_end(), "request end");
    });
    let (_, fresh_q) = measure(budget, || {
        let mut link = 0;
        ok(pconn_new_connect(t.conn.as_ptr(), t.user.as_ptr(), t.password.as_ptr(), &mut link), "new_connect");
        select_one(link);
        ok(pconn_close(link), "close");
    });
    let per_sec = |ns: f64| 1e9 / ns;
    println!("{:<52} {:>12.0} req/s", "pconnect + SELECT 1 + request end (full reset)", per_sec(pconn_q));
    println!("{:<52} {:>12.0} req/s", "pconnect + SELECT 1 + request end (reset=none)", per_sec(pconn_q_noreset));
    println!("{:<52} {:>12.0} req/s", "connect + SELECT 1 + close", per_sec(fresh_q));
    println!("{:<52} {:>12.1}x", "ratio pconnect (full reset) / connect", fresh_q / pconn_q);
    println!("{:<52} {:>12.1}x", "ratio pconnect (reset=none) / connect", fresh_q / pconn_q_noreset);
    ok(pconn_close_all(), "close all");
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("PCONN_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
    );
    let sqlite_db = std::env::temp_dir().join(format!("pconn-bench-{}.db", std::process::id()));
    let sqlite = Target {
        name: "SQLite (SQLite3 ODBC, file database)",
        conn: CString::new(format!("Driver=SQLite3;Database={}", sqlite_db.display())).unwrap(),
        user: CString::default(),
        password: CString::default(),
    };

    let pg = support::pg_server::PgServer::given_or_started("bench");
    let postgres = Target {
        name: "PostgreSQL 15 (psqlODBC, loopback)",
        conn: CString::new(pg.conn_str.as_str()).unwrap(),
        user: CString::new(pg.user.as_str()).unwrap(),
        password: CString::new(pg.password.as_str()).unwrap(),
    };
    let maria = support::pg_server::Server::mariadb_given_or_started("bench");
    let mariadb = Target {
        name: "MariaDB 10.11 (MariaDB Connector/ODBC, loopback, general log on)",
        conn: CString::new(maria.conn_str.as_str()).unwrap(),
        user: CString::new(maria.user.as_str()).unwrap(),
        password: CString::new(maria.password.as_str()).unwrap(),
    };
    let bouncers = ["session", "transaction"].map(|mode| pg.pgbouncer_in_front("bench", mode));
    let through_bouncer = |bouncer: &Option<support::pg_server::Server>, name: &'static str, extra: &str| {
        bouncer.as_ref().map(|b| Target {
            name,
            conn: CString::new(format!("{}{extra}", b.conn_str)).unwrap(),
            user: CString::new(b.user.as_str()).unwrap(),
            password: CString::new(b.password.as_str()).unwrap(),
        })
    };
    let session_mode = through_bouncer(&bouncers[0], "PostgreSQL 15 through PgBouncer, session mode", "");
    let transaction_mode = through_bouncer(
        &bouncers[1],
        "PostgreSQL 15 through PgBouncer, transaction mode (PconnPooler=transaction)",
        ";PconnPooler=transaction",
    );
    println!("pconn {} — foundation benchmark ({} ms per measurement)", env!("CARGO_PKG_VERSION"), budget.as_millis());
    let outcome = std::panic::catch_unwind(|| {
        bench_target(&postgres, budget);
        for target in session_mode.iter().chain(&transaction_mode) {
            bench_target(target, budget);
        }
        bench_target(&mariadb, budget);
        bench_target(&sqlite, budget);
    });
    drop(bouncers);
    drop(pg);
    drop(maria);
    let _ = std::fs::remove_file(&sqlite_db);
    if outcome.is_err() {
        std::process::exit(1);
    }
}
