//! Configuration: process-wide options, read from `PCONN_<OPTION>` environment variables at first
//! use and changeable at run time with `pconn_set_option`; some may be overridden per connection
//! string (`PconnReset=none;`).

use crate::error::{Error, Result};
use parking_lot::{Mutex, RwLock};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How a link's server session is reset at request end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetPolicy {
    /// What the DBMS needs: `DISCARD ALL` on PostgreSQL, dropping temp objects, attached databases
    /// and changed pragmas on SQLite, `SQL_ATTR_RESET_CONNECTION` elsewhere.
    Auto,
    /// No session reset (rollback, attribute restore and error clearing still happen).
    None,
    /// ODBC 3.8's `SQL_ATTR_RESET_CONNECTION`, for drivers that really honour it.
    Driver,
    /// Run this SQL.
    Sql(String),
}

impl ResetPolicy {
    pub fn parse(value: &str) -> Result<ResetPolicy> {
        let trimmed = value.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(ResetPolicy::Auto),
            "none" | "off" => Ok(ResetPolicy::None),
            "driver" => Ok(ResetPolicy::Driver),
            lower if lower.starts_with("sql:") => {
                let sql = trimmed[4..].trim();
                if sql.is_empty() {
                    Err(Error::InvalidArgument("reset `sql:` needs a statement after the colon".into()))
                } else {
                    Ok(ResetPolicy::Sql(sql.to_owned()))
                }
            }
            _ => Err(Error::InvalidArgument(format!(
                "reset must be auto, none, driver or sql:<statement>, not `{trimmed}`"
            ))),
        }
    }
}

/// What sits between pconn and the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pooler {
    /// The server itself, or a pooler that gives each client its own server connection for the
    /// whole session (PgBouncer's session mode): pconn resets the session at request end.
    #[default]
    None,
    /// A transaction pooler (PgBouncer's transaction mode): consecutive transactions of one link
    /// may run on different server connections shared with other clients. No session state is
    /// kept or reset (see `session/pooler.rs`).
    Transaction,
}

impl Pooler {
    pub fn parse(value: &str) -> Result<Pooler> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "none" | "session" => Ok(Pooler::None),
            "transaction" => Ok(Pooler::Transaction),
            _ => Err(Error::InvalidArgument(format!("pooler must be none, session or transaction, not `{}`", value.trim()))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Pooler::None => "none",
            Pooler::Transaction => "transaction",
        }
    }
}

/// What happens when a limit would be exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnLimit {
    /// Refuse with `PCONN_LIMIT` and a message naming the limit.
    Error,
    /// Hand out a request-scoped link instead of a persistent one, as oci8 does.
    Fallback,
}

/// Every option, with its default. `None` for a limit means unlimited.
#[derive(Debug, Clone)]
pub struct Config {
    pub reset: ResetPolicy,
    pub pooler: Pooler,
    /// A round trip is made at hand-out only when the link was idle longer than this; `Some(0)`
    /// means every time, `None` never.
    pub ping_interval: Option<Duration>,
    /// The round trip used as a ping.
    pub ping_sql: Arc<str>,
    pub max_persistent: Option<usize>,
    pub max_links: Option<usize>,
    pub max_per_key: Option<usize>,
    pub on_limit: OnLimit,
    pub idle_timeout: Option<Duration>,
    pub max_lifetime: Option<Duration>,
    pub max_uses: Option<u64>,
    /// Rows fetched per block-cursor round trip.
    pub fetch_batch: usize,
    /// Seconds to wait for a login (0: the driver's default).
    pub login_timeout: u32,
    /// Persistent links are reset on pconn's background thread after request end, not in
    /// `pconn_request_end` itself.
    pub background_reset: bool,
    /// Host-wide caps shared by every process of the user (see `pool/host_slots.rs`).
    pub host_max_per_key: Option<usize>,
    pub host_max_links: Option<usize>,
    /// How long a connect waits for a host-wide slot to free before `on_limit` applies.
    pub host_wait: Duration,
    /// Where the host-wide slots live; `None`: `/dev/shm/pconn-<uid>`.
    pub host_slot_dir: Option<Arc<str>>,
    /// How long a hand-out waits for a link of its key still being reset after its request; then
    /// that link is abandoned (a server that stopped answering) and another one opened.
    pub reset_timeout: Duration,
    /// Which configuration this is: every `set_option` makes a new one. What is derived from a
    /// configuration and cached (per-link settings) is valid while the generation matches.
    pub generation: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            reset: ResetPolicy::Auto,
            pooler: Pooler::None,
            ping_interval: Some(Duration::from_secs(60)),
            ping_sql: Arc::from("SELECT 1"),
            max_persistent: None,
            max_links: None,
            max_per_key: None,
            on_limit: OnLimit::Error,
            idle_timeout: None,
            max_lifetime: None,
            max_uses: None,
            fetch_batch: 1000,
            login_timeout: 0,
            background_reset: true,
            host_max_per_key: None,
            host_max_links: None,
            host_wait: Duration::ZERO,
            host_slot_dir: None,
            reset_timeout: Duration::from_secs(5),
            generation: 0,
        }
    }
}

