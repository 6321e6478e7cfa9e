//! fork() and process exit with links open: the child starts with an empty pool, the parent's
//! links are untouched, and the links are disconnected gracefully at exit. On a real PostgreSQL
//! (started by the tests).
//!
//! The pool is process-wide: every test here takes [`serial`] first.

mod common;

use common::calls::*;
use common::serial::serial;
use common::stats::{assert_moved, stats};
use pconn::ffi::*;
use std::sync::mpsc;

use pconn_status::*;


/// fork() from a multi-threaded process while another thread holds a link in the middle of a
/// request (a transaction open, a temp table made) and the pool has an idle link: the child starts
/// with an empty pool, refuses both inherited handles, and gets a server session of its own; the
/// parent's links keep their sessions, untouched by anything the child did.
#[test]
fn fork_while_another_thread_holds_a_link_leaves_the_child_empty_and_working() {
    let _serial = serial();
    let target = Target::pg("PconnPingSql=SELECT 'fork'");

    // The holder's link, mid-request in its thread until told to finish.
    let (ready_tx, ready_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let holder_target = target.clone();
    let holder = std::thread::spawn(move || {
        let link = must(pconnect(&holder_target), "holder's pconnect");
        let pid = backend_pid(link);
        assert_eq!(pconn_autocommit_set(link, 0), PCONN_OK);
        must(run(link, "CREATE TEMP TABLE fork_held AS SELECT 7 AS n"), "temp table");
        ready_tx.send((link, pid)).unwrap();
        go_rx.recv().unwrap();
        // Same session, same open transaction: the child sent nothing on this socket.
        let after = (backend_pid(link), must(query(link, "SELECT n FROM fork_held"), "temp table after fork"));
        end_request();
        after
    });
    let (held_link, held_pid) = ready_rx.recv().unwrap();

    // An idle link in the pool (the holder's is leased, so this one is new).
    let idle_link = must(pconnect(&target), "pconnect");
    let idle_pid = backend_pid(idle_link);
    assert_ne!(idle_pid, held_pid);
    end_request();

    let failure = in_forked_child(|| {
        let mut problems = Vec::new();
        let mut check = |ok: bool, what: String| {
            if !ok {
                problems.push(what);
            }
        };
        let json = stats();
        check(json.get("pid") == u64::from(std::process::id()), format!("pid of the child: {}", json.0));
        check(json.get("total_links") == 0 && json.get("opened") == 0, format!("empty pool: {}", json.0));
        for inherited in [held_link, idle_link] {
            let mut result = 0;
            let status = pconn_exec(inherited, c"SELECT 1".as_ptr(), &mut result);
            check(status == PCONN_INVALID_HANDLE, format!("inherited handle {inherited}: {status:?}"));
        }
        match pconnect(&target).and_then(|link| query(link, "SELECT pg_backend_pid()")) {
            Ok(pid) => {
                let pid: u32 = pid.parse().unwrap();
                check(pid != held_pid && pid != idle_pid, format!("child's session {pid} is a parent's"));
            }
            Err(failure) => check(false, format!("child's pconnect: {failure:?}")),
        }
        check(pconn_request_end() == PCONN_OK, "request end".into());
        let again = pconnect(&target).map(backend_pid);
        check(again.is_ok(), format!("child's second pconnect: {again:?}"));
        check(pconn_request_end() == PCONN_OK, "request end".into());
        let json = stats();
        check(json.get("opened") == 1 && json.get("reused") == 1, format!("one link, reused: {}", json.0));
        // _exit skips atexit: the child closes its own link itself.
        check(pconn_close_all() == PCONN_OK, "close all".into());
        problems.join("; ")
    });
    assert_eq!(failure, "", "in the child");

    go_tx.send(()).unwrap();
    assert_eq!(holder.join().unwrap(), (held_pid, "7".to_owned()), "the held link after fork");
    // Both links are idle now, with their sessions: two requests at once get them back.
    let before = stats();
    let link = must(pconnect(&target), "pconnect after fork");
    let other_target = target.clone();
    let other = std::thread::spawn(move || {
        let pid = backend_pid(must(pconnect(&other_target), "pconnect after fork, other thread"));
        end_request();
        pid
    });
    let mut pids = [backend_pid(link), other.join().unwrap()];
    end_request();
    pids.sort();
    let mut expected = [held_pid, idle_pid];
    expected.sort();
    assert_eq!(pids, expected, "the parent's links kept their sessions");
    assert_moved(&before, &stats(), &[("reused", 2), ("rolled_back", 2), ("reset", 2)]);
}

/// Runs `child` in a forked child of this process and returns what it returns (its findings).
/// The child leaves with `_exit`: it must not return into the test harness, nor run the atexit
/// handlers of this process (one stops the test server).
fn in_forked_child(child: impl FnOnce() -> String) -> String {
    let mut fds = [0; 2];
    // SAFETY: a two-element array for pipe's two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let [read_end, write_end] = fds;
    // SAFETY: the child runs only `child` and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        report_crashes_with_a_backtrace();
        let findings = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child))
            .unwrap_or_else(|_| "the child panicked".to_owned());
        // SAFETY: writing a buffer that outlives the call; _exit ends the process.
        unsafe {
            libc::write(write_end, findings.as_ptr().cast(), findings.len());
            libc::_exit(0);
        }
    }
    // SAFETY: closing the parent's copy of the write end, so reading ends at the child's exit.
    unsafe { libc::close(write_end) };
    let mut findings = String::new();
    // SAFETY: the read end is ours; File takes ownership and closes it.
    let mut pipe = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(read_end) };
    std::io::Read::read_to_string(&mut pipe, &mut findings).unwrap();
    let mut status = 0;
    // SAFETY: waiting for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(!libc::WIFSIGNALED(status), "child killed by signal {} (a crash: its backtrace is on stderr)", libc::WTERMSIG(status));
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
    findings
}

