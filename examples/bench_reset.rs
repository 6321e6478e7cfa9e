//! `make bench`: what the PostgreSQL reset costs in its three forms, under `LC_ALL=C` (psqlODBC's
//! `SQL_ASCII`), directly and through PgBouncer in session mode, side by side in one run.
//!
//! Per cycle: pconnect (`PconnReset=none`, so pconn itself sends nothing) + the reset form + `SELECT 1`
//! + request end. The forms:
//! - `DISCARD ALL` alone: what the reset costs when the driver's settings need no restoring;
//! - one query: `DISCARD ALL` spelled out + `set_config('client_encoding', ...)` (pconn's reset
//!   when a restore is needed);
//! - two queries: `DISCARD ALL`, then `set_config` (pconn's reset before, when a restore is needed).
//!
//! The forms take turns in short rounds, so a change in the machine's load hits them alike; the
//! figures are the sums over all rounds.

#[path = "support/mod.rs"]
mod support;

use pconn::ffi::*;
use std::ffi::CString;
use std::time::{Duration, Instant};

use support::{ok, ok_on};

const RESTORE: &str = "SELECT set_config('client_encoding', 'SQL_ASCII', false)";
const DISCARD_SPELLED_OUT: &str = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; \
     SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES";

struct Form {
    name: &'static str,
    queries: Vec<CString>,
}

fn forms() -> Vec<Form> {
    let sql = |text: &str| CString::new(text).unwrap();
    vec![
        Form { name: "DISCARD ALL alone (no restore needed)", queries: vec![sql("DISCARD ALL")] },
        Form { name: "one query: spelled out + set_config", queries: vec![sql(&format!("{DISCARD_SPELLED_OUT}; {RESTORE}"))] },
        Form { name: "two queries: DISCARD ALL, set_config", queries: vec![sql("DISCARD ALL"), sql(RESTORE)] },
    ]
}

fn exec(link: pconn_link, sql: &CString) {
    let mut result = 0;
    ok_on(pconn_exec(link, sql.as_ptr(), &mut result), link, "exec");
    ok_on(pconn_result_free(result), link, "free");
}

struct Target {
    name: &'static str,
    conn: CString,
    user: CString,
    password: CString,
}

impl Target {
    fn cycle(&self, form: &Form, select_one: &CString) {
        let mut link = 0;
        ok(pconn_pconnect(self.conn.as_ptr(), self.user.as_ptr(), self.password.as_ptr(), &mut link), "pconnect");
        for query in &form.queries {
            exec(link, query);
        }
        exec(link, select_one);
        ok(pconn_request_end(), "request end");
    }
}

fn bench_target(target: &Target, round: Duration, rounds: u32) {
    let forms = forms();
    let select_one = CString::new("SELECT 1").unwrap();
    // (cycles, time) per form
    let mut totals = vec![(0u64, Duration::ZERO); forms.len()];
    for form in &forms {
        for _ in 0..50 {
            target.cycle(form, &select_one);
        }
    }
    for _ in 0..rounds {
        for (form, total) in forms.iter().zip(&mut totals) {
            let start = Instant::now();
            while start.elapsed() < round {
                for _ in 0..20 {
                    target.cycle(form, &select_one);
                }
                total.0 += 20;
            }
            total.1 += start.elapsed();
        }
    }
    println!("\n== {} ==", target.name);
    let per_cycle: Vec<f64> = totals.iter().map(|(n, time)| time.as_nanos() as f64 / *n as f64).collect();
    for (form, ns) in forms.iter().zip(&per_cycle) {
        println!("{:<48} {:>9.0} µs/request {:>8.2}x the one query", form.name, ns / 1e3, ns / per_cycle[1]);
    }
    ok(pconn_close_all(), "close all");
}

fn main() {
    // psqlODBC takes its client_encoding from the environment's locale: run under the C locale,
    // as php-fpm and many services do.
    if std::env::var("LC_ALL").as_deref() != Ok("C") {
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(std::env::args_os().skip(1))
            .env("LC_ALL", "C")
            .status()
            .expect("run the benchmark under LC_ALL=C");
        std::process::exit(status.code().unwrap_or(1));
    }
    let round = Duration::from_millis(std::env::var("PCONN_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000) / 10);
    let rounds = 10;
    let pg = support::pg_server::PgServer::given_or_started("bench-reset");
    let bouncer = pg.pgbouncer_in_front("bench-reset", "session");
    let target = |name, server: &support::pg_server::Server| Target {
        name,
        conn: CString::new(format!("{};PconnReset=none", server.conn_str)).unwrap(),
        user: CString::new(server.user.as_str()).unwrap(),
        password: CString::new(server.password.as_str()).unwrap(),
    };
    println!(
        "pconn {} — PostgreSQL reset forms under LC_ALL=C, pconnect + reset + SELECT 1 + request end ({} rounds of {} ms per form, alternating)",
        env!("CARGO_PKG_VERSION"),
        rounds,
        round.as_millis()
    );
    let outcome = std::panic::catch_unwind(|| {
        bench_target(&target("PostgreSQL 15 (psqlODBC, loopback)", &pg), round, rounds);
        if let Some(bouncer) = &bouncer {
            bench_target(&target("PostgreSQL 15 through PgBouncer, session mode", bouncer), round, rounds);
        }
    });
    drop(bouncer);
    drop(pg);
    if outcome.is_err() {
        std::process::exit(1);
    }
}