/// The largest `host_max_per_key`/`host_max_links` accepted: each slot is one `fcntl` to try.
/// Crate-private: it stays out of the C header.
pub(crate) const HOST_MAX_CAP: usize = 65_536;

/// One documented option: its name, what it sets, and the environment variable it is read from.
pub struct OptionInfo {
    pub name: &'static str,
    pub default: &'static str,
    pub php_counterpart: &'static str,
    pub per_connection: bool,
}

pub const OPTIONS: &[OptionInfo] = &[
    OptionInfo { name: "reset", default: "auto", php_counterpart: "none (pgsql: auto_reset_persistent)", per_connection: true },
    OptionInfo { name: "pooler", default: "none", php_counterpart: "none", per_connection: true },
    OptionInfo { name: "ping_interval", default: "60", php_counterpart: "oci8.ping_interval", per_connection: true },
    OptionInfo { name: "ping_sql", default: "SELECT 1", php_counterpart: "odbc.check_persistent", per_connection: true },
    OptionInfo { name: "max_persistent", default: "-1", php_counterpart: "odbc.max_persistent", per_connection: false },
    OptionInfo { name: "max_links", default: "-1", php_counterpart: "odbc.max_links", per_connection: false },
    OptionInfo { name: "max_per_key", default: "-1", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "on_limit", default: "error", php_counterpart: "oci8 falls back to a non-persistent link", per_connection: false },
    OptionInfo { name: "idle_timeout", default: "0", php_counterpart: "oci8.persistent_timeout", per_connection: false },
    OptionInfo { name: "max_lifetime", default: "0", php_counterpart: "none (HikariCP maxLifetime)", per_connection: false },
    OptionInfo { name: "max_uses", default: "0", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "fetch_batch", default: "1000", php_counterpart: "odbc.defaultlrl (different meaning)", per_connection: false },
    OptionInfo { name: "login_timeout", default: "0", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "background_reset", default: "on", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "host_max_per_key", default: "-1", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "host_max_links", default: "-1", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "host_wait", default: "0", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "host_slot_dir", default: "", php_counterpart: "none", per_connection: false },
    OptionInfo { name: "reset_timeout", default: "5", php_counterpart: "none", per_connection: false },
];

/// Option names compare case-insensitively and ignore `_` and `-`: `PING_INTERVAL`, `pingInterval`
/// and `ping-interval` are the same option.
pub fn normalize_name(name: &str) -> String {
    name.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// `normalize_name(a) == normalize_name(b)`, without allocating: connection-string overrides are
/// looked up on every connect.
fn same_name(a: &str, b: &str) -> bool {
    fn significant(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().filter(|c| *c != b'_' && *c != b'-').map(|c| c.to_ascii_lowercase())
    }
    significant(a).eq(significant(b))
}

fn lookup(name: &str) -> Result<&'static OptionInfo> {
    OPTIONS
        .iter()
        .find(|o| same_name(o.name, name))
        .ok_or_else(|| Error::InvalidArgument(format!("unknown option `{name}`")))
}

fn parse_ping_sql(value: &str) -> Result<Arc<str>> {
    if value.trim().is_empty() {
        return Err(Error::InvalidArgument("option `ping_sql` must not be empty".into()));
    }
    Ok(Arc::from(value.trim()))
}

/// The longest duration an option accepts: about 31 years. Longer ones mean "never" in practice,
/// and past this bound the arithmetic on them (a `Duration` from `f64`, a jittered lifetime, an
/// `Instant` plus it) would overflow.
const MAX_SECONDS: f64 = 1e9;

