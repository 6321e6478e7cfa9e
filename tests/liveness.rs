//! Liveness, limits, lifetimes, configuration and statistics, through the C ABI, on a real
//! PostgreSQL (started by the tests) and on SQLite.
//!
//! Configuration and the pool are process-wide, so every test here takes [`serial`] first: then
//! the statistics a test reads changed only through what that test did, and can be compared
//! exactly. Each test starts with an empty pool and the default options, and restores them.

mod common;

use pconn::ffi::*;
use std::ffi::{CStr, CString, c_char};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

use pconn_status::*;

// ---------------------------------------------------------------------------------------------
// Helpers

static SERIAL: Mutex<()> = Mutex::new(());

/// Serializes the tests of this binary; on entry and on exit the pool is emptied and every option
/// is back at its default.
struct Serial(#[allow(dead_code)] MutexGuard<'static, ()>);

fn serial() -> Serial {
    let guard = SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    clean_slate();
    Serial(guard)
}

impl Drop for Serial {
    fn drop(&mut self) {
        clean_slate();
    }
}

fn clean_slate() {
    pconn_request_end();
    pconn_close_all();
    for option in pconn::config::OPTIONS {
        let status = set_option(option.name, option.default);
        assert_eq!(status, PCONN_OK, "resetting {}", option.name);
    }
}

fn cstr(text: &str) -> CString {
    CString::new(text).unwrap()
}

fn text(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return "<NULL>".into();
    }
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

fn set_option(name: &str, value: &str) -> pconn_status {
    pconn_set_option(cstr(name).as_ptr(), cstr(value).as_ptr())
}

fn get_option(name: &str) -> String {
    let mut value = std::ptr::null();
    assert_eq!(pconn_get_option(cstr(name).as_ptr(), &mut value), PCONN_OK);
    text(value)
}

#[derive(Debug)]
struct Failure {
    status: pconn_status,
    sqlstate: String,
    message: String,
}

impl Failure {
    fn of(link: pconn_link, status: pconn_status) -> Failure {
        Failure { status, sqlstate: text(pconn_sqlstate(link)), message: text(pconn_errmsg(link)) }
    }
}

/// A database to connect to: connection string, user, password.
#[derive(Clone)]
struct Target {
    conn: String,
    user: String,
    password: String,
}

impl Target {
    fn pg(extra: &str) -> Target {
        let pg = common::pg::pg();
        Target { conn: format!("{};{extra}", pg.conn_str), user: pg.user.clone(), password: pg.password.clone() }
    }

    /// An SQLite database of its own per `name`: a key of its own.
    fn sqlite(name: &str) -> Target {
        let path = std::env::temp_dir().join(format!("pconn-liveness-{}-{name}.db", std::process::id()));
        Target { conn: format!("Driver=SQLite3;Database={}", path.display()), user: String::new(), password: String::new() }
    }

    fn with(&self, extra: &str) -> Target {
        Target { conn: format!("{};{extra}", self.conn), ..self.clone() }
    }
}

type ConnectFn = extern "C" fn(*const c_char, *const c_char, *const c_char, *mut pconn_link) -> pconn_status;

fn connect_with(f: ConnectFn, t: &Target) -> Result<pconn_link, Failure> {
    let (conn, user, password) = (cstr(&t.conn), cstr(&t.user), cstr(&t.password));
    let mut link = 0;
    let status = f(conn.as_ptr(), user.as_ptr(), password.as_ptr(), &mut link);
    if status == PCONN_OK {
        assert_ne!(link, 0);
        Ok(link)
    } else {
        assert_eq!(link, 0, "output written on failure");
        Err(Failure::of(0, status))
    }
}

fn pconnect(t: &Target) -> Result<pconn_link, Failure> {
    connect_with(pconn_pconnect, t)
}

fn new_connect(t: &Target) -> Result<pconn_link, Failure> {
    connect_with(pconn_new_connect, t)
}

fn must<T>(result: Result<T, Failure>, what: &str) -> T {
    result.unwrap_or_else(|f| panic!("{what}: {f:?}"))
}

/// The first column of the first row, as text.
fn query(link: pconn_link, sql: &str) -> Result<String, Failure> {
    let sql = cstr(sql);
    let mut result = 0;
    let status = pconn_exec(link, sql.as_ptr(), &mut result);
    if status != PCONN_OK {
        return Err(Failure::of(link, status));
    }
    let status = pconn_fetch(result);
    if status != PCONN_OK {
        let failure = Failure::of(link, status);
        pconn_result_free(result);
        return Err(failure);
    }
    let mut value = std::ptr::null();
    let status = pconn_result_text(result, 1, &mut value, std::ptr::null_mut(), std::ptr::null_mut());
    if status != PCONN_OK {
        return Err(Failure::of(link, status));
    }
    let value = text(value);
    assert_eq!(pconn_result_free(result), PCONN_OK);
    Ok(value)
}

/// Runs a statement that returns no rows.
fn run(link: pconn_link, sql: &str) -> Result<(), Failure> {
    let sql = cstr(sql);
    let mut result = 0;
    let status = pconn_exec(link, sql.as_ptr(), &mut result);
    if status != PCONN_OK {
        return Err(Failure::of(link, status));
    }
    assert_eq!(pconn_result_free(result), PCONN_OK);
    Ok(())
}

fn backend_pid(link: pconn_link) -> u32 {
    must(query(link, "SELECT pg_backend_pid()"), "backend pid").parse().unwrap()
}

/// Ends the request and waits until its links are back in the pool: their reset runs on pconn's
/// background thread, and these tests then act on idle links (the server ends their sessions,
/// a proxy cuts them). Reading the statistics waits for cleanings under way.
fn end_request() {
    assert_eq!(pconn_request_end(), PCONN_OK);
    let _ = pconn_stats_json();
}

/// The pool's statistics, parsed just enough for these tests.
struct Stats(String);

fn stats() -> Stats {
    Stats(text(pconn_stats_json()))
}

impl Stats {
    /// A top-level counter or a discard reason (the names are unique in the document).
    fn get(&self, name: &str) -> u64 {
        let pattern = format!("\"{name}\":");
        let start = self.0.find(&pattern).unwrap_or_else(|| panic!("no {name} in {}", self.0)) + pattern.len();
        let digits: String = self.0[start..].chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().unwrap()
    }

    /// (idle, in use) of the key whose display name contains `fragment`; (0, 0) when it is not
    /// listed.
    fn key(&self, fragment: &str) -> (u64, u64) {
        let keys = &self.0[self.0.find("\"keys\":[").expect("keys")..];
        for entry in keys.split("{\"key\":").skip(1) {
            if entry.contains(fragment) {
                let entry = Stats(entry.to_owned());
                return (entry.get("idle"), entry.get("in_use"));
            }
        }
        (0, 0)
    }
}

/// The counters that moved between two snapshots, as (name, delta); every name not listed must
/// not have moved.
fn assert_moved(before: &Stats, after: &Stats, expected: &[(&str, u64)]) {
    const COUNTERS: &[&str] = &[
        "opened",
        "reused",
        "dead_replaced",
        "pings",
        "rolled_back",
        "reset",
        "closed",
        "limit_refusals",
        "limit_fallbacks",
        "failed_connects",
        "broken",
        "idle_timeout",
        "lifetime",
        "uses",
        "failed_cleanup",
        "limit",
        "dropped",
        "exit",
    ];
    let mut problems = Vec::new();
    for name in COUNTERS {
        let want = expected.iter().find(|(n, _)| n == name).map_or(0, |(_, d)| *d);
        let got = after.get(name) - before.get(name);
        if got != want {
            problems.push(format!("{name}: moved by {got}, expected {want}"));
        }
    }
    assert!(problems.is_empty(), "{}\nbefore: {}\nafter:  {}", problems.join("\n"), before.0, after.0);
}

/// What the first request after a link's session went away moves in the statistics: the dead
/// link found at hand-out and discarded as broken, a new one opened in its place, and the
/// request's own rollback and reset.
const REPLACED_SILENTLY: &[(&str, u64)] = &[("dead_replaced", 1), ("broken", 1), ("opened", 1), ("rolled_back", 1), ("reset", 1)];

/// pconnect after `old_pid`'s session went away: succeeds, leaves no error, and gives a new
/// server session.
fn pconnect_replacing(target: &Target, old_pid: u32, what: &str) -> pconn_link {
    let link = must(pconnect(target), what);
    assert_eq!(pconn_last_status(0), PCONN_OK, "{what}");
    assert_ne!(backend_pid(link), old_pid, "{what}");
    link
}

fn sleep_until(start: Instant, after: Duration) {
    let elapsed = start.elapsed();
    if elapsed < after {
        std::thread::sleep(after - elapsed);
    }
}

/// Waits until PostgreSQL no longer lists backend `pid`.
fn wait_backend_gone(pid: u32) {
    let pg = common::pg::pg();
    let deadline = Instant::now() + Duration::from_secs(10);
    while pg.psql(&format!("select count(*) from pg_stat_activity where pid = {pid}")) != "0" {
        assert!(Instant::now() < deadline, "backend {pid} still there");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn is_connection_lost(sqlstate: &str) -> bool {
    sqlstate.starts_with("08") || sqlstate == "57P01"
}

/// A TCP proxy in front of the test PostgreSQL, standing in for what sits between applications
/// and databases in production (a load balancer, a NAT box): it can drop the connections it
/// carries, closing (FIN) or resetting (RST) the client's side first.
mod proxy {
    use std::io::{BufRead, Write};
    use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
    use std::os::fd::AsRawFd;
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;

    struct Carried {
        client: TcpStream,
        upstream: TcpStream,
        pumps: [JoinHandle<()>; 2],
    }

    #[derive(Clone, Default)]
    pub struct Connections(Arc<Mutex<Vec<Carried>>>);

    /// Listens on a free loopback port and forwards every connection to `upstream`, until the
    /// process exits. Returns the port.
    pub fn serve(upstream: SocketAddr) -> (u16, Connections) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Connections::default();
        let carried = connections.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(upstream) = TcpStream::connect(upstream) else { continue };
                // What the proxy sends goes out at once, not held back for an acknowledgement.
                let _ = client.set_nodelay(true);
                let _ = upstream.set_nodelay(true);
                let pumps = [
                    pump(client.try_clone().unwrap(), upstream.try_clone().unwrap()),
                    pump(upstream.try_clone().unwrap(), client.try_clone().unwrap()),
                ];
                carried.0.lock().unwrap().push(Carried { client, upstream, pumps });
            }
        });
        (port, connections)
    }

    fn pump(mut from: TcpStream, mut to: TcpStream) -> JoinHandle<()> {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Write);
        })
    }

    /// A PostgreSQL NoticeResponse, as a server sends one to a session at any time.
    fn notice() -> Vec<u8> {
        let fields: &[u8] = b"SNOTICE\0VNOTICE\0C00000\0Ma notice from the proxy\0\0";
        let mut message = vec![b'N'];
        message.extend_from_slice(&(fields.len() as u32 + 4).to_be_bytes());
        message.extend_from_slice(fields);
        message
    }

    impl Connections {
        /// `notice` sends every client a notice, as if from the server; `fin` and `rst` cut the
        /// connections. Returns how many connections there were.
        pub fn command(&self, command: &str) -> usize {
            if command == "notice" {
                let carried = self.0.lock().unwrap();
                for connection in carried.iter() {
                    std::io::Write::write_all(&mut &connection.client, &notice()).unwrap();
                    wait_acknowledged(&connection.client);
                }
                return carried.len();
            }
            self.cut(command)
        }

        /// Drops every connection carried: `fin` closes the client's side, `rst` resets it; then
        /// the server's side is closed. Returns how many there were, once all are gone.
        pub fn cut(&self, how: &str) -> usize {
            let carried = std::mem::take(&mut *self.0.lock().unwrap());
            for connection in &carried {
                match how {
                    "fin" => {
                        connection.client.shutdown(Shutdown::Write).unwrap();
                        wait_acknowledged(&connection.client);
                    }
                    // connect() to AF_UNSPEC disconnects a TCP socket at once, with a reset,
                    // whatever other descriptors of it the pumps hold.
                    "rst" => {
                        let unspec = libc::sockaddr { sa_family: libc::AF_UNSPEC as libc::sa_family_t, sa_data: [0; 14] };
                        // SAFETY: a valid sockaddr of the given size.
                        let rc = unsafe {
                            libc::connect(
                                connection.client.as_raw_fd(),
                                &unspec,
                                std::mem::size_of::<libc::sockaddr>() as libc::socklen_t,
                            )
                        };
                        assert_eq!(rc, 0, "disconnect: {}", std::io::Error::last_os_error());
                    }
                    _ => panic!("cut how? {how}"),
                }
            }
            for connection in &carried {
                let _ = connection.upstream.shutdown(Shutdown::Both);
                let _ = connection.client.shutdown(Shutdown::Both);
            }
            let count = carried.len();
            for connection in carried {
                for pump in connection.pumps {
                    pump.join().unwrap();
                }
            }
            count
        }
    }

    /// Waits until the peer's kernel has acknowledged everything sent on `stream` (data and FIN):
    /// then it is in the peer's socket, where pconn's check looks. Bounded, for a peer that is gone.
    fn wait_acknowledged(stream: &TcpStream) {
        for _ in 0..10_000 {
            let mut unacknowledged: libc::c_int = 0;
            // SAFETY: TIOCOUTQ (SIOCOUTQ for sockets: bytes not yet acknowledged) writes one int.
            let rc = unsafe { libc::ioctl(stream.as_raw_fd(), libc::TIOCOUTQ, &mut unacknowledged) };
            if rc != 0 || unacknowledged == 0 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// The proxy as a process of its own (this test binary, run again): its sockets are not this
    /// process's, so pconn tells the driver's socket apart as it would in production. Commands on
    /// stdin (`notice`, `fin`, `rst`), answers on stdout.
    pub fn child_main(upstream: &str) {
        let (port, connections) = serve(upstream.parse().unwrap());
        let mut out = std::io::stdout();
        writeln!(out, "proxy-port {port}").unwrap();
        out.flush().unwrap();
        for line in std::io::stdin().lock().lines() {
            let count = connections.command(line.unwrap().trim());
            writeln!(out, "proxy-done {count}").unwrap();
            out.flush().unwrap();
        }
    }
}

/// The proxy in a child process, stopped when dropped.
struct ProxyProcess {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    port: u16,
}

impl ProxyProcess {
    fn start() -> ProxyProcess {
        let pg = common::pg::pg();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "proxy_child_process", "--nocapture", "--test-threads=1"])
            .env("PCONN_LIVENESS_PROXY", format!("127.0.0.1:{}", pg.port))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let port = Self::answer(&mut stdout, "proxy-port ").parse().unwrap();
        ProxyProcess { child, stdin, stdout, port }
    }

    fn answer(stdout: &mut impl std::io::BufRead, prefix: &str) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "the proxy process ended");
            // The test harness may have begun the line ("test proxy_child_process ... ").
            if let Some(at) = line.find(prefix) {
                return line[at + prefix.len()..].trim_end().to_owned();
            }
        }
    }

    fn target(&self, extra: &str) -> Target {
        proxied_target(self.port, extra)
    }

    /// Sends every client a notice (`notice`) or drops every connection (`fin`, `rst`); returns
    /// how many connections the proxy carried, once done.
    fn command(&mut self, command: &str) -> usize {
        use std::io::Write;
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        Self::answer(&mut self.stdout, "proxy-done ").parse().unwrap()
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the proxy when started by [`ProxyProcess`]; otherwise there is nothing to do.
#[test]
fn proxy_child_process() {
    if let Ok(upstream) = std::env::var("PCONN_LIVENESS_PROXY") {
        proxy::child_main(&upstream);
    }
}

/// The proxy on threads of this process.
struct InProcessProxy {
    port: u16,
}

impl InProcessProxy {
    fn start(pg_port: u16) -> InProcessProxy {
        let (port, _connections) = proxy::serve(format!("127.0.0.1:{pg_port}").parse().unwrap());
        InProcessProxy { port }
    }

    fn target(&self, extra: &str) -> Target {
        proxied_target(self.port, extra)
    }
}

/// The test server's target, through a proxy listening on `port`.
fn proxied_target(port: u16, extra: &str) -> Target {
    let pg = common::pg::pg();
    let conn = pg.conn_str.replace(&format!("Port={}", pg.port), &format!("Port={port}"));
    assert_ne!(conn, pg.conn_str, "no Port= in {}", pg.conn_str);
    Target { conn: format!("{conn};{extra}"), user: pg.user.clone(), password: pg.password.clone() }
}

// ---------------------------------------------------------------------------------------------
// The server ends the session

/// The server ends an idle link's session between requests, and the link has no socket check (its
/// socket could not be told apart: a proxy in this very process opened two more while the driver
/// connected). With `ping_interval` 0 the next pconnect pings, finds the session gone, opens a new
/// link, and the caller sees no error.
#[test]
fn session_ended_between_requests_is_found_by_the_ping_without_a_socket_check() {
    let _serial = serial();
    let pg = common::pg::pg();
    let proxy = InProcessProxy::start(pg.port);
    let target = proxy.target("PconnPingInterval=0");
    let link = must(pconnect(&target), "first pconnect");
    let first_pid = backend_pid(link);
    end_request();

    let before = stats();
    assert_eq!(pg.psql(&format!("select pg_terminate_backend({first_pid})")), "t");
    wait_backend_gone(first_pid);

    let link = must(pconnect(&target), "pconnect after the session ended");
    assert_eq!(pconn_last_status(0), PCONN_OK);
    assert_eq!(text(pconn_errmsg(0)), "");
    let second_pid = backend_pid(link);
    assert_ne!(first_pid, second_pid);
    end_request();
    let after = stats();
    assert_moved(
        &before,
        &after,
        &[("pings", 1), ("dead_replaced", 1), ("broken", 1), ("opened", 1), ("rolled_back", 1), ("reset", 1)],
    );
    assert_eq!(after.key("PCONNPINGINTERVAL=0"), (1, 0));
}

/// A full server restart, with the default `ping_interval` (60 s, never reached here): the socket
/// check at hand-out finds the connection closed by the server (behind its last words,
/// "terminating connection due to administrator command") and replaces the link without a round
/// trip. The caller never sees the restart.
#[test]
fn server_restart_is_survived_without_waiting_for_the_ping_interval() {
    let _serial = serial();
    let pg = common::pg::pg();
    let target = Target::pg("PconnPingSql=SELECT 'restart'");
    let link = must(pconnect(&target), "first pconnect");
    let first_pid = backend_pid(link);
    end_request();

    pg.restart();
    let before = stats();
    let link = pconnect_replacing(&target, first_pid, "pconnect after restart");
    assert_eq!(must(query(link, "SELECT 6 * 7"), "query"), "42");
    end_request();
    assert_moved(&before, &stats(), REPLACED_SILENTLY);
}

/// The server ends an idle link's session between requests, well within `ping_interval`: no
/// round trip is due, but the socket check at hand-out sees the connection closed, and a new link
/// takes the old one's place. The caller sees no error, and a new server session. Also with pings
/// turned off (`-1`): the socket check does not depend on them.
#[test]
fn session_ended_within_ping_interval_is_replaced_silently() {
    let _serial = serial();
    let pg = common::pg::pg();
    for (extra, key) in [("PconnPingSql=SELECT 1", "PCONNPINGSQL=SELECT 1"), ("PconnPingInterval=-1", "PCONNPINGINTERVAL=-1")] {
        let target = Target::pg(extra);
        let link = must(pconnect(&target), "first pconnect");
        let first_pid = backend_pid(link);
        end_request();
        assert_eq!(pg.psql(&format!("select pg_terminate_backend({first_pid})")), "t");
        wait_backend_gone(first_pid);

        let before = stats();
        let link = pconnect_replacing(&target, first_pid, &format!("pconnect after the session ended ({extra})"));
        assert_eq!(text(pconn_errmsg(0)), "", "{extra}");
        assert_eq!(pconn_last_status(link), PCONN_OK, "{extra}");
        end_request();
        let after = stats();
        assert_moved(&before, &after, REPLACED_SILENTLY);
        assert_eq!(after.key(key), (1, 0), "{extra}");
    }
}

/// Something between pconn and the server drops an idle connection without a word (a load
/// balancer's or a NAT table's idle timeout): closed (FIN) or reset (RST). The socket check sees it
/// with no round trip at all, and the caller gets a new link without an error.
#[test]
fn connection_dropped_by_a_proxy_is_replaced_without_a_round_trip() {
    let _serial = serial();
    for cut in ["fin", "rst"] {
        let mut proxy = ProxyProcess::start();
        let target = proxy.target(&format!("PconnPingSql=SELECT '{cut}'"));
        let link = must(pconnect(&target), "first pconnect");
        let first_pid = backend_pid(link);
        end_request();
        assert_eq!(proxy.command(cut), 1, "{cut}: the proxy carried the link's connection");
        wait_backend_gone(first_pid);

        let before = stats();
        pconnect_replacing(&target, first_pid, &format!("pconnect after the proxy dropped the connection ({cut})"));
        end_request();
        assert_moved(&before, &stats(), REPLACED_SILENTLY);
    }
}

/// The server sends an idle session a notice and keeps the connection: the socket check cannot
/// tell a notice from bad news, so the hand-out pings; the ping succeeds (the driver reads the
/// notice on the way), and the caller gets the same session.
#[test]
fn a_notice_to_an_idle_session_costs_a_ping_not_the_link() {
    let _serial = serial();
    let mut proxy = ProxyProcess::start();
    let target = proxy.target("PconnPingSql=SELECT 'notice'");
    let link = must(pconnect(&target), "first pconnect");
    let pid = backend_pid(link);
    end_request();
    assert_eq!(proxy.command("notice"), 1, "the proxy carried the link's connection");

    let before = stats();
    let link = must(pconnect(&target), "pconnect after the notice");
    assert_eq!(pconn_last_status(0), PCONN_OK);
    assert_eq!(backend_pid(link), pid, "the same session");
    end_request();
    assert_moved(&before, &stats(), &[("reused", 1), ("pings", 1), ("rolled_back", 1), ("reset", 1)]);

    // Read: the next hand-out finds the socket quiet again.
    let before = stats();
    let link = must(pconnect(&target), "pconnect");
    assert_eq!(backend_pid(link), pid);
    end_request();
    assert_moved(&before, &stats(), &[("reused", 1), ("rolled_back", 1), ("reset", 1)]);
}

/// When the link's socket cannot be told apart from others opened at the same time (here: a proxy
/// in this very process opens two while the driver connects) there is no socket check. With pings
/// off as well, nothing notices a session the server ended before the first call: that call
/// reports the lost connection, and the link is discarded at request end, never kept.
#[test]
fn without_a_socket_check_or_pings_the_first_call_reports_an_ended_session() {
    let _serial = serial();
    let pg = common::pg::pg();
    let proxy = InProcessProxy::start(pg.port);
    let target = proxy.target("PconnPingInterval=-1");
    let link = must(pconnect(&target), "first pconnect");
    let first_pid = backend_pid(link);
    end_request();
    assert_eq!(pg.psql(&format!("select pg_terminate_backend({first_pid})")), "t");
    wait_backend_gone(first_pid);

    let before = stats();
    let link = must(pconnect(&target), "pconnect");
    let failure = query(link, "SELECT 1").expect_err("the session is gone");
    assert_eq!(failure.status, PCONN_BROKEN_LINK, "{failure:?}");
    assert!(is_connection_lost(&failure.sqlstate), "{failure:?}");
    end_request();
    let after = stats();
    assert_moved(&before, &after, &[("reused", 1), ("broken", 1)]);
    assert_eq!(after.key("PCONNPINGINTERVAL=-1"), (0, 0));

    let link = must(pconnect(&target), "pconnect after the broken link");
    assert_ne!(backend_pid(link), first_pid);
    end_request();
}

/// The server ends the session while a statement runs: the call reports the lost connection, the
/// link is never returned to idle, and the next request gets a working link.
#[test]
fn session_ended_during_a_request_breaks_the_link() {
    let _serial = serial();
    let pg = common::pg::pg();
    let target = Target::pg("PconnPingInterval=-1");
    let link = must(pconnect(&target), "pconnect");
    let pid = backend_pid(link);
    let before = stats();

    let killer = std::thread::spawn(move || {
        let pg = common::pg::pg();
        let deadline = Instant::now() + Duration::from_secs(10);
        // Wait until the statement is running, then end the session under it.
        while pg.psql(&format!("select count(*) from pg_stat_activity where pid = {pid} and state = 'active'")) != "1" {
            assert!(Instant::now() < deadline, "the statement never started");
            std::thread::sleep(Duration::from_millis(10));
        }
        pg.psql(&format!("select pg_terminate_backend({pid})"))
    });
    let failure = query(link, "SELECT pg_sleep(30)").expect_err("the session was ended");
    assert_eq!(killer.join().unwrap(), "t");
    assert!(matches!(failure.status, PCONN_BROKEN_LINK | PCONN_ERROR), "{failure:?}");
    assert!(is_connection_lost(&failure.sqlstate), "{failure:?}");
    assert_eq!(pconn_last_status(link), failure.status);
    // Still broken for the rest of the request.
    let again = query(link, "SELECT 1").expect_err("still broken");
    assert!(matches!(again.status, PCONN_BROKEN_LINK | PCONN_ERROR), "{again:?}");
    end_request();

    let after = stats();
    assert_moved(&before, &after, &[("broken", 1)]);
    assert_eq!(after.key("PCONNPINGINTERVAL=-1"), (0, 0));
    assert_eq!(after.get("persistent_links"), 0);

    let link = must(pconnect(&target), "pconnect after the broken link");
    assert_ne!(backend_pid(link), pid);
    assert_eq!(must(query(link, "SELECT 1"), "query"), "1");
    end_request();
    assert_moved(&after, &stats(), &[("opened", 1), ("rolled_back", 1), ("reset", 1)]);
    let _ = pg;
}

/// Same, when the session is ended between two statements of one request.
#[test]
fn session_ended_between_statements_breaks_the_link() {
    let _serial = serial();
    let pg = common::pg::pg();
    let target = Target::pg("PconnPingInterval=-1");
    let link = must(pconnect(&target), "pconnect");
    let pid = backend_pid(link);
    assert_eq!(pg.psql(&format!("select pg_terminate_backend({pid})")), "t");
    wait_backend_gone(pid);
    let before = stats();
    let failure = query(link, "SELECT 1").expect_err("the session was ended");
    assert_eq!(failure.status, PCONN_BROKEN_LINK, "{failure:?}");
    assert!(is_connection_lost(&failure.sqlstate), "{failure:?}");
    end_request();
    let after = stats();
    assert_moved(&before, &after, &[("broken", 1)]);
    assert_eq!(after.get("total_links"), 0);
}

// ---------------------------------------------------------------------------------------------
// The server's own connection limit

/// A cluster of its own with a low `max_connections`, stopped when dropped.
struct LowLimitServer {
    dir: std::path::PathBuf,
    conn_str: String,
    user: String,
    password: String,
}

impl LowLimitServer {
    fn start(max_connections: u32) -> LowLimitServer {
        let dir = std::env::temp_dir().join(format!("pconn-pg-low-{}", std::process::id()));
        let out = std::process::Command::new(common::pg::script())
            .arg("start")
            .arg(&dir)
            .env("PG_TMP_MAX_CONNECTIONS", max_connections.to_string())
            .env("PG_TMP_OWNER_PID", std::process::id().to_string())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "pg-tmp start: {}", String::from_utf8_lossy(&out.stderr));
        let env = std::fs::read_to_string(dir.join("env")).unwrap();
        let get = |key: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(|v| v.trim().trim_matches('\'').to_owned())
                .unwrap()
        };
        LowLimitServer {
            conn_str: get("PCONN_PG_CONNSTR"),
            user: get("PCONN_PG_USER"),
            password: get("PCONN_PG_PASSWORD"),
            dir,
        }
    }

    fn target(&self, extra: &str) -> Target {
        Target { conn: format!("{};{extra}", self.conn_str), user: self.user.clone(), password: self.password.clone() }
    }
}

