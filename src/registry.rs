//! The process's links: idle persistent links by key, links leased to requests, limits, counters,
//! and the owner pid that makes a forked child start empty.
//!
//! Locking: one registry mutex, held only for map and counter updates — never across a server
//! round trip or a system call. A pconnect answered from the idle pool takes it once, and so does a
//! request end (however many links the request had). Each leased link has its own mutex, held for
//! the duration of one call on it.

use crate::cleaner;
use crate::config::{self, Config, LinkSettings, OnLimit};
use crate::diag::StoredError;
use crate::error::{Error, Result};
use crate::host_slots;
use crate::key::{ConnSpec, KeyMap, LinkKey};
use crate::link::{CleanReport, Link, LinkKind, SocketVerdict};
use crate::request::{self, RequestLink};
use crate::stats::{Counters, DiscardReason, KeyCounts, Snapshot};
use parking_lot::{Mutex, MutexGuard};
use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

/// The integer a C caller holds for a link. 0 is never issued.
pub type LinkHandle = u64;

/// A leased link. The slot is emptied when the lease ends, so another thread still holding the
/// `Arc` finds no link rather than one that now belongs to someone else.
///
/// Slots are recycled for later leases only when nothing else holds them (`Arc::get_mut`), so a
/// holder of an old lease's slot can never see a later lease's link.
pub type LinkSlot = Arc<Mutex<Option<Box<Link>>>>;

struct Lease {
    slot: LinkSlot,
    kind: LinkKind,
    key: LinkKey,
}

/// The persistent links of one key.
#[derive(Default)]
struct KeyLinks {
    /// Idle links; the most recently returned at the end (handed out first, so rarely used links
    /// age out under `idle_timeout`). Boxed as in a [`LinkSlot`]: going between the two moves a
    /// pointer, not the link.
    #[allow(clippy::vec_box)]
    idle: Vec<Box<Link>>,
    /// Persistent links of the key: idle, leased, and being opened. The entry is removed when this
    /// reaches 0, not when `idle` empties: a busy key's entry stays put while its link goes back
    /// and forth.
    persistent: usize,
}

/// Hashes link handles: they are issued in sequence, so a multiplication spreads them over the
/// hash bits hashbrown uses, without SipHash's cost.
#[derive(Default)]
struct HandleHasher(u64);

impl Hasher for HandleHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

struct State {
    /// Incremented in the child after every fork; a mismatch with [`FORK_GENERATION`] means this
    /// state was inherited and must be forgotten.
    fork_generation: u64,
    owner_pid: u32,
    next_handle: u64,
    leases: HashMap<LinkHandle, Lease, BuildHasherDefault<HandleHasher>>,
    /// Persistent links per key.
    keys: KeyMap<KeyLinks>,
    idle_total: usize,
    persistent_total: usize,
    /// Every open link of the process (idle, leased, being opened).
    links_total: usize,
    counters: Counters,
    last_sweep: Instant,
    /// Empty slots of ended leases that nothing else referenced, for the next leases: a hand-out
    /// allocates nothing.
    spare_slots: Vec<LinkSlot>,
}

/// Spare slots kept at most: one per link a process has leased at once, in the usual case.
const SPARE_SLOTS: usize = 256;

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
/// The registry: a leaked allocation, replaced by a fresh one in a forked child (see
/// `after_fork_in_child`), so the child never unlocks the parent's mutex.
static REGISTRY: AtomicPtr<Mutex<State>> = AtomicPtr::new(std::ptr::null_mut());

/// Idle links are checked for timeouts at most this often, on ordinary calls: no background thread.
const SWEEP_EVERY: Duration = Duration::from_millis(500);

fn registry() -> &'static Mutex<State> {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        install_process_hooks();
        REGISTRY.store(Box::into_raw(Box::new(Mutex::new(State::new()))), Ordering::Release);
    });
    registry_if_created().expect("created above")
}

fn registry_if_created() -> Option<&'static Mutex<State>> {
    let current = REGISTRY.load(Ordering::Acquire);
    // SAFETY: null or a leaked allocation, never freed.
    (!current.is_null()).then(|| unsafe { &*current })
}

impl State {
    fn new() -> State {
        State {
            fork_generation: FORK_GENERATION.load(Ordering::SeqCst),
            owner_pid: std::process::id(),
            next_handle: initial_handle(),
            leases: HashMap::default(),
            keys: KeyMap::default(),
            idle_total: 0,
            persistent_total: 0,
            links_total: 0,
            counters: Counters::default(),
            last_sweep: Instant::now(),
            spare_slots: Vec::new(),
        }
    }

    fn issue_handle(&mut self) -> LinkHandle {
        self.next_handle = (self.next_handle + 1) & u64::from(u32::MAX);
        if self.next_handle == 0 {
            self.next_handle = 1;
        }
        self.next_handle
    }