fn parse_seconds(name: &str, value: &str, negative_means_never: bool) -> Result<Option<Duration>> {
    let range = || {
        let low = if negative_means_never { "a negative number for never, or 0" } else { "0" };
        format!("option `{name}` wants a number of seconds from {low} to {MAX_SECONDS:.0}, not `{value}`")
    };
    let seconds: f64 = value.trim().parse().map_err(|_| Error::InvalidArgument(range()))?;
    if !seconds.is_finite() || seconds > MAX_SECONDS {
        return Err(Error::InvalidArgument(range()));
    }
    if seconds < 0.0 {
        if negative_means_never {
            return Ok(None);
        }
        return Err(Error::InvalidArgument(range()));
    }
    // In range and finite: `from_secs_f64` cannot panic.
    Ok(Some(Duration::from_secs_f64(seconds)))
}

/// `0` or a negative number for "no timeout": `idle_timeout=0` turns the check off.
fn parse_timeout(name: &str, value: &str) -> Result<Option<Duration>> {
    let parsed = parse_seconds(name, value, true)?;
    Ok(parsed.filter(|d| !d.is_zero()))
}

/// `reset_timeout`: more than 0 and at most an hour.
fn parse_reset_timeout(value: &str) -> Result<Duration> {
    let out_of_range = || Error::InvalidArgument(format!("option `reset_timeout` must be a number of seconds above 0 and at most 3600, not `{value}`"));
    let seconds: f64 = value.trim().parse().map_err(|_| out_of_range())?;
    if !(seconds > 0.0 && seconds <= 3600.0) {
        return Err(out_of_range());
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn parse_limit(name: &str, value: &str) -> Result<Option<usize>> {
    let number: i64 = value.trim().parse().map_err(|_| {
        Error::InvalidArgument(format!("option `{name}` wants a whole number (-1 for no limit), not `{value}`"))
    })?;
    Ok(if number < 0 { None } else { Some(number as usize) })
}

impl Config {
    /// Sets one option from its text form.
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let option = lookup(name)?;
        let name = option.name;
        match name {
            "reset" => self.reset = ResetPolicy::parse(value)?,
            "pooler" => self.pooler = Pooler::parse(value)?,
            "ping_interval" => self.ping_interval = parse_seconds(name, value, true)?,
            "ping_sql" => self.ping_sql = parse_ping_sql(value)?,
            "max_persistent" => self.max_persistent = parse_limit(name, value)?,
            "max_links" => self.max_links = parse_limit(name, value)?,
            "max_per_key" => self.max_per_key = parse_limit(name, value)?,
            "on_limit" => {
                self.on_limit = match value.trim().to_ascii_lowercase().as_str() {
                    "error" => OnLimit::Error,
                    "fallback" => OnLimit::Fallback,
                    _ => {
                        return Err(Error::InvalidArgument(format!(
                            "option `on_limit` must be error or fallback, not `{value}`"
                        )));
                    }
                }
            }
            "idle_timeout" => self.idle_timeout = parse_timeout(name, value)?,
            "max_lifetime" => self.max_lifetime = parse_timeout(name, value)?,
            "max_uses" => self.max_uses = parse_limit(name, value)?.filter(|n| *n > 0).map(|n| n as u64),
            "fetch_batch" => {
                let batch = parse_limit(name, value)?.filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| {
                    Error::InvalidArgument(format!("option `fetch_batch` must be 1 to 1000000, not `{value}`"))
                })?;
                self.fetch_batch = batch;
            }
            "login_timeout" => {
                self.login_timeout = value.trim().parse().map_err(|_| {
                    Error::InvalidArgument(format!("option `login_timeout` wants whole seconds, not `{value}`"))
                })?
            }
            "background_reset" => {
                self.background_reset = match value.trim().to_ascii_lowercase().as_str() {
                    "on" | "1" | "true" | "yes" => true,
                    "off" | "0" | "false" | "no" => false,
                    _ => {
                        return Err(Error::InvalidArgument(format!(
                            "option `background_reset` must be on or off, not `{value}`"
                        )));
                    }
                }
            }
            "host_max_per_key" | "host_max_links" => {
                let cap = parse_limit(name, value)?;
                if cap.is_some_and(|n| n > HOST_MAX_CAP) {
                    return Err(Error::InvalidArgument(format!(
                        "option `{name}` must be at most {}, not `{value}`",
                        HOST_MAX_CAP
                    )));
                }
                if name == "host_max_per_key" {
                    self.host_max_per_key = cap;
                } else {
                    self.host_max_links = cap;
                }
            }
            "host_wait" => self.host_wait = parse_seconds(name, value, false)?.unwrap_or_default(),
            "host_slot_dir" => {
                let dir = value.trim();
                if !dir.is_empty() && !dir.starts_with('/') {
                    return Err(Error::InvalidArgument(format!("option `host_slot_dir` must be an absolute path, not `{dir}`")));
                }
                self.host_slot_dir = (!dir.is_empty()).then(|| Arc::from(dir));
            }
            "reset_timeout" => self.reset_timeout = parse_reset_timeout(value)?,
            _ => unreachable!("every entry of OPTIONS is handled"),
        }
        Ok(())
    }

    /// The current value of an option in the text form `set` accepts.
    pub fn get(&self, name: &str) -> Result<String> {
        let option = lookup(name)?;
        let limit = |l: Option<usize>| l.map_or("-1".to_owned(), |n| n.to_string());
        let secs = |d: Option<Duration>, none: &str| d.map_or(none.to_owned(), |d| d.as_secs_f64().to_string());
        Ok(match option.name {
            "reset" => match &self.reset {
                ResetPolicy::Auto => "auto".into(),
                ResetPolicy::None => "none".into(),
                ResetPolicy::Driver => "driver".into(),
                ResetPolicy::Sql(sql) => format!("sql:{sql}"),
            },
            "pooler" => self.pooler.name().into(),
            "ping_interval" => secs(self.ping_interval, "-1"),
            "ping_sql" => self.ping_sql.to_string(),
            "max_persistent" => limit(self.max_persistent),
            "max_links" => limit(self.max_links),
            "max_per_key" => limit(self.max_per_key),
            "on_limit" => match self.on_limit {
                OnLimit::Error => "error".into(),
                OnLimit::Fallback => "fallback".into(),
            },
            "idle_timeout" => secs(self.idle_timeout, "0"),
            "max_lifetime" => secs(self.max_lifetime, "0"),
            "max_uses" => self.max_uses.map_or("0".into(), |n| n.to_string()),
            "fetch_batch" => self.fetch_batch.to_string(),
            "login_timeout" => self.login_timeout.to_string(),
            "background_reset" => if self.background_reset { "on" } else { "off" }.into(),
            "host_max_per_key" => limit(self.host_max_per_key),
            "host_max_links" => limit(self.host_max_links),
            "host_wait" => self.host_wait.as_secs_f64().to_string(),
            "host_slot_dir" => self.host_slot_dir.as_deref().unwrap_or_default().to_owned(),
            "reset_timeout" => self.reset_timeout.as_secs_f64().to_string(),
            _ => unreachable!("every entry of OPTIONS is handled"),
        })
    }

    /// Reads `PCONN_<OPTION>` for every option. A bad value is reported, not ignored: the
    /// configuration has the good ones applied, and each bad one comes back as a problem naming its
    /// variable (calls fail with it until `pconn_set_option` sets that option).
    pub fn from_env(vars: impl Fn(&str) -> Option<String>) -> (Config, Vec<EnvProblem>) {
        let mut config = Config::default();
        let mut problems = Vec::new();
        for option in OPTIONS {
            let var = format!("PCONN_{}", option.name.to_ascii_uppercase());
            if let Some(value) = vars(&var)
                && let Err(error) = config.set(option.name, &value)
            {
                let message = format!(
                    "environment variable {var}: {}; fix the variable, or set the option with pconn_set_option(\"{}\", …)",
                    error.to_diagnostic().message().trim_start_matches("[pconn] "),
                    option.name
                );
                problems.push(EnvProblem { option: option.name, error: Error::InvalidArgument(message) });
            }
        }
        (config, problems)
    }
}

