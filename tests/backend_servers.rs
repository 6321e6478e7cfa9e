//! The throwaway MariaDB and PgBouncer servers the backend tests start (`scripts/mariadb-tmp`,
//! `scripts/pgbouncer-tmp`), and pconn logging in through each: MariaDB Connector/ODBC, and
//! psqlODBC through a PgBouncer with stock settings in both pool modes.

mod common;

use common::capi::{pconnect, run, scalar, with_request};
use common::mariadb::mariadb;
use common::pgbouncer::{PgBouncer, PoolMode};
use std::process::Command;

#[test]
fn mariadb_odbc_driver_is_registered_as_mariadb_unicode() {
    let out = Command::new("odbcinst").args(["-q", "-d"]).output().expect("run odbcinst");
    let drivers = String::from_utf8_lossy(&out.stdout);
    assert!(drivers.lines().any(|l| l.trim() == "[MariaDB Unicode]"), "{drivers}");
    assert!(mariadb().conn_str.starts_with("Driver={MariaDB Unicode};Server=127.0.0.1;Port="));
}

#[test]
fn mariadb_tmp_serves_user_pconn_over_tcp_and_logs_every_query() {
    let server = mariadb();
    assert!(server.dir.is_absolute());
    assert_eq!(server.sql("SELECT CURRENT_USER()"), "root@localhost");
    assert!(server.sql("SELECT VERSION()").contains("MariaDB"), "a MariaDB server");
    let conn = server.conn_str_with_credentials();
    let (id, user, port) = with_request(|| {
        let link = pconnect(&conn);
        let id = scalar(link, "SELECT CONNECTION_ID()").unwrap();
        run(link, "CREATE TABLE IF NOT EXISTS fixture_check (a INT)");
        (id, scalar(link, "SELECT CURRENT_USER()").unwrap(), scalar(link, "SELECT @@port").unwrap())
    });
    assert_eq!(user, "pconn@127.0.0.1");
    assert_eq!(port, server.port.to_string());
    assert_eq!(server.sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'fixture_check'"), "1");
    // the general log names the session's thread id and its statements (prepared by the driver)
    let log = server.general_log();
    assert!(log.lines().any(|l| l.contains(&format!(" {id} ")) && l.contains("SELECT CONNECTION_ID()")), "{log}");
}

/// A stock PgBouncer refuses the `options` startup parameter: what the fixture starts is a
/// default installation, which pconn must get through.
#[test]
fn pgbouncer_tmp_has_stock_startup_parameter_checks() {
    let bouncer = PgBouncer::start(PoolMode::Session, None);
    let conninfo = |extra: &str| {
        format!(
            "host=127.0.0.1 port={} dbname=pconn user={} password={} {extra}",
            bouncer.port, bouncer.server.user, bouncer.server.password
        )
    };
    let psql = |conninfo: String| {
        Command::new(common::pg::script())
            .arg("psql")
            .arg(&bouncer.server.dir)
            .args(["-d", &conninfo, "-Atc", "SELECT current_user"])
            .output()
            .expect("run psql")
    };
    let plain = psql(conninfo(""));
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    assert_eq!(String::from_utf8_lossy(&plain.stdout).trim(), "pconn");
    let refused = psql(conninfo("options=-cextra_float_digits=2"));
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("unsupported startup parameter: options"), "{err}");
}

/// pconn through a stock PgBouncer: connects, and the next request on the same server
/// session finds the previous request's settings gone.
#[test]
fn pconn_connects_through_a_stock_pgbouncer_in_both_pool_modes() {
    for mode in [PoolMode::Session, PoolMode::Transaction] {
        let bouncer = PgBouncer::start(mode, None);
        let conn = bouncer.conn_str_with_credentials();
        let port = with_request(|| {
            let link = pconnect(&conn);
            // a real server session behind it, not PgBouncer's admin console
            assert_eq!(scalar(link, "SELECT current_user").as_deref(), Some("pconn"), "{mode:?}");
            scalar(link, "SELECT inet_server_port()").unwrap()
        });
        assert_eq!(port, bouncer.server.port.to_string(), "{mode:?}");
        if mode == PoolMode::Session {
            let pid = with_request(|| {
                let link = pconnect(&conn);
                run(link, "SET work_mem = '7MB'");
                scalar(link, "SELECT pg_backend_pid()")
            });
            with_request(|| {
                let link = pconnect(&conn);
                assert_eq!(scalar(link, "SELECT pg_backend_pid()"), pid, "the same server session");
                assert_ne!(scalar(link, "SHOW work_mem").as_deref(), Some("7MB"));
            });
        }
        assert!(!bouncer.log().contains("unsupported startup parameter"), "{}", bouncer.log());
    }
}

/// `run` starts a server for one command with its details exported, and removes it afterwards.
#[test]
fn mariadb_tmp_run_exports_the_server_and_cleans_up() {
    let out = Command::new(common::tmp_server::script("mariadb-tmp"))
        .args(["run", "--", "sh", "-c"])
        .arg(r#"mariadb --no-defaults -h 127.0.0.1 -P "$MARIADB_TMP_PORT" -u "$PCONN_MARIADB_USER" -p"$PCONN_MARIADB_PASSWORD" -N -e 'SELECT CURRENT_USER()' pconn && echo "dir=$MARIADB_TMP_DIR" && echo "conn=$PCONN_MARIADB_CONNSTR""#)
        .output()
        .expect("run mariadb-tmp");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l == "pconn@127.0.0.1"), "{stdout}");
    assert!(stdout.contains("conn=Driver={MariaDB Unicode};Server=127.0.0.1;Port="), "{stdout}");
    let dir = stdout.lines().find_map(|l| l.strip_prefix("dir=")).expect("the dir was exported");
    assert!(!std::path::Path::new(dir).exists(), "{dir} is removed after the command");
}

/// Bad input gets a clear error, and `stop` never removes a directory the script did not make.
#[test]
fn tmp_scripts_refuse_bad_input_clearly() {
    let pg_dir = &common::pg::pg().dir;
    let empty = std::env::temp_dir().join(format!("pconn-bad-input-{}", std::process::id()));
    let out = Command::new(common::tmp_server::script("pgbouncer-tmp"))
        .arg("start")
        .arg(&empty)
        .arg(pg_dir)
        .env("PGBOUNCER_TMP_POOL_MODE", "statementish")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PGBOUNCER_TMP_POOL_MODE must be session or transaction"));
    assert!(!empty.exists(), "nothing was created");

    let out = Command::new(common::tmp_server::script("pgbouncer-tmp")).arg("start").arg(&empty).arg(&empty).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a running pg-tmp cluster"), "{out:?}");

    std::fs::create_dir_all(&empty).unwrap();
    for script in ["mariadb-tmp", "pgbouncer-tmp"] {
        let out = Command::new(common::tmp_server::script(script)).arg("stop").arg(&empty).output().unwrap();
        assert!(!out.status.success(), "{script}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("not removing it"), "{script}: {out:?}");
        assert!(empty.exists(), "{script} left a foreign directory alone");
    }
    std::fs::remove_dir(&empty).unwrap();
}