    /// Registers a lease of a `kind` link of `key`, holding `link` (or nothing yet: a hand-out
    /// fills the slot once the link passed its check). Returns its handle and slot.
    fn register_lease(&mut self, kind: LinkKind, key: &LinkKey, link: Option<Box<Link>>) -> (LinkHandle, LinkSlot) {
        let mut slot = self.spare_slots.pop().unwrap_or_default();
        match Arc::get_mut(&mut slot) {
            Some(unshared) => *unshared.get_mut() = link,
            // Spare slots are unshared; a new one is too. Should that ever not hold, a new slot.
            None => slot = Arc::new(Mutex::new(link)),
        }
        let lease = Lease { slot: slot.clone(), kind, key: key.clone() };
        // Handles wrap around after 2^32 leases: skip any still leased (a link held for hours).
        loop {
            let handle = self.issue_handle();
            if let Entry::Vacant(vacant) = self.leases.entry(handle) {
                vacant.insert(lease);
                return (handle, slot);
            }
        }
    }

    /// Ends the registry's side of a lease whose link the caller took out of `slot`, and keeps the
    /// slot for another lease when nothing else holds it.
    fn unregister_lease(&mut self, handle: LinkHandle, mut slot: LinkSlot) {
        if let Entry::Occupied(lease) = self.leases.entry(handle)
            && Arc::ptr_eq(&lease.get().slot, &slot)
        {
            lease.remove();
        }
        if self.spare_slots.len() < SPARE_SLOTS
            && let Some(unshared) = Arc::get_mut(&mut slot)
            && unshared.get_mut().is_none()
        {
            self.spare_slots.push(slot);
        }
    }

    /// Takes an idle link of `key`: among the most recently returned few, the one this thread
    /// returned last if there is one — its socket and driver state are likely still in this core's
    /// cache, where another thread's link would have to be fetched from another core's.
    fn pop_idle(&mut self, key: &LinkKey, thread: u64) -> Option<Box<Link>> {
        const LOOK_AT: usize = 4;
        let idle = &mut self.keys.get_mut(key)?.idle;
        let last = idle.len().checked_sub(1)?;
        let at = idle.iter().rev().take(LOOK_AT).position(|link| link.returned_by == thread).map_or(last, |back| last - back);
        let link = idle.remove(at);
        self.idle_total -= 1;
        Some(link)
    }

    fn push_idle(&mut self, link: Box<Link>) {
        self.idle_total += 1;
        // The entry exists while the key has persistent links, and this is one; looked up by
        // reference so the common case clones no key.
        if let Some(links) = self.keys.get_mut(&link.key) {
            links.idle.push(link);
        } else {
            self.keys.entry(link.key.clone()).or_default().idle.push(link);
        }
    }

    fn forget_link_counts(&mut self, kind: LinkKind, key: &LinkKey) {
        self.links_total = self.links_total.saturating_sub(1);
        if kind == LinkKind::Persistent {
            self.persistent_total = self.persistent_total.saturating_sub(1);
            if let Some(links) = self.keys.get_mut(key) {
                links.persistent = links.persistent.saturating_sub(1);
                if links.persistent == 0 && links.idle.is_empty() {
                    self.keys.remove(key);
                }
            }
        }
    }

    /// Takes the idle link unused longest, of any key, to make room under a limit. (A persistent
    /// connect reaches the limits only after taking its own key's idle links, so they are never
    /// closed to make room for themselves.)
    fn take_oldest_idle(&mut self) -> Option<Box<Link>> {
        let links = self
            .keys
            .values_mut()
            .filter(|links| !links.idle.is_empty())
            .min_by_key(|links| links.idle[0].last_used)?;
        let link = links.idle.remove(0);
        self.idle_total -= 1;
        Some(link)
    }

    /// Takes out idle links past their idle timeout or lifetime, at most every [`SWEEP_EVERY`];
    /// the caller closes them after unlocking.
    fn sweep(&mut self, config: &Config, now: Instant, expired: &mut Vec<(Box<Link>, DiscardReason)>) {
        if config.idle_timeout.is_none() && config.max_lifetime.is_none() {
            return;
        }
        if now.saturating_duration_since(self.last_sweep) < SWEEP_EVERY {
            return;
        }
        self.last_sweep = now;
        let before = expired.len();
        for links in self.keys.values_mut() {
            let mut i = 0;
            while i < links.idle.len() {
                if let Some(reason) = expiry(&links.idle[i], config, now, true) {
                    expired.push((links.idle.remove(i), reason));
                } else {
                    i += 1;
                }
            }
        }
        self.idle_total -= expired.len() - before;
    }
}

/// A number for the calling thread, for [`State::pop_idle`]'s preference: 0 for none.
fn this_thread() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static THIS: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    THIS.try_with(|this| *this).unwrap_or(0)
}

