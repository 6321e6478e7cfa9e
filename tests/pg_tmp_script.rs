//! Checks the throwaway PostgreSQL server that `scripts/pg-tmp` provides to the
//! other integration tests.

mod common;

use common::pg::pg;
use std::process::{Command, Stdio};

// The restart test takes the server away for a moment: these run one at a time.
use common::serial::lock as serial;

/// The psql client binary, run directly as the current user.
fn psql_bin() -> String {
    for v in ["17", "16", "15"] {
        let p = format!("/usr/lib/postgresql/{v}/bin/psql");
        if std::path::Path::new(&p).exists() {
            return p;
        }
    }
    "psql".to_string()
}

/// `psql CONNINFO -Atc SQL` as the current user; Err(stderr) on failure.
fn psql_direct(conninfo: &str, sql: &str) -> Result<String, String> {
    let out = Command::new(psql_bin())
        .arg("-X")
        .arg(conninfo)
        .arg("-Atc")
        .arg(sql)
        .env_remove("PGPASSWORD")
        .env_remove("PGSERVICE")
        .env_remove("PGPASSFILE")
        .stdin(Stdio::null())
        .output()
        .expect("run psql");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn tcp_conninfo(user: &str, password: &str) -> String {
    format!(
        "host=127.0.0.1 port={} user={user} password={password} dbname=pconn",
        pg().port
    )
}

#[test]
fn max_connections_is_60() {
    let _g = serial();
    let expected = std::env::var("PG_TMP_MAX_CONNECTIONS").unwrap_or_else(|_| "60".into());
    assert_eq!(pg().psql("select current_setting('max_connections')"), expected);
}

#[test]
fn superuser_psql_works() {
    let _g = serial();
    let s = pg();
    assert_eq!(s.psql("select current_user"), "postgres");
    assert_eq!(s.psql("select current_database()"), "pconn");
    assert_eq!(s.psql("select current_setting('fsync')"), "off");
}

#[test]
fn role_pconn_logs_in_over_tcp_with_password() {
    let _g = serial();
    let s = pg();
    assert_eq!(s.user, "pconn");
    assert_eq!(s.password, "pconn-secret");
    assert_eq!(
        psql_direct(&tcp_conninfo("pconn", "pconn-secret"), "select current_user").unwrap(),
        "pconn"
    );
    // The database belongs to the role.
    assert_eq!(
        s.psql("select pg_get_userbyid(datdba) from pg_database where datname = 'pconn'"),
        "pconn"
    );
    // scram-sha-256 over TCP: a wrong password is refused ...
    let err = psql_direct(&tcp_conninfo("pconn", "wrong"), "select 1").unwrap_err();
    assert!(err.contains("password authentication failed"), "{err}");
    // ... and the superuser has no password login over TCP.
    assert!(psql_direct(&tcp_conninfo("postgres", "x"), "select 1").is_err());
    // the helper that other tests use
    assert_eq!(s.psql_tcp("select current_user"), "pconn");
}

#[test]
fn conn_str_points_at_the_server() {
    let s = pg();
    assert_eq!(
        s.conn_str,
        format!(
            "Driver={{PostgreSQL Unicode}};Server=127.0.0.1;Port={};Database=pconn",
            s.port
        )
    );
    assert!(s.dir.is_absolute());
}

#[test]
fn restart_keeps_port_and_server_answers() {
    let _g = serial();
    let s = pg();
    let port = s.port;
    let before = s.psql("select pg_postmaster_start_time()");
    let backend_before = s.psql_tcp("select pg_backend_pid()");
    s.restart();
    assert_eq!(s.port, port);
    let after = s.psql("select pg_postmaster_start_time()");
    assert_ne!(before, after, "postmaster start time should change on restart");
    assert_eq!(s.psql_tcp("select inet_server_port()"), port.to_string());
    assert_eq!(
        psql_direct(&tcp_conninfo("pconn", "pconn-secret"), "select current_user").unwrap(),
        "pconn"
    );
    assert_ne!(s.psql_tcp("select pg_backend_pid()"), backend_before);
}

#[test]
fn terminate_user_backends_runs() {
    let _g = serial();
    // nothing of pconn's is connected between tests; this only checks the SQL
    assert_eq!(pg().terminate_user_backends(), 0);
}
