//! MariaDB behind MariaDB Connector/ODBC: the session reset at request end really clears the
//! session (the protocol's reset, reached beside the driver), checked over every kind of session
//! state a request can leave, on the same server connection; and a reset pconn cannot vouch for
//! (the driver's `SQL_ATTR_RESET_CONNECTION`, which this driver answers with success and ignores)
//! replaces the link instead of reusing it, as does a reset that no canary can check (SQLite).

mod common;

use common::capi::{c_string, pconnect, run, scalar, with_request};
use common::mariadb::mariadb;
use common::stats::{assert_moved, stats};
use pconn::ffi::*;
use pconn_status::*;

/// (what, the statement that sets it). Run in this order by one request.
const SET_STATE: &[(&str, &str)] = &[
    ("temp table", "CREATE TEMPORARY TABLE t_tmp (a INT)"),
    ("@user_var", "SET @user_var = 42"),
    ("sql_mode", "SET SESSION sql_mode = 'ANSI_QUOTES'"),
    ("time_zone", "SET SESSION time_zone = '+05:00'"),
    ("isolation", "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
    ("wait_timeout", "SET SESSION wait_timeout = 1234"),
    ("group_concat_max_len", "SET SESSION group_concat_max_len = 77777"),
    ("GET_LOCK", "SELECT GET_LOCK('pconn_lock', 0)"),
    ("LAST_INSERT_ID", "SELECT LAST_INSERT_ID(77)"),
    ("prepared statement", "PREPARE ps FROM 'SELECT 1'"),
    ("character set", "SET character_set_client = latin1, character_set_connection = latin1, character_set_results = latin1"),
    ("current database", "USE pconn_other"),
    ("table locks", "LOCK TABLES pconn.t_locked READ"),
];

/// Whether a statement succeeds on `link` (a refused one leaves its error on the link).
fn succeeds(link: pconn_link, sql: &str) -> bool {
    let mut result = 0;
    let status = pconn_exec(link, c_string(sql).as_ptr(), &mut result);
    if status == PCONN_OK {
        pconn_result_free(result);
    }
    status == PCONN_OK
}

/// The states of SET_STATE (plus the two set through pconn's API) still present on `link`.
fn leaks(link: pconn_link) -> Vec<&'static str> {
    let is = |sql: &str| scalar(link, sql).as_deref() == Some("1");
    let checks: Vec<(&str, bool)> = vec![
        ("temp table", succeeds(link, "SELECT COUNT(*) FROM pconn.t_tmp")),
        ("@user_var", is("SELECT @user_var IS NOT NULL")),
        ("sql_mode", is("SELECT @@SESSION.sql_mode = 'ANSI_QUOTES'")),
        ("time_zone", is("SELECT @@SESSION.time_zone = '+05:00'")),
        ("isolation", is("SELECT @@SESSION.tx_isolation = 'SERIALIZABLE'")),
        ("wait_timeout", is("SELECT @@SESSION.wait_timeout = 1234")),
        ("group_concat_max_len", is("SELECT @@SESSION.group_concat_max_len = 77777")),
        ("GET_LOCK", is("SELECT COALESCE(IS_USED_LOCK('pconn_lock') = CONNECTION_ID(), 0)")),
        ("LAST_INSERT_ID", is("SELECT LAST_INSERT_ID() = 77")),
        ("prepared statement", succeeds(link, "EXECUTE ps")),
        ("character set", is("SELECT @@character_set_client = 'latin1'")),
        ("current database", is("SELECT DATABASE() = 'pconn_other'")),
        // while LOCK TABLES holds, a table it did not lock is refused
        ("table locks", !succeeds(link, "SELECT COUNT(*) FROM pconn.t_unlocked")),
        ("autocommit off (API)", is("SELECT @@autocommit = 0")),
        ("read only (API)", is("SELECT @@SESSION.tx_read_only = 1")),
    ];
    checks.into_iter().filter(|(_, leaked)| *leaked).map(|(what, _)| what).collect()
}

fn prepare_server() -> String {
    let server = mariadb();
    server.sql(
        "CREATE DATABASE IF NOT EXISTS pconn_other; GRANT ALL ON pconn_other.* TO 'pconn'@'127.0.0.1'; \
         CREATE TABLE IF NOT EXISTS pconn.t_locked (a INT); CREATE TABLE IF NOT EXISTS pconn.t_unlocked (a INT)",
    );
    server.conn_str_with_credentials()
}

/// One request sets every state; the next request, on the same server connection, finds none.
fn matrix_through(conn: &str) -> (String, String, Vec<&'static str>, Vec<&'static str>) {
    let (id, before) = with_request(|| {
        let link = pconnect(conn);
        let id = scalar(link, "SELECT CONNECTION_ID()").unwrap();
        let before = leaks(link);
        for (_, sql) in SET_STATE {
            run(link, sql);
        }
        assert_eq!(pconn_autocommit_set(link, 0), PCONN_OK);
        assert_eq!(pconn_read_only_set(link, 1), PCONN_OK);
        (id, before)
    });
    let (next_id, after) = with_request(|| {
        let link = pconnect(conn);
        (scalar(link, "SELECT CONNECTION_ID()").unwrap(), leaks(link))
    });
    (id, next_id, before, after)
}

