//! The C ABI of the connection attributes a request may change (and request end restores):
//! autocommit, transaction isolation, read-only mode, current catalog.

use super::args::{MAX_NAME, out_ptr, required_str, write_out};
use super::guard::status_call;
use super::handle::pconn_link;
use super::status::pconn_status;
use crate::session::attributes;
use crate::error::Error;
use crate::pool;
use std::ffi::{c_char, c_int};

/// Transaction isolation levels: ODBC's `SQL_TXN_*` values. `pconn_isolation_set` takes them as
/// an `int`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pconn_isolation {
    PCONN_TXN_READ_UNCOMMITTED = 1,
    PCONN_TXN_READ_COMMITTED = 2,
    PCONN_TXN_REPEATABLE_READ = 4,
    PCONN_TXN_SERIALIZABLE = 8,
}

impl pconn_isolation {
    fn from_level(level: u32) -> crate::Result<pconn_isolation> {
        Ok(match level {
            attributes::TXN_READ_UNCOMMITTED => pconn_isolation::PCONN_TXN_READ_UNCOMMITTED,
            attributes::TXN_READ_COMMITTED => pconn_isolation::PCONN_TXN_READ_COMMITTED,
            attributes::TXN_REPEATABLE_READ => pconn_isolation::PCONN_TXN_REPEATABLE_READ,
            attributes::TXN_SERIALIZABLE => pconn_isolation::PCONN_TXN_SERIALIZABLE,
            other => return Err(Error::InvalidArgument(format!("the driver reports an unknown isolation level {other}"))),
        })
    }
}

/// Turns autocommit on (`on` = 1) or off (0). Request end restores the link's state at connect.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_autocommit_set(link: pconn_link, on: c_int) -> pconn_status {
    status_call(|| {
        pool::call_on_link(link, |l| match on {
            0 | 1 => l.set_autocommit(on == 1),
            other => Err(Error::InvalidArgument(format!("autocommit must be 0 or 1, not {other}"))),
        })
    })
}

/// Writes 1 to `*out_on` when autocommit is on, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_autocommit_get(link: pconn_link, out_on: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_on = out_ptr(out_on, "out_on")?;
        let on = pool::call_on_link(link, |l| Ok(l.autocommit()))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_on, c_int::from(on)) };
        Ok(())
    })
}

/// Sets the transaction isolation level (`PCONN_TXN_*`) of the link. Request end restores the
/// level the link had before the request changed it. Another value returns
/// `PCONN_INVALID_ARGUMENT`; a level the driver refuses returns `PCONN_ERROR`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_isolation_set(link: pconn_link, level: c_int) -> pconn_status {
    status_call(|| pool::call_on_link(link, |l| l.set_isolation(attributes::validate_isolation(i64::from(level))?)))
}

/// Writes the link's transaction isolation level (`PCONN_TXN_*`) to `*out_level`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_isolation_get(link: pconn_link, out_level: *mut pconn_isolation) -> pconn_status {
    status_call(|| {
        let out_level = out_ptr(out_level, "out_level")?;
        let level = pool::call_on_link(link, |l| pconn_isolation::from_level(l.isolation()?))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_level, level) };
        Ok(())
    })
}

/// Makes the link read-only (`on` = 1) or read-write (0), via `SQL_ATTR_ACCESS_MODE` (and on
/// PostgreSQL the session's default transaction mode). Request end restores the previous mode.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_read_only_set(link: pconn_link, on: c_int) -> pconn_status {
    status_call(|| {
        pool::call_on_link(link, |l| match on {
            0 | 1 => l.set_read_only(on == 1),
            other => Err(Error::InvalidArgument(format!("read-only must be 0 or 1, not {other}"))),
        })
    })
}

/// Writes 1 to `*out_on` when the link is read-only, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_read_only_get(link: pconn_link, out_on: *mut c_int) -> pconn_status {
    status_call(|| {
        let out_on = out_ptr(out_on, "out_on")?;
        let on = pool::call_on_link(link, |l| l.read_only())?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_on, c_int::from(on)) };
        Ok(())
    })
}

/// Writes the link's current catalog (database) to `*out_catalog`: NUL-terminated, owned by
/// pconn, valid until the next call on the same link.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_catalog_get(link: pconn_link, out_catalog: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let out_catalog = out_ptr(out_catalog, "out_catalog")?;
        let text = pool::call_on_link(link, |l| {
            let catalog = l.current_catalog()?;
            Ok(l.hand_out_text(catalog).as_ptr())
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_catalog, text) };
        Ok(())
    })
}

/// Switches the link's current catalog (database); request end switches back. Drivers that
/// cannot switch (PostgreSQL's: one database per connection) return `PCONN_ERROR`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_catalog_set(link: pconn_link, catalog: *const c_char) -> pconn_status {
    status_call(|| {
        // SAFETY: NUL-terminated string or NULL, as documented.
        let catalog = unsafe { required_str(catalog, "catalog", MAX_NAME) };
        pool::call_on_link(link, |l| l.set_current_catalog(catalog?))
    })
}
