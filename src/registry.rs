//! The process's links: idle persistent links by key, links leased to requests, limits, counters,
//! and the owner pid that makes a forked child start empty.
//!
//! Locking: one registry mutex, held only for map and counter updates — never across a server
//! round trip. Each leased link has its own mutex, held for the duration of one call on it.

use crate::config::{self, Config, LinkSettings, OnLimit};
use crate::diag::StoredError;
use crate::error::{Error, Result};
use crate::key::{ConnSpec, LinkKey};
use crate::link::{Link, LinkKind};
use crate::request;
use crate::stats::{Counters, DiscardReason, KeyCounts, Snapshot};
use parking_lot::{Mutex, MutexGuard};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, Instant};

/// The integer a C caller holds for a link. 0 is never issued.
pub type LinkHandle = u64;

/// A leased link. The slot is emptied when the lease ends, so another thread still holding the
/// `Arc` finds no link rather than one that now belongs to someone else.
pub type LinkSlot = Arc<Mutex<Option<Box<Link>>>>;

struct Lease {
    slot: LinkSlot,
    kind: LinkKind,
    key: LinkKey,
}

struct State {
    /// Incremented in the child after every fork; a mismatch with [`FORK_GENERATION`] means this
    /// state was inherited and must be forgotten.
    fork_generation: u64,
    owner_pid: u32,
    next_handle: u64,
    leases: HashMap<LinkHandle, Lease>,
    /// Idle persistent links per key; the most recently returned at the end (handed out first, so
    /// rarely used links age out under `idle_timeout`).
    idle: HashMap<LinkKey, Vec<Box<Link>>>,
    idle_total: usize,
    /// Persistent links per key: idle, leased, and being opened.
    persistent_per_key: HashMap<LinkKey, usize>,
    persistent_total: usize,
    /// Every open link of the process (idle, leased, being opened).
    links_total: usize,
    counters: Counters,
    last_sweep: Instant,
}

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static REGISTRY: OnceLock<Mutex<State>> = OnceLock::new();

/// Idle links are checked for timeouts at most this often, on ordinary calls: no background thread.
const SWEEP_EVERY: Duration = Duration::from_millis(500);

fn registry() -> &'static Mutex<State> {
    REGISTRY.get_or_init(|| {
        install_process_hooks();
        Mutex::new(State::new())
    })
}

impl State {
    fn new() -> State {
        State {
            fork_generation: FORK_GENERATION.load(Ordering::SeqCst),
            owner_pid: std::process::id(),
            next_handle: initial_handle(),
            leases: HashMap::new(),
            idle: HashMap::new(),
            idle_total: 0,
            persistent_per_key: HashMap::new(),
            persistent_total: 0,
            links_total: 0,
            counters: Counters::default(),
            last_sweep: Instant::now(),
        }
    }

    fn issue_handle(&mut self) -> LinkHandle {
        self.next_handle = (self.next_handle + 1) & u64::from(u32::MAX);
        if self.next_handle == 0 {
            self.next_handle = 1;
        }
        self.next_handle
    }

    fn forget_link_counts(&mut self, kind: LinkKind, key: &LinkKey) {
        self.links_total = self.links_total.saturating_sub(1);
        if kind == LinkKind::Persistent {
            self.persistent_total = self.persistent_total.saturating_sub(1);
            if let Some(count) = self.persistent_per_key.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    self.persistent_per_key.remove(key);
                }
            }
        }
    }

    /// Takes the idle link unused longest, of any key, to make room under a limit. (A persistent
    /// connect reaches the limits only after taking its own key's idle links, so they are never
    /// closed to make room for themselves.)
    fn take_oldest_idle(&mut self) -> Option<Box<Link>> {
        let key = self
            .idle
            .iter()
            .filter(|(_, links)| !links.is_empty())
            .min_by_key(|(_, links)| links[0].last_used)
            .map(|(key, _)| key.clone())?;
        let links = self.idle.get_mut(&key)?;
        let link = links.remove(0);
        if links.is_empty() {
            self.idle.remove(&key);
        }
        self.idle_total -= 1;
        Some(link)
    }
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
/// parent's session lives on it), and the child starts with an empty pool.
fn forget_inherited(state: &mut State, generation: u64) {
    let inherited = std::mem::replace(state, State::new());
    state.fork_generation = generation;
    state.next_handle = inherited.next_handle;
    let State { leases, idle, .. } = inherited;
    for (_, lease) in leases {
        // The slot's mutex may have been held by a parent thread at fork time: never lock it.
        std::mem::forget(lease.slot);
    }
    for (_, links) in idle {
        for link in links {
            link.forget();
        }
    }
}