impl Drop for LowLimitServer {
    fn drop(&mut self) {
        pconn_request_end();
        pconn_close_all();
        let _ = std::process::Command::new(common::pg::script())
            .arg("stop")
            .arg(&self.dir)
            .stdin(std::process::Stdio::null())
            .output();
    }
}

#[test]
fn server_connection_limit_gives_a_clear_error_and_leaves_other_links_alone() {
    let _serial = serial();
    // PostgreSQL keeps 3 of these for superusers: the test role gets 3.
    let server = LowLimitServer::start(6);
    let before = stats();
    let mut links = Vec::new();
    let mut refused = None;
    for i in 0..6 {
        // Distinct keys: each pconnect needs a link of its own.
        match pconnect(&server.target(&format!("PconnPingSql=SELECT {i}"))) {
            Ok(link) => links.push(link),
            Err(failure) => {
                refused = Some(failure);
                break;
            }
        }
    }
    let failure = refused.expect("the server refused a connection at its limit");
    assert_eq!(links.len(), 3, "the role has 3 connections");
    assert_eq!(failure.status, PCONN_ERROR, "{failure:?}");
    // The server's own words: "too many clients already", or (for the slots kept for
    // superusers) "remaining connection slots are reserved".
    assert!(
        failure.message.contains("too many clients") || failure.message.contains("connection slots are reserved"),
        "{failure:?}"
    );
    assert!(failure.sqlstate.starts_with("08") || failure.sqlstate == "53300", "{failure:?}");
    for &link in &links {
        assert_eq!(must(query(link, "SELECT 1"), "the other links still work"), "1");
    }
    let middle = stats();
    assert_moved(&before, &middle, &[("opened", 3), ("failed_connects", 1)]);
    assert_eq!(middle.get("persistent_links"), 3);
    assert_eq!(middle.get("total_links"), 3);

    // Room again once a link is dropped.
    assert_eq!(pconn_drop(links.pop().unwrap()), PCONN_OK);
    let link = must(pconnect(&server.target("PconnPingSql=SELECT 99")), "pconnect after room was made");
    assert_eq!(must(query(link, "SELECT 2"), "query"), "2");
    end_request();
    assert_eq!(stats().get("persistent_links"), 3);
}

