//! Host-wide caps (`host_max_per_key`, `host_max_links`, `host_wait`) across real processes,
//! through the C ABI, on a real PostgreSQL and on SQLite.
//!
//! Each holder is this test binary run again with `HOSTCAP_ROLE=holder` (the test `holder_role`
//! does the holder's work then, and nothing otherwise): it takes a persistent link with the caps
//! given in its `PCONN_*` environment, prints `CONNECTED <backend>` or `REFUSED <status> <message>`,
//! then keeps its link until its standard input closes. Every test uses a slot directory of its own,
//! so tests running side by side do not share slots.

mod common;

use common::c_str::{cstr, text};
use common::calls::{Target, errmsg, pconnect, set_option};
use common::serial::serial;
use pconn::ffi::*;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use pconn_status::*;

/// A slot directory of the test's own, removed at the end.
struct SlotDir(PathBuf);

impl SlotDir {
    fn new(name: &str) -> SlotDir {
        let dir = std::env::temp_dir().join(format!("pconn-hostcap-slots-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        SlotDir(dir)
    }
}

impl Drop for SlotDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A holder process.
struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Holder {
    /// Starts a holder of a link to `target` with `options` (name, value) as `PCONN_*` variables.
    fn start(target: &Target, dir: &SlotDir, options: &[(&str, &str)]) -> Holder {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "holder_role", "--nocapture", "--test-threads=1"])
            .env("HOSTCAP_ROLE", "holder")
            .env("HOSTCAP_CONN", &target.conn)
            .env("HOSTCAP_USER", &target.user)
            .env("HOSTCAP_PASSWORD", &target.password)
            .env("PCONN_HOST_SLOT_DIR", &dir.0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, value) in options {
            match *name {
                "__leased" => command.env("HOSTCAP_LEASED", value),
                "__fork" => command.env("HOSTCAP_FORK", value),
                _ => command.env(format!("PCONN_{}", name.to_ascii_uppercase()), value),
            };
        }
        let mut child = command.spawn().expect("the test binary starts again");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Holder { child, stdin, stdout }
    }

    /// A holder whose link stays leased, in a request that does not end: its slot cannot be
    /// given back before it lets go.
    fn start_leased(target: &Target, dir: &SlotDir, options: &[(&str, &str)]) -> Holder {
        let mut options: Vec<(&str, &str)> = options.to_vec();
        options.push(("__leased", "1"));
        Holder::start(target, dir, &options)
    }

    /// The holder's verdict: the first line it printed that is one.
    fn verdict(&mut self) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line).unwrap() == 0 {
                return "EXITED".into();
            }
            // The harness may have written `test holder_role ... ` before it on the same line.
            if let Some(at) = line.find("CONNECTED").or_else(|| line.find("REFUSED")) {
                return line[at..].trim().to_owned();
            }
        }
    }

    /// Closes the holder's standard input: it ends its request, closes its link and exits.
    fn release(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "holder exited with {status}");
    }

    fn kill(mut self) {
        // SIGKILL: no exit handler, no cleanup of any kind.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The holder's side: runs only in a process started by [`Holder::start`].
#[test]
fn holder_role() {
    if std::env::var("HOSTCAP_ROLE").as_deref() != Ok("holder") {
        return;
    }
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let target = Target { conn: var("HOSTCAP_CONN"), user: var("HOSTCAP_USER"), password: var("HOSTCAP_PASSWORD") };
    let mut out = std::io::stdout();
    let link = match pconnect(&target) {
        Ok(link) => link,
        Err(refused) => {
            // Without the `[pconn] ` that starts pconn's own messages.
            writeln!(out, "REFUSED {:?} {}", refused.status, refused.message.trim_start_matches("[pconn] ")).unwrap();
            out.flush().unwrap();
            return;
        }
    };
    let mut result = 0;
    assert_eq!(pconn_exec(link, cstr("SELECT 1").as_ptr(), &mut result), PCONN_OK, "{}", errmsg(link));
    pconn_result_free(result);
    let mut forked = String::new();
    if std::env::var_os("HOSTCAP_FORK").is_some() {
        // A child that outlives this holder: it forgets its inherited link and waits.
        let child = unsafe { libc::fork() };
        if child == 0 {
            pconn_request_end();
            pconn_close_all();
            loop {
                unsafe { libc::pause() };
            }
        }
        forked = format!(" child {child}");
    }
    writeln!(out, "CONNECTED {}{forked}", std::process::id()).unwrap();
    out.flush().unwrap();
    // The link stays in use (HOSTCAP_LEASED) or idle in the pool, holding its slot, until the
    // parent closes our stdin.
    if std::env::var_os("HOSTCAP_LEASED").is_none() {
        assert_eq!(pconn_request_end(), PCONN_OK);
    }
    let mut rest = String::new();
    let _ = std::io::stdin().read_line(&mut rest);
    pconn_close_all();
}

fn count(verdicts: &[String], prefix: &str) -> usize {
    verdicts.iter().filter(|v| v.starts_with(prefix)).count()
}

#[test]
fn six_processes_with_a_host_cap_of_two_two_connect_four_are_refused() {
    let dir = SlotDir::new("six");
    let target = Target::pg("");
    let mut holders: Vec<Holder> = (0..6).map(|_| Holder::start(&target, &dir, &[("host_max_per_key", "2")])).collect();
    let verdicts: Vec<String> = holders.iter_mut().map(Holder::verdict).collect();
    assert_eq!(count(&verdicts, "CONNECTED"), 2, "{verdicts:#?}");
    assert_eq!(count(&verdicts, "REFUSED PCONN_LIMIT host_max_per_key (2) reached"), 4, "{verdicts:#?}");
    // The password and connection details are in no slot file's name.
    for entry in std::fs::read_dir(&dir.0).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(&target.password) && !name.contains(&target.user) && !name.contains("127.0.0.1"), "{name}");
    }
    for holder in holders {
        holder.release();
    }
    // Every slot came back: two processes connect again.
    let mut again: Vec<Holder> = (0..2).map(|_| Holder::start(&target, &dir, &[("host_max_per_key", "2")])).collect();
    let verdicts: Vec<String> = again.iter_mut().map(Holder::verdict).collect();
    assert_eq!(count(&verdicts, "CONNECTED"), 2, "{verdicts:#?}");
}

