//! The PostgreSQL reset at request end is one round trip to the server, whatever locale the
//! environment names (php-fpm and many services run under `LC_ALL=C`, where psqlODBC switches
//! `client_encoding` to `SQL_ASCII` after connecting), directly and through PgBouncer in session
//! mode: counted in the server's statement log. Each locale runs in a child process of this test
//! binary, started with that `LC_ALL`.

mod common;

use common::calls::set_option;
use common::capi::{pconnect, run, scalar, with_request};
use common::pg::{PgServer, pg};
use common::pgbouncer::{PgBouncer, PoolMode};
use common::stats::{assert_moved, stats};
use pconn::ffi::pconn_status::PCONN_OK;
use std::process::Command;

/// Set in the child process: the locale it runs under.
const CHILD_LOCALE: &str = "PCONN_TEST_CHILD_LOCALE";
/// Set in the child process: the connection string (with credentials) its requests use.
const CHILD_CONN: &str = "PCONN_TEST_CHILD_CONN";
/// Printed by the child before each statement the server logged for the reset.
const RESET_STATEMENT: &str = "reset statement: ";

/// Statements the server logged for backend `pid` strictly between the lines that contain
/// `from` and `to`.
fn statements_between(log: &str, pid: &str, from: &str, to: &str) -> Vec<String> {
    let tag = format!("[{pid}]");
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(&tag) && (l.contains("LOG:  statement: ") || l.contains("LOG:  execute ")))
        .collect();
    let start = lines.iter().position(|l| l.contains(from)).unwrap_or_else(|| panic!("{from} not logged:\n{log}"));
    let end = lines.iter().position(|l| l.contains(to)).unwrap_or_else(|| panic!("{to} not logged:\n{log}"));
    lines[start + 1..end].iter().map(|l| l.to_string()).collect()
}

/// Runs the child test under `LC_ALL=locale` with `conn`; returns what it printed. The child
/// asserts the single round trip and a clean session; the caller checks what the reset sent.
fn child_in_locale(server: &PgServer, conn: &str, locale: &str, encoding: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "reset_round_trips_in_this_locale", "--ignored", "--nocapture", "--test-threads=1"])
        .env("LC_ALL", locale)
        .env(CHILD_LOCALE, locale)
        .env(CHILD_CONN, conn)
        .env("PG_TMP_DIR", &server.dir)
        .env("PG_TMP_PORT", server.port.to_string())
        .env("PCONN_PG_CONNSTR", &server.conn_str)
        .env("PCONN_PG_USER", &server.user)
        .env("PCONN_PG_PASSWORD", &server.password)
        .output()
        .expect("run the child test");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "LC_ALL={locale}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("client_encoding={encoding}")), "what psqlODBC sets under LC_ALL={locale}: {stdout}");
    stdout
}

/// The one statement the child saw the reset send.
fn reset_statement(stdout: &str) -> &str {
    stdout.lines().find_map(|l| l.strip_prefix(RESET_STATEMENT)).expect("the child printed the reset")
}

/// Every statement of the test role lands in the server log while `body` runs (one test at a
/// time: the setting is the role's).
fn with_statement_log(server: &PgServer, body: impl FnOnce()) {
    let _serial = common::serial::lock();
    server.psql("ALTER ROLE pconn SET log_statement = 'all'");
    body();
    server.psql("ALTER ROLE pconn RESET log_statement");
}

#[test]
fn postgres_reset_is_one_round_trip_under_lc_all_c_and_a_utf8_locale() {
    let server = pg();
    with_statement_log(server, || {
        for (locale, encoding) in [("C", "SQL_ASCII"), ("C.UTF-8", "UTF8")] {
            let stdout = child_in_locale(server, &server.conn_str_with_credentials(), locale, encoding);
            // The startup packet carries the driver's encoding: DISCARD ALL alone restores it.
            assert!(reset_statement(&stdout).ends_with("statement: DISCARD ALL"), "LC_ALL={locale}: {stdout}");
        }
    });
}

/// PgBouncer opens its server connections without the client's startup parameters, so under
/// `LC_ALL=C` the driver's `SQL_ASCII` is not what `DISCARD ALL` returns to: the reset puts it back
/// in the same query, `DISCARD ALL` spelled out, still one round trip.
#[test]
fn postgres_reset_through_pgbouncer_is_one_round_trip_under_lc_all_c_and_a_utf8_locale() {
    let bouncer = PgBouncer::start(PoolMode::Session, None);
    let server = bouncer.server;
    with_statement_log(server, || {
        let stdout = child_in_locale(server, &bouncer.conn_str_with_credentials(), "C", "SQL_ASCII");
        let reset = reset_statement(&stdout);
        assert!(
            reset.contains("DISCARD TEMP") && reset.contains("set_config('client_encoding', 'SQL_ASCII', false)"),
            "LC_ALL=C: {stdout}"
        );
        let stdout = child_in_locale(server, &bouncer.conn_str_with_credentials(), "C.UTF-8", "UTF8");
        assert!(reset_statement(&stdout).ends_with("statement: DISCARD ALL"), "LC_ALL=C.UTF-8: {stdout}");
    });
}

