//! A throwaway PostgreSQL server for integration tests, run by `scripts/pg-tmp`.
//!
//! `pg()` starts one cluster per test binary on first use and stops it when the
//! process exits (an `atexit` handler runs `scripts/pg-tmp stop DIR`; should the
//! binary be killed instead, the script's watcher notices the dead pid and stops
//! the cluster itself). When `PG_TMP_DIR` and `PCONN_PG_CONNSTR` are set, e.g.
//! under `scripts/pg-tmp run -- cargo test`, that server is reused and left alone.

use super::tmp_server::{self, env_value, expect_success, read_env, run};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

pub const DEFAULT_USER: &str = "pconn";
pub const DEFAULT_PASSWORD: &str = "pconn-secret";

pub struct PgServer {
    /// The cluster's directory (`DIR` of `scripts/pg-tmp`).
    pub dir: PathBuf,
    /// TCP port on 127.0.0.1.
    pub port: u16,
    /// ODBC connection string without credentials, e.g.
    /// `Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;Database=pconn`.
    pub conn_str: String,
    pub user: String,
    pub password: String,
}

impl PgServer {
    /// Runs `sql` as the superuser (unix socket, database `pconn`) with
    /// `psql -Atc`; panics with psql's stderr on failure, returns trimmed stdout.
    pub fn psql(&self, sql: &str) -> String {
        let out = run(
            Command::new(script())
                .arg("psql")
                .arg(&self.dir)
                .arg("-v")
                .arg("ON_ERROR_STOP=1")
                .arg("-Atc")
                .arg(sql),
        );
        expect_success(&out, &format!("psql as superuser: {sql}"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Like `psql`, but connects over TCP as `self.user` with `self.password`
    /// (the way the ODBC driver does). Returns Err(stderr) on failure.
    pub fn try_psql_tcp(&self, sql: &str) -> Result<String, String> {
        let out = run(
            Command::new(script())
                .arg("psql")
                .arg(&self.dir)
                .arg("-d")
                .arg(self.libpq_conninfo())
                .arg("-v")
                .arg("ON_ERROR_STOP=1")
                .arg("-Atc")
                .arg(sql),
        );
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// `try_psql_tcp` that panics on failure.
    pub fn psql_tcp(&self, sql: &str) -> String {
        self.try_psql_tcp(sql)
            .unwrap_or_else(|e| panic!("psql over TCP as {}: {sql}: {e}", self.user))
    }

    /// libpq conninfo for the test role over TCP.
    pub fn libpq_conninfo(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user={} password={} dbname=pconn",
            self.port,
            conninfo_quote(&self.user),
            conninfo_quote(&self.password)
        )
    }

    /// ODBC connection string including credentials.
    pub fn conn_str_with_credentials(&self) -> String {
        format!("{};UID={};PWD={}", self.conn_str, self.user, self.password)
    }

    /// Restarts the server (fast shutdown: open connections are dropped) on the
    /// same port and waits until it answers again.
    pub fn restart(&self) {
        let out = run(Command::new(script()).arg("restart").arg(&self.dir));
        expect_success(&out, "pg-tmp restart");
    }

    /// Terminates every backend of the test role (simulates a dropped connection).
    /// Returns how many were terminated.
    pub fn terminate_user_backends(&self) -> usize {
        let n = self.psql(&format!(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity \
             where usename = '{}' and pid <> pg_backend_pid()",
            self.user.replace('\'', "''")
        ));
        n.parse().unwrap_or(0)
    }

    /// Waits until the server no longer lists backend `pid` (bounded: 10 s).
    pub fn wait_backend_gone(&self, pid: u32) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.psql(&format!("select count(*) from pg_stat_activity where pid = {pid}")) != "0" {
            assert!(std::time::Instant::now() < deadline, "backend {pid} still there");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// Path of `scripts/pg-tmp`.
pub fn script() -> PathBuf {
    tmp_server::script("pg-tmp")
}

static SERVER: OnceLock<PgServer> = OnceLock::new();
/// Set only for a cluster this process started (and so must stop).
static OWNED_DIR: OnceLock<PathBuf> = OnceLock::new();

/// One cluster per test binary, started on first call, stopped at process exit.
/// Reuses the server described by PG_TMP_DIR / PCONN_PG_CONNSTR / PG_TMP_PORT /
/// PCONN_PG_USER / PCONN_PG_PASSWORD when PG_TMP_DIR and PCONN_PG_CONNSTR are set.
pub fn pg() -> &'static PgServer {
    SERVER.get_or_init(|| from_env().unwrap_or_else(start_own))
}

fn from_env() -> Option<PgServer> {
    let dir = std::env::var_os("PG_TMP_DIR").filter(|d| !d.is_empty())?;
    let conn_str = std::env::var("PCONN_PG_CONNSTR").ok().filter(|s| !s.is_empty())?;
    let port = std::env::var("PG_TMP_PORT")
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .or_else(|| port_from_conn_str(&conn_str))
        .unwrap_or_else(|| panic!("PG_TMP_PORT unset and no Port= in PCONN_PG_CONNSTR={conn_str}"));
    Some(PgServer {
        dir: PathBuf::from(dir),
        port,
        conn_str,
        user: std::env::var("PCONN_PG_USER").unwrap_or_else(|_| DEFAULT_USER.into()),
        password: std::env::var("PCONN_PG_PASSWORD").unwrap_or_else(|_| DEFAULT_PASSWORD.into()),
    })
}

fn start_own() -> PgServer {
    let pid = std::process::id();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let server = start_cluster(std::env::temp_dir().join(format!("pconn-pg-{pid}-{nanos}")), &[]);
    if OWNED_DIR.set(server.dir.clone()).is_ok() {
        // SAFETY: registering a plain extern "C" fn with no captured state.
        let rc = unsafe { libc::atexit(stop_owned) };
        assert_eq!(rc, 0, "atexit failed");
    }
    server
}

/// Starts a cluster of its own in `dir`, with `env` for `scripts/pg-tmp` (e.g.
/// `PG_TMP_MAX_CONNECTIONS`). The script's watcher stops it should this process die; otherwise
/// the caller stops it with [`stop_cluster`].
pub fn start_cluster(dir: PathBuf, env: &[(&str, &str)]) -> PgServer {
    let out = run(
        Command::new(script())
            .arg("start")
            .arg(&dir)
            .env("PG_TMP_OWNER_PID", std::process::id().to_string())
            .envs(env.iter().copied()),
    );
    if !out.status.success() {
        stop_cluster(&dir);
        expect_success(&out, "pg-tmp start");
    }

    let env = read_env(&dir);
    let get = |key: &str| env_value(&env, key);
    PgServer {
        port: get("PG_TMP_PORT").parse().expect("PG_TMP_PORT is a port"),
        conn_str: get("PCONN_PG_CONNSTR"),
        user: get("PCONN_PG_USER"),
        password: get("PCONN_PG_PASSWORD"),
        dir,
    }
}

/// Stops the cluster in `dir`. Never panics (it runs in exit handlers and `Drop`): errors are
/// ignored.
pub fn stop_cluster(dir: &Path) {
    tmp_server::stop_quietly(&script(), dir);
}

extern "C" fn stop_owned() {
    if let Some(dir) = OWNED_DIR.get() {
        stop_cluster(dir);
    }
}

/// Quotes a libpq conninfo value (backslash escapes \ and ').
fn conninfo_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn port_from_conn_str(s: &str) -> Option<u16> {
    s.split(';').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        k.trim().eq_ignore_ascii_case("port").then(|| v.trim().parse().ok())?
    })
}