/// Handles start at a random point so that a handle from another process (or garbage) is very
/// unlikely to name a live link here; the registry check catches it either way.
fn initial_handle() -> u64 {
    let mut bytes = [0u8; 4];
    // SAFETY: valid buffer of the given length.
    unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), libc::GRND_NONBLOCK) };
    // Link handles stay below 2^32 so that a result handle can carry its link in its high half.
    (u32::from_ne_bytes(bytes) >> 1) as u64
}

/// Locks the registry; in a forked child, first forgets everything inherited.
fn lock() -> MutexGuard<'static, State> {
    let mut state = registry().lock();
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    if state.fork_generation != generation {
        forget_inherited(&mut state, generation);
    }
    state
}

/// In a forked child: every inherited link is forgotten without a byte sent on its socket (the
/// parent's session lives on it), and the child starts with an empty pool. Nothing looks at an
/// inherited link's socket either: the liveness check runs only on links of this state.
fn forget_inherited(state: &mut State, generation: u64) {
    let inherited = std::mem::replace(state, State::new());
    state.fork_generation = generation;
    state.next_handle = inherited.next_handle;
    let State { leases, keys, spare_slots, .. } = inherited;
    for (_, lease) in leases {
        // The slot's mutex may have been held by a parent thread at fork time: never lock it.
        std::mem::forget(lease.slot);
    }
    for (_, links) in keys {
        for link in links.idle {
            link.forget();
        }
    }
    // Empty and never locked, but leaked too rather than reasoned about.
    std::mem::forget(spare_slots);
}

fn install_process_hooks() {
    static HOOKS: Once = Once::new();
    HOOKS.call_once(|| {
        extern "C" fn before_fork() {
            // Hold the registry lock across fork, so the state the child reads its handle counter
            // from is not half-updated.
            if let Some(registry) = registry_if_created() {
                std::mem::forget(registry.lock());
            }
        }
        extern "C" fn after_fork_in_parent() {
            if let Some(registry) = registry_if_created() {
                // SAFETY: locked by this thread in before_fork.
                unsafe { registry.force_unlock() };
            }
        }
        extern "C" fn after_fork_in_child() {
            cleaner::after_fork_in_child();
            let generation = FORK_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(inherited) = registry_if_created() {
                // A parking_lot mutex unlocked here may hand itself to a parent thread that was
                // parked on it and does not exist in the child, staying locked for good. So the
                // child never unlocks it: it reads the handle counter through the lock this
                // thread took in before_fork, and starts a registry of its own. The inherited
                // one, links and all, is leaked: nothing may be sent on the parent's sockets.
                // SAFETY: this thread holds the lock (before_fork) and is the only thread.
                let next_handle = unsafe { (*inherited.data_ptr()).next_handle };
                let mut fresh = State::new();
                fresh.fork_generation = generation;
                fresh.next_handle = next_handle;
                REGISTRY.store(Box::into_raw(Box::new(Mutex::new(fresh))), Ordering::Release);
            }
            request::forget_after_fork();
        }
        extern "C" fn at_exit() {
            let _ = std::panic::catch_unwind(disconnect_at_exit);
        }
        // SAFETY: plain function pointers with C ABI, valid for the life of the process (the shared
        // object is linked with -z nodelete, so it is never unmapped).
        unsafe {
            libc::pthread_atfork(Some(before_fork), Some(after_fork_in_parent), Some(after_fork_in_child));
            libc::atexit(at_exit);
        }
    });
}

/// At exit, links this process opened itself are disconnected gracefully; inherited ones were
/// forgotten at the first call after fork and are never touched.
fn disconnect_at_exit() {
    let Some(registry) = registry_if_created() else { return };
    // Let cleanings under way finish, so their links are disconnected too, not cut off.
    cleaner::wait_all(Duration::from_secs(5));
    let Some(mut state) = registry.try_lock_for(Duration::from_millis(100)) else { return };
    if state.fork_generation != FORK_GENERATION.load(Ordering::SeqCst) {
        return;
    }
    let idle: Vec<Box<Link>> = state.keys.values_mut().flat_map(|links| std::mem::take(&mut links.idle)).collect();
    let leases = std::mem::take(&mut state.leases);
    state.idle_total = 0;
    drop(state);
    for link in idle {
        close_link(link, Some(DiscardReason::Exit));
    }
    for lease in leases.into_values() {
        if let Some(mut slot) = lease.slot.try_lock_for(Duration::from_millis(100))
            && let Some(link) = slot.take()
        {
            close_link(link, Some(DiscardReason::Exit));
        }
    }
}

/// Disconnects a link and records why. Takes the registry lock briefly, after the round trip.
fn close_link(mut link: Box<Link>, reason: Option<DiscardReason>) {
    let (kind, key) = (link.kind, link.key.clone());
    link.disconnect();
    let mut state = lock();
    state.forget_link_counts(kind, &key);
    match reason {
        Some(reason) => state.counters.discard(reason),
        None => state.counters.closed += 1,
    }
}