// ---------------------------------------------------------------------------------------------
// pconn's own limits (SQLite: no server needed to count links)

/// Holds a pconnect of `target` in a thread of its own (its own request) until dropped.
struct Holder {
    release: mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Holder {
    fn hold(target: &Target) -> Holder {
        let target = target.clone();
        let (got, wait_got) = mpsc::channel();
        let (release, wait_release) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let link = pconnect(&target);
            let ok = link.is_ok();
            got.send(link.map(|_| ()).map_err(|f| format!("{f:?}"))).unwrap();
            if ok {
                let _ = wait_release.recv();
            }
            assert_eq!(pconn_request_end(), PCONN_OK);
        });
        wait_got.recv().unwrap().expect("holder's pconnect");
        Holder { release, thread: Some(thread) }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.release.send(());
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

#[test]
fn max_per_key_refuses_or_falls_back() {
    let _serial = serial();
    let target = Target::sqlite("per-key");
    assert_eq!(set_option("max_per_key", "1"), PCONN_OK);
    let holder = Holder::hold(&target);

    let before = stats();
    let failure = pconnect(&target).expect_err("max_per_key reached");
    assert_eq!(failure.status, PCONN_LIMIT);
    assert!(failure.message.contains("max_per_key (1)"), "{failure:?}");
    assert_moved(&before, &stats(), &[("limit_refusals", 1)]);

    assert_eq!(set_option("on_limit", "fallback"), PCONN_OK);
    let before = stats();
    let link = must(pconnect(&target), "fallback");
    assert_eq!(pconn_link_is_persistent(link), 0);
    // The fallback answers identical pconnects of the same request.
    assert_eq!(must(pconnect(&target), "repeat"), link);
    end_request();
    assert_moved(&before, &stats(), &[("limit_fallbacks", 1), ("opened", 1), ("closed", 1)]);
    drop(holder);
    let after = stats();
    assert_eq!(after.key("per-key"), (1, 0));
    assert_eq!(after.get("total_links"), 1);
}

#[test]
fn max_persistent_closes_idle_links_first_then_refuses() {
    let _serial = serial();
    let (a, b, c) = (Target::sqlite("mp-a"), Target::sqlite("mp-b"), Target::sqlite("mp-c"));
    assert_eq!(set_option("max_persistent", "2"), PCONN_OK);
    let before = stats();
    let link_a = must(pconnect(&a), "a");
    must(pconnect(&b), "b");
    let failure = pconnect(&c).expect_err("both persistent links are in use");
    assert_eq!(failure.status, PCONN_LIMIT);
    assert!(failure.message.contains("max_persistent (2)"), "{failure:?}");
    // The request goes on: its links still work.
    assert_eq!(must(query(link_a, "SELECT 1"), "a still works"), "1");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 2), ("limit_refusals", 1), ("rolled_back", 1), ("reset", 1)]);

    // Now a and b are idle: c closes the one idle longest (a) to make room.
    let before = stats();
    must(pconnect(&c), "c");
    must(pconnect(&b), "b from the pool");
    let after = stats();
    assert_moved(&before, &after, &[("opened", 1), ("reused", 1), ("limit", 1)]);
    assert_eq!(after.key("mp-a"), (0, 0));
    let failure = pconnect(&a).expect_err("b and c are in use");
    assert!(failure.message.contains("max_persistent"), "{failure:?}");
    end_request();
    assert_eq!(stats().get("persistent_links"), 2);
}

