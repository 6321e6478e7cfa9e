//! The process's links: idle persistent links by key, links leased to requests, limits, counters,
//! request end and its background cleanings, and what fork and exit do to them.
//!
//! Data flows one way: the C layer calls the functions re-exported here; they work on
//! [`Link`]s (a session plus the pool's bookkeeping) and reach the server through the session.

pub mod background;
mod checkout;
mod fork;
mod host_slots;
mod limits;
mod link;
pub mod request;
mod request_end;
mod state;

pub use checkout::connect;
pub use link::{Link, LinkKind};
pub use request_end::{close, close_all, drop_link, end_handles, end_request};
pub use state::{LinkHandle, LinkSlot, call_on_link, link_kind, read_link_error, read_session, snapshot};
