//! Host-wide link caps: the most links of one identity (`host_max_per_key`) and of all identities
//! (`host_max_links`) open at once across every process of the user on this host.
//!
//! Every worker process keeps its own links, so per-process limits cannot keep workers ×
//! identities under the server's `max_connections`. Here a link holds a *slot*: an open file
//! description with a one-byte write lock (`F_OFD_SETLK`) at byte `i` of a slot file, `i` below
//! the cap. One file per identity, one for all identities, in a directory of the user's own.
//! The kernel drops the lock when the last descriptor of the description is closed, which it does
//! itself when the process dies by any means, `SIGKILL` included: a slot cannot be lost.
//!
//! - The identity file is named by a keyed digest of the link key (connection string, user,
//!   password) under a random host key kept in the directory: the name says nothing about the
//!   connection, not even to someone guessing connection strings without that key.
//! - The directory is mode 0700, owned by the user, and checked at every use (not a symlink, owned
//!   by us, nobody else can write in it); files are opened with `O_NOFOLLOW` and checked to be
//!   regular files of ours. Processes of other users can neither take nor free the slots.
//! - Waiting is polling with a deadline (`host_wait`): a process holding every slot forever makes
//!   a connect wait that long, never longer.
//! - Forks: a child shares its parent's open file descriptions, and so its locks. The child closes
//!   its copies at once (the pool's fork hook), without unlocking: the parent's slots stay the parent's,
//!   and a child that outlives its parent does not keep them taken. A slot's owner pid makes a
//!   link inherited by a child release nothing when it is dropped there.

use crate::config::{Config, HOST_MAX_CAP as MAX_CAP};
use crate::os::byte_locks::{self, ByteLock};
use crate::error::{Error, Result};
use crate::key::LinkKey;
use crate::os::{self, ForkLocal};
use crate::stats::HostUsage;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// Every refusal by a host cap names the option, which starts with this: `connect` tells a host
/// refusal (that a request-scoped fallback cannot get round) from a process one.
pub const HOST_LIMIT_PREFIX: &str = "host_max_";

/// What a link holds: its identity's slot and the all-identities slot, each when capped.
/// Dropping it frees both (in the process that took them only).
pub struct HostSlot {
    // Held for their `Drop`, which frees them.
    _per_key: Option<SlotLock>,
    _all: Option<SlotLock>,
}

/// One locked byte of one slot file, on a file description of its own.
struct SlotLock {
    /// Always `Some` until dropped.
    file: Option<File>,
    index: usize,
    owner_pid: u32,
}

impl SlotLock {
    fn fd(&self) -> RawFd {
        self.file.as_ref().map_or(-1, File::as_raw_fd)
    }
}

impl Drop for SlotLock {
    fn drop(&mut self) {
        let Some(file) = self.file.take() else { return };
        if self.owner_pid != std::process::id() {
            // Inherited across fork: the child hook already closed this descriptor (its number
            // may name another file now), and the lock is the parent's. Never closed again.
            std::mem::forget(file);
            return;
        }
        // Unlocked before the descriptor is forgotten and closed: a fork in between leaves the
        // child a descriptor without a lock, never a lock without a descriptor to close.
        let _ = byte_locks::unlock(&file, self.index as u64);
        forget_fd(file.as_raw_fd());
    }
}

/// A process-wide table of the descriptors holding slots, without a lock: the fork child hook
/// reads it in a child where another thread of the parent may have been changing it.
const FD_TABLE: usize = 4096;
/// An empty entry; a named constant because the header generator cannot parse an inline one.
#[allow(clippy::declare_interior_mutable_const)]
const NO_FD: AtomicI32 = AtomicI32::new(-1);
static HELD_FDS: [AtomicI32; FD_TABLE] = [NO_FD; FD_TABLE];

fn remember_fd(fd: RawFd) -> Result<()> {
    for entry in &HELD_FDS {
        if entry.compare_exchange(-1, fd, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            return Ok(());
        }
    }
    Err(Error::Limit(format!("{HOST_LIMIT_PREFIX}*: one process holds {FD_TABLE} host slots already")))
}

fn forget_fd(fd: RawFd) {
    for entry in &HELD_FDS {
        if entry.compare_exchange(fd, -1, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            return;
        }
    }
}

/// Identities this process took slots for: the display name statistics show, by slot file name.
/// Replaced by a fresh map in a forked child, like the pool state: the inherited one may be locked.
static IDENTITIES: ForkLocal<Mutex<BTreeMap<String, String>>> = ForkLocal::new();

