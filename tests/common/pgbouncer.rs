//! A throwaway PgBouncer with stock settings in front of the test binary's PostgreSQL cluster
//! (`common::pg::pg()`), run by `scripts/pgbouncer-tmp`, stopped when the process exits.

use super::pg::{PgServer, pg};
use super::tmp_server::{self, env_value};
use std::path::PathBuf;

const SCRIPT: &str = "pgbouncer-tmp";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PoolMode {
    Session,
    Transaction,
}

impl PoolMode {
    fn name(self) -> &'static str {
        match self {
            PoolMode::Session => "session",
            PoolMode::Transaction => "transaction",
        }
    }
}

pub struct PgBouncer {
    pub dir: PathBuf,
    pub port: u16,
    pub mode: PoolMode,
    /// ODBC connection string through PgBouncer, without credentials.
    pub conn_str: String,
    /// The cluster behind it.
    pub server: &'static PgServer,
}

impl PgBouncer {
    /// Starts a PgBouncer in `mode` in front of `pg()`; `pool_size` sets `default_pool_size`
    /// (None: PgBouncer's default). Each call starts a new one.
    pub fn start(mode: PoolMode, pool_size: Option<u32>) -> PgBouncer {
        let pool_size = pool_size.map(|n| n.to_string());
        let mut envs = vec![("PGBOUNCER_TMP_POOL_MODE", mode.name())];
        if let Some(size) = &pool_size {
            envs.push(("PGBOUNCER_TMP_POOL_SIZE", size));
        }
        PgBouncer::start_with(mode, &envs)
    }

    /// [`PgBouncer::start`] whose database entry sets `client_encoding`, which PgBouncer sends in
    /// its server connections' startup packet (a setting an operator may add).
    #[allow(dead_code)] // not every test binary uses it
    pub fn start_with_client_encoding(mode: PoolMode, encoding: &str) -> PgBouncer {
        PgBouncer::start_with(mode, &[("PGBOUNCER_TMP_POOL_MODE", mode.name()), ("PGBOUNCER_TMP_CLIENT_ENCODING", encoding)])
    }

    fn start_with(mode: PoolMode, envs: &[(&str, &str)]) -> PgBouncer {
        let server = pg();
        let (dir, env) = tmp_server::start(SCRIPT, &[server.dir.as_os_str()], envs);
        PgBouncer {
            port: env_value(&env, "PGBOUNCER_TMP_PORT").parse().expect("PGBOUNCER_TMP_PORT is a port"),
            conn_str: env_value(&env, "PCONN_PGBOUNCER_CONNSTR"),
            mode,
            server,
            dir,
        }
    }

    /// ODBC connection string through PgBouncer including the cluster's test credentials.
    pub fn conn_str_with_credentials(&self) -> String {
        format!("{};UID={};PWD={}", self.conn_str, self.server.user, self.server.password)
    }

    /// PgBouncer's own log (connections, errors it sent to clients).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            tmp_server::stop(SCRIPT, &self.dir);
        }
    }
}