/// A `PCONN_*` environment variable with a bad value.
#[derive(Debug, Clone)]
pub struct EnvProblem {
    pub option: &'static str,
    pub error: Error,
}

/// Per-link settings: the global configuration with the connection string's overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSettings {
    pub reset: ResetPolicy,
    pub pooler: Pooler,
    pub ping_interval: Option<Duration>,
    pub ping_sql: Arc<str>,
}

impl LinkSettings {
    pub fn resolve(global: &Config, overrides: &[(String, String)]) -> Result<LinkSettings> {
        let mut settings = LinkSettings {
            reset: global.reset.clone(),
            pooler: global.pooler,
            ping_interval: global.ping_interval,
            ping_sql: global.ping_sql.clone(),
        };
        for (name, value) in overrides {
            let option = lookup(name)?;
            if !option.per_connection {
                return Err(Error::InvalidArgument(format!(
                    "option `{}` is process-wide and cannot be set in a connection string",
                    option.name
                )));
            }
            match option.name {
                "reset" => settings.reset = ResetPolicy::parse(value)?,
                "pooler" => settings.pooler = Pooler::parse(value)?,
                "ping_interval" => settings.ping_interval = parse_seconds(option.name, value, true)?,
                "ping_sql" => settings.ping_sql = parse_ping_sql(value)?,
                _ => unreachable!("only per-connection options reach here"),
            }
        }
        Ok(settings)
    }
}

