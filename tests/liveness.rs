//! Liveness: whether an idle link's server session is still there when it is handed out (the
//! socket check, the ping and its interval), and what a caller sees when the server, or something
//! in between, ends a session: between requests, during a request, or by a restart. Through the
//! C ABI, on a real PostgreSQL (started by the tests) and on SQLite.
//!
//! The pool is process-wide: every test here takes [`serial`] first.

mod common;

use common::c_str::text;
use common::calls::*;
use common::serial::serial;
use common::stats::{assert_moved, stats};
use pconn::ffi::*;
use std::time::{Duration, Instant};

use pconn_status::*;

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
    pg.wait_backend_gone(first_pid);

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
        pg.wait_backend_gone(first_pid);

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
        common::pg::pg().wait_backend_gone(first_pid);

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
    pg.wait_backend_gone(first_pid);

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
    pg.wait_backend_gone(pid);
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
// The ping and its interval

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

