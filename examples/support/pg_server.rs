//! The PostgreSQL a benchmark runs against: the one named by `PCONN_PG_CONNSTR` (with
//! `PCONN_PG_USER`, `PCONN_PG_PASSWORD`), or else a throwaway cluster from `scripts/pg-tmp`,
//! stopped again when this value is dropped.

use std::path::PathBuf;
use std::process::Command;

pub struct PgServer {
    pub conn_str: String,
    pub user: String,
    pub password: String,
    /// Set when this process started the cluster and must stop it.
    started_dir: Option<PathBuf>,
}

fn script() -> String {
    format!("{}/scripts/pg-tmp", env!("CARGO_MANIFEST_DIR"))
}

impl PgServer {
    pub fn given_or_started(name: &str) -> PgServer {
        if let Some(conn_str) = std::env::var("PCONN_PG_CONNSTR").ok().filter(|s| !s.is_empty()) {
            return PgServer {
                conn_str,
                user: std::env::var("PCONN_PG_USER").unwrap_or_default(),
                password: std::env::var("PCONN_PG_PASSWORD").unwrap_or_default(),
                started_dir: None,
            };
        }
        let dir = std::env::temp_dir().join(format!("pconn-{name}-pg-{}", std::process::id()));
        let started = Command::new(script()).arg("start").arg(&dir).output().expect("scripts/pg-tmp runs");
        assert!(started.status.success(), "PostgreSQL did not start: {}", String::from_utf8_lossy(&started.stderr));
        let env = String::from_utf8_lossy(&started.stdout).into_owned();
        let var = |name: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .map(|v| v.trim_matches('\'').to_owned())
                .unwrap_or_default()
        };
        PgServer {
            conn_str: var("PCONN_PG_CONNSTR"),
            user: var("PCONN_PG_USER"),
            password: var("PCONN_PG_PASSWORD"),
            started_dir: Some(dir),
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if let Some(dir) = &self.started_dir {
            let _ = Command::new(script()).arg("stop").arg(dir).status();
        }
    }
}
