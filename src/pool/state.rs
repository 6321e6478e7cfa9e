//! The pool's state: idle persistent links by key, leased links by handle, the counters, and the
//! owner pid that makes a forked child start empty; and reaching a leased link by its handle.
//!
//! Locking: one mutex, held only for map and counter updates — never across a server round trip
//! or a system call. A pconnect answered from the idle pool takes it once, and so does a request
//! end (however many links the request had). Each leased link has its own mutex, held for the
//! duration of one call on it.

use super::background;
use super::host_slots;
use super::link::{Link, LinkKind};
use crate::error::{Error, Result};
use crate::key::{KeyMap, LinkKey};
use crate::last_error::LastError;
use crate::session::Session;
use crate::stats::{Counters, DiscardReason, KeyCounts, Snapshot};
use parking_lot::{Mutex, MutexGuard};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};
use crate::os::ForkLocal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The integer a C caller holds for a link. 0 is never issued.
pub type LinkHandle = u64;

/// A leased link. The slot is emptied when the lease ends, so another thread still holding the
/// `Arc` finds no link rather than one that now belongs to someone else.
///
/// Slots are recycled for later leases only when nothing else holds them (`Arc::get_mut`), so a
/// holder of an old lease's slot can never see a later lease's link.
pub type LinkSlot = Arc<Mutex<Option<Box<Link>>>>;

pub(super) struct Lease {
    pub(super) slot: LinkSlot,
    pub(super) kind: LinkKind,
    pub(super) key: LinkKey,
}

/// The persistent links of one key.
#[derive(Default)]
pub(super) struct KeyLinks {
    /// Idle links; the most recently returned at the end (handed out first, so rarely used links
    /// age out under `idle_timeout`). Boxed as in a [`LinkSlot`]: going between the two moves a
    /// pointer, not the link.
    #[allow(clippy::vec_box)]
    pub(super) idle: Vec<Box<Link>>,
    /// Persistent links of the key: idle, leased, and being opened. The entry is removed when this
    /// reaches 0, not when `idle` empties: a busy key's entry stays put while its link goes back
    /// and forth.
    pub(super) persistent: usize,
}

/// Hashes link handles: they are issued in sequence, so a multiplication spreads them over the
/// hash bits hashbrown uses, without SipHash's cost.
#[derive(Default)]
pub(super) struct HandleHasher(u64);

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

pub(super) struct State {
    /// Incremented in the child after every fork; a mismatch with [`FORK_GENERATION`] means this
    /// state was inherited and must be forgotten.
    pub(super) fork_generation: u64,
    pub(super) owner_pid: u32,
    pub(super) next_handle: u64,
    pub(super) leases: HashMap<LinkHandle, Lease, BuildHasherDefault<HandleHasher>>,
    /// Persistent links per key.
    pub(super) keys: KeyMap<KeyLinks>,
    pub(super) idle_total: usize,
    pub(super) persistent_total: usize,
    /// Every open link of the process (idle, leased, being opened).
    pub(super) links_total: usize,
    pub(super) counters: Counters,
    pub(super) last_sweep: Instant,
    /// Empty slots of ended leases that nothing else referenced, for the next leases: a hand-out
    /// allocates nothing.
    pub(super) spare_slots: Vec<LinkSlot>,
}

/// Spare slots kept at most: one per link a process has leased at once, in the usual case.
pub(super) const SPARE_SLOTS: usize = 256;

pub(super) static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

/// The registry: a leaked allocation, replaced by a fresh one in a forked child (see
/// `after_fork_in_child`), so the child never unlocks the parent's mutex.
pub(super) static REGISTRY: ForkLocal<Mutex<State>> = ForkLocal::new();

pub(super) fn registry() -> &'static Mutex<State> {
    REGISTRY.get_or_init(|| Mutex::new(State::new()))
}

pub(super) fn registry_if_created() -> Option<&'static Mutex<State>> {
    REGISTRY.get()
}