/// Why an idle link may not be handed out any more, if it may not. `idle` says whether the link
/// has been idle until `now` (at request end it has just been used, and the idle timeout does
/// not apply).
fn expiry(link: &Link, config: &Config, now: Instant, idle: bool) -> Option<DiscardReason> {
    if let Some(limit) = config.max_uses
        && link.uses >= limit
    {
        return Some(DiscardReason::Uses);
    }
    if let Some(lifetime) = config.max_lifetime
        && now.saturating_duration_since(link.opened_at) >= lifetime.mul_f64(link.lifetime_jitter)
    {
        return Some(DiscardReason::Lifetime);
    }
    if idle
        && let Some(timeout) = config.idle_timeout
        && now.saturating_duration_since(link.last_used) >= timeout
    {
        return Some(DiscardReason::IdleTimeout);
    }
    None
}

/// Closes idle links past their idle timeout or lifetime. Runs lazily on connects that do not
/// hand out an idle link (those sweep in the same lock acquisition as the hand-out).
fn sweep_idle(config: &Config) {
    if config.idle_timeout.is_none() && config.max_lifetime.is_none() {
        return;
    }
    let mut expired = Vec::new();
    lock().sweep(config, Instant::now(), &mut expired);
    for (link, reason) in expired {
        close_link(link, Some(reason));
    }
}

/// Gets a link for the calling thread's request: `pconn_pconnect`, `pconn_connect` and
/// `pconn_new_connect`.
pub fn connect(kind: LinkKind, spec: &ConnSpec) -> Result<LinkHandle> {
    let config = config::current()?;
    let settings = spec.settings(&config)?;
    if kind == LinkKind::Fresh {
        request::ensure_current();
    } else if let Some(handle) = request::find(kind, &spec.key) {
        if lock().leases.contains_key(&handle) {
            return Ok(handle);
        }
        request::forget_identity(kind, &spec.key);
    }
    let opened = match kind {
        LinkKind::Persistent => {
            if let Some(handle) = hand_out_idle(spec, &settings, &config)? {
                return Ok(handle);
            }
            match open_within_limits(spec, kind, &settings, &config) {
                // A request-scoped link needs a host slot too: no fallback round a host cap.
                Err(Error::Limit(ref message)) if config.on_limit == OnLimit::Fallback && !host_slots::is_host_refusal(message) => {
                    lock().counters.limit_fallbacks += 1;
                    open_within_limits(spec, LinkKind::RequestScoped, &settings, &config)
                }
                other => other,
            }
        }
        LinkKind::RequestScoped | LinkKind::Fresh => {
            sweep_idle(&config);
            open_within_limits(spec, kind, &settings, &config)
        }
    };
    match opened {
        Ok(link) => Ok(lease_new(link, kind)),
        Err(error) => {
            if let Error::Limit(_) = error {
                lock().counters.limit_refusals += 1;
            }
            Err(error)
        }
    }
}

/// Registers a lease for a newly opened link in the registry and in the calling thread's request.
fn lease_new(mut link: Box<Link>, requested: LinkKind) -> LinkHandle {
    link.uses += 1;
    link.last_used = Instant::now();
    let (kind, key) = (link.kind, link.key.clone());
    let (handle, slot) = lock().register_lease(kind, &key, Some(link));
    // A fallback link answers later identical pconnects of this request too.
    request::add(handle, slot, requested, (requested != LinkKind::Fresh).then_some(key));
    handle
}

/// The outcome of checking an idle link at hand-out.
enum Check {
    Alive { pinged: bool },
    Discard { reason: DiscardReason, pinged: bool },
}

/// Whether an idle link may be handed out: within its limits, its socket neither closed nor
/// reset by the server (one `poll`, no round trip), not dead by the driver's own account, and
/// answering a ping when one is due — after `ping_interval` idle, or when the server sent the
/// idle session something and kept the connection open (a notice: a ping tells whether the session
/// is still good, and lets the driver read what was sent).
///
/// `settings` are the per-link options as configured now: a `pconn_set_option` at run time
/// applies to links already in the pool too.
fn check_idle(link: &mut Link, settings: &Arc<LinkSettings>, config: &Config, now: Instant) -> Check {
    if !Arc::ptr_eq(&link.settings, settings) {
        link.settings = settings.clone();
    }
    // Limits first: they need no system call, and an expired link is closed either way.
    if let Some(reason) = expiry(link, config, now, true) {
        return Check::Discard { reason, pinged: false };
    }
    let socket = link.socket_verdict();
    // The driver's dead-connection attribute only when the socket told nothing: for a link idle
    // since its last successful call it can only say what the kernel just said (and through
    // unixODBC it costs a handle validation and a mutex).
    let dead = match socket {
        SocketVerdict::Dead => true,
        SocketVerdict::Alive => false,
        SocketVerdict::Unknown | SocketVerdict::Doubtful => link.is_dead_locally(),
    };
    if dead {
        return Check::Discard { reason: DiscardReason::Broken, pinged: false };
    }
    let ping_due = socket == SocketVerdict::Doubtful
        || link.settings.ping_interval.is_some_and(|interval| now.saturating_duration_since(link.last_used) >= interval);
    if !ping_due {
        return Check::Alive { pinged: false };
    }
    match link.ping() {
        Ok(()) => Check::Alive { pinged: true },
        Err(_) => Check::Discard { reason: DiscardReason::Broken, pinged: true },
    }
}

