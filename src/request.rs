//! The request: per thread, the links handed out since the last request end, and which of them
//! answer a repeated identical `pconn_pconnect`/`pconn_connect` within the same request.

use crate::key::LinkKey;
use crate::link::LinkKind;
use crate::registry::{self, LinkHandle};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bumped in a forked child: the forking thread's request was copied with the process and names
/// links the child must never touch.
static FORK_EPOCH: AtomicU64 = AtomicU64::new(0);

#[derive(Default)]
struct Request {
    epoch: u64,
    handles: Vec<LinkHandle>,
    identity: HashMap<(LinkKind, LinkKey), LinkHandle>,
}

impl Request {
    fn current(&mut self) -> &mut Self {
        let epoch = FORK_EPOCH.load(Ordering::SeqCst);
        if self.epoch != epoch {
            // Inherited across fork: drop the bookkeeping only (the registry forgets the links).
            *self = Request { epoch, ..Request::default() };
        }
        self
    }
}

/// Ends the request when a thread exits without doing so, so its links are not stranded.
struct RequestCell(RefCell<Request>);

impl Drop for RequestCell {
    fn drop(&mut self) {
        let handles = std::mem::take(&mut self.0.get_mut().current().handles);
        if handles.is_empty() {
            return;
        }
        let _ = std::panic::catch_unwind(|| registry::end_handles(handles));
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
    with(|r| r.identity.get(&(kind, key.clone())).copied()).flatten()
}

pub fn forget_identity(kind: LinkKind, key: &LinkKey) {
    with(|r| r.identity.remove(&(kind, key.clone())));
}

pub fn add(handle: LinkHandle, requested: LinkKind, identity: Option<LinkKey>) {
    with(|r| {
        r.handles.push(handle);
        if let Some(key) = identity {
            r.identity.insert((requested, key), handle);
        }
    });
}

/// Forgets a handle whose lease ended (closed or dropped within the request).
pub fn remove(handle: LinkHandle) {
    with(|r| {
        r.handles.retain(|h| *h != handle);
        r.identity.retain(|_, h| *h != handle);
    });
}

/// Ends the bookkeeping of the request: returns its handles in the order they were handed out.
pub fn take_all() -> Vec<LinkHandle> {
    with(|r| {
        r.identity.clear();
        std::mem::take(&mut r.handles)
    })
    .unwrap_or_default()
}

pub fn handle_count() -> usize {
    with(|r| r.handles.len()).unwrap_or(0)
}
