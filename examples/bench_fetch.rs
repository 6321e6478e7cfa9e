//! `make bench`: fetching 100,000 rows × 4 columns (int, text, double, nullable text) from
//! PostgreSQL — pconn's fetch (block cursor) vs a row-at-a-time `SQLFetch`/`SQLGetData` loop over
//! the same driver (odbc-api's handles directly), side by side in one run.
//!
//! A throwaway cluster is started with `scripts/pg-tmp` (or the one named by `PCONN_PG_CONNSTR`,
//! `PCONN_PG_USER`, `PCONN_PG_PASSWORD` is used).

#[path = "support/mod.rs"]
mod support;

use odbc_api::buffers::Indicator;
use odbc_api::handles::{SqlText, Statement};
use odbc_api::parameter::{Text, VarCell};
use pconn::ffi::*;
use std::ffi::{CString, c_char};
use std::time::{Duration, Instant};

const ROWS: i64 = 100_000;
const QUERY: &str = "SELECT id, name, score, note FROM bench_fetch ORDER BY id";
const RUNS: usize = 5;

use support::ok_on as ok;

/// What each loop reads, so neither can skip work, and how long its execute took.
#[derive(Debug, Default)]
struct Tally {
    rows: i64,
    ids: i64,
    text_bytes: usize,
    scores: f64,
    nulls: i64,
    execute: Duration,
}

impl PartialEq for Tally {
    fn eq(&self, other: &Tally) -> bool {
        (self.rows, self.ids, self.text_bytes, self.scores, self.nulls)
            == (other.rows, other.ids, other.text_bytes, other.scores, other.nulls)
    }
}

/// Runs `QUERY` on `link`, hands its result to `read` (which fills the tally), frees it, and
/// records how long the execute took: the part every loop shares.
fn timed_query(link: pconn_link, read: impl FnOnce(pconn_result, &mut Tally)) -> Tally {
    let mut tally = Tally::default();
    let mut result = 0;
    let sql = CString::new(QUERY).unwrap();
    let start = Instant::now();
    ok(pconn_exec(link, sql.as_ptr(), &mut result), link, "exec");
    tally.execute = start.elapsed();
    read(result, &mut tally);
    ok(pconn_result_free(result), link, "free");
    tally
}

fn pconn_fetch_all(link: pconn_link) -> Tally {
    timed_query(link, |result, tally| {
        loop {
            match pconn_fetch(result) {
                pconn_status::PCONN_OK => {}
                pconn_status::PCONN_NO_DATA => break,
                other => ok(other, link, "fetch"),
            }
            let (mut id, mut score, mut is_null) = (0i64, 0f64, 0);
            let (mut text, mut len) = (std::ptr::null::<c_char>(), 0usize);
            ok(pconn_result_int64(result, 1, &mut id, &mut is_null), link, "int64");
            ok(pconn_result_text(result, 2, &mut text, &mut len, &mut is_null), link, "text");
            tally.text_bytes += len;
            ok(pconn_result_double(result, 3, &mut score, &mut is_null), link, "double");
            ok(pconn_result_text(result, 4, &mut text, &mut len, &mut is_null), link, "text");
            tally.text_bytes += len;
            tally.nulls += i64::from(is_null);
            tally.rows += 1;
            tally.ids += id;
            tally.scores += score;
        }
    })
}

/// The driver's share: the block cursor's fetches alone, no value read. No loop that reads the
/// values through this driver can be faster than this.
fn driver_block_fetch_only(link: pconn_link) -> Tally {
    timed_query(link, |result, tally| {
        while pconn_fetch(result) == pconn_status::PCONN_OK {
            tally.rows += 1;
        }
    })
}

/// The same through `pconn_fetch_row`: one call per row.
fn pconn_fetch_rows(link: pconn_link) -> Tally {
    timed_query(link, |result, tally| {
        let empty = pconn_value {
            text: std::ptr::null(),
            len: 0,
            int64: 0,
            number: 0.0,
            is_null: 1,
            kind: pconn_value_kind::PCONN_VALUE_TEXT,
        };
        let mut row = [empty; 4];
        loop {
            match pconn_fetch_row(result, row.as_mut_ptr(), 4) {
                pconn_status::PCONN_OK => {}
                pconn_status::PCONN_NO_DATA => break,
                other => ok(other, link, "fetch_row"),
            }
            tally.ids += row[0].int64;
            tally.text_bytes += row[1].len + row[3].len;
            tally.scores += row[2].number;
            tally.nulls += i64::from(row[3].is_null);
            tally.rows += 1;
        }
    })
}

