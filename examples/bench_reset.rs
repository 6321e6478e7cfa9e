//! `make bench`: what the PostgreSQL reset costs in its three forms, under `LC_ALL=C` (psqlODBC's
//! `SQL_ASCII`), directly and through PgBouncer in session mode, side by side in one run.
//!
//! Per cycle: pconnect (`PconnReset=none`, so pconn itself sends nothing) + the reset form + `SELECT 1`
//! + request end. The forms:
//! - `DISCARD ALL` alone: what the reset costs when the driver's settings need no restoring;
//! - one query: `DISCARD ALL` spelled out + `set_config('client_encoding', ...)`, the query pconn's
//!   reset sends when a restore is needed (`src/session/postgres.rs`);
//! - two queries: `DISCARD ALL`, then `set_config` (pconn's reset before, when a restore is needed);
//! - and pconn's own reset (`PconnReset=auto`, run off the request's path by a background thread,
//!   which the next pconnect of the loop waits for).
//!
//! Directly, the connection string carries a `pqopt` of its own, so pconn passes no
//! `client_encoding` at startup and psqlODBC `SET`s it, as behind PgBouncer: a restore is needed
//! there too. The forms take turns in short rounds, so a change in the machine's load hits them
//! alike; the figures are medians over the rounds.

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
    /// Whether pconn's own reset runs at request end (else the link has `PconnReset=none`).
    pconn_resets: bool,
}

fn forms() -> Vec<Form> {
    let sql = |text: &str| CString::new(text).unwrap();
    vec![
        Form { name: "DISCARD ALL alone (no restore)", queries: vec![sql("DISCARD ALL")], pconn_resets: false },
        Form {
            name: "one query: spelled out + set_config",
            queries: vec![sql(&format!("{DISCARD_SPELLED_OUT}; {RESTORE}"))],
            pconn_resets: false,
        },
        Form { name: "two queries: DISCARD ALL, set_config", queries: vec![sql("DISCARD ALL"), sql(RESTORE)], pconn_resets: false },
        Form { name: "pconn's own reset (background)", queries: vec![], pconn_resets: true },
    ]
}

fn exec(link: pconn_link, sql: &CString) {
    let mut result = 0;
    ok_on(pconn_exec(link, sql.as_ptr(), &mut result), link, "exec");
    ok_on(pconn_result_free(result), link, "free");
}

struct Target {
    name: &'static str,
    /// With `PconnReset=none`.
    conn_no_reset: CString,
    conn: CString,
    user: CString,
    password: CString,
}

impl Target {
    fn cycle(&self, form: &Form, select_one: &CString) {
        let mut link = 0;
        let conn = if form.pconn_resets { &self.conn } else { &self.conn_no_reset };
        ok(pconn_pconnect(conn.as_ptr(), self.user.as_ptr(), self.password.as_ptr(), &mut link), "pconnect");
        for query in &form.queries {
            exec(link, query);
        }
        exec(link, select_one);
        ok(pconn_request_end(), "request end");
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn bench_target(target: &Target, round: Duration, rounds: u32) {
    let forms = forms();
    let select_one = CString::new("SELECT 1").unwrap();
    for form in &forms {
        for _ in 0..50 {
            target.cycle(form, &select_one);
        }
    }
    // Nanoseconds per cycle, per round, per form.
    let mut per_round: Vec<Vec<f64>> = vec![Vec::new(); forms.len()];
    for _ in 0..rounds {
        for (form, times) in forms.iter().zip(&mut per_round) {
            let start = Instant::now();
            let mut cycles = 0u32;
            while start.elapsed() < round {
                for _ in 0..10 {
                    target.cycle(form, &select_one);
                }
                cycles += 10;
            }
            times.push(start.elapsed().as_nanos() as f64 / f64::from(cycles));
        }
    }
    println!("\n== {} ==", target.name);
    println!("{:<40} {:>14} {:>28}", "form", "µs/request", "median ratio to one query");
    let one_query = &per_round[1];
    for (form, times) in forms.iter().zip(&per_round) {
        // Ratios of rounds run back to back: a burst of load elsewhere skews one round, not all.
        let ratio = median(times.iter().zip(one_query).map(|(t, o)| t / o).collect());
        println!("{:<40} {:>14.0} {:>27.2}x", form.name, median(times.clone()) / 1e3, ratio);
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
    let rounds = 20;
    let budget_ms: u64 = std::env::var("PCONN_BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let round = Duration::from_millis(budget_ms / u64::from(rounds));
    let pg = support::pg_server::PgServer::given_or_started("bench-reset");
    let bouncer = pg.pgbouncer_in_front("bench-reset", "session");
    let target = |name, server: &support::pg_server::Server, extra: &str| Target {
        name,
        conn_no_reset: CString::new(format!("{}{extra};PconnReset=none", server.conn_str)).unwrap(),
        conn: CString::new(format!("{}{extra}", server.conn_str)).unwrap(),
        user: CString::new(server.user.as_str()).unwrap(),
        password: CString::new(server.password.as_str()).unwrap(),
    };
    println!(
        "pconn {} — PostgreSQL reset forms under LC_ALL=C, pconnect + reset + SELECT 1 + request end ({} rounds of {} ms per form, taking turns; medians)",
        env!("CARGO_PKG_VERSION"),
        rounds,
        round.as_millis()
    );
    let outcome = std::panic::catch_unwind(|| {
        let own_pqopt = ";pqopt={application_name=pconn-bench}";
        bench_target(&target("PostgreSQL 15 (psqlODBC, loopback, own pqopt)", &pg, own_pqopt), round, rounds);
        if let Some(bouncer) = &bouncer {
            bench_target(&target("PostgreSQL 15 through PgBouncer, session mode", bouncer, ""), round, rounds);
        }
    });
    drop(bouncer);
    drop(pg);
    if outcome.is_err() {
        std::process::exit(1);
    }
}
