//! The liveness check without a round trip: which socket a driver opened for a link, and whether
//! the kernel already knows that its peer has gone.
//!
//! Drivers' own dead-connection attribute (`SQL_ATTR_CONNECTION_DEAD`) reflects what the driver
//! last saw, and psqlODBC's does not notice a server that closed an idle session (after
//! `pg_terminate_backend`, a restart, an idle timeout of a proxy). The kernel does: the peer's FIN
//! or RST has arrived, often behind the last message the server sent before closing. One
//! `poll(POLLIN | POLLRDHUP)` with no timeout reads that state without consuming anything the
//! driver would read later. (It was first a `recv(MSG_PEEK | MSG_DONTWAIT)`; `poll` is one system
//! call too, cheaper — TCP answers it without taking the socket's lock — and it sees a FIN queued
//! behind data, where a peek sees only the data: PostgreSQL's FATAL message before it closes would
//! otherwise need a round trip to interpret.)
//!
//! ODBC has no way to ask a driver for its socket, so it is found by difference: the process's
//! socket descriptors before and after the driver connects. This works for any driver that talks
//! over one TCP or Unix stream socket, and gives nothing (no check) when the driver opened no
//! socket (SQLite) or when it is ambiguous (another thread opened sockets at the same time).

use std::os::fd::{FromRawFd, RawFd};

/// The socket descriptors of the process at one moment, as (descriptor, inode), sorted.
pub struct SocketFds(Vec<(RawFd, u64)>);

impl SocketFds {
    /// Lists `/proc/self/fd`; `None` when it cannot be read (no `/proc`), and then no link gets a
    /// socket check.
    pub fn snapshot() -> Option<SocketFds> {
        let dir = std::fs::read_dir("/proc/self/fd").ok()?;
        let mut fds: Vec<(RawFd, u64)> = dir
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<RawFd>().ok())
            .filter_map(|fd| socket_inode(fd).map(|inode| (fd, inode)))
            .collect();
        fds.sort_unstable();
        Some(SocketFds(fds))
    }

    fn contains(&self, entry: (RawFd, u64)) -> bool {
        self.0.binary_search(&entry).is_ok()
    }

    /// The one connected stream socket in `self` that was not in `before`, if exactly one.
    /// Descriptors are compared with their inode, so a number closed and reused in between counts
    /// as new.
    pub fn new_stream_since(&self, before: &SocketFds) -> Option<WatchedSocket> {
        let mut found = None;
        for &(fd, inode) in &self.0 {
            if before.contains((fd, inode)) || !is_connected_stream(fd) {
                continue;
            }
            if found.is_some() {
                // Two candidates: another thread connected something meanwhile. Guessing could
                // attach another link's socket to this one; no check is safer.
                return None;
            }
            found = Some(WatchedSocket { fd, inode });
        }
        found
    }
}

/// The inode of `fd` when it is a socket.
fn socket_inode(fd: RawFd) -> Option<u64> {
    // SAFETY: fstat writes only into the buffer it is given; an invalid fd is an error return.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut stat) } != 0 {
        return None;
    }
    (stat.st_mode & libc::S_IFMT == libc::S_IFSOCK).then_some(stat.st_ino)
}

fn socket_option(fd: RawFd, option: libc::c_int) -> Option<libc::c_int> {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: value and len describe a valid buffer for an int option.
    let rc = unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, option, (&raw mut value).cast(), &mut len) };
    (rc == 0).then_some(value)
}

/// A stream socket of a family a database driver connects with, connected to a peer (not a
/// listener, not a UDP socket a resolver left open).
fn is_connected_stream(fd: RawFd) -> bool {
    if socket_option(fd, libc::SO_TYPE) != Some(libc::SOCK_STREAM) {
        return false;
    }
    if !matches!(socket_option(fd, libc::SO_DOMAIN), Some(libc::AF_INET | libc::AF_INET6 | libc::AF_UNIX)) {
        return false;
    }
    // SAFETY: sockaddr_storage is large enough for any address; len says so.
    let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    unsafe { libc::getpeername(fd, (&raw mut addr).cast(), &mut len) == 0 }
}

/// What the kernel says about a link's socket, without waiting and without consuming anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// Nothing to read and the connection is open: the normal state of an idle session.
    Quiet,
    /// The peer closed its side (FIN), whatever it sent before: a database server does not
    /// half-close a session it means to keep.
    Closed,
    /// The server sent something to a session that asked nothing, and kept the connection open: a
    /// notice, a parameter change. Only a round trip tells whether the session is still good.
    Spoke,
    /// The socket is in error (reset by the peer, timed out), or the descriptor is not open.
    Failed,
}