/// Reads a whole text value with SQLGetData, growing the buffer as needed.
fn get_text(stmt: &mut impl Statement, col: u16, buf: &mut Vec<u8>) -> Option<usize> {
    let mut filled = 0;
    loop {
        let mut cell = VarCell::<&mut [u8], Text>::from_buffer(&mut buf[filled..], Indicator::NoTotal);
        let result = stmt.get_data(col, &mut cell);
        assert!(!result.is_err(), "SQLGetData failed");
        match cell.indicator() {
            Indicator::Null => return None,
            Indicator::Length(len) if filled + len < buf.len() => return Some(filled + len),
            _ => {
                filled = buf.len() - 1;
                buf.resize(buf.len() * 2, 0);
            }
        }
    }
}

fn row_at_a_time(conn: &odbc_api::handles::Connection<'_>) -> Tally {
    let mut tally = Tally::default();
    let mut stmt = match conn.allocate_statement() {
        odbc_api::handles::SqlResult::Success(stmt) | odbc_api::handles::SqlResult::SuccessWithInfo(stmt) => stmt,
        _ => panic!("SQLAllocHandle failed"),
    };
    let start = Instant::now();
    // SAFETY: nothing is bound to the statement.
    assert!(!unsafe { stmt.exec_direct(&SqlText::new(QUERY)) }.is_err(), "SQLExecDirect failed");
    tally.execute = start.elapsed();
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: no columns are bound.
        match unsafe { stmt.fetch() } {
            odbc_api::handles::SqlResult::NoData => break,
            result => assert!(!result.is_err(), "SQLFetch failed"),
        }
        let mut id = odbc_api::Nullable::<i64>::null();
        assert!(!stmt.get_data(1, &mut id).is_err());
        tally.text_bytes += get_text(&mut stmt, 2, &mut buf).unwrap_or(0);
        let mut score = odbc_api::Nullable::<f64>::null();
        assert!(!stmt.get_data(3, &mut score).is_err());
        match get_text(&mut stmt, 4, &mut buf) {
            Some(len) => tally.text_bytes += len,
            None => tally.nulls += 1,
        }
        tally.rows += 1;
        tally.ids += id.into_opt().unwrap_or(0);
        tally.scores += score.into_opt().unwrap_or(0.0);
    }
    let _ = stmt.close_cursor();
    tally
}

/// Best total time and best fetch-phase time (after the execute returned) of `RUNS` runs.
#[derive(Clone, Copy)]
struct Best {
    total: Duration,
    fetch: Duration,
}

/// Runs every loop `RUNS` times, taking turns so that a change in the machine's load during the
/// run touches them alike; returns each loop's best times and last tally.
fn best_of_interleaved(loops: &mut [&mut dyn FnMut() -> Tally]) -> Vec<(Best, Tally)> {
    let mut out: Vec<(Best, Tally)> =
        loops.iter().map(|_| (Best { total: Duration::MAX, fetch: Duration::MAX }, Tally::default())).collect();
    for _ in 0..RUNS {
        for (run, (best, tally)) in loops.iter_mut().zip(out.iter_mut()) {
            let start = Instant::now();
            *tally = run();
            let total = start.elapsed();
            best.total = best.total.min(total);
            best.fetch = best.fetch.min(total - tally.execute);
        }
    }
    out
}

fn main() {
    let pg = support::pg_server::PgServer::given_or_started("bench-fetch");
    let outcome = std::panic::catch_unwind(|| run(&pg.conn_str, &pg.user, &pg.password));
    drop(pg);
    if outcome.is_err() {
        std::process::exit(1);
    }
}