/// Hands out an idle link of `spec.key` that passes [`check_idle`]: registered as a lease in the
/// same lock acquisition that takes it from the pool (and sweeps, when due), then checked
/// outside the lock. `None` when the key has no idle link left.
fn hand_out_idle(spec: &ConnSpec, settings: &Arc<LinkSettings>, config: &Config) -> Result<Option<LinkHandle>> {
    let now = Instant::now();
    loop {
        let mut expired = Vec::new();
        let being_cleaned;
        let taken = {
            let mut state = lock();
            state.sweep(config, now, &mut expired);
            let taken = state.pop_idle(&spec.key, this_thread()).map(|link| {
                // Counted now, in this acquisition; taken back if the check fails.
                state.counters.reused += 1;
                let (handle, slot) = state.register_lease(LinkKind::Persistent, &spec.key, None);
                (link, handle, slot)
            });
            // Asked with the registry locked: a cleaning returns its link to the pool under this
            // lock before it stops counting as pending, so no link can slip between the two.
            being_cleaned = taken.is_none() && cleaner::pending(&spec.key);
            taken
        };
        for (link, reason) in expired {
            close_link(link, Some(reason));
        }
        let Some((mut link, handle, slot)) = taken else {
            // A link of this key still being cleaned after its request is about to be idle:
            // waiting for it beats opening another connection.
            if being_cleaned {
                cleaner::wait_for(&spec.key);
                continue;
            }
            return Ok(None);
        };
        match check_idle(&mut link, settings, config, now) {
            Check::Alive { pinged } => {
                if pinged {
                    lock().counters.pings += 1;
                }
                link.uses += 1;
                link.last_used = now;
                *slot.lock() = Some(link);
                request::add(handle, slot, LinkKind::Persistent, Some(spec.key.clone()));
                return Ok(Some(handle));
            }
            Check::Discard { reason, pinged } => {
                {
                    let mut state = lock();
                    state.counters.reused -= 1;
                    state.counters.pings += u64::from(pinged);
                    if reason == DiscardReason::Broken {
                        state.counters.dead_replaced += 1;
                    }
                    state.unregister_lease(handle, slot);
                }
                close_link(link, Some(reason));
            }
        }
    }
}

/// Opens a new link, first making room under the limits by closing idle links; refuses with
/// [`Error::Limit`] naming the limit when there is no room.
fn open_within_limits(spec: &ConnSpec, kind: LinkKind, settings: &Arc<LinkSettings>, config: &Config) -> Result<Box<Link>> {
    let persistent = kind == LinkKind::Persistent;
    let mut to_close = Vec::new();
    let reserved = {
        let mut state = lock();
        let reserved = loop {
            let per_key = state.keys.get(&spec.key).map_or(0, |links| links.persistent);
            let blocked_by = if persistent && config.max_per_key.is_some_and(|max| per_key >= max) {
                // Every link of this key is in use (its idle ones were just checked out or closed).
                Some(("max_per_key", config.max_per_key.unwrap_or(0), false))
            } else if persistent && config.max_persistent.is_some_and(|max| state.persistent_total >= max) {
                Some(("max_persistent", config.max_persistent.unwrap_or(0), true))
            } else if config.max_links.is_some_and(|max| state.links_total >= max) {
                Some(("max_links", config.max_links.unwrap_or(0), true))
            } else {
                None
            };
            match blocked_by {
                None => break Ok(()),
                Some((name, max, true)) => match state.take_oldest_idle() {
                    Some(link) => {
                        // Counted as gone now so the loop sees the room; closed after unlocking.
                        let (k, key) = (link.kind, link.key.clone());
                        state.forget_link_counts(k, &key);
                        to_close.push(link);
                    }
                    None => break Err((name, max)),
                },
                Some((name, max, false)) => break Err((name, max)),
            }
        };
        // A refusal is counted by the caller: under on_limit=fallback it is not one.
        if reserved.is_ok() {
            state.links_total += 1;
            if persistent {
                state.persistent_total += 1;
                state.keys.entry(spec.key.clone()).or_default().persistent += 1;
            }
        }
        for _ in &to_close {
            state.counters.discard(DiscardReason::Limit);
        }
        reserved
    };
    for mut link in to_close {
        link.disconnect();
    }
    if let Err((name, max)) = reserved {
        return Err(Error::Limit(format!(
            "{name} ({max}) reached: no {} link can be opened now",
            if persistent { "persistent" } else { "new" }
        )));
    }
    let host_slot = match host_slots::acquire(config, &spec.key, spec.password()) {
        Ok(Some(slot)) => {
            host_slots::watch_idle_links(close_wanted_idle);
            Some(slot)
        }
        Ok(None) => None,
        Err(error) => {
            lock().forget_link_counts(kind, &spec.key);
            return Err(error);
        }
    };
    match Link::open(spec, kind, settings.clone(), config.login_timeout) {
        Ok(mut link) => {
            link.host_slot = host_slot;
            lock().counters.opened += 1;
            Ok(Box::new(link))
        }
        Err(error) => {
            let mut state = lock();
            state.forget_link_counts(kind, &spec.key);
            state.counters.failed_connects += 1;
            Err(error)
        }
    }
}