/// An operator who sets `client_encoding=SQL_ASCII` in PgBouncer's database entry makes it the
/// server connections' startup value: under `LC_ALL=C` the reset is then `DISCARD ALL` alone.
#[test]
fn postgres_reset_through_pgbouncer_with_the_encoding_in_its_database_entry_is_discard_all() {
    let bouncer = PgBouncer::start_with_client_encoding(PoolMode::Session, "SQL_ASCII");
    let server = bouncer.server;
    with_statement_log(server, || {
        let stdout = child_in_locale(server, &bouncer.conn_str_with_credentials(), "C", "SQL_ASCII");
        assert!(reset_statement(&stdout).ends_with("statement: DISCARD ALL"), "LC_ALL=C: {stdout}");
    });
}

/// The reset's one query holds several statements: psqlODBC reports the failure of a later one
/// too, so a reset that fails halfway discards the link instead of handing out a half-reset
/// session.
#[test]
fn a_reset_query_failing_in_a_later_statement_discards_the_link() {
    let _serial = common::serial::serial();
    let conn = pg().conn_str_with_credentials();
    assert_eq!(set_option("reset", "sql:RESET ALL; DISCARD TEMP; SELECT 1/0"), PCONN_OK);
    let before = stats();
    let pid = with_request(|| {
        let link = pconnect(&conn);
        run(link, "SET work_mem = '9MB'");
        scalar(link, "SELECT pg_backend_pid()").unwrap()
    });
    assert_moved(&before, &stats(), &[("opened", 1), ("failed_cleanup", 1)]);
    assert_eq!(set_option("reset", "auto"), PCONN_OK);
    with_request(|| {
        let link = pconnect(&conn);
        assert_ne!(scalar(link, "SELECT pg_backend_pid()").unwrap(), pid, "a new session");
        assert_ne!(scalar(link, "SHOW work_mem").as_deref(), Some("9MB"));
    });
}

/// The child: two requests on one persistent link, the reset between them counted.
#[test]
#[ignore = "run by the round-trip tests above, in a given locale"]
fn reset_round_trips_in_this_locale() {
    let (Ok(locale), Ok(conn)) = (std::env::var(CHILD_LOCALE), std::env::var(CHILD_CONN)) else { return };
    let server = pg();
    let (pid, encoding) = with_request(|| {
        let link = pconnect(&conn);
        // Read-only last: the reset's own statements must still run then.
        for sql in [
            "SET work_mem = '9MB'",
            "CREATE TEMP TABLE t_tmp (a int)",
            "SELECT pg_advisory_lock(4243)",
            "SET default_transaction_read_only = on",
        ] {
            run(link, sql);
        }
        let pid = scalar(link, "SELECT pg_backend_pid()").unwrap();
        let encoding = scalar(link, "SHOW client_encoding").unwrap();
        run(link, &format!("SELECT 'before reset {locale}'"));
        (pid, encoding)
    });
    with_request(|| {
        let link = pconnect(&conn);
        run(link, &format!("SELECT 'after reset {locale}'"));
        assert_eq!(scalar(link, "SELECT pg_backend_pid()").unwrap(), pid, "the same session");
        assert_eq!(scalar(link, "SHOW client_encoding").unwrap(), encoding, "the driver's encoding is back");
        assert_ne!(scalar(link, "SHOW work_mem").as_deref(), Some("9MB"), "the request's setting is gone");
        assert_eq!(scalar(link, "SHOW default_transaction_read_only").as_deref(), Some("off"));
        let temp_tables = "SELECT count(*) FROM pg_class WHERE relname = 't_tmp' AND relpersistence = 't'";
        assert_eq!(scalar(link, temp_tables).as_deref(), Some("0"), "the temp table is gone");
        let advisory_locks = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()";
        assert_eq!(scalar(link, advisory_locks).as_deref(), Some("0"), "the advisory lock is released");
    });
    println!("client_encoding={encoding}");
    let log = std::fs::read_to_string(server.dir.join("log")).expect("read the server log");
    let reset = statements_between(&log, &pid, &format!("before reset {locale}"), &format!("after reset {locale}"));
    for statement in &reset {
        println!("{RESET_STATEMENT}{statement}");
    }
    assert_eq!(reset.len(), 1, "one round trip for the reset: {reset:#?}");
}