#[test]
fn max_links_counts_every_kind_and_closes_idle_links_first() {
    let _serial = serial();
    let (a, b) = (Target::sqlite("ml-a"), Target::sqlite("ml-b"));
    assert_eq!(set_option("max_links", "2"), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a");
    must(new_connect(&b), "fresh b");
    let failure = new_connect(&b).expect_err("two links open");
    assert_eq!(failure.status, PCONN_LIMIT);
    assert!(failure.message.contains("max_links (2)"), "{failure:?}");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 2), ("closed", 1), ("limit_refusals", 1)]);

    // a is idle: a fresh link may take its place, even one of the same key.
    assert_eq!(set_option("max_links", "1"), PCONN_OK);
    let before = stats();
    must(new_connect(&a), "fresh a in place of the idle one");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("closed", 1), ("limit", 1)]);
    assert_eq!(stats().get("total_links"), 0);
}

// ---------------------------------------------------------------------------------------------
// Lifetimes

#[test]
fn idle_timeout_evicts_at_hand_out_and_in_the_sweep() {
    let _serial = serial();
    let (a, b, c) = (Target::sqlite("it-a"), Target::sqlite("it-b"), Target::sqlite("it-c"));
    assert_eq!(set_option("idle_timeout", "0.3"), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a");
    end_request();
    must(pconnect(&a), "a again, at once");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("reused", 1)]);

    std::thread::sleep(Duration::from_millis(400));
    let before = stats();
    must(pconnect(&a), "a after its idle timeout");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("idle_timeout", 1)]);

    // b is never asked for again: the lazy sweep on another key's connect closes it.
    must(pconnect(&b), "b");
    end_request();
    std::thread::sleep(Duration::from_millis(600));
    let before = stats();
    must(pconnect(&c), "c");
    end_request();
    let after = stats();
    // a and b were both idle past the timeout.
    assert_moved(&before, &after, &[("opened", 1), ("idle_timeout", 2)]);
    assert_eq!(after.key("it-b"), (0, 0));
    assert_eq!(after.key("it-c"), (1, 0));
}

