//! The servers a benchmark runs against: the PostgreSQL named by `PCONN_PG_CONNSTR` (with
//! `PCONN_PG_USER`, `PCONN_PG_PASSWORD`), or else a throwaway cluster from `scripts/pg-tmp`; the
//! MariaDB named by `PCONN_MARIADB_CONNSTR` (`_USER`, `_PASSWORD`), or else one from
//! `scripts/mariadb-tmp`. A server started here is stopped again when its value is dropped.

use std::path::PathBuf;
use std::process::Command;

pub type PgServer = Server;

pub struct Server {
    pub conn_str: String,
    pub user: String,
    pub password: String,
    /// Set when this process started the server and must stop it: (script, directory).
    started_dir: Option<(&'static str, PathBuf)>,
}

fn script(name: &str) -> String {
    format!("{}/scripts/{name}", env!("CARGO_MANIFEST_DIR"))
}

impl Server {
    pub fn given_or_started(name: &str) -> Server {
        Server::given_or_started_by("pg-tmp", "PCONN_PG", name)
    }

    #[allow(dead_code)] // only `bench` runs against MariaDB
    pub fn mariadb_given_or_started(name: &str) -> Server {
        Server::given_or_started_by("mariadb-tmp", "PCONN_MARIADB", name)
    }

    fn given_or_started_by(script_name: &'static str, prefix: &str, name: &str) -> Server {
        if let Some(conn_str) = std::env::var(format!("{prefix}_CONNSTR")).ok().filter(|s| !s.is_empty()) {
            return Server {
                conn_str,
                user: std::env::var(format!("{prefix}_USER")).unwrap_or_default(),
                password: std::env::var(format!("{prefix}_PASSWORD")).unwrap_or_default(),
                started_dir: None,
            };
        }
        Server::start(script_name, prefix, name, &[], &[])
    }

    /// A PgBouncer with stock settings in `mode` in front of this PostgreSQL, when this process
    /// started it (`scripts/pgbouncer-tmp` needs the cluster's directory); same credentials.
    #[allow(dead_code)] // only `bench` runs through PgBouncer
    pub fn pgbouncer_in_front(&self, name: &str, mode: &str) -> Option<Server> {
        let (_, pg_dir) = self.started_dir.as_ref()?;
        let mut bouncer = Server::start("pgbouncer-tmp", "PCONN_PGBOUNCER", &format!("{name}-{mode}"), &[pg_dir.as_os_str()], &[("PGBOUNCER_TMP_POOL_MODE", mode)]);
        bouncer.user = self.user.clone();
        bouncer.password = self.password.clone();
        Some(bouncer)
    }

    fn start(script_name: &'static str, prefix: &str, name: &str, args: &[&std::ffi::OsStr], envs: &[(&str, &str)]) -> Server {
        let dir = std::env::temp_dir().join(format!("pconn-{name}-{script_name}-{}", std::process::id()));
        let started = Command::new(script(script_name))
            .arg("start")
            .arg(&dir)
            .args(args)
            .envs(envs.iter().copied())
            .output()
            .expect("the tmp server script runs");
        assert!(started.status.success(), "{script_name} did not start: {}", String::from_utf8_lossy(&started.stderr));
        let env = String::from_utf8_lossy(&started.stdout).into_owned();
        let var = |name: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .map(|v| v.trim_matches('\'').to_owned())
                .unwrap_or_default()
        };
        Server {
            conn_str: var(&format!("{prefix}_CONNSTR")),
            user: var(&format!("{prefix}_USER")),
            password: var(&format!("{prefix}_PASSWORD")),
            started_dir: Some((script_name, dir)),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some((script_name, dir)) = &self.started_dir {
            let _ = Command::new(script(script_name)).arg("stop").arg(dir).status();
        }
    }
}
