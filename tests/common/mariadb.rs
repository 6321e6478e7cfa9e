//! A throwaway MariaDB server for integration tests, run by `scripts/mariadb-tmp`: one per test
//! binary, started on first use, stopped when the process exits.

use super::tmp_server::{self, env_value, expect_success, run};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const SCRIPT: &str = "mariadb-tmp";

pub struct MariaDbServer {
    /// The server's directory (`DIR` of `scripts/mariadb-tmp`); `general.log` in it is the
    /// server's general query log.
    pub dir: PathBuf,
    pub port: u16,
    /// ODBC connection string without credentials, e.g.
    /// `Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=pconn`.
    pub conn_str: String,
    pub user: String,
    pub password: String,
}

impl MariaDbServer {
    /// Runs `sql` as root over the unix socket in database `pconn` (tab-separated, no column
    /// names); panics with the client's stderr on failure, returns trimmed stdout.
    pub fn sql(&self, sql: &str) -> String {
        let out = run(Command::new(tmp_server::script(SCRIPT)).arg("sql").arg(&self.dir).arg("-N").arg("-B").arg("-e").arg(sql));
        expect_success(&out, &format!("mariadb as root: {sql}"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// ODBC connection string including credentials.
    pub fn conn_str_with_credentials(&self) -> String {
        format!("{};UID={};PWD={}", self.conn_str, self.user, self.password)
    }

    /// The general query log's lines (thread id, command, argument) so far.
    pub fn general_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("general.log")).unwrap_or_default()
    }
}

static SERVER: OnceLock<MariaDbServer> = OnceLock::new();

/// One server per test binary, started on first call, stopped at process exit.
pub fn mariadb() -> &'static MariaDbServer {
    SERVER.get_or_init(|| {
        let (dir, env) = tmp_server::start(SCRIPT, &[], &[]);
        MariaDbServer {
            port: env_value(&env, "MARIADB_TMP_PORT").parse().expect("MARIADB_TMP_PORT is a port"),
            conn_str: env_value(&env, "PCONN_MARIADB_CONNSTR"),
            user: env_value(&env, "PCONN_MARIADB_USER"),
            password: env_value(&env, "PCONN_MARIADB_PASSWORD"),
            dir,
        }
    })
}
