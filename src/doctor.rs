//! `pconn doctor`: answers, for one server, the questions a deployment of persistent links
//! leaves open — does persistence pay here, how many links can the server take and which host
//! caps to set, and does the request-end reset really clean this server's sessions.
//!
//! It works through the same pool a server process uses: links are opened, kept and cleaned by
//! pconn itself, so what it reports about the reset is what an application gets.

use crate::error::{Error, Result};
use crate::json;
use crate::key::ConnSpec;
use crate::pool::{self, LinkHandle, LinkKind};
use crate::session::reset::Dbms;
use std::fmt::Write;
use std::time::Instant;

/// What to examine.
pub struct Request<'a> {
    pub conn: &'a str,
    pub user: Option<&'a str>,
    pub password: Option<&'a str>,
    /// Worker processes that will each keep links (php-fpm's `pm.max_children`).
    pub workers: usize,
    /// Identities (connection string, user, password) each worker connects as.
    pub identities: usize,
}

/// Connects and first queries timed, and queries on a kept link.
const CONNECTS: usize = 5;
const KEPT_QUERIES: usize = 50;

/// The findings.
#[derive(Debug, Default)]
pub struct Report {
    pub server: String,
    pub connection: String,
    pub connect_ms: f64,
    pub kept_query_ms: f64,
    pub max_connections: Option<u64>,
    pub reserved_connections: Option<u64>,
    pub connections_in_use: Option<u64>,
    pub workers: usize,
    pub identities: usize,
    pub host_max_links: Option<u64>,
    pub host_max_per_key: Option<u64>,
    pub reset_checks: Vec<ResetCheck>,
    /// The same server session came back after request end (the checks ran on a reused link).
    pub reused_session: bool,
}

/// One kind of session state, dirtied, then compared after request end with a fresh session.
#[derive(Debug)]
pub struct ResetCheck {
    pub name: &'static str,
    pub fresh: String,
    pub after_reset: String,
}

impl ResetCheck {
    pub fn leaks(&self) -> bool {
        self.fresh != self.after_reset
    }
}

/// What dirties a session and how its state reads, for one kind of server.
struct Probe {
    name: &'static str,
    dirty: &'static [&'static str],
    read: &'static str,
}

fn probes(dbms: Family) -> &'static [Probe] {
    match dbms {
        Family::PostgreSql => &[
            Probe { name: "temporary table", dirty: &["CREATE TEMP TABLE pconn_doctor_tmp(x int)"], read: "SELECT coalesce(to_regclass('pg_temp.pconn_doctor_tmp')::text, 'absent')" },
            Probe { name: "session setting", dirty: &["SET application_name = 'pconn_doctor_dirty'"], read: "SELECT current_setting('application_name')" },
            // After RESET ALL a custom variable once set stays defined, empty: its value is what
            // must not survive, so empty reads as unset.
            Probe { name: "session variable", dirty: &["SET pconn_doctor.var = 'dirty'"], read: "SELECT coalesce(nullif(current_setting('pconn_doctor.var', true), ''), 'unset')" },
            Probe { name: "prepared statement", dirty: &["PREPARE pconn_doctor_stmt AS SELECT 1"], read: "SELECT count(*) FROM pg_prepared_statements WHERE name = 'pconn_doctor_stmt'" },
            Probe { name: "open transaction", dirty: &["BEGIN", "SELECT 1"], read: "SELECT CASE WHEN now() = statement_timestamp() THEN 'none' ELSE 'open' END" },
        ],
        Family::MySql => &[
            // With a row: an empty table would read as absent as a missing one.
            Probe { name: "temporary table", dirty: &["CREATE TEMPORARY TABLE pconn_doctor_tmp(x int)", "INSERT INTO pconn_doctor_tmp VALUES (1)"], read: "SELECT (SELECT 'present' FROM pconn_doctor_tmp LIMIT 1)" },
            Probe { name: "session setting", dirty: &["SET SESSION sql_mode = 'ANSI_QUOTES'"], read: "SELECT @@SESSION.sql_mode" },
            Probe { name: "session variable", dirty: &["SET @pconn_doctor = 'dirty'"], read: "SELECT coalesce(@pconn_doctor, 'unset')" },
            Probe { name: "open transaction", dirty: &["START TRANSACTION", "SELECT 1"], read: "SELECT @@in_transaction" },
        ],
        Family::Sqlite => &[
            Probe { name: "temporary table", dirty: &["CREATE TEMP TABLE pconn_doctor_tmp(x)"], read: "SELECT count(*) FROM sqlite_temp_master WHERE name = 'pconn_doctor_tmp'" },
            Probe { name: "session setting", dirty: &["PRAGMA cache_size = 1234"], read: "PRAGMA cache_size" },
            Probe { name: "open transaction", dirty: &["BEGIN", "CREATE TEMP TABLE pconn_doctor_tx(x)"], read: "SELECT count(*) FROM sqlite_temp_master WHERE name = 'pconn_doctor_tx'" },
        ],
        Family::Other => &[],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    PostgreSql,
    MySql,
    Sqlite,
    Other,
}