/// The configuration in force: an immutable snapshot, replaced as a whole by `set_option`, so a
/// connect takes it with one reference-count increment and holds no lock while it works.
static CONFIG: OnceLock<RwLock<Arc<Config>>> = OnceLock::new();
/// The bad `PCONN_*` variables not yet overridden by `pconn_set_option`: while there is one, calls
/// fail with its message (a server must not run quietly on a configuration it did not ask for).
static ENV_PROBLEMS: Mutex<Vec<EnvProblem>> = Mutex::new(Vec::new());
/// Whether [`ENV_PROBLEMS`] has any, read without the lock on every connect.
static ENV_PROBLEMS_PENDING: AtomicBool = AtomicBool::new(false);

fn cell() -> &'static RwLock<Arc<Config>> {
    CONFIG.get_or_init(|| {
        let (config, problems) = Config::from_env(|name| std::env::var(name).ok());
        ENV_PROBLEMS_PENDING.store(!problems.is_empty(), Ordering::Release);
        *ENV_PROBLEMS.lock() = problems;
        RwLock::new(Arc::new(config))
    })
}

fn env_problem() -> Option<Error> {
    if !ENV_PROBLEMS_PENDING.load(Ordering::Acquire) {
        return None;
    }
    ENV_PROBLEMS.lock().first().map(|problem| problem.error.clone())
}

/// The generation of the configuration in [`CONFIG`]; read without a lock on every connect.
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's copy of the current configuration. A copy of its own, not a clone of the
    /// shared `Arc`: threads connecting at the same time would otherwise all increment one
    /// reference count, and its cache line would bounce between cores on every connect.
    static THREAD_COPY: RefCell<Option<Arc<Config>>> = const { RefCell::new(None) };
}

/// The current configuration, or the error of a bad `PCONN_*` environment variable.
pub fn current() -> Result<Arc<Config>> {
    let cell = cell();
    if let Some(error) = env_problem() {
        return Err(error);
    }
    let generation = GENERATION.load(Ordering::Acquire);
    let copy = THREAD_COPY.try_with(|copy| {
        let mut copy = copy.borrow_mut();
        match &*copy {
            Some(config) if config.generation == generation => config.clone(),
            _ => {
                let fresh = Arc::new(Config::clone(&cell.read()));
                *copy = Some(fresh.clone());
                fresh
            }
        }
    });
    // A thread that is exiting has no thread-locals left: read the shared one.
    Ok(copy.unwrap_or_else(|_| cell.read().clone()))
}

pub fn set_option(name: &str, value: &str) -> Result<()> {
    let mut current = cell().write();
    let mut next = Config::clone(&current);
    next.set(name, value)?;
    // The option now has a value the caller chose: a bad environment variable for it no longer
    // stands in the way.
    let mut problems = ENV_PROBLEMS.lock();
    problems.retain(|problem| problem.option != lookup(name).map_or("", |o| o.name));
    ENV_PROBLEMS_PENDING.store(!problems.is_empty(), Ordering::Release);
    drop(problems);
    // Under the write lock: generations are assigned in the order configurations are installed,
    // and a reader that sees the new generation finds its configuration installed.
    next.generation = current.generation + 1;
    *current = Arc::new(next);
    GENERATION.store(current.generation, Ordering::Release);
    Ok(())
}