fn install_process_hooks() {
    static HOOKS: Once = Once::new();
    HOOKS.call_once(|| {
        extern "C" fn before_fork() {
            // Hold the registry lock across fork so the child never inherits it locked by a thread
            // that does not exist there.
            if let Some(registry) = REGISTRY.get() {
                std::mem::forget(registry.lock());
            }
        }
        extern "C" fn after_fork_in_parent() {
            if let Some(registry) = REGISTRY.get() {
                // SAFETY: locked by this thread in before_fork.
                unsafe { registry.force_unlock() };
            }
        }
        extern "C" fn after_fork_in_child() {
            FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
            if let Some(registry) = REGISTRY.get() {
                // SAFETY: locked by the forking thread (this one) in before_fork.
                unsafe { registry.force_unlock() };
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
    let Some(registry) = REGISTRY.get() else { return };
    let Some(mut state) = registry.try_lock_for(Duration::from_millis(100)) else { return };
    if state.fork_generation != FORK_GENERATION.load(Ordering::SeqCst) {
        return;
    }
    let idle = std::mem::take(&mut state.idle);
    let leases = std::mem::take(&mut state.leases);
    state.idle_total = 0;
    drop(state);
    for link in idle.into_values().flatten() {
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
        && now.duration_since(link.opened_at) >= lifetime.mul_f64(link.lifetime_jitter)
    {
        return Some(DiscardReason::Lifetime);
    }
    if idle
        && let Some(timeout) = config.idle_timeout
        && now.duration_since(link.last_used) >= timeout
    {
        return Some(DiscardReason::IdleTimeout);
    }
    None
}

/// Closes idle links past their idle timeout or lifetime. Runs lazily on connect calls.
fn sweep_idle(config: &Config) {
    if config.idle_timeout.is_none() && config.max_lifetime.is_none() {
        return;
    }
    let now = Instant::now();
    let mut expired = Vec::new();
    {
        let mut state = lock();
        if now.duration_since(state.last_sweep) < SWEEP_EVERY {
            return;
        }
        state.last_sweep = now;
        let mut removed = 0;
        for links in state.idle.values_mut() {
            let mut i = 0;
            while i < links.len() {
                if let Some(reason) = expiry(&links[i], config, now, true) {
                    expired.push((links.remove(i), reason));
                    removed += 1;
                } else {
                    i += 1;
                }
            }
        }
        state.idle.retain(|_, links| !links.is_empty());
        state.idle_total -= removed;
    }
    for (link, reason) in expired {
        close_link(link, Some(reason));
    }
}

/// Gets a link for the calling thread's request: `pconn_pconnect`, `pconn_connect` and
/// `pconn_new_connect`.
pub fn connect(kind: LinkKind, spec: &ConnSpec) -> Result<LinkHandle> {
    let config = config::current()?;
    let settings = LinkSettings::resolve(&config, &spec.options)?;
    request::ensure_current();
    if kind != LinkKind::Fresh
        && let Some(handle) = request::find(kind, &spec.key)
    {
        if lock().leases.contains_key(&handle) {
            return Ok(handle);
        }
        request::forget_identity(kind, &spec.key);
    }
    sweep_idle(&config);
    let opened = match kind {
        LinkKind::Persistent => match checkout_idle(&spec.key, &settings, &config)? {
            Some((link, now)) => return Ok(lease(link, kind, Some(now))),
            None => match open_within_limits(spec, kind, &settings, &config) {
                Err(Error::Limit(_)) if config.on_limit == OnLimit::Fallback => {
                    lock().counters.limit_fallbacks += 1;
                    open_within_limits(spec, LinkKind::RequestScoped, &settings, &config)
                }
                other => other,
            },
        },
        LinkKind::RequestScoped | LinkKind::Fresh => open_within_limits(spec, kind, &settings, &config),
    };
    match opened {
        Ok(link) => Ok(lease(link, kind, None)),
        Err(error) => {
            if let Error::Limit(_) = error {
                lock().counters.limit_refusals += 1;
            }
            Err(error)
        }
    }
}

/// Registers a lease for `link` in the registry and in the calling thread's request.
/// `reused_at`: the link came from the idle pool, checked at that time.
fn lease(mut link: Box<Link>, requested: LinkKind, reused_at: Option<Instant>) -> LinkHandle {
    link.uses += 1;
    link.last_used = reused_at.unwrap_or_else(Instant::now);
    let kind = link.kind;
    let key = link.key.clone();
    let handle = {
        let mut state = lock();
        if reused_at.is_some() {
            state.counters.reused += 1;
        }
        let handle = state.issue_handle();
        state.leases.insert(handle, Lease { slot: Arc::new(Mutex::new(Some(link))), kind, key: key.clone() });
        handle
    };
    // A fallback link answers later identical pconnects of this request too.
    request::add(handle, requested, (requested != LinkKind::Fresh).then_some(key));
    handle
}

/// Takes an idle link for `key` that is alive and within its limits, with the time it was
/// checked; `None` when there is none.
///
/// `settings` are the per-link options as configured now: a `pconn_set_option` at run time
/// applies to links already in the pool too.
fn checkout_idle(key: &LinkKey, settings: &LinkSettings, config: &Config) -> Result<Option<(Box<Link>, Instant)>> {
    loop {
        let candidate = {
            let mut state = lock();
            let Some(links) = state.idle.get_mut(key) else { return Ok(None) };
            let link = links.pop();
            if links.is_empty() {
                state.idle.remove(key);
            }
            match link {
                Some(link) => {
                    state.idle_total -= 1;
                    link
                }
                None => return Ok(None),
            }
        };
        let mut link = candidate;
        if link.settings != *settings {
            link.settings = settings.clone();
        }
        let now = Instant::now();
        if let Some(reason) = expiry(&link, config, now, true) {
            close_link(link, Some(reason));
            continue;
        }
        if link.is_dead_locally() {
            lock().counters.dead_replaced += 1;
            close_link(link, Some(DiscardReason::Broken));
            continue;
        }
        let ping_due = link.settings.ping_interval.is_some_and(|interval| now.duration_since(link.last_used) >= interval);
        if ping_due {
            let alive = link.ping().is_ok();
            let mut state = lock();
            state.counters.pings += 1;
            if !alive {
                state.counters.dead_replaced += 1;
                drop(state);
                close_link(link, Some(DiscardReason::Broken));
                continue;
            }
        }
        return Ok(Some((link, now)));
    }
}

/// Opens a new link, first making room under the limits by closing idle links; refuses with
/// [`Error::Limit`] naming the limit when there is no room.
fn open_within_limits(spec: &ConnSpec, kind: LinkKind, settings: &LinkSettings, config: &Config) -> Result<Box<Link>> {
    let persistent = kind == LinkKind::Persistent;
    let mut to_close = Vec::new();
    let reserved = {
        let mut state = lock();
        let reserved = loop {
            let per_key = state.persistent_per_key.get(&spec.key).copied().unwrap_or(0);
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
                *state.persistent_per_key.entry(spec.key.clone()).or_default() += 1;
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
    match Link::open(spec, kind, settings.clone(), config.login_timeout) {
        Ok(link) => {
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
    let slot = lock().leases.get(&handle).map(|lease| lease.slot.clone()).ok_or(Error::InvalidHandle("link"))?;
    remember_slot(handle, generation, &slot);
    let mut guard = slot.lock();
    let link = guard.as_mut().ok_or(Error::InvalidHandle("link"))?;
    Ok(call(link))
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

fn end_lease(handle: LinkHandle, how: LeaseEnd) -> Result<()> {
    let lease = lock().leases.remove(&handle).ok_or(Error::InvalidHandle("link"))?;
    request::remove(handle);
    // Waits for a call another thread may still be making on this link.
    let Some(mut link) = lease.slot.lock().take() else { return Err(Error::InvalidHandle("link")) };
    if how == LeaseEnd::Drop {
        close_link(link, Some(DiscardReason::Dropped));
        return Ok(());
    }
    if link.kind != LinkKind::Persistent {
        close_link(link, None);
        return Ok(());
    }
    if link.broken {
        close_link(link, Some(DiscardReason::Broken));
        return Ok(());
    }
    match link.clean() {
        Ok(report) => {
            let now = Instant::now();
            link.last_used = now;
            let config = config::current().unwrap_or_default();
            let mut state = lock();
            state.counters.rolled_back += report.rolled_back as u64;
            state.counters.reset += report.reset as u64;
            if let Some(reason) = expiry(&link, &config, now, false) {
                drop(state);
                close_link(link, Some(reason));
            } else {
                state.idle_total += 1;
                state.idle.entry(link.key.clone()).or_default().push(link);
            }
        }
        Err(error) => {
            let reason = if matches!(error, Error::Broken(_)) || link.broken {
                DiscardReason::Broken
            } else {
                DiscardReason::FailedCleanup
            };
            close_link(link, Some(reason));
        }
    }
    Ok(())
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
pub fn end_handles(handles: Vec<LinkHandle>) {
    for handle in handles {
        // A handle closed earlier (here or by another thread) is simply gone.
        let _ = end_lease(handle, LeaseEnd::Release);
    }
}

/// `pconn_close_all`: closes every link of the calling thread's request (persistent ones for
/// good) and every idle persistent link of the process. Links in other threads' requests are
/// left to their requests.
pub fn close_all() {
    for handle in request::take_all() {
        let _ = end_lease(handle, LeaseEnd::Drop);
    }
    let idle: Vec<Box<Link>> = {
        let mut state = lock();
        state.idle_total = 0;
        std::mem::take(&mut state.idle).into_values().flatten().collect()
    };
    for link in idle {
        close_link(link, Some(DiscardReason::Dropped));
    }
}

/// A snapshot of the pool for statistics.
pub fn snapshot() -> Snapshot {
    let state = lock();
    let mut keys: std::collections::BTreeMap<String, KeyCounts> = Default::default();
    for (key, links) in &state.idle {
        keys.entry(key.display_name()).or_default().idle += links.len();
    }
    for lease in state.leases.values() {
        if lease.kind == LinkKind::Persistent {
            keys.entry(lease.key.display_name()).or_default().in_use += 1;
        }
    }
    Snapshot {
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
