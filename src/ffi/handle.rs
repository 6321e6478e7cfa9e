//! The integers C holds: a link handle, and result and statement handles that carry their link in
//! the high 32 bits and a slot of that link in the low 32 (`(link << 32) | slot`). Packing and
//! unpacking live here only.

use crate::error::{Error, Result};
use crate::pool::{self, LinkHandle};
use crate::session::Session;
use crate::session::slots::FIRST_STATEMENT_SLOT;

/// A link: an integer handle, valid from the call that returned it until `pconn_close`,
/// `pconn_drop`, `pconn_close_all` or the end of the request that got it. 0 is never a valid link.
#[allow(non_camel_case_types)]
pub type pconn_link = u64;

/// The result of one executed statement, valid until `pconn_result_free`, or until its link is
/// closed or its request ends. 0 is never a valid result.
#[allow(non_camel_case_types)]
pub type pconn_result = u64;

/// A prepared statement, valid until `pconn_stmt_free`, or until its link is closed or its request
/// ends. 0 is never a valid statement.
#[allow(non_camel_case_types)]
pub type pconn_stmt = u64;

/// The link and slot of a result handle.
fn split_result(result: pconn_result) -> Result<(LinkHandle, u32)> {
    let (link, slot) = unpack(result);
    if link == 0 || slot == 0 {
        return Err(Error::InvalidHandle("result"));
    }
    Ok((link, slot))
}

/// The link and slot of a statement handle (statements live in the slots from
/// `FIRST_STATEMENT_SLOT` up, results below).
pub(crate) fn split_stmt(stmt: pconn_stmt) -> Result<(LinkHandle, u32)> {
    let (link, slot) = unpack(stmt);
    if link == 0 || slot < FIRST_STATEMENT_SLOT {
        return Err(Error::InvalidHandle("statement"));
    }
    Ok((link, slot))
}

/// Runs `call` on the prepared statement's link, with the statement's slot.
pub(crate) fn on_stmt<T>(stmt: pconn_stmt, call: impl FnOnce(&mut Session, u32) -> Result<T>) -> Result<T> {
    let (link, slot) = split_stmt(stmt)?;
    pool::call_on_link(link, |l| call(l, slot))
}

/// Runs `call` on a result's link, with the result's slot.
pub(crate) fn on_result<T>(result: pconn_result, call: impl FnOnce(&mut Session, u32) -> Result<T>) -> Result<T> {
    let (link, slot) = split_result(result)?;
    pool::call_on_link(link, |l| call(l, slot))
}

/// The handle of slot `slot` of link `link`: a result or a statement.
pub(crate) fn pack(link: pconn_link, slot: u32) -> u64 {
    (link << 32) | u64::from(slot)
}

fn unpack(handle: u64) -> (LinkHandle, u32) {
    (handle >> 32, (handle & u64::from(u32::MAX)) as u32)
}