fn connect(kind: LinkKind, request: &Request) -> Result<LinkHandle> {
    let spec = ConnSpec::parse(request.conn, request.user, request.password)?;
    pool::connect(kind, &spec)
}

/// The first column of the first row, as text; `None` for no row or SQL NULL.
fn query(link: LinkHandle, sql: &str) -> Result<Option<String>> {
    pool::call_on_link(link, |session| {
        let slot = session.execute(sql.as_bytes())?;
        let mut value = None;
        if session.result_set_mut(slot)?.column_count() > 0 && session.fetch(slot)? {
            value = session.result_set_mut(slot)?.text(1)?.map(|bytes| String::from_utf8_lossy(bytes.strip_suffix(&[0]).unwrap_or(bytes)).into_owned());
        }
        session.free_result_set(slot)?;
        Ok(value)
    })
}

/// A probe's reading; a failed read (a table that is not there) reads as `absent`.
fn read(link: LinkHandle, sql: &str) -> String {
    match query(link, sql) {
        Ok(value) => value.unwrap_or_else(|| "absent".into()),
        Err(_) => "absent".into(),
    }
}

fn number(link: LinkHandle, sql: &str) -> Option<u64> {
    query(link, sql).ok().flatten().and_then(|v| v.trim().parse().ok())
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn family(link: LinkHandle) -> Result<Family> {
    let dbms = pool::call_on_link(link, |session| Ok(Dbms::detect(session.connection()?)))?;
    Ok(match dbms {
        Dbms::PostgreSql => Family::PostgreSql,
        Dbms::Sqlite => Family::Sqlite,
        Dbms::MariaDb => Family::MySql,
        Dbms::Other if query(link, "SELECT @@max_connections").is_ok() => Family::MySql,
        Dbms::Other => Family::Other,
    })
}

/// Runs every check. Leaves no link open.
pub fn examine(request: &Request) -> Result<Report> {
    if request.identities == 0 {
        return Err(Error::InvalidArgument("--identities must be at least 1".into()));
    }
    let result = examine_links(request);
    pool::end_request();
    pool::close_all();
    result
}

fn examine_links(request: &Request) -> Result<Report> {
    let spec = ConnSpec::parse(request.conn, request.user, request.password)?;
    let mut report = Report {
        connection: spec.key.display_name(),
        workers: request.workers,
        identities: request.identities,
        ..Report::default()
    };
    drop(spec);

    // What a request without a kept link pays: connect, then its first query.
    let mut connects = Vec::new();
    for _ in 0..CONNECTS {
        let started = Instant::now();
        let link = connect(LinkKind::Fresh, request)?;
        query(link, "SELECT 1")?;
        connects.push(started.elapsed().as_secs_f64() * 1000.0);
        pool::drop_link(link)?;
    }
    report.connect_ms = median(connects);

    let kept = connect(LinkKind::Persistent, request)?;
    let family = family(kept)?;
    query(kept, "SELECT 1")?;
    let mut queries = Vec::new();
    for _ in 0..KEPT_QUERIES {
        let started = Instant::now();
        query(kept, "SELECT 1")?;
        queries.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report.kept_query_ms = median(queries);

    match family {
        Family::PostgreSql => {
            report.server = query(kept, "SELECT 'PostgreSQL ' || current_setting('server_version')")?.unwrap_or_default();
            report.max_connections = number(kept, "SELECT current_setting('max_connections')");
            report.reserved_connections = number(kept, "SELECT current_setting('superuser_reserved_connections')");
            report.connections_in_use = number(kept, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
        }
        Family::MySql => {
            report.server = query(kept, "SELECT concat('MariaDB/MySQL ', version())")?.unwrap_or_default();
            report.max_connections = number(kept, "SELECT @@max_connections");
            // One extra connection is kept for a user with SUPER (CONNECTION ADMIN).
            report.reserved_connections = Some(1);
            report.connections_in_use = pool::call_on_link(kept, |session| session.run_internal("SHOW STATUS LIKE 'Threads_connected'"))
                .ok()
                .and_then(|rows| rows.first()?.get(1)?.clone()?.parse().ok());
        }
        Family::Sqlite => report.server = format!("SQLite {}", query(kept, "SELECT sqlite_version()")?.unwrap_or_default()),
        Family::Other => report.server = "unknown DBMS".into(),
    }
    suggest_caps(&mut report);

    // The reset: dirty a kept session, end the request, and read the same session again.
    let backend = |link| match family {
        Family::PostgreSql => query(link, "SELECT pg_backend_pid()").ok().flatten(),
        Family::MySql => query(link, "SELECT connection_id()").ok().flatten(),
        _ => None,
    };
    let before = backend(kept);
    for probe in probes(family) {
        for sql in probe.dirty {
            query(kept, sql).map_err(|e| Error::InvalidArgument(format!("dirtying the session ({}) failed: {e}", probe.name)))?;
        }
    }
    pool::end_request();
    let reused = connect(LinkKind::Persistent, request)?;
    report.reused_session = before.is_none() || backend(reused) == before;
    let after: Vec<String> = probes(family).iter().map(|probe| read(reused, probe.read)).collect();
    let fresh_link = connect(LinkKind::Fresh, request)?;
    for (probe, after_reset) in probes(family).iter().zip(after) {
        report.reset_checks.push(ResetCheck { name: probe.name, fresh: read(fresh_link, probe.read), after_reset });
    }
    Ok(report)
}

/// The host caps to set: all links of the host within what the server has left for it, and each
/// identity within its share.
fn suggest_caps(report: &mut Report) {
    let Some(max) = report.max_connections else { return };
    let reserved = report.reserved_connections.unwrap_or(0);
    // This tool's own link is in the count; other clients' connections stay theirs.
    let others = report.connections_in_use.unwrap_or(0).saturating_sub(1);
    // A tenth kept back for administration, migrations and monitoring.
    let available = max.saturating_sub(reserved).saturating_sub(others);
    let links = available - available / 10;
    report.host_max_links = Some(links);
    let per_key = links / report.identities.max(1) as u64;
    report.host_max_per_key = Some(if report.workers > 0 { per_key.min(report.workers as u64) } else { per_key });
}

impl Report {
    pub fn worst_case(&self) -> usize {
        self.workers * self.identities
    }

    pub fn persistence_pays(&self) -> bool {
        self.connect_ms > 2.0 * self.kept_query_ms
    }

    pub fn leaks(&self) -> Vec<&'static str> {
        self.reset_checks.iter().filter(|c| c.leaks()).map(|c| c.name).collect()
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "pconn doctor: {} ({})", self.server, self.connection);
        let _ = writeln!(out, "\nPersistence");
        let _ = writeln!(out, "  connect + first query   {:9.3} ms (median of {CONNECTS})", self.connect_ms);
        let _ = writeln!(out, "  query on a kept link    {:9.3} ms (median of {KEPT_QUERIES})", self.kept_query_ms);
        let ratio = self.connect_ms / self.kept_query_ms.max(1e-6);
        if self.persistence_pays() {
            let _ = writeln!(out, "  persistence pays: connecting costs {ratio:.0}x a query on a kept link, on every request without one");
        } else {
            let _ = writeln!(out, "  persistence does not pay here: connecting costs about as much as a query ({ratio:.1}x)");
        }
        let _ = writeln!(out, "\nCapacity");
        match self.max_connections {
            Some(max) => {
                let _ = writeln!(out, "  max_connections         {max} ({} reserved)", self.reserved_connections.unwrap_or(0));
                let _ = writeln!(out, "  connections in use      {}", self.connections_in_use.map_or("unknown".into(), |n| n.to_string()));
            }
            None => {
                let _ = writeln!(out, "  the server has no connection limit to read (embedded database)");
            }
        }
        let _ = writeln!(
            out,
            "  worst case              {} workers x {} identities = {} links",
            self.workers,
            self.identities,
            self.worst_case()
        );
        if let (Some(links), Some(per_key)) = (self.host_max_links, self.host_max_per_key) {
            if self.worst_case() as u64 > links {
                let _ = writeln!(out, "  the worst case exceeds what the server has left: set the host caps");
            }
            let _ = writeln!(out, "  set                     PCONN_HOST_MAX_LINKS={links} PCONN_HOST_MAX_PER_KEY={per_key} PCONN_HOST_WAIT=5");
        }
        let _ = writeln!(out, "\nReset (a dirtied session after request end, against a fresh session)");
        if !self.reused_session {
            let _ = writeln!(out, "  warning: the request after did not get the same session back; the checks below read another one");
        }
        for check in &self.reset_checks {
            let verdict = if check.leaks() {
                format!("LEAKS: fresh `{}`, after reset `{}`", check.fresh, check.after_reset)
            } else {
                "clean".into()
            };
            let _ = writeln!(out, "  {:<22}  {verdict}", check.name);
        }
        let leaks = self.leaks();
        if self.reset_checks.is_empty() {
            let _ = writeln!(out, "  no checks known for this DBMS");
        } else if leaks.is_empty() {
            let _ = writeln!(out, "  the reset cleans this server");
        } else {
            let _ = writeln!(out, "  the reset leaves behind: {} (set `reset` to sql:<statement> that clears it)", leaks.join(", "));
        }
        out
    }

    pub fn to_json(&self) -> String {
        let string = json::string;
        let opt = |n: Option<u64>| n.map_or("null".to_owned(), |n| n.to_string());
        let checks: Vec<String> = self
            .reset_checks
            .iter()
            .map(|c| format!("{{\"name\":{},\"fresh\":{},\"after_reset\":{},\"leaks\":{}}}", string(c.name), string(&c.fresh), string(&c.after_reset), c.leaks()))
            .collect();
        let leaks: Vec<String> = self.leaks().into_iter().map(string).collect();
        format!(
            "{{\"server\":{},\"connection\":{},\"persistence\":{{\"connect_ms\":{:.3},\"kept_query_ms\":{:.3},\"pays\":{}}},\
             \"capacity\":{{\"max_connections\":{},\"reserved_connections\":{},\"connections_in_use\":{},\"workers\":{},\
             \"identities\":{},\"worst_case_links\":{},\"host_max_links\":{},\"host_max_per_key\":{}}},\
             \"reset\":{{\"reused_session\":{},\"checks\":[{}],\"leaks\":[{}]}}}}",
            string(&self.server),
            string(&self.connection),
            self.connect_ms,
            self.kept_query_ms,
            self.persistence_pays(),
            opt(self.max_connections),
            opt(self.reserved_connections),
            opt(self.connections_in_use),
            self.workers,
            self.identities,
            self.worst_case(),
            opt(self.host_max_links),
            opt(self.host_max_per_key),
            self.reused_session,
            checks.join(","),
            leaks.join(",")
        )
    }
}