impl State {
    pub(super) fn new() -> State {
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

    pub(super) fn issue_handle(&mut self) -> LinkHandle {
        self.next_handle = (self.next_handle + 1) & u64::from(u32::MAX);
        if self.next_handle == 0 {
            self.next_handle = 1;
        }
        self.next_handle
    }

    /// Registers a lease of a `kind` link of `key`, holding `link` (or nothing yet: a hand-out
    /// fills the slot once the link passed its check). Returns its handle and slot.
    pub(super) fn register_lease(&mut self, kind: LinkKind, key: &LinkKey, link: Option<Box<Link>>) -> (LinkHandle, LinkSlot) {
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
    pub(super) fn unregister_lease(&mut self, handle: LinkHandle, mut slot: LinkSlot) {
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
    pub(super) fn pop_idle(&mut self, key: &LinkKey, thread: u64) -> Option<Box<Link>> {
        const LOOK_AT: usize = 4;
        let idle = &mut self.keys.get_mut(key)?.idle;
        let last = idle.len().checked_sub(1)?;
        let at = idle.iter().rev().take(LOOK_AT).position(|link| link.returned_by() == thread).map_or(last, |back| last - back);
        let link = idle.remove(at);
        self.idle_total -= 1;
        Some(link)
    }

    pub(super) fn push_idle(&mut self, link: Box<Link>) {
        self.idle_total += 1;
        // The entry exists while the key has persistent links, and this is one; looked up by
        // reference so the common case clones no key.
        if let Some(links) = self.keys.get_mut(link.key()) {
            links.idle.push(link);
        } else {
            self.keys.entry(link.key().clone()).or_default().idle.push(link);
        }
    }

    pub(super) fn forget_link_counts(&mut self, kind: LinkKind, key: &LinkKey) {
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

}

/// A number for the calling thread, for [`State::pop_idle`]'s preference: 0 for none.
pub(super) fn this_thread() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static THIS: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    THIS.try_with(|this| *this).unwrap_or(0)
}

/// Handles start at a random point so that a handle from another process (or garbage) is very
/// unlikely to name a live link here; the registry check catches it either way.
pub(super) fn initial_handle() -> u64 {
    let mut bytes = [0u8; 4];
    crate::os::random_bytes(&mut bytes, false);
    // Link handles stay below 2^32 so that a result handle can carry its link in its high half.
    (u32::from_ne_bytes(bytes) >> 1) as u64
}

/// Locks the registry; in a forked child, first forgets everything inherited.
pub(super) fn lock() -> MutexGuard<'static, State> {
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
pub(super) fn forget_inherited(state: &mut State, generation: u64) {
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

/// Disconnects a link and records why. Takes the registry lock briefly, after the round trip.
pub(super) fn close_link(mut link: Box<Link>, reason: Option<DiscardReason>) {
    let (kind, key) = (link.kind(), link.key().clone());
    link.disconnect();
    let mut state = lock();
    state.forget_link_counts(kind, &key);
    match reason {
        Some(reason) => state.counters.discard(reason),
        None => state.counters.closed += 1,
    }
}

/// Runs `call` on a leased link: clears the link's error first, stores the new one on failure.
///
/// The link stays locked for the call, so two threads using one handle take turns.
pub fn call_on_link<T>(handle: LinkHandle, call: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
    with_leased_link(handle, |link| link.call(call))?
}

/// Reads a link's session without starting a call on it (what the last call left stays).
pub fn read_session<R>(handle: LinkHandle, read: impl FnOnce(&Session) -> R) -> Result<R> {
    with_leased_link(handle, |link| read(link.session()))
}

/// Reads a link's stored error without changing it.
pub fn read_link_error<R>(handle: LinkHandle, read: impl FnOnce(Option<&LastError>) -> R) -> Result<R> {
    with_leased_link(handle, |link| read(link.last_error()))
}

/// How many recently used leases each thread remembers (a request rarely holds more links).
pub(super) const SLOT_CACHE_ENTRIES: usize = 4;

/// A thread's recently used leases: handle, the fork generation it was found in, its slot.
#[derive(Default)]
pub(super) struct SlotCache {
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
pub(super) fn with_leased_link<R>(handle: LinkHandle, call: impl FnOnce(&mut Link) -> R) -> Result<R> {
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
pub(super) fn find_slot(handle: LinkHandle) -> Result<LinkSlot> {
    if handle == 0 {
        return Err(Error::InvalidHandle("link"));
    }
    lock().leases.get(&handle).map(|lease| lease.slot.clone()).ok_or(Error::InvalidHandle("link"))
}

pub(super) fn remember_slot(handle: LinkHandle, generation: u64, slot: &LinkSlot) {
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

/// A snapshot of the pool for statistics.
pub fn snapshot() -> Snapshot {
    // Statistics count what request ends did, including the cleanings still under way.
    background::wait_all(Duration::from_secs(60));
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
    let config = crate::config::current().unwrap_or_default();
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