#[test]
fn max_lifetime_evicts_old_links_even_when_busy() {
    let _serial = serial();
    let a = Target::sqlite("lt-a");
    assert_eq!(set_option("max_lifetime", "0.5"), PCONN_OK);
    let before = stats();
    let opened = Instant::now();
    must(pconnect(&a), "a");
    end_request();
    // Busy (never idle long) but old: jitter keeps the lifetime within 0.45–0.5 s.
    let mut cycles = 0;
    while opened.elapsed() < Duration::from_millis(400) {
        must(pconnect(&a), "a");
        end_request();
        cycles += 1;
    }
    assert_moved(&before, &stats(), &[("opened", 1), ("reused", cycles)]);
    sleep_until(opened, Duration::from_millis(550));
    let before = stats();
    must(pconnect(&a), "a past its lifetime");
    end_request();
    assert_moved(&before, &stats(), &[("opened", 1), ("lifetime", 1)]);
}

#[test]
fn max_uses_evicts_after_that_many_requests() {
    let _serial = serial();
    let a = Target::sqlite("uses-a");
    assert_eq!(set_option("max_uses", "3"), PCONN_OK);
    let before = stats();
    for _ in 0..3 {
        must(pconnect(&a), "a");
        end_request();
    }
    // Closed as its third request ended, not kept to be found spent.
    let after = stats();
    assert_moved(&before, &after, &[("opened", 1), ("reused", 2), ("uses", 1)]);
    assert_eq!(after.key("uses-a"), (0, 0));
    for _ in 0..4 {
        must(pconnect(&a), "a");
        end_request();
    }
    assert_moved(&after, &stats(), &[("opened", 2), ("reused", 2), ("uses", 1)]);
}

