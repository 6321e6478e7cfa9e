//! Compiles every C program in `c-tests/` with strict warnings against `include/pconn.h`, links it
//! to the built `libpconn.so`, and runs it against SQLite and against a throwaway PostgreSQL.
//!
//! With `PCONN_VALGRIND=1` (`make valgrind`) each program runs under valgrind's memcheck, and any
//! error it finds fails the test: an invalid read or write, a jump on uninitialised memory, a
//! double free, a definite leak. `c-tests/valgrind.supp` lists the known errors of the ODBC
//! drivers, unixODBC and libpq, matched on their own frames only, so an error in pconn's code
//! is never hidden. Memory of process-lifetime statics (the pool, thread-locals) is "still
//! reachable" at exit, not a leak.

mod common;

use common::checkout::{build_dir, root};

use std::path::{Path, PathBuf};
use std::process::Command;

fn compile(source: &str, variant: &str) -> PathBuf {
    let root = root();
    let lib_dir = build_dir();
    assert!(lib_dir.join("libpconn.so").exists(), "libpconn.so not built in {}", lib_dir.display());
    let out_dir = lib_dir.join("c-tests");
    std::fs::create_dir_all(&out_dir).unwrap();
    // One executable per backend: the two tests of a program run in parallel.
    let exe = out_dir.join(format!("{}-{variant}", source.trim_end_matches(".c")));
    let compiler = cc::Build::new()
        .opt_level(1)
        .target("x86_64-unknown-linux-gnu")
        .host("x86_64-unknown-linux-gnu")
        .cargo_metadata(false)
        .get_compiler();
    let output = compiler
        .to_command()
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread", "-D_GNU_SOURCE"])
        .arg(format!("-I{}", root.join("include").display()))
        .arg(format!("-I{}", root.join("c-tests").display()))
        .arg(root.join("c-tests").join(source))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib_dir.display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lpconn")
        .output()
        .expect("C compiler runs");
    assert!(
        output.status.success(),
        "compiling {source} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

fn sqlite_env() -> Vec<(String, String)> {
    let db = std::env::temp_dir().join(format!("pconn-c-{}-{}.db", std::process::id(), rand_suffix()));
    vec![
        ("PCONN_TEST_BACKEND".into(), "sqlite".into()),
        ("PCONN_TEST_CONNSTR".into(), format!("Driver=SQLite3;Database={}", db.display())),
        ("PCONN_TEST_USER".into(), String::new()),
        ("PCONN_TEST_PASSWORD".into(), String::new()),
    ]
}

fn postgres_env() -> Vec<(String, String)> {
    let pg = common::pg::pg();
    vec![
        ("PCONN_TEST_BACKEND".into(), "postgres".into()),
        ("PCONN_TEST_CONNSTR".into(), pg.conn_str.clone()),
        ("PCONN_TEST_USER".into(), pg.user.clone()),
        ("PCONN_TEST_PASSWORD".into(), pg.password.clone()),
        ("PCONN_TEST_PG_DIR".into(), pg.dir.display().to_string()),
        ("PCONN_TEST_PG_SCRIPT".into(), common::pg::script().display().to_string()),
    ]
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn run_c_test(source: &str, env: Vec<(String, String)>) {
    let variant = env.iter().find(|(k, _)| k == "PCONN_TEST_BACKEND").map(|(_, v)| v.clone()).unwrap_or_default();
    let exe = compile(source, &variant);
    let valgrind = std::env::var_os("PCONN_VALGRIND").is_some_and(|v| v == "1");
    let output = if valgrind { under_valgrind(&exe) } else { Command::new(&exe) }
        .envs(env)
        .output()
        .expect("C test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(VALGRIND_FOUND_ERRORS), "valgrind found errors in {source}:\n{stdout}{stderr}");
    assert!(output.status.success(), "{source} failed ({}):\n{stdout}{stderr}", output.status);
    if valgrind {
        // Proof that valgrind ran, and did not just pass the program through.
        assert!(stderr.contains("Memcheck"), "{source}: no valgrind report:\n{stderr}");
    }
    assert!(stdout.contains(": ok"), "{source} did not report success:\n{stdout}{stderr}");
}

/// The exit status valgrind gives a program in which it found an error (the C tests themselves
/// exit with 0 or 1).
const VALGRIND_FOUND_ERRORS: i32 = 99;

/// `exe` under valgrind's memcheck: every error counts, leaks only when definite.
fn under_valgrind(exe: &Path) -> Command {
    let suppressions = root().join("c-tests").join("valgrind.supp");
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=memcheck")
        .arg(format!("--error-exitcode={VALGRIND_FOUND_ERRORS}"))
        .arg("--leak-check=full")
        .arg("--errors-for-leak-kinds=definite")
        .arg("--show-leak-kinds=definite")
        .arg("--num-callers=40")
        .arg(format!("--suppressions={}", suppressions.display()))
        // More options to chase an error down, e.g. "--track-origins=yes --gen-suppressions=all".
        .args(std::env::var("PCONN_VALGRIND_ARGS").unwrap_or_default().split_whitespace())
        .arg(exe);
    command
}

macro_rules! c_test {
    ($name:ident, $file:literal) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::run_c_test($file, super::sqlite_env());
            }
            #[test]
            fn postgres() {
                super::run_c_test($file, super::postgres_env());
            }
        }
    };
}

c_test!(isolation, "isolation.c");
c_test!(errors, "errors.c");
c_test!(modes, "modes.c");
c_test!(bad_input, "bad_input.c");
c_test!(threads, "threads.c");
c_test!(fork, "fork.c");
c_test!(statements, "statements.c");

/// Credentials in memory after `pconn_close_all`. On SQLite the scan counts every copy, freed
/// blocks included: that checks pconn's own key parsing and connection-string building, which are
/// the same for every driver. psqlODBC and libpq also free copies of the password unwiped, in
/// memory pconn cannot reach (pconn only clears what the allocator hands back after a connect,
/// best effort: `os/freed_heap.rs`); for PostgreSQL the allocator therefore wipes every freed block
/// (no per-thread cache, perturbation on free), and the scan counts the copies still held by
/// someone: pconn or the driver stack, which must hold none once the links are closed.
mod secrets {
    #[test]
    fn sqlite() {
        super::run_c_test("secrets.c", super::sqlite_env());
    }
    #[test]
    fn postgres() {
        let mut env = super::postgres_env();
        env.push(("GLIBC_TUNABLES".into(), "glibc.malloc.tcache_count=0".into()));
        env.push(("MALLOC_PERTURB_".into(), "165".into()));
        super::run_c_test("secrets.c", env);
    }
}
c_test!(exit_in_call, "exit_in_call.c");
c_test!(fork_stress, "fork_stress.c");