/// Closes idle links whose host-wide slot another process waits for (see `host_slots.rs`). The
/// slots are asked about outside the registry lock; a link handed out meanwhile is left alone.
fn close_wanted_idle() {
    let probes: Vec<(*const Link, host_slots::SlotProbe)> = {
        let state = lock();
        let idle = state.keys.values().flat_map(|links| links.idle.iter());
        idle.filter_map(|link| Some((&**link as *const Link, link.host_slot.as_ref()?.probe()))).collect()
    };
    let wanted: Vec<*const Link> = probes.into_iter().filter(|(_, probe)| probe.wanted()).map(|(link, _)| link).collect();
    if wanted.is_empty() {
        return;
    }
    let mut to_close = Vec::new();
    {
        let mut state = lock();
        let mut taken = 0;
        for links in state.keys.values_mut() {
            while let Some(at) = links.idle.iter().position(|link| wanted.contains(&(&**link as *const Link))) {
                to_close.push(links.idle.remove(at));
                taken += 1;
            }
        }
        state.idle_total -= taken;
    }
    for link in to_close {
        close_link(link, Some(DiscardReason::Limit));
    }
}

/// Runs `call` on a leased link: clears the link's error first, stores the new one on failure.
///
/// The link stays locked for the call, so two threads using one handle take turns.
pub fn call_on_link<T>(handle: LinkHandle, call: impl FnOnce(&mut Link) -> Result<T>) -> Result<T> {
    with_leased_link(handle, |link| {
        link.error = None;
        let result = call(link);
        if let Err(error) = &result {
            if let Error::Broken(_) = error {
                link.broken = true;
            }
            link.error = Some(StoredError::new(error));
        }
        result
    })?
}

/// Reads a link's stored error without changing it.
pub fn read_link_error<R>(handle: LinkHandle, read: impl FnOnce(Option<&StoredError>) -> R) -> Result<R> {
    with_leased_link(handle, |link| read(link.error.as_ref()))
}

/// How many recently used leases each thread remembers (a request rarely holds more links).
const SLOT_CACHE_ENTRIES: usize = 4;

/// A thread's recently used leases: handle, the fork generation it was found in, its slot.
#[derive(Default)]
struct SlotCache {
    entries: [Option<(LinkHandle, u64, LinkSlot)>; SLOT_CACHE_ENTRIES],
    next: usize,
}

thread_local! {
    /// Lets every call on a link after the first skip the registry lock and hash lookup (several
    /// calls per fetched row), so threads working on their own links do not contend.
    static SLOT_CACHE: std::cell::RefCell<SlotCache> = std::cell::RefCell::new(SlotCache::default());
}

/// Runs `call` on the link of a live lease, locked.
///
/// A cached slot is trusted only while it still holds a link: a lease's slot is emptied when the
/// lease ends, so a stale entry is found out at once and looked up again (a wrapped-around handle
/// may name a newer lease). Entries from before a fork are never used: in the child the parent's
/// links must not be touched, and the slot's mutex may have been held by a parent thread.
fn with_leased_link<R>(handle: LinkHandle, call: impl FnOnce(&mut Link) -> R) -> Result<R> {
    if handle == 0 {
        return Err(Error::InvalidHandle("link"));
    }
    let generation = FORK_GENERATION.load(Ordering::Acquire);
    let cached = SLOT_CACHE
        .try_with(|cache| {
            let cache = cache.borrow();
            cache.entries.iter().flatten().find(|(h, g, _)| *h == handle && *g == generation).map(|(_, _, slot)| slot.clone())
        })
        .ok()
        .flatten();
    if let Some(slot) = cached {
        let mut guard = slot.lock();
        if let Some(link) = guard.as_mut() {
            return Ok(call(link));
        }
    }
    let slot = find_slot(handle)?;
    remember_slot(handle, generation, &slot);
    let mut guard = slot.lock();
    let link = guard.as_mut().ok_or(Error::InvalidHandle("link"))?;
    Ok(call(link))
}