// ---------------------------------------------------------------------------------------------
// Liveness checks and their configuration

#[test]
fn ping_interval_decides_when_hand_out_makes_a_round_trip() {
    let _serial = serial();
    let a = Target::sqlite("ping-a");
    must(pconnect(&a), "a");
    end_request();

    // Default (60 s): the local check only.
    let before = stats();
    for _ in 0..3 {
        must(pconnect(&a), "a");
        end_request();
    }
    assert_moved(&before, &stats(), &[("reused", 3)]);

    // Changed at run time, for links already in the pool: every hand-out pings.
    assert_eq!(set_option("ping_interval", "0"), PCONN_OK);
    let before = stats();
    for _ in 0..3 {
        must(pconnect(&a), "a");
        end_request();
    }
    assert_moved(&before, &stats(), &[("reused", 3), ("pings", 3)]);

    assert_eq!(set_option("ping_interval", "-1"), PCONN_OK);
    let before = stats();
    must(pconnect(&a), "a");
    end_request();
    assert_moved(&before, &stats(), &[("reused", 1)]);

    // A per-connection override wins over the global value.
    let b = a.with("PconnPingInterval=0");
    must(pconnect(&b), "b");
    end_request();
    let before = stats();
    must(pconnect(&b), "b");
    end_request();
    assert_moved(&before, &stats(), &[("reused", 1), ("pings", 1)]);
}