fn run(conn_str: &str, user: &str, password: &str) {
    let (conn_c, user_c, password_c) = (CString::new(conn_str).unwrap(), CString::new(user).unwrap(), CString::new(password).unwrap());
    let mut link = 0;
    ok(pconn_new_connect(conn_c.as_ptr(), user_c.as_ptr(), password_c.as_ptr(), &mut link), 0, "connect");
    let setup = format!(
        "DROP TABLE IF EXISTS bench_fetch; \
         CREATE TABLE bench_fetch (id integer PRIMARY KEY, name text NOT NULL, score double precision NOT NULL, note text); \
         INSERT INTO bench_fetch SELECT g, 'name number ' || g, g * 0.5, CASE WHEN g % 4 = 0 THEN NULL ELSE 'note ' || (g % 1000) END \
         FROM generate_series(1, {ROWS}) g; ANALYZE bench_fetch"
    );
    let setup = CString::new(setup).unwrap();
    let mut result = 0;
    ok(pconn_exec(link, setup.as_ptr(), &mut result), link, "setup");
    ok(pconn_result_free(result), link, "setup");

    let batch = pconn::config::get_option("fetch_batch").unwrap();
    let env = odbc_api::environment().expect("ODBC environment");
    let full = format!("{conn_str};UID={user};PWD={password}");
    let conn = env.connect_with_connection_string(&full, odbc_api::ConnectionOptions::default()).expect("baseline connects");
    let mut conn = conn.into_handle();
    let results = best_of_interleaved(&mut [
        &mut || pconn_fetch_rows(link),
        &mut || pconn_fetch_all(link),
        &mut || row_at_a_time(&conn),
        &mut || driver_block_fetch_only(link),
    ]);
    let _ = conn.disconnect();
    let [(rows_best, rows_tally), (pconn_best, pconn_tally), (baseline_best, baseline_tally), (floor_best, floor_tally)] = &results[..]
    else {
        unreachable!()
    };
    assert_eq!(floor_tally.rows, ROWS);
    let (rows_time, rows_fetch) = (rows_best.total, rows_best.fetch);
    let (pconn_time, pconn_fetch) = (pconn_best.total, pconn_best.fetch);
    let (baseline_time, baseline_fetch) = (baseline_best.total, baseline_best.fetch);

    assert_eq!(pconn_tally, baseline_tally, "both loops read the same data");
    assert_eq!(rows_tally, baseline_tally, "both loops read the same data");
    assert_eq!(pconn_tally.rows, ROWS);
    let rate = |time: Duration| ROWS as f64 / time.as_secs_f64();
    println!("pconn {} — fetch benchmark: {ROWS} rows × 4 columns (int, text, double, nullable text), PostgreSQL via psqlODBC, best of {RUNS}, interleaved", env!("CARGO_PKG_VERSION"));
    let ms = |time: Duration| time.as_secs_f64() * 1e3;
    println!("                                                whole query (execute + fetch)   fetch phase only");
    let line = |name: &str, time: Duration, fetch: Duration| {
        println!("  {name:<45} {:>10.0} rows/s {:>7.1} ms   {:>10.0} rows/s {:>6.1} ms", rate(time), ms(time), rate(fetch), ms(fetch));
    };
    line(&format!("pconn_fetch_row (block cursor, batch {batch})"), rows_time, rows_fetch);
    line("pconn_fetch + one getter per value", pconn_time, pconn_fetch);
    line("row-at-a-time SQLFetch/SQLGetData", baseline_time, baseline_fetch);
    let ratio = |name: &str, time: Duration, fetch: Duration| {
        println!(
            "  ratio {name:<39} {:>10.2}×                     {:>10.2}×",
            rate(time) / rate(baseline_time),
            rate(fetch) / rate(baseline_fetch)
        );
    };
    ratio("pconn_fetch_row / row-at-a-time:", rows_time, rows_fetch);
    ratio("getters / row-at-a-time:", pconn_time, pconn_fetch);
    line("(driver's block fetch alone, no value read)", floor_best.total, floor_best.fetch);
    ratio("ceiling: driver alone / row-at-a-time:", floor_best.total, floor_best.fetch);
    println!("  (psqlODBC reads the whole result set during execute, which both loops pay alike.)");
    let drop_sql = CString::new("DROP TABLE bench_fetch").unwrap();
    ok(pconn_exec(link, drop_sql.as_ptr(), &mut result), link, "drop");
    ok(pconn_close(link), link, "close");
}