/// The slot of a live lease, looked up in the registry.
fn find_slot(handle: LinkHandle) -> Result<LinkSlot> {
    if handle == 0 {
        return Err(Error::InvalidHandle("link"));
    }
    lock().leases.get(&handle).map(|lease| lease.slot.clone()).ok_or(Error::InvalidHandle("link"))
}

fn remember_slot(handle: LinkHandle, generation: u64, slot: &LinkSlot) {
    let _ = SLOT_CACHE.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        let SlotCache { entries, next } = &mut *cache;
        let index = entries.iter().position(|e| e.as_ref().is_some_and(|(h, _, _)| *h == handle)).unwrap_or_else(|| {
            let index = *next;
            *next = (*next + 1) % SLOT_CACHE_ENTRIES;
            index
        });
        entries[index] = Some((handle, generation, slot.clone()));
    });
}

/// What to do with a link whose lease ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LeaseEnd {
    /// Request end or `pconn_close`: persistent links are cleaned and kept, others closed.
    Release,
    /// `pconn_drop` / `pconn_close_all`: closed whatever its kind.
    Drop,
}

/// Where a link goes when its lease ends.
enum Fate {
    Idle,
    /// Closed: `None` for the ordinary close of a non-persistent link.
    Close(Option<DiscardReason>),
}

/// A link taken out of its ended lease, cleaned, on its way to the idle pool or to be closed.
struct Ended {
    link: Box<Link>,
    report: CleanReport,
    fate: Fate,
}

thread_local! {
    /// Scratch space for [`end_leases`], kept so that a request end allocates nothing.
    static ENDED: RefCell<Vec<Ended>> = const { RefCell::new(Vec::new()) };
}

/// Request-end work on one link, outside any registry lock: cleaning may make round trips.
///
/// `ended_at`: when its lease ended, which is when it became idle for `idle_timeout` and for
/// which idle link is closed first to make room — not when a background cleaning finished.
fn finish_link(mut link: Box<Link>, how: LeaseEnd, config: &Config, ended_at: Instant) -> Ended {
    let report = CleanReport::default();
    let fate = if how == LeaseEnd::Drop {
        Fate::Close(Some(DiscardReason::Dropped))
    } else if link.kind != LinkKind::Persistent {
        Fate::Close(None)
    } else if link.broken {
        Fate::Close(Some(DiscardReason::Broken))
    } else {
        match link.clean() {
            Ok(report) => {
                link.last_used = ended_at;
                let fate = match expiry(&link, config, Instant::now(), false) {
                    Some(reason) => Fate::Close(Some(reason)),
                    // Another process waits for the host-wide slot this idle link would keep.
                    None if link.host_slot.as_ref().is_some_and(|slot| slot.wanted()) => Fate::Close(Some(DiscardReason::Limit)),
                    None => Fate::Idle,
                };
                return Ended { link, report, fate };
            }
            Err(error) => Fate::Close(Some(if matches!(error, Error::Broken(_)) || link.broken {
                DiscardReason::Broken
            } else {
                DiscardReason::FailedCleanup
            })),
        }
    };
    Ended { link, report, fate }
}

/// Ends the leases of `links`, in order: each link is taken out of its slot (waiting for a call
/// another thread may still be making on it; from then on its handle finds nothing there) and
/// cleaned outside any lock; then one registry acquisition unregisters the leases, returns the
/// clean persistent links to the idle pool and counts what was done; links to close are
/// disconnected after it. Returns how many of the links were still leased (a handle another thread
/// closed meanwhile is simply gone). `links` is left empty.
fn end_leases(links: &mut Vec<RequestLink>, how: LeaseEnd) -> usize {
    if links.is_empty() {
        return 0;
    }
    let config = config::current().unwrap_or_default();
    let mut ended = ENDED.try_with(|scratch| std::mem::take(&mut *scratch.borrow_mut())).unwrap_or_default();
    // A slot found empty is another caller's to end (a handle closed from another thread): left
    // alone, lease and all.
    links.retain(|(_, slot)| {
        let Some(mut link) = slot.lock().take() else { return false };
        let ended_at = Instant::now();
        // The thread whose request ends, not the one that may clean the link: it gets this link
        // back first (see `pop_idle`).
        link.returned_by = this_thread();
        match clean_in_background(link, how, &config, ended_at) {
            Ok(()) => {}
            Err(link) => ended.push(finish_link(link, how, &config, ended_at)),
        }
        true
    });
    let found = links.len();
    {
        let mut state = lock();
        for (handle, slot) in links.drain(..) {
            state.unregister_lease(handle, slot);
        }
        settle(&mut state, &mut ended);
    }
    close_ended(&mut ended);
    let _ = ENDED.try_with(|scratch| *scratch.borrow_mut() = ended);
    found
}

