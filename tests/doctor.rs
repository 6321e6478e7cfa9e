//! `pconn doctor` run as a user runs it, against the throwaway PostgreSQL and SQLite: what it
//! prints, in both forms, and that the password appears nowhere.

mod common;

use std::process::{Command, Output};

fn doctor(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pconn"));
    command.arg("doctor").args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("pconn runs")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "pconn doctor failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A password file of the test's own (`name`): tests run side by side.
fn password_file(name: &str, password: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("pconn-doctor-{}-{name}.pw", std::process::id()));
    std::fs::write(&path, format!("{password}\n")).unwrap();
    path
}

fn sqlite(name: &str) -> String {
    format!("Driver=SQLite3;Database={}", std::env::temp_dir().join(format!("pconn-doctor-{}-{name}.db", std::process::id())).display())
}

#[test]
fn on_postgresql_it_reads_the_limits_suggests_caps_and_finds_the_reset_clean() {
    let pg = common::pg::pg();
    let file = password_file("clean", &pg.password);
    let max: u64 = pg.psql("SHOW max_connections").parse().unwrap();
    let output = doctor(&[&pg.conn_str, "--user", &pg.user, "--password-file", file.to_str().unwrap(), "--workers", "40", "--identities", "3"], &[]);
    let text = stdout(&output);
    assert!(!text.contains(&pg.password), "{text}");
    assert!(text.contains("pconn doctor: PostgreSQL "), "{text}");
    assert!(text.contains(&format!("max_connections         {max} (")), "{text}");
    assert!(text.contains("worst case              40 workers x 3 identities = 120 links"), "{text}");
    assert!(text.contains("PCONN_HOST_MAX_LINKS="), "{text}");
    for check in ["temporary table", "session setting", "session variable", "prepared statement", "open transaction"] {
        assert!(text.lines().any(|line| line.trim_start().starts_with(check) && line.ends_with("clean")), "{check}: {text}");
    }
    assert!(text.contains("the reset cleans this server"), "{text}");

    let json = stdout(&doctor(&[&pg.conn_str, "--user", &pg.user, "--password-file", file.to_str().unwrap(), "--workers", "40", "--json"], &[]));
    assert!(!json.contains(&pg.password), "{json}");
    assert!(json.starts_with("{\"server\":\"PostgreSQL "), "{json}");
    assert!(json.contains(&format!("\"max_connections\":{max},")), "{json}");
    assert!(json.contains("\"worst_case_links\":40,"), "{json}");
    assert!(json.contains("\"reused_session\":true"), "{json}");
    assert!(json.contains("\"leaks\":[]}"), "{json}");
    let _ = std::fs::remove_file(file);
}

#[test]
fn with_the_reset_turned_off_it_names_what_leaks() {
    let pg = common::pg::pg();
    let file = password_file("leak", &pg.password);
    let text = stdout(&doctor(&[&pg.conn_str, "--user", &pg.user, "--password-file", file.to_str().unwrap()], &[("PCONN_RESET", "none")]));
    // Rollback still runs; the session's own state is left behind.
    assert!(text.contains("the reset leaves behind: temporary table, session setting, session variable, prepared statement"), "{text}");
    assert!(text.lines().any(|line| line.trim_start().starts_with("open transaction") && line.ends_with("clean")), "{text}");
    assert!(text.contains("LEAKS: fresh `unset`, after reset `dirty`"), "{text}");

    let sqlite_text = stdout(&doctor(&[&sqlite("leak")], &[("PCONN_RESET", "none")]));
    assert!(sqlite_text.contains("the reset leaves behind: temporary table, session setting"), "{sqlite_text}");
    let _ = std::fs::remove_file(file);
}

#[test]
fn on_sqlite_it_measures_and_checks_the_reset() {
    let text = stdout(&doctor(&[&sqlite("clean"), "--workers", "8"], &[]));
    assert!(text.contains("pconn doctor: SQLite 3."), "{text}");
    assert!(text.contains("connect + first query"), "{text}");
    assert!(text.contains("the server has no connection limit to read"), "{text}");
    assert!(text.contains("worst case              8 workers x 1 identities = 8 links"), "{text}");
    assert!(text.contains("the reset cleans this server"), "{text}");
}

#[test]
fn bad_arguments_and_a_wrong_password_are_clear_errors_that_never_show_the_password() {
    let output = Command::new(env!("CARGO_BIN_EXE_pconn")).arg("doctor").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: pconn doctor"));
    let output = doctor(&["x", "--workers", "many"], &[]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("--workers wants a whole number"));

    let pg = common::pg::pg();
    let wrong = "not-the-Secret-42";
    let file = password_file("wrong", wrong);
    let output = doctor(&[&pg.conn_str, "--user", &pg.user, "--password-file", file.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2));
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(all.contains("pconn doctor:"), "{all}");
    assert!(!all.contains(wrong), "{all}");
    let _ = std::fs::remove_file(file);
}
