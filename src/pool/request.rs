//! The request: per thread, the links handed out since the last request end, and which of them
//! answer a repeated identical `pconn_pconnect`/`pconn_connect` within the same request.

use crate::key::{KeyMap, LinkKey};
use crate::pool::LinkKind;
use crate::pool::{LinkHandle, LinkSlot};
use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped in a forked child: the forking thread's request was copied with the process and names
/// links the child must never touch.
static FORK_EPOCH: AtomicU64 = AtomicU64::new(0);

/// A link handed out in this request, with its slot: request end reaches the link without a
/// registry look-up.
pub type RequestLink = (LinkHandle, LinkSlot);

#[derive(Default)]
struct Request {
    epoch: u64,
    links: Vec<RequestLink>,
    /// The link answering a repeated identical connect, per key: for `pconn_pconnect` and for
    /// `pconn_connect`. Keyed by the key alone so that a look-up borrows it instead of cloning.
    identity: KeyMap<[Option<LinkHandle>; 2]>,
    /// The vector of the last ended request, given back empty: the next request reuses its memory.
    spare: Vec<RequestLink>,
}

fn identity_index(kind: LinkKind) -> Option<usize> {
    match kind {
        LinkKind::Persistent => Some(0),
        LinkKind::RequestScoped => Some(1),
        LinkKind::Fresh => None,
    }
}

impl Request {
    fn current(&mut self) -> &mut Self {
        let epoch = FORK_EPOCH.load(Ordering::SeqCst);
        if self.epoch != epoch {
            // Inherited across fork: drop the bookkeeping only (the registry forgets the links).
            // The slots are leaked, not dropped: were one the last reference, dropping it would
            // drop a parent's link here, and nothing of the parent's links may run in the child.
            let inherited = std::mem::replace(self, Request { epoch, ..Request::default() });
            std::mem::forget(inherited.links);
        }
        self
    }
}

/// What ends a request's links, registered by the pool when it starts (the pool calls into this
/// module, so this module cannot call back into it directly).
static THREAD_EXIT: OnceLock<fn(Vec<RequestLink>)> = OnceLock::new();

/// Registers the function that ends the links of a thread that exits without ending its request.
pub fn on_thread_exit(end_handles: fn(Vec<RequestLink>)) {
    let _ = THREAD_EXIT.set(end_handles);
}

/// Ends the request when a thread exits without doing so, so its links are not stranded.
struct RequestCell(RefCell<Request>);

impl Drop for RequestCell {
    fn drop(&mut self) {
        let links = std::mem::take(&mut self.0.get_mut().current().links);
        if links.is_empty() {
            return;
        }
        // A panic must not unwind out of a thread-local destructor (that aborts the process); what it
        // leaves half-done is no different from a panic in any call, which the C boundary catches.
        let Some(end_handles) = THREAD_EXIT.get() else { return };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| end_handles(links)));
    }
}

thread_local! {
    static REQUEST: RequestCell = RequestCell(RefCell::new(Request::default()));
}

fn with<R>(f: impl FnOnce(&mut Request) -> R) -> Option<R> {
    REQUEST.try_with(|cell| f(cell.0.borrow_mut().current())).ok()
}

pub fn forget_after_fork() {
    FORK_EPOCH.fetch_add(1, Ordering::SeqCst);
}

/// Makes sure the thread's request bookkeeping is not a copy inherited across fork.
pub fn ensure_current() {
    with(|_| ());
}

pub fn find(kind: LinkKind, key: &LinkKey) -> Option<LinkHandle> {
    let index = identity_index(kind)?;
    with(|r| r.identity.get(key).and_then(|handles| handles[index])).flatten()
}

pub fn forget_identity(kind: LinkKind, key: &LinkKey) {
    let Some(index) = identity_index(kind) else { return };
    with(|r| {
        if let Some(handles) = r.identity.get_mut(key) {
            handles[index] = None;
        }
    });
}

/// Records a link handed out to this request. `identity`: the key under which it answers later
/// identical connects of `requested` kind.
pub fn add(handle: LinkHandle, slot: LinkSlot, requested: LinkKind, identity: Option<LinkKey>) {
    with(|r| {
        r.links.push((handle, slot));
        if let (Some(key), Some(index)) = (identity, identity_index(requested)) {
            r.identity.entry(key).or_default()[index] = Some(handle);
        }
    });
}

/// Forgets a handle whose lease ended (closed or dropped within the request).
pub fn remove(handle: LinkHandle) {
    with(|r| {
        r.links.retain(|(h, _)| *h != handle);
        for handles in r.identity.values_mut() {
            for h in handles.iter_mut().filter(|h| **h == Some(handle)) {
                *h = None;
            }
        }
    });
}

/// Ends the bookkeeping of the request: returns its links in the order they were handed out.
pub fn take_all() -> Vec<RequestLink> {
    with(|r| {
        r.identity.clear();
        let spare = std::mem::take(&mut r.spare);
        std::mem::replace(&mut r.links, spare)
    })
    .unwrap_or_default()
}

/// Gives back the vector [`take_all`] returned, emptied, so the next request needs no allocation.
pub fn give_back(mut links: Vec<RequestLink>) {
    links.clear();
    with(|r| {
        if r.spare.capacity() < links.capacity() {
            r.spare = links;
        }
    });
}

pub fn handle_count() -> usize {
    with(|r| r.links.len()).unwrap_or(0)
}