fn identities() -> &'static Mutex<BTreeMap<String, String>> {
    IDENTITIES.get_or_init(Mutex::default)
}

/// In a forked child (called from the pool's fork hook, `fork.rs`): closes the inherited copies
/// of the descriptors holding slots, without unlocking. Closing a shared description's copy keeps
/// the parent's lock (OFD locks go with the last descriptor); `F_UNLCK` would free the parent's
/// slot.
pub(super) fn after_fork_in_child() {
    for entry in &HELD_FDS {
        let fd = entry.swap(-1, Ordering::SeqCst);
        if fd >= 0 {
            byte_locks::close_inherited(fd);
        }
    }
    if IDENTITIES.get().is_some() {
        IDENTITIES.replace(Mutex::default());
    }
}

/// Whether any host cap is set: when none is, nothing here runs.
pub fn enabled(config: &Config) -> bool {
    config.host_max_per_key.is_some() || config.host_max_links.is_some()
}

/// Whether the message of an [`Error::Limit`] is a refusal by a host cap.
pub fn is_host_refusal(limit_message: &str) -> bool {
    limit_message.starts_with(HOST_LIMIT_PREFIX)
}

/// Takes a slot for a new link of `key` (whose credentials — password and any other secret
/// attribute — are `credentials`), waiting up to
/// `host_wait` for one to free. `None` when no host cap is set.
pub fn acquire<'s>(config: &Config, key: &LinkKey, credentials: impl IntoIterator<Item = &'s str>) -> Result<Option<HostSlot>> {
    if !enabled(config) {
        return Ok(None);
    }
    acquire_for(config, &key.display_name(), credentials)
}

fn acquire_for<'s>(config: &Config, display: &str, credentials: impl IntoIterator<Item = &'s str>) -> Result<Option<HostSlot>> {
    let dir = slot_dir(config)?;
    let identity = identity_file(&dir, display, credentials)?;
    identities().lock().entry(identity.clone()).or_insert_with(|| display.to_owned());
    let per_key_path = dir.join(&identity);
    let all_path = dir.join(ALL_FILE);
    let deadline = Instant::now() + config.host_wait;
    let mut pause = Duration::from_millis(5);
    // Set while this connect waits: processes with idle links of the identity close one at their
    // next request end instead of keeping it (see `HostSlot::wanted`).
    let mut waiting: Vec<WaitMark> = Vec::new();
    loop {
        let per_key = match config.host_max_per_key {
            Some(cap) => match take(&per_key_path, cap)? {
                Some(lock) => Some(lock),
                None => {
                    wait_or_refuse("host_max_per_key", cap, config, deadline, &mut pause)?;
                    mark_waiting(&mut waiting, &per_key_path);
                    continue;
                }
            },
            None => None,
        };
        let all = match config.host_max_links {
            Some(cap) => match take(&all_path, cap)? {
                Some(lock) => Some(lock),
                // The identity's slot goes back while waiting: holding it would starve others.
                None => {
                    drop(per_key);
                    wait_or_refuse("host_max_links", cap, config, deadline, &mut pause)?;
                    mark_waiting(&mut waiting, &all_path);
                    continue;
                }
            },
            None => None,
        };
        return Ok(Some(HostSlot { _per_key: per_key, _all: all }));
    }
}

/// The byte of a slot file that waiters read-lock: beyond every slot.
const WAIT_BYTE: usize = MAX_CAP + 1;

/// A shared lock on [`WAIT_BYTE`] of a slot file, held while a connect waits for a slot of it;
/// closing the file drops it. Not in the fork table: a child that inherits it (a fork during a
/// wait) keeps the mark only until it execs or exits; it asks for nothing but an early close of
/// idle links.
struct WaitMark {
    path: PathBuf,
    _file: File,
}

/// Marks this process as waiting for a slot of the file at `path`, once.
fn mark_waiting(marks: &mut Vec<WaitMark>, path: &Path) {
    if marks.iter().any(|mark| mark.path == path) {
        return;
    }
    if let Ok(Some(file)) = open_slot_file(path, false)
        && let Ok(true) = byte_locks::try_lock(&file, WAIT_BYTE as u64, ByteLock::Shared)
    {
        marks.push(WaitMark { path: path.to_owned(), _file: file });
    }
}

/// Whether some process waits on the slot file `fd` is open on.
fn someone_waits(fd: RawFd) -> bool {
    byte_locks::locked_by_another(fd, WAIT_BYTE as u64)
}