pub fn get_option(name: &str) -> Result<String> {
    cell().read().get(name)
}

/// The `fetch_batch` option in force (also while a bad `PCONN_*` variable makes calls fail).
pub fn fetch_batch() -> usize {
    cell().read().fetch_batch
}

/// Facts about this process that a language binding found out once and reads in its later
/// requests, as bits it defines: PHP frees everything a request made, so the PHP binding keeps
/// here that it handed the library the settings its web server gives it.
static BINDING_MARKS: AtomicU32 = AtomicU32::new(0);

/// Adds `marks` to the binding's marks; returns all of them.
pub fn add_binding_marks(marks: u32) -> u32 {
    BINDING_MARKS.fetch_or(marks, Ordering::AcqRel) | marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_table() {
        let config = Config::default();
        for option in OPTIONS {
            assert_eq!(config.get(option.name).unwrap(), option.default, "{}", option.name);
        }
    }

    #[test]
    fn names_are_forgiving_and_unknown_ones_are_errors() {
        let mut config = Config::default();
        config.set("PING-INTERVAL", "5").unwrap();
        assert_eq!(config.ping_interval, Some(Duration::from_secs(5)));
        config.set("pingInterval", "-1").unwrap();
        assert_eq!(config.ping_interval, None);
        assert!(matches!(config.set("no_such", "1"), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn same_name_matches_normalize_name() {
        for (a, b) in [("ping_interval", "PING-INTERVAL"), ("ping_interval", "pingInterval"), ("reset", "rese"), ("", "_")] {
            assert_eq!(same_name(a, b), normalize_name(a) == normalize_name(b), "{a} {b}");
        }
    }

    #[test]
    fn bad_values_are_errors_and_leave_the_option_alone() {
        let mut config = Config::default();
        assert!(config.set("max_persistent", "many").is_err());
        assert!(config.set("reset", "sometimes").is_err());
        assert!(config.set("reset", "sql:").is_err());
        assert!(config.set("fetch_batch", "0").is_err());
        assert!(config.set("ping_interval", "NaN").is_err());
        for huge in ["1e300", "1e20", "99999999999999999999999", "1000000001"] {
            for option in ["ping_interval", "idle_timeout", "max_lifetime"] {
                let error = config.set(option, huge).unwrap_err().to_string();
                assert!(error.contains(option) && error.contains("1000000000"), "{error}");
            }
        }
        config.set("max_lifetime", "1000000000").unwrap();
        config.set("max_lifetime", "0").unwrap();
        assert_eq!(config.max_persistent, None);
        assert_eq!(config.reset, ResetPolicy::Auto);
    }

    #[test]
    fn reset_accepts_each_form() {
        assert_eq!(ResetPolicy::parse("NONE").unwrap(), ResetPolicy::None);
        assert_eq!(ResetPolicy::parse("driver").unwrap(), ResetPolicy::Driver);
        assert_eq!(ResetPolicy::parse("sql: RESET ALL").unwrap(), ResetPolicy::Sql("RESET ALL".into()));
    }

    #[test]
    fn environment_variables_are_read_and_bad_ones_name_themselves() {
        let (config, problems) = Config::from_env(|v| (v == "PCONN_MAX_PER_KEY").then(|| "3".into()));
        assert_eq!(config.max_per_key, Some(3));
        assert!(problems.is_empty());
        let (config, problems) =
            Config::from_env(|v| match v { "PCONN_RESET" => Some("bogus".into()), "PCONN_MAX_LINKS" => Some("7".into()), _ => None });
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].option, "reset");
        assert!(problems[0].error.to_string().contains("PCONN_RESET"));
        assert_eq!(config.max_links, Some(7), "the good variables still apply");
    }

    #[test]
    fn connection_string_overrides_only_per_connection_options() {
        let global = Config::default();
        let settings = LinkSettings::resolve(&global, &[("reset".into(), "none".into())]).unwrap();
        assert_eq!(settings.reset, ResetPolicy::None);
        assert!(LinkSettings::resolve(&global, &[("maxpersistent".into(), "1".into())]).is_err());
        assert!(LinkSettings::resolve(&global, &[("bogus".into(), "1".into())]).is_err());
    }
}