#[test]
fn bad_option_names_and_values_are_invalid_arguments() {
    let _serial = serial();
    for (name, value) in [
        ("no_such_option", "1"),
        ("max_persistent", "many"),
        ("max_links", "1.5"),
        ("on_limit", "sometimes"),
        ("ping_interval", "soon"),
        ("background_reset", "sometimes"),
        ("ping_interval", "NaN"),
        ("idle_timeout", "inf"),
        ("reset", "bogus"),
        ("reset", "sql:"),
        ("fetch_batch", "0"),
        ("login_timeout", "-3"),
        ("ping_sql", "  "),
        ("", "1"),
    ] {
        assert_eq!(set_option(name, value), PCONN_INVALID_ARGUMENT, "{name}={value}");
        let message = text(pconn_errmsg(0));
        assert!(!message.is_empty(), "{name}={value}: no message");
    }
    assert!(text(pconn_errmsg(0)).contains("unknown option"));
    // Nothing changed.
    assert_eq!(get_option("max_persistent"), "-1");
    assert_eq!(get_option("ping_interval"), "60");
    assert_eq!(get_option("on_limit"), "error");
    // Names are forgiving; values are read back in the form set accepts.
    assert_eq!(set_option("Max-Per-Key", "4"), PCONN_OK);
    assert_eq!(get_option("max_per_key"), "4");
    assert_eq!(set_option("idle_timeout", "2.5"), PCONN_OK);
    assert_eq!(get_option("idle_timeout"), "2.5");
    assert_eq!(pconn_set_option(std::ptr::null(), cstr("1").as_ptr()), PCONN_NULL_ARGUMENT);
    let mut out = std::ptr::null();
    assert_eq!(pconn_get_option(cstr("bogus").as_ptr(), &mut out), PCONN_INVALID_ARGUMENT);

    // In a connection string: unknown pconn options, process-wide ones and bad values.
    let a = Target::sqlite("bad-options");
    for extra in ["PconnBogus=1", "PconnMaxPersistent=1", "PconnPingInterval=soon", "PconnReset=sometimes"] {
        let failure = pconnect(&a.with(extra)).expect_err(extra);
        assert_eq!(failure.status, PCONN_INVALID_ARGUMENT, "{extra}: {failure:?}");
    }
    assert_eq!(stats().get("total_links"), 0);
}