/// The socket of one link: its descriptor, and its inode to recognise the descriptor number being
/// reused for another file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchedSocket {
    fd: RawFd,
    inode: u64,
}

impl WatchedSocket {
    /// One `poll` with no timeout: the whole cost of the check on a live link.
    pub fn peek(&self) -> Peer {
        let mut poll = libc::pollfd { fd: self.fd, events: libc::POLLIN | libc::POLLRDHUP, revents: 0 };
        loop {
            // SAFETY: one valid pollfd; a timeout of 0 never blocks.
            let ready = unsafe { libc::poll(&mut poll, 1, 0) };
            if ready < 0 {
                if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                    continue;
                }
                return Peer::Failed;
            }
            let events = poll.revents;
            return if events & (libc::POLLERR | libc::POLLNVAL) != 0 {
                Peer::Failed
            } else if events & (libc::POLLRDHUP | libc::POLLHUP) != 0 {
                Peer::Closed
            } else if events & libc::POLLIN != 0 {
                Peer::Spoke
            } else {
                Peer::Quiet
            };
        }
    }

    /// The descriptor still names the socket found at open: checked only when `peek` reported
    /// something unusual, so that a verdict is never drawn from another file's socket.
    pub fn is_still_ours(&self) -> bool {
        socket_inode(self.fd) == Some(self.inode)
    }

    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// A second descriptor of the socket, taken before the driver disconnects, to see the server
    /// end the session afterwards (see [`HeldSocket::wait_closed_by_server`]). `None` when the
    /// descriptor no longer names the link's socket.
    pub fn hold(&self) -> Option<HeldSocket> {
        if !self.is_still_ours() {
            return None;
        }
        // SAFETY: duplicating a descriptor this process has open; the copy is owned below.
        let fd = unsafe { libc::fcntl(self.fd, libc::F_DUPFD_CLOEXEC, 0) };
        // SAFETY: a new descriptor of our own, closed once by the OwnedFd.
        (fd >= 0).then(|| HeldSocket(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) }))
    }
}

/// A link's socket kept open across the driver's disconnect.
#[derive(Debug)]
pub struct HeldSocket(std::os::fd::OwnedFd);