impl HostSlot {
    /// Whether another connect on the host waits for a slot this link holds: its link should be
    /// closed rather than kept idle, or an idle worker would hold the slot for good. One or two
    /// `fcntl`s, under a host cap only.
    pub fn wanted(&self) -> bool {
        self.probe().wanted()
    }

    /// What [`SlotProbe::wanted`] needs, to ask without holding the link.
    pub fn probe(&self) -> SlotProbe {
        let fd = |slot: &Option<SlotLock>| slot.as_ref().filter(|s| s.owner_pid == std::process::id()).map_or(-1, SlotLock::fd);
        SlotProbe([fd(&self._per_key), fd(&self._all)])
    }
}

/// The descriptors of a link's slots, copied, to ask whether anyone waits for them after the
/// registry lock is released. Should the link be closed meanwhile and a number reused, the
/// answer is merely wrong (a lock query on another file or an error), and the caller checks
/// that the link is still idle before closing it.
#[derive(Clone, Copy)]
pub struct SlotProbe([RawFd; 2]);

impl SlotProbe {
    pub fn wanted(&self) -> bool {
        self.0.iter().any(|&fd| fd >= 0 && someone_waits(fd))
    }
}

/// How often a process with idle links under a host cap looks for waiters.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// Starts, once per process (a forked child starts its own), a thread that calls
/// `close_wanted_idle` every [`WATCH_EVERY`]: an idle worker (php-fpm's, blocked in accept)
/// reaches no request end, so without it its idle links would keep their slots from a
/// waiting process for good.
pub fn watch_idle_links(close_wanted_idle: fn()) {
    static WATCHER_PID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let pid = std::process::id();
    if WATCHER_PID.swap(pid, Ordering::SeqCst) == pid {
        return;
    }
    let started = std::thread::Builder::new().name("pconn-host-slots".into()).spawn(move || {
        loop {
            std::thread::sleep(WATCH_EVERY);
            if std::process::id() != pid {
                return;
            }
            // Never lets a panic end the thread quietly: the next round tries again.
            let _ = std::panic::catch_unwind(close_wanted_idle);
        }
    });
    if started.is_err() {
        // No thread: request ends still give wanted slots back. Try again at the next connect.
        WATCHER_PID.store(0, Ordering::SeqCst);
    }
}

/// Sleeps before another try, or refuses once the deadline is past.
fn wait_or_refuse(name: &str, cap: usize, config: &Config, deadline: Instant, pause: &mut Duration) -> Result<()> {
    let now = Instant::now();
    if now >= deadline {
        let waited = if config.host_wait.is_zero() {
            String::new()
        } else {
            format!(" after waiting {}s", config.host_wait.as_secs_f64())
        };
        return Err(Error::Limit(format!(
            "{name} ({cap}) reached: every host-wide slot is taken by this user's processes{waited}"
        )));
    }
    std::thread::sleep((*pause).min(deadline - now));
    *pause = (*pause * 2).min(Duration::from_millis(50));
    Ok(())
}

const ALL_FILE: &str = "all.slots";
const HOST_KEY_FILE: &str = "host.key";

