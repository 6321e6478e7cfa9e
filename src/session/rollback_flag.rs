//! psqlODBC's "rolled back" flag, left set by a `ROLLBACK` the caller sends as SQL outside a
//! transaction, and why a request end must clear it before `DISCARD ALL`.
//!
//! psqlODBC (13.02) reads the command tag of every statement it sends. On the tag `ROLLBACK`
//! (from `ROLLBACK`, `ABORT`, `ROLLBACK TO SAVEPOINT`, `ROLLBACK PREPARED`) it marks its
//! connection as "in a failed transaction" and expects the server's idle status to clear the mark
//! together with the transaction. With no transaction open (autocommit on, or a second
//! `ROLLBACK`), nothing clears it. While it stays set:
//!
//! - a statement handle freed with a server-side prepared plan does not `DEALLOCATE` it, but adds
//!   its name to a list of objects to drop later;
//! - the next time the server reports an open transaction (a caller's `BEGIN`, or the driver's own
//!   `BEGIN` in manual-commit mode), the driver drops the listed objects inside that transaction
//!   first, and only removes a name from the list once its `DEALLOCATE` has returned.
//!
//! pconn's reset (`DISCARD ALL`, or the `DEALLOCATE ALL` of its spelled-out form) drops those
//! plans on the server. The listed `DEALLOCATE` then fails inside the transaction, the driver rolls
//! back to its savepoint, sees the open transaction with the mark still set, and drops the list
//! again, from inside the call that is dropping it: an unbounded recursion that overflows the stack
//! and kills the process. The request that made
//! this state (a prepared statement, then `ROLLBACK` as SQL) looks harmless, and the crash comes in
//! a later request, at its first transaction.
//!
//! So when a request sent a rolling-back statement (or used the raw handle), the request end sends
//! `BEGIN; ROLLBACK` as one query before the reset. The driver sees a transaction begun and ended
//! within one call, so it clears the mark with the transaction and drops the listed objects while
//! no transaction is open: each `DEALLOCATE` runs on its own, and one that fails cannot recurse. The
//! server ends idle; the plans still exist at that point, so nothing fails anyway. One round trip,
//! only for requests that sent such SQL.
//!
//! Not covered, within one request after a `ROLLBACK` outside a transaction (clearing the mark
//! there would take knowing that no transaction is open again, which the driver does not tell):
//! - a caller that frees a prepared statement, drops the driver's plans itself (`DEALLOCATE ALL`,
//!   `DISCARD ALL`) and then begins a transaction meets the same recursion;
//! - a statement prepared after one was freed may get the freed one's plan name (the driver names
//!   plans after the handle's address), which still exists: it fails with "prepared statement …
//!   already exists", a clear error.

use super::Session;
use super::copy::{Token, tokens};
use crate::error::Result;

/// Whether a statement of `sql` starts with `ROLLBACK` or `ABORT`: a statement whose command tag
/// is `ROLLBACK`. Comments, literals and quoted identifiers are not read as words. The SQL is
/// bytes (UTF-8 or a narrow encoding): both words are ASCII.
pub(super) fn rolls_back(sql: &[u8]) -> bool {
    // Most SQL has neither word: one pass over the bytes settles it before any tokenising.
    let has = |word: &[u8]| sql.windows(word.len()).any(|w| w.eq_ignore_ascii_case(word));
    if !has(b"rollback") && !has(b"abort") {
        return false;
    }
    let mut at_statement_start = true;
    for token in tokens(sql) {
        match token {
            Token::Semicolon => at_statement_start = true,
            Token::Word(word) if at_statement_start => {
                if word.eq_ignore_ascii_case(b"rollback") || word.eq_ignore_ascii_case(b"abort") {
                    return true;
                }
                at_statement_start = false;
            }
            _ => at_statement_start = false,
        }
    }
    false
}

/// Clears the driver's mark and lets it drop its listed objects outside a transaction (see the
/// module comment). Runs after the request's transaction was rolled back, so no caller work is
/// open; `ROLLBACK` rather than `COMMIT` all the same, should one be.
pub(super) fn clear(link: &mut Session) -> Result<()> {
    link.run_internal("BEGIN; ROLLBACK").map(drop)
}

#[cfg(test)]
mod tests {
    use super::rolls_back;

    #[test]
    fn statements_that_roll_back_are_seen() {
        for sql in [
            "ROLLBACK",
            "rollback",
            "  Abort;",
            "ROLLBACK TO SAVEPOINT a",
            "ROLLBACK PREPARED 'x'",
            "SELECT 1; ROLLBACK",
            "-- undo\nROLLBACK",
            "/* x */ rollback work",
        ] {
            assert!(rolls_back(sql.as_bytes()), "{sql}");
        }
    }

    #[test]
    fn other_statements_are_not() {
        for sql in [
            "SELECT 1",
            "BEGIN",
            "COMMIT",
            "SELECT 'ROLLBACK'",
            "SELECT abort_count FROM t",
            "SELECT 1 -- rollback",
            "INSERT INTO t VALUES ($$; ROLLBACK$$)",
            "SELECT \"rollback\" FROM t",
        ] {
            assert!(!rolls_back(sql.as_bytes()), "{sql}");
        }
    }
}