impl HeldSocket {
    /// Waits up to `limit` for the server to close its end, which PostgreSQL (and MariaDB) do only
    /// when the session's process or thread has ended: until then the server still counts the
    /// session against `max_connections`. PostgreSQL keeps the socket open until the backend exits
    /// for exactly this "synchronous close". Returns whether the close was seen; the descriptor
    /// is closed either way.
    pub fn wait_closed_by_server(self, limit: std::time::Duration) -> bool {
        use std::os::fd::AsRawFd;
        let deadline = std::time::Instant::now() + limit;
        let mut poll = libc::pollfd { fd: self.0.as_raw_fd(), events: libc::POLLRDHUP, revents: 0 };
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let timeout = libc::c_int::try_from(left.as_millis()).unwrap_or(libc::c_int::MAX);
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut poll, 1, timeout) };
            if ready < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return ready > 0 && poll.revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR) != 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::sync::{Mutex, MutexGuard};

    /// Every test here opens sockets, and the discovery tests diff the process's sockets: run them
    /// one at a time so that none sees another's.
    fn one_at_a_time() -> MutexGuard<'static, ()> {
        static SOCKETS: Mutex<()> = Mutex::new(());
        SOCKETS.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn watched(fd: RawFd) -> WatchedSocket {
        WatchedSocket { fd, inode: socket_inode(fd).expect("a socket") }
    }

    /// Loopback delivery is asynchronous: the first answer of `peek` that is not `Quiet`, polled
    /// with a bound only a broken kernel would reach.
    fn first_news(socket: &WatchedSocket) -> Peer {
        for _ in 0..10_000 {
            match socket.peek() {
                Peer::Quiet => std::thread::sleep(std::time::Duration::from_millis(1)),
                news => return news,
            }
        }
        panic!("the peer's data or close never arrived");
    }

    #[test]
    fn finds_the_one_connected_stream_socket_opened_in_between() {
        let _guard = one_at_a_time();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let before = SocketFds::snapshot().unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        // Neither a listener nor a UDP socket (a resolver's) opened meanwhile is a candidate.
        let other_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        udp.connect(listener.local_addr().unwrap()).unwrap();
        let after = SocketFds::snapshot().unwrap();
        let found = after.new_stream_since(&before).expect("one new connected socket");
        assert_eq!(found.fd(), client.as_raw_fd());
        assert!(found.is_still_ours());
        assert_eq!(found.peek(), Peer::Quiet);
        drop((other_listener, udp));
    }

    #[test]
    fn a_held_socket_sees_the_server_end_the_session_after_the_client_closed_its_descriptor() {
        let _guard = one_at_a_time();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let held = watched(client.as_raw_fd()).hold().expect("a second descriptor");
        // The driver's disconnect: its descriptor is closed, the server has not ended yet.
        drop(client);
        let server_ends = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            drop(server);
        });
        assert!(held.wait_closed_by_server(std::time::Duration::from_secs(60)));
        server_ends.join().unwrap();

        // A server that keeps the session: the wait ends at its limit, with no close seen.
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (_server, _) = listener.accept().unwrap();
        let held = watched(client.as_raw_fd()).hold().unwrap();
        drop(client);
        assert!(!held.wait_closed_by_server(std::time::Duration::from_millis(20)));
    }

    #[test]
    fn no_new_socket_or_two_new_sockets_give_no_socket() {
        let _guard = one_at_a_time();
        let before = SocketFds::snapshot().unwrap();
        let again = SocketFds::snapshot().unwrap();
        assert_eq!(again.new_stream_since(&before), None, "no socket opened (as with SQLite's driver)");
        let (a, b) = UnixStream::pair().unwrap();
        let after = SocketFds::snapshot().unwrap();
        assert_eq!(after.new_stream_since(&before), None, "two candidates: ambiguous");
        drop((a, b));
    }

    #[test]
    fn a_closed_or_reused_descriptor_number_is_not_taken_for_the_old_socket() {
        let _guard = one_at_a_time();
        let (a, _b) = UnixStream::pair().unwrap();
        let socket = watched(a.as_raw_fd());
        // The number now names another socket, as after a close and a reuse; dup2 does both at
        // once, so no other thread's file can take the number in between.
        let (c, _d) = UnixStream::pair().unwrap();
        // SAFETY: both descriptors are open and owned here; `a` keeps owning its number.
        assert_eq!(unsafe { libc::dup2(c.as_raw_fd(), a.as_raw_fd()) }, a.as_raw_fd());
        assert!(!socket.is_still_ours(), "reused for another socket");
        drop(a);
        assert!(!socket.is_still_ours(), "closed");
    }

    #[test]
    fn peek_tells_quiet_spoke_and_closed_over_tcp() {
        let _guard = one_at_a_time();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        let socket = watched(client.as_raw_fd());
        assert_eq!(socket.peek(), Peer::Quiet);
        assert_eq!(socket.peek(), Peer::Quiet);

        // A notice to an idle session: the connection stays open.
        server.write_all(b"N").unwrap();
        assert_eq!(first_news(&socket), Peer::Spoke);
        assert_eq!(socket.peek(), Peer::Spoke, "the message is still there for the driver to read");
        let mut byte = [0u8; 1];
        client.read_exact(&mut byte).unwrap();
        assert_eq!(&byte, b"N");
        assert_eq!(socket.peek(), Peer::Quiet);

        // What PostgreSQL does to a session it terminates: a last message, then the close. The
        // close is seen behind the message, which stays for the driver.
        server.write_all(b"E").unwrap();
        server.shutdown(Shutdown::Both).unwrap();
        drop(server);
        assert_eq!(first_news(&socket), Peer::Closed);
        client.read_exact(&mut byte).unwrap();
        assert_eq!(&byte, b"E");
        assert_eq!(socket.peek(), Peer::Closed);
    }

    #[test]
    fn peek_sees_a_reset_connection() {
        let _guard = one_at_a_time();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        // SO_LINGER with a zero timeout: close sends RST instead of FIN (a firewall or a crashed
        // host's reboot looks like this).
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: a valid linger struct and its size.
        let rc = unsafe {
            libc::setsockopt(
                server.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&raw const linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0);
        drop(server);
        let socket = watched(client.as_raw_fd());
        assert_eq!(first_news(&socket), Peer::Failed);
    }

    #[test]
    fn peek_over_a_unix_socket_pair() {
        let _guard = one_at_a_time();
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let socket = watched(a.as_raw_fd());
        assert_eq!(socket.peek(), Peer::Quiet);
        b.write_all(b"N").unwrap();
        assert_eq!(socket.peek(), Peer::Spoke);
        let mut byte = [0u8; 1];
        a.read_exact(&mut byte).unwrap();
        assert_eq!(socket.peek(), Peer::Quiet);
        drop(b);
        assert_eq!(socket.peek(), Peer::Closed);
    }

    #[test]
    fn a_descriptor_that_is_not_open_is_failed() {
        let _guard = one_at_a_time();
        // Far above anything this process opens.
        let socket = WatchedSocket { fd: 1 << 20, inode: 1 };
        assert_eq!(socket.peek(), Peer::Failed);
        assert!(!socket.is_still_ours());
    }
}