#[test]
fn the_protocol_reset_leaves_nothing_of_fifteen_session_states() {
    let _serial = common::serial::lock();
    let conn = prepare_server();
    // Links other tests left idle would be handed out instead of opened.
    assert_eq!(pconn_close_all(), PCONN_OK);
    let before = stats();
    let (id, next_id, clean_at_start, leaked) = matrix_through(&conn);
    assert!(clean_at_start.is_empty(), "a new session already has {clean_at_start:?}");
    assert_eq!(next_id, id, "the next request got the same server connection");
    assert!(leaked.is_empty(), "left over after the reset: {leaked:?}");
    // What the driver set at connect and caches is back too: the link works as a new one would.
    // The driver's connect-time settings (its session tracking) as a new session has them.
    let driver_settings = "SELECT CONCAT(@@SESSION.session_track_system_variables, '/', @@SESSION.session_track_schema)";
    let fresh = with_request(|| {
        let link = pconnect(&format!("{conn};PconnReset=none"));
        scalar(link, driver_settings).unwrap()
    });
    let after_second = with_request(|| {
        let link = pconnect(&conn);
        assert_eq!(scalar(link, driver_settings).unwrap(), fresh, "the driver's settings are back");
        let autocommit = scalar(link, "SELECT @@autocommit").unwrap();
        run(link, "CREATE TEMPORARY TABLE t_tmp (a INT)");
        run(link, "INSERT INTO t_tmp VALUES (1)");
        (autocommit, scalar(link, "SELECT @@SESSION.sql_auto_is_null").unwrap(), scalar(link, "SELECT COUNT(*) FROM t_tmp").unwrap())
    });
    assert_eq!(after_second, ("1".into(), "0".into(), "1".into()));
    assert_moved(&before, &stats(), &[("opened", 2), ("reused", 2), ("rolled_back", 4), ("reset", 3)]);
}

/// The driver answers `SQL_ATTR_RESET_CONNECTION` with success and resets nothing: with
/// `reset=driver` pconn finds that out on the link's first reset and replaces the link.
#[test]
fn a_driver_reset_that_does_nothing_replaces_the_link() {
    let _serial = common::serial::lock();
    let conn = format!("{};PconnReset=driver", prepare_server());
    // Links other tests left idle would be handed out instead of opened.
    assert_eq!(pconn_close_all(), PCONN_OK);
    let before = stats();
    let (id, next_id, _, leaked) = matrix_through(&conn);
    assert_ne!(next_id, id, "a new server connection, not the one the driver failed to reset");
    assert!(leaked.is_empty(), "left over: {leaked:?}");
    let after = stats();
    assert_moved(&before, &after, &[("opened", 2), ("rolled_back", 2), ("reset", 2), ("unverified_reset", 2)]);
    assert!(
        after.0.contains("SQL_ATTR_RESET_CONNECTION) left a session variable set"),
        "said through the notices: {}",
        after.0
    );
    assert_eq!(after.0.matches("SQL_ATTR_RESET_CONNECTION) left").count(), 1, "said once");
}

/// A session where no canary can be set (SQLite has neither user variables nor custom settings)
/// gets no unverified "clean" either: under `reset=driver` its link is replaced, and said once.
#[test]
fn a_driver_reset_that_cannot_be_checked_replaces_the_link() {
    let _serial = common::serial::lock();
    let path = std::env::temp_dir().join(format!("pconn-unverified-{}.db", std::process::id()));
    let conn = format!("Driver=SQLite3;Database={};PconnReset=driver", path.display());
    // Links other tests left idle would be handed out instead of opened.
    assert_eq!(pconn_close_all(), PCONN_OK);
    let before = stats();
    for _ in 0..2 {
        with_request(|| run(pconnect(&conn), "SELECT 1"));
    }
    let after = stats();
    assert_moved(&before, &after, &[("opened", 2), ("rolled_back", 2), ("reset", 2), ("unverified_reset", 2)]);
    assert_eq!(after.0.matches("SQLite: no session variable could be set to check its driver reset").count(), 1, "{}", after.0);
    let _ = std::fs::remove_file(path);
}

/// Autocommit switched off in SQL (not through pconn's API): the driver learns it from the
/// server's session tracking and caches it; after the reset the server is back to autocommit, and
/// the driver must agree, or a later `pconn_autocommit_set(0)` is skipped and a rollback undoes
/// nothing.
#[test]
fn autocommit_switched_off_in_sql_is_back_for_the_driver_too() {
    let _serial = common::serial::lock();
    let conn = prepare_server();
    mariadb().sql("CREATE TABLE IF NOT EXISTS pconn.t_rollback (a INT); DELETE FROM pconn.t_rollback");
    let id = with_request(|| {
        let link = pconnect(&conn);
        run(link, "SET autocommit = 0");
        scalar(link, "SELECT CONNECTION_ID()").unwrap()
    });
    with_request(|| {
        let link = pconnect(&conn);
        assert_eq!(scalar(link, "SELECT CONNECTION_ID()").unwrap(), id);
        assert_eq!(scalar(link, "SELECT @@autocommit").as_deref(), Some("1"));
        assert_eq!(pconn_autocommit_set(link, 0), PCONN_OK);
        run(link, "INSERT INTO pconn.t_rollback VALUES (1)");
        assert_eq!(pconn_rollback(link), PCONN_OK);
        assert_eq!(pconn_autocommit_set(link, 1), PCONN_OK);
    });
    assert_eq!(mariadb().sql("SELECT COUNT(*) FROM pconn.t_rollback"), "0", "the rollback undid the insert");
}