/// Counts what cleaning did and returns the clean links to the idle pool; the rest stay in
/// `ended` for [`close_ended`], after the lock is released.
fn settle(state: &mut State, ended: &mut Vec<Ended>) {
    let mut i = 0;
    while i < ended.len() {
        let Ended { report, fate, .. } = &ended[i];
        state.counters.rolled_back += u64::from(report.rolled_back);
        state.counters.reset += u64::from(report.reset);
        if matches!(fate, Fate::Idle) {
            state.push_idle(ended.swap_remove(i).link);
        } else {
            i += 1;
        }
    }
}

fn close_ended(ended: &mut Vec<Ended>) {
    for Ended { link, fate, .. } in ended.drain(..) {
        if let Fate::Close(reason) = fate {
            close_link(link, reason);
        }
    }
}

/// Hands a persistent link whose request left work for request end (a reset's round trip) to
/// the background thread (`cleaner.rs`), which returns it to the idle pool when clean. Gives the
/// link back when it is to be finished here: not persistent, dropped, broken, nothing that waits
/// for the server (cheaper than a thread switch), or `background_reset` off.
fn clean_in_background(link: Box<Link>, how: LeaseEnd, config: &Arc<Config>, ended_at: Instant) -> std::result::Result<(), Box<Link>> {
    if how != LeaseEnd::Release
        || !config.background_reset
        || link.kind != LinkKind::Persistent
        || link.broken
        || !link.cleaning_waits_for_server()
    {
        return Err(link);
    }
    let key = link.key.clone();
    let config = config.clone();
    let job = Box::new(move || {
        let mut ended = vec![finish_link(link, LeaseEnd::Release, &config, ended_at)];
        settle(&mut lock(), &mut ended);
        close_ended(&mut ended);
    });
    // No thread could be started: the same work, here and now.
    if let Err(job) = cleaner::submit(key, job) {
        job();
    }
    Ok(())
}

fn end_lease(handle: LinkHandle, how: LeaseEnd) -> Result<()> {
    let slot = find_slot(handle)?;
    request::remove(handle);
    let mut links = vec![(handle, slot)];
    match end_leases(&mut links, how) {
        0 => Err(Error::InvalidHandle("link")),
        _ => Ok(()),
    }
}

/// `pconn_close`: a non-persistent link is rolled back and disconnected; a persistent link is
/// cleaned as at request end and returned to the idle pool.
pub fn close(handle: LinkHandle) -> Result<()> {
    end_lease(handle, LeaseEnd::Release)
}

/// `pconn_drop`: closes a link for good, persistent or not.
pub fn drop_link(handle: LinkHandle) -> Result<()> {
    end_lease(handle, LeaseEnd::Drop)
}

/// Ends the calling thread's request: every link it got is cleaned and kept, or closed.
pub fn end_request() {
    end_handles(request::take_all());
}

/// Ends the leases of a finished request, in the order they were handed out.
pub fn end_handles(mut links: Vec<RequestLink>) {
    end_leases(&mut links, LeaseEnd::Release);
    request::give_back(links);
}

/// `pconn_close_all`: closes every link of the calling thread's request (persistent ones for
/// good) and every idle persistent link of the process. Links in other threads' requests are
/// left to their requests.
pub fn close_all() {
    let mut links = request::take_all();
    end_leases(&mut links, LeaseEnd::Drop);
    request::give_back(links);
    // Links being cleaned are about to be idle: close them too.
    cleaner::wait_all(Duration::from_secs(60));
    let idle: Vec<Box<Link>> = {
        let mut state = lock();
        state.idle_total = 0;
        state.keys.values_mut().flat_map(|links| std::mem::take(&mut links.idle)).collect()
    };
    for link in idle {
        close_link(link, Some(DiscardReason::Dropped));
    }
}

/// A snapshot of the pool for statistics.
pub fn snapshot() -> Snapshot {
    // Statistics count what request ends did, including the cleanings still under way.
    cleaner::wait_all(Duration::from_secs(60));
    let state = lock();
    let mut keys: std::collections::BTreeMap<String, KeyCounts> = Default::default();
    for (key, links) in &state.keys {
        if !links.idle.is_empty() {
            keys.entry(key.display_name()).or_default().idle += links.idle.len();
        }
    }
    for lease in state.leases.values() {
        if lease.kind == LinkKind::Persistent {
            keys.entry(lease.key.display_name()).or_default().in_use += 1;
        }
    }
    let config = config::current().unwrap_or_default();
    Snapshot {
        host: host_slots::usage(&config),
        pid: state.owner_pid,
        persistent_links: state.persistent_total,
        total_links: state.links_total,
        keys,
        counters: state.counters.clone(),
    }
}

/// The kind of a leased link (a fallback may have turned a pconnect into a request-scoped link).
pub fn link_kind(handle: LinkHandle) -> Result<LinkKind> {
    lock().leases.get(&handle).map(|lease| lease.kind).ok_or(Error::InvalidHandle("link"))
}
