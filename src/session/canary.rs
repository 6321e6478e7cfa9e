//! No unverified "clean": the first reset of each link whose reset pconn cannot vouch for by
//! itself (the driver's `SQL_ATTR_RESET_CONNECTION` for a DBMS pconn knows nothing about, or any
//! DBMS under `reset=driver`; the MariaDB protocol reset, reached beside the driver) is checked
//! with a canary: a session variable set before the reset must be gone after it. A canary that
//! survives, or a session where none can be set, makes request end replace the link instead of
//! reusing it — counted in the statistics (`discarded.unverified_reset`) and said once through
//! `notice.rs`. A link that passed is not checked again.

use super::Session;
use crate::error::Result;

/// What request end does with a link after its reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetOutcome {
    /// Reset (and checked, or of a kind pconn knows to be complete): back to the idle pool.
    Clean,
    /// The reset cannot be trusted: close the link and open a new one on the next request.
    Replace,
}

/// A session variable to set, and the query that reads it back (NULL or "" once reset).
#[derive(Debug)]
pub struct Canary {
    set: &'static str,
    read: &'static str,
}

/// A user variable (MySQL, MariaDB and their kin).
pub const USER_VARIABLE: &Canary = &Canary { set: "SET @pconn_canary = 1", read: "SELECT @pconn_canary" };
/// A custom setting (PostgreSQL and its kin).
pub const CUSTOM_SETTING: &Canary = &Canary {
    set: "SELECT set_config('pconn.canary', '1', false)",
    read: "SELECT current_setting('pconn.canary', true)",
};
/// The forms tried, in order, for a DBMS pconn has no specific knowledge of.
pub const ANY: &[&Canary] = &[USER_VARIABLE, CUSTOM_SETTING];

/// Runs `reset` on `link`; on its first reset, checks it with `canary`.
pub fn checked(
    link: &mut Session,
    canary: &'static Canary,
    what: &str,
    reset: impl FnOnce(&mut Session) -> Result<()>,
) -> Result<ResetOutcome> {
    checked_with_any(link, std::slice::from_ref(&canary), what, reset)
}

/// Like [`checked`], with the first of `canaries` the session accepts.
pub fn checked_with_any(
    link: &mut Session,
    canaries: &[&'static Canary],
    what: &str,
    reset: impl FnOnce(&mut Session) -> Result<()>,
) -> Result<ResetOutcome> {
    if link.reset_verified {
        reset(link)?;
        return Ok(ResetOutcome::Clean);
    }
    let canary = canaries.iter().copied().find(|canary| link.run_internal(canary.set).is_ok());
    reset(link)?;
    let Some(canary) = canary else {
        crate::notice::once(format!(
            "{}: no session variable could be set to check its {what}, so its links are replaced at request end \
             instead of reused",
            link.dbms_name().to_string_lossy()
        ));
        return Ok(ResetOutcome::Replace);
    };
    let rows = link.run_internal(canary.read)?;
    let survived = matches!(rows.first().and_then(|row| row.first()), Some(Some(value)) if !value.is_empty());
    if survived {
        crate::notice::once(format!(
            "{}: its {what} left a session variable set (the driver reports success and does not reset the \
             session), so its links are replaced at request end instead of reused",
            link.dbms_name().to_string_lossy()
        ));
        return Ok(ResetOutcome::Replace);
    }
    link.reset_verified = true;
    Ok(ResetOutcome::Clean)
}