/// The slot directory: `host_slot_dir`, or `pconn-<uid>` in /dev/shm (memory, gone at reboot,
/// as the slots are), else in the temporary directory. Created 0700; an existing one must be a
/// real directory of ours that nobody else can write in.
pub fn slot_dir(config: &Config) -> Result<PathBuf> {
    let uid = byte_locks::effective_uid();
    let dir = match &config.host_slot_dir {
        Some(dir) => PathBuf::from(&**dir),
        None => {
            let base = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
            base.join(format!("pconn-{uid}"))
        }
    };
    let shown = dir.display();
    match std::fs::create_dir(&dir) {
        Ok(()) => {
            use std::os::unix::fs::PermissionsExt;
            // The umask may have taken bits off; nothing may be added to 0700.
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::InvalidArgument(format!("host slot directory {shown}: {e}")))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::InvalidArgument(format!("host slot directory {shown} cannot be created: {e}"))),
    }
    let meta = std::fs::symlink_metadata(&dir).map_err(|e| Error::InvalidArgument(format!("host slot directory {shown}: {e}")))?;
    use std::os::unix::fs::MetadataExt;
    if !meta.file_type().is_dir() {
        return Err(Error::InvalidArgument(format!("host slot directory {shown} is not a directory (a symlink?)")));
    }
    if meta.uid() != uid {
        return Err(Error::InvalidArgument(format!(
            "host slot directory {shown} belongs to uid {}, not to this process's uid {uid}",
            meta.uid()
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(Error::InvalidArgument(format!("host slot directory {shown} is writable by others (mode {:o})", meta.mode() & 0o777)));
    }
    Ok(dir)
}

/// Opens a file of the slot directory: never through a symlink, never blocking (a FIFO put there
/// would), and only a regular file of ours.
fn open_slot_file(path: &Path, create: bool) -> Result<Option<File>> {
    let shown = path.display();
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(error) if !create && error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(Error::InvalidArgument(format!("host slot file {shown}: {error}"))),
    };
    let ours = file.metadata().is_ok_and(|meta| meta.file_type().is_file() && meta.uid() == byte_locks::effective_uid());
    if !ours {
        return Err(Error::InvalidArgument(format!("host slot file {shown} is not a regular file of this user")));
    }
    Ok(Some(file))
}

/// Locks the first free byte below `cap` of the slot file at `path`, on a description of its own.
fn take(path: &Path, cap: usize) -> Result<Option<SlotLock>> {
    if cap == 0 {
        return Ok(None);
    }
    let file = open_slot_file(path, true)?.expect("created when missing");
    remember_fd(file.as_raw_fd())?;
    for index in 0..cap.min(MAX_CAP) {
        match byte_locks::try_lock(&file, index as u64, ByteLock::Exclusive) {
            Ok(true) => return Ok(Some(SlotLock { file: Some(file), index, owner_pid: std::process::id() })),
            Ok(false) => continue,
            Err(e) => {
                forget_fd(file.as_raw_fd());
                return Err(Error::InvalidArgument(format!("host slot file {}: cannot lock: {e}", path.display())));
            }
        }
    }
    // Closed holding no lock.
    forget_fd(file.as_raw_fd());
    Ok(None)
}

/// How many bytes below `cap` of a slot file are locked, by any process (this one included:
/// OFD locks of other descriptions conflict within a process too). Locks nothing.
fn count_taken(path: &Path, cap: usize) -> usize {
    let Ok(Some(file)) = open_slot_file(path, false) else { return 0 };
    (0..cap.min(MAX_CAP)).filter(|&index| byte_locks::locked_by_another(file.as_raw_fd(), index as u64)).count()
}

/// Reads the host key file, when it exists and holds a whole key.
fn read_host_key(path: &Path) -> Result<Option<[u8; 32]>> {
    let Some(file) = open_slot_file(path, false)? else { return Ok(None) };
    let mut key = [0u8; 32];
    Ok(file.read_exact_at(&mut key, 0).is_ok().then_some(key))
}

/// The host key: 32 random bytes made by the first process and kept in the slot directory, read
/// by every process of the user. Slot file names are digests under it.
fn host_key(dir: &Path) -> Result<[u8; 32]> {
    let path = dir.join(HOST_KEY_FILE);
    for _ in 0..2 {
        if path.symlink_metadata().is_ok() {
            if let Some(key) = read_host_key(&path)? {
                return Ok(key);
            }
            // Another process is writing it right now: read again below.
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let mut key = [0u8; 32];
        if !os::random_bytes(&mut key, true) {
            return Err(Error::InvalidArgument("host slots: no random bytes for the host key".into()));
        }
        // Written under a temporary name and linked into place: readers see all of it or nothing.
        let temp = dir.join(format!(".host.key.{}", std::process::id()));
        // Left by a process of the same pid that died while writing it.
        let _ = std::fs::remove_file(&temp);
        let written = {
            use std::io::Write;
            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).custom_flags(libc::O_NOFOLLOW).open(&temp).and_then(|mut file| file.write_all(&key))
        };
        written.map_err(|e| Error::InvalidArgument(format!("host slot key: {e}")))?;
        let linked = std::fs::hard_link(&temp, &path);
        let _ = std::fs::remove_file(&temp);
        match linked {
            Ok(()) => return Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::InvalidArgument(format!("host slot key: {e}"))),
        }
    }
    // The key exists by now, whoever wrote it.
    read_host_key(&path)?.ok_or_else(|| Error::InvalidArgument(format!("host slot key {} is damaged or missing: remove it", path.display())))
}