/// In the forked child: a crash (SIGSEGV, SIGBUS) writes the native backtrace to stderr before the
/// child dies of it, so a failure of the form "child status 11" says where the child crashed (the
/// frames are `binary(+offset)`: `addr2line -fCie binary offset` names them).
fn report_crashes_with_a_backtrace() {
    extern "C" fn on_crash(signal: libc::c_int) {
        let mut frames = [std::ptr::null_mut(); 64];
        // SAFETY: backtrace and backtrace_symbols_fd write to stderr without allocating once
        // libgcc is loaded (it is: the test binary unwinds); the default action then runs again.
        unsafe {
            let depth = libc::backtrace(frames.as_mut_ptr(), frames.len() as libc::c_int);
            libc::backtrace_symbols_fd(frames.as_ptr(), depth, libc::STDERR_FILENO);
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
    for signal in [libc::SIGSEGV, libc::SIGBUS] {
        // SAFETY: installing a handler in a single-threaded child, which only ever leaves with _exit.
        unsafe { libc::signal(signal, on_crash as extern "C" fn(libc::c_int) as libc::sighandler_t) };
    }
}

/// At exit, pconn disconnects the links this process opened, even one in the middle of a request
/// in another thread with a transaction open: the server sees a clean goodbye. The control: a
/// process that leaves with `_exit` (as a crash would) makes PostgreSQL log "unexpected EOF on
/// client connection with an open transaction" — what the graceful exit must not.
#[test]
fn links_are_disconnected_gracefully_at_process_exit() {
    if let Ok(how) = std::env::var("PCONN_EXIT_CHILD") {
        exit_child(&how);
    }
    let _serial = serial();
    let pg = common::pg::pg();
    let log_path = pg.dir.join("log");
    for how in ["exit", "_exit"] {
        // Only what the server logs from now on: backend pids are reused.
        let log_start = std::fs::metadata(&log_path).unwrap().len() as usize;
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "links_are_disconnected_gracefully_at_process_exit", "--nocapture"])
            .env("PCONN_EXIT_CHILD", how)
            // The child uses this process's server, and leaves it running.
            .env("PG_TMP_DIR", &pg.dir)
            .env("PG_TMP_PORT", pg.port.to_string())
            .env("PCONN_PG_CONNSTR", &pg.conn_str)
            .env("PCONN_PG_USER", &pg.user)
            .env("PCONN_PG_PASSWORD", &pg.password)
            .output()
            .unwrap();
        let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{how}: {output}");
        let pid: u32 = output
            .split("exit-child-backend ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|pid| pid.parse().ok())
            .unwrap_or_else(|| panic!("{how}: no backend pid in {output}"));
        pg.wait_backend_gone(pid);
        let log = std::fs::read(&log_path).unwrap();
        let log = String::from_utf8_lossy(&log[log_start..]);
        let eof = log.lines().any(|line| line.contains(&format!("[{pid}]")) && line.contains("unexpected EOF"));
        match how {
            "exit" => assert!(!eof, "backend {pid} saw its client vanish after a normal exit"),
            _ => assert!(eof, "control: backend {pid} did not log the abrupt end of a client that skipped exit handlers"),
        }
    }
}

/// The child of [`links_are_disconnected_gracefully_at_process_exit`]: a thread holds a link with
/// a transaction open; the process then leaves with `exit` or `_exit`.
fn exit_child(how: &str) -> ! {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let link = must(pconnect(&Target::pg("PconnPingSql=SELECT 'exit'")), "pconnect");
        assert_eq!(pconn_autocommit_set(link, 0), PCONN_OK);
        tx.send(backend_pid(link)).unwrap();
        // Mid-request, transaction open, until the process ends.
        loop {
            std::thread::park();
        }
    });
    let pid = rx.recv().unwrap();
    {
        use std::io::Write;
        let mut out = std::io::stdout();
        writeln!(out, "exit-child-backend {pid}").unwrap();
        out.flush().unwrap();
    }
    if how == "exit" {
        std::process::exit(0);
    }
    // SAFETY: ends the process at once, without exit handlers: what a crash looks like to the
    // server.
    unsafe { libc::_exit(0) }
}