#[test]
fn the_slot_of_a_process_killed_with_sigkill_goes_to_the_next() {
    let dir = SlotDir::new("kill");
    let target = Target::sqlite("kill");
    let options = [("host_max_links", "1")];
    let mut holder = Holder::start(&target, &dir, &options);
    assert!(holder.verdict().starts_with("CONNECTED"));
    let mut refused = Holder::start(&target, &dir, &options);
    let verdict = refused.verdict();
    assert!(verdict.starts_with("REFUSED PCONN_LIMIT host_max_links (1) reached"), "{verdict}");
    holder.kill();
    let mut next = Holder::start(&target, &dir, &options);
    let verdict = next.verdict();
    assert!(verdict.starts_with("CONNECTED"), "{verdict}");
}

#[test]
fn a_bounded_wait_gets_a_slot_freed_within_it_and_refuses_after_it() {
    let dir = SlotDir::new("wait");
    let target = Target::pg("");
    let mut holder = Holder::start_leased(&target, &dir, &[("host_max_per_key", "1")]);
    assert!(holder.verdict().starts_with("CONNECTED"));
    // A short wait while the slot stays taken: refused, and the message says it waited.
    let mut impatient = Holder::start(&target, &dir, &[("host_max_per_key", "1"), ("host_wait", "0.3")]);
    let verdict = impatient.verdict();
    assert!(verdict.starts_with("REFUSED PCONN_LIMIT host_max_per_key (1) reached"), "{verdict}");
    assert!(verdict.contains("after waiting 0.3s"), "{verdict}");
    // A long wait: the holder lets go meanwhile, and the waiter gets its slot.
    let mut waiter = Holder::start(&target, &dir, &[("host_max_per_key", "1"), ("host_wait", "120")]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    holder.release();
    let verdict = waiter.verdict();
    assert!(verdict.starts_with("CONNECTED"), "{verdict}");
}

#[test]
fn an_idle_link_of_a_process_that_gets_no_more_requests_gives_its_slot_to_a_waiter() {
    let dir = SlotDir::new("idle");
    let target = Target::sqlite("idle");
    // The holder's link is idle in its pool; the holder then makes no call at all.
    let mut holder = Holder::start(&target, &dir, &[("host_max_links", "1")]);
    assert!(holder.verdict().starts_with("CONNECTED"));
    let mut refused = Holder::start(&target, &dir, &[("host_max_links", "1")]);
    let verdict = refused.verdict();
    assert!(verdict.starts_with("REFUSED PCONN_LIMIT host_max_links (1) reached"), "without a wait: {verdict}");
    let mut waiter = Holder::start(&target, &dir, &[("host_max_links", "1"), ("host_wait", "120")]);
    let verdict = waiter.verdict();
    assert!(verdict.starts_with("CONNECTED"), "{verdict}");
    // The holder lives on, without its link, and exits cleanly.
    holder.release();
}


#[test]
fn statistics_show_host_wide_use_per_identity_and_a_fallback_does_not_get_round_the_cap() {
    let _serial = serial();
    let dir = SlotDir::new("stats");
    let target = Target::sqlite("stats");
    let mut holder = Holder::start(&target, &dir, &[("host_max_per_key", "2"), ("host_max_links", "2")]);
    assert!(holder.verdict().starts_with("CONNECTED"));
    let set = |name: &str, value: &str| assert_eq!(set_option(name, value), PCONN_OK);
    set("host_slot_dir", &dir.0.to_string_lossy());
    set("host_max_per_key", "2");
    set("host_max_links", "2");
    set("on_limit", "fallback");
    let link = pconnect(&target).unwrap_or_else(|f| panic!("{f:?}"));
    let stats = text(pconn_stats_json());
    let host = &stats[stats.find("\"host\":").unwrap_or_else(|| panic!("no host use in {stats}"))..];
    assert!(host.starts_with("\"host\":{\"max_links\":2,\"links\":2,\"max_per_key\":2,"), "{host}");
    let database = target.conn.split("Database=").nth(1).unwrap();
    assert!(host.to_lowercase().contains(&format!("{database};driver=sqlite3;\",\"links\":2}}")), "{host}");
    // Every host slot is taken: a link of another identity is refused, and a fallback
    // (request-scoped) link would need a slot too, so the refusal stands and names the host cap.
    let refused = pconnect(&Target::sqlite("stats-other")).expect_err("a link beyond the host cap");
    assert_eq!(refused.status, PCONN_LIMIT);
    assert!(refused.message.contains("host_max_links (2) reached"), "{}", refused.message);
    assert_eq!(pconn_close(link), PCONN_OK);
    holder.release();
}

#[test]
fn a_forked_child_neither_holds_nor_frees_its_parents_slot() {
    let _serial = serial();
    let dir = SlotDir::new("fork");
    let target = Target::sqlite("fork");
    let options = [("host_max_links", "1")];
    let set = |name: &str, value: &str| assert_eq!(set_option(name, value), PCONN_OK);
    set("host_slot_dir", &dir.0.to_string_lossy());
    set("host_max_links", "1");
    let link = pconnect(&target).unwrap_or_else(|f| panic!("{f:?}"));

    let mut ready = [0 as libc::c_int; 2];
    assert_eq!(unsafe { libc::pipe(ready.as_mut_ptr()) }, 0);
    let child = unsafe { libc::fork() };
    if child == 0 {
        // The child: forgets what it inherited (closing and dropping all it can), says so, and
        // lives on until killed.
        pconn_request_end();
        pconn_close_all();
        unsafe {
            libc::write(ready[1], b"x".as_ptr().cast(), 1);
            loop {
                libc::pause();
            }
        }
    }
    assert!(child > 0);
    let mut byte = 0u8;
    assert_eq!(unsafe { libc::read(ready[0], (&raw mut byte).cast(), 1) }, 1);
    unsafe {
        libc::close(ready[0]);
        libc::close(ready[1]);
    }
    // The child's close_all freed nothing: the slot is still the parent's.
    let mut other = Holder::start(&target, &dir, &options);
    let verdict = other.verdict();
    assert!(verdict.starts_with("REFUSED PCONN_LIMIT host_max_links (1) reached"), "{verdict}");
    // The parent lets go while the child lives: the child does not keep the slot taken.
    assert_eq!(pconn_drop(link), PCONN_OK);
    let mut next = Holder::start(&target, &dir, &options);
    let verdict = next.verdict();
    assert!(verdict.starts_with("CONNECTED"), "{verdict}");
    unsafe {
        libc::kill(child, libc::SIGKILL);
        libc::waitpid(child, std::ptr::null_mut(), 0);
    }
    drop(next);
    // A holder forks a child that lives on, and is killed: its slot comes back though the child
    // inherited the descriptor that held it.
    let mut parent = Holder::start(&target, &dir, &[("host_max_links", "1"), ("__fork", "1")]);
    let verdict = parent.verdict();
    let orphan: libc::pid_t = verdict.split(" child ").nth(1).unwrap_or_else(|| panic!("{verdict}")).parse().unwrap();
    parent.kill();
    let mut after = Holder::start(&target, &dir, &options);
    let verdict = after.verdict();
    unsafe { libc::kill(orphan, libc::SIGKILL) };
    assert!(verdict.starts_with("CONNECTED"), "{verdict}");
}