/// The slot file of an identity: a digest keyed by the host key of the display name (connection
/// string and user) and every credential (password and other secret attributes).
fn identity_file<'s>(dir: &Path, display: &str, credentials: impl IntoIterator<Item = &'s str>) -> Result<String> {
    let key = host_key(dir)?;
    let mut hasher = Sha256::new();
    hasher.update(key);
    hasher.update((display.len() as u64).to_le_bytes());
    hasher.update(display.as_bytes());
    // Each credential length-prefixed, so that two different lists never hash the same.
    for credential in credentials {
        hasher.update((credential.len() as u64).to_le_bytes());
        hasher.update(credential.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("key-{hex}.slots"))
}

/// Host-wide use now, when a host cap is set.
pub fn usage(config: &Config) -> Option<HostUsage> {
    if !enabled(config) {
        return None;
    }
    let dir = slot_dir(config).ok()?;
    let known: Vec<(String, String)> = identities().lock().iter().map(|(f, d)| (f.clone(), d.clone())).collect();
    let keys = match config.host_max_per_key {
        Some(cap) => {
            let mut keys: Vec<(String, usize)> = known.into_iter().map(|(file, display)| (display, count_taken(&dir.join(file), cap))).collect();
            keys.sort();
            keys
        }
        None => Vec::new(),
    };
    Some(HostUsage {
        max_links: config.host_max_links,
        max_per_key: config.host_max_per_key,
        links: config.host_max_links.map(|cap| count_taken(&dir.join(ALL_FILE), cap)),
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_in(dir: &Path, per_key: Option<usize>, links: Option<usize>) -> Config {
        Config {
            host_max_per_key: per_key,
            host_max_links: links,
            host_slot_dir: Some(dir.to_string_lossy().into()),
            ..Config::default()
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pconn-host-slots-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn slots_are_capped_counted_and_come_back_on_drop() {
        let dir = temp_dir("cap");
        let config = config_in(&dir, Some(2), Some(3));
        let a = acquire_for(&config, "DSN=a;", ["secret"]).unwrap().unwrap();
        let _b = acquire_for(&config, "DSN=a;", ["secret"]).unwrap().unwrap();
        let refused = acquire_for(&config, "DSN=a;", ["secret"]).err().unwrap();
        assert!(matches!(&refused, Error::Limit(message) if is_host_refusal(message)), "{refused}");
        assert!(refused.to_string().contains("host_max_per_key (2)"), "{refused}");
        let _c = acquire_for(&config, "DSN=b;", [""]).unwrap().unwrap();
        let refused = acquire_for(&config, "DSN=c;", [""]).err().unwrap();
        assert!(refused.to_string().contains("host_max_links (3)"), "{refused}");
        let use_now = usage(&config).unwrap();
        assert_eq!(use_now.links, Some(3));
        assert!(use_now.keys.contains(&("DSN=a;".to_owned(), 2)), "{:?}", use_now.keys);
        drop(a);
        assert!(acquire_for(&config, "DSN=a;", ["secret"]).unwrap().is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn slot_file_names_reveal_nothing() {
        let dir = temp_dir("names");
        let config = config_in(&dir, Some(1), None);
        let _slot = acquire_for(&config, "DSN=payroll;UID=alice;", ["hunter2"]).unwrap().unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            for secret in ["payroll", "alice", "hunter2"] {
                assert!(!name.to_lowercase().contains(secret), "{name}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_symlinked_key_or_a_fifo_for_a_slot_file_is_refused_at_once() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("files");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.join(HOST_KEY_FILE)).unwrap();
        let error = acquire_for(&config_in(&dir, Some(1), None), "DSN=a;", [""]).err().unwrap();
        assert!(error.to_string().contains("host slot file"), "{error}");
        std::fs::remove_file(dir.join(HOST_KEY_FILE)).unwrap();

        // A FIFO would block an open without O_NONBLOCK; it is not a regular file either.
        assert!(std::process::Command::new("mkfifo").arg(dir.join(ALL_FILE)).status().unwrap().success());
        let error = acquire_for(&config_in(&dir, None, Some(1)), "DSN=a;", [""]).err().unwrap();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_directory_others_may_write_or_a_symlink_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("perm");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let error = acquire_for(&config_in(&dir, Some(1), None), "DSN=a;", [""]).err().unwrap();
        assert!(error.to_string().contains("writable by others"), "{error}");
        let link = temp_dir("perm-link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let error = acquire_for(&config_in(&link, Some(1), None), "DSN=a;", [""]).err().unwrap();
        assert!(error.to_string().contains("not a directory"), "{error}");
        std::fs::remove_file(&link).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
