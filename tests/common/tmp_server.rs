//! What the fixtures for `scripts/mariadb-tmp` and `scripts/pgbouncer-tmp` share: start a
//! script's server in a fresh temp dir owned by this test process, read the `DIR/env` it
//! writes, and stop every such server when the process exits (should the binary be killed
//! instead, the script's watcher sees the dead pid and stops the server itself).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Path of `scripts/NAME`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join(name)
}

/// Servers this process started, as (script, DIR), stopped at exit.
static OWNED: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// Runs `scripts/NAME start DIR ARGS..` in a new temp dir and returns DIR and its env file's
/// keys and values; panics with the script's output on failure.
pub fn start(name: &str, args: &[&std::ffi::OsStr], envs: &[(&str, &str)]) -> (PathBuf, HashMap<String, String>) {
    let pid = std::process::id();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("pconn-{name}-{pid}-{nanos}"));
    let mut cmd = Command::new(script(name));
    cmd.arg("start").arg(&dir).args(args).env("TMP_OWNER_PID", pid.to_string());
    for (key, value) in envs {
        cmd.env(key, value);
    }
    let out = run(&mut cmd);
    if !out.status.success() {
        let _ = run(Command::new(script(name)).arg("stop").arg(&dir));
        expect_success(&out, &format!("{name} start"));
    }
    register_stop(script(name), dir.clone());
    let env = read_env(&dir);
    (dir, env)
}

/// Stops a server `start` returned before the process exits.
pub fn stop(name: &str, dir: &Path) {
    let out = run(Command::new(script(name)).arg("stop").arg(dir));
    expect_success(&out, &format!("{name} stop"));
    OWNED.lock().unwrap_or_else(|p| p.into_inner()).retain(|(_, owned)| owned != dir);
}

fn register_stop(script: PathBuf, dir: PathBuf) {
    let mut owned = OWNED.lock().unwrap_or_else(|p| p.into_inner());
    if owned.is_empty() {
        // SAFETY: registering a plain extern "C" fn with no captured state.
        let rc = unsafe { libc::atexit(stop_owned) };
        assert_eq!(rc, 0, "atexit failed");
    }
    owned.push((script, dir));
}

extern "C" fn stop_owned() {
    let owned = std::mem::take(&mut *OWNED.lock().unwrap_or_else(|p| p.into_inner()));
    // Newest first: a PgBouncer before the cluster behind it. Must not panic: errors ignored.
    for (script, dir) in owned.into_iter().rev() {
        stop_quietly(&script, &dir);
    }
}

/// Runs `SCRIPT stop DIR`. Never panics (it runs in exit handlers and `Drop`): errors are
/// ignored.
pub fn stop_quietly(script: &Path, dir: &Path) {
    let _ = Command::new(script)
        .arg("stop")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The `KEY=VALUE` lines of `DIR/env`, single quotes removed.
pub fn read_env(dir: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(dir.join("env")).unwrap_or_else(|e| panic!("reading {}/env: {e}", dir.display()));
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| {
            let value = value.trim();
            let value = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).unwrap_or(value);
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

/// `env[key]`, or a panic that shows the whole env.
pub fn env_value(env: &HashMap<String, String>, key: &str) -> String {
    env.get(key).cloned().unwrap_or_else(|| panic!("{key} missing from the server's env: {env:?}"))
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("running {:?}: {e}", cmd.get_program()))
}

pub fn expect_success(out: &Output, what: &str) {
    if !out.status.success() {
        panic!(
            "{what} failed ({}):\n--- stderr ---\n{}\n--- stdout ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