/// `PCONN_*` environment variables are read at first use; a bad one makes calls fail, naming it.
/// Runs this test binary again as a child with the variables set.
#[test]
fn environment_variables_configure_the_process() {
    if let Ok(expect) = std::env::var("PCONN_LIVENESS_CHILD") {
        match expect.as_str() {
            "good" => {
                assert_eq!(get_option("max_per_key"), "3");
                assert_eq!(get_option("ping_interval"), "-1");
                must(pconnect(&Target::sqlite("env")), "pconnect");
                end_request();
            }
            _ => {
                let failure = pconnect(&Target::sqlite("env")).expect_err("bad environment");
                assert_eq!(failure.status, PCONN_INVALID_ARGUMENT);
                assert!(failure.message.contains("PCONN_IDLE_TIMEOUT"), "{failure:?}");
            }
        }
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for (kind, vars) in [
        ("good", vec![("PCONN_MAX_PER_KEY", "3"), ("PCONN_PING_INTERVAL", "-1")]),
        ("bad", vec![("PCONN_IDLE_TIMEOUT", "later")]),
    ] {
        let out = std::process::Command::new(&exe)
            .args(["--exact", "environment_variables_configure_the_process", "--nocapture"])
            .env("PCONN_LIVENESS_CHILD", kind)
            .envs(vars)
            .output()
            .unwrap();
        let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{kind}: {output}");
        assert!(output.contains("1 passed"), "{kind}: {output}");
    }
}

#[test]
fn statistics_list_keys_without_secrets() {
    let _serial = serial();
    let pg = common::pg::pg();
    let target = Target::pg("PconnPingInterval=30");
    let link = must(pconnect(&target), "pconnect");
    let json = stats();
    assert_eq!(json.key("PCONNPINGINTERVAL=30"), (0, 1));
    assert!(!json.0.contains(&pg.password), "the password leaked into {}", json.0);
    assert!(json.0.contains(&format!("UID={}", pg.user)), "{}", json.0);
    assert_eq!(must(query(link, "SELECT 1"), "query"), "1");
    end_request();
    let json = stats();
    assert_eq!(json.key("PCONNPINGINTERVAL=30"), (1, 0));
    assert_eq!(json.get("pid"), u64::from(std::process::id()));
}

// ---------------------------------------------------------------------------------------------
// Fork and exit

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
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
    findings
}

/// At exit, pconn disconnects the links this process opened, even one in the middle of a request
/// in another thread with a transaction open: the server sees a clean goodbye. The control: a
/// process that leaves with `_exit` (as a crash would) makes PostgreSQL log "unexpected EOF on
/// client connection with an open transaction" — what the graceful exit must not.
#[test]
fn links_are_disconnected_gracefully_at_process_exit() {
    if let Ok(how) = std::env::var("PCONN_LIVENESS_EXIT_CHILD") {
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
            .env("PCONN_LIVENESS_EXIT_CHILD", how)
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
        wait_backend_gone(pid);
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
