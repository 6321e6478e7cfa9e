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
