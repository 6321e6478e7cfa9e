//! Counters of what the pool did, and their JSON form for `pconn_stats_json`.

use std::collections::BTreeMap;
use crate::json;
use std::fmt::Write;

/// Why a link was closed instead of being kept or handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiscardReason {
    /// The server connection was lost (a failed call, or the liveness check at hand-out).
    Broken,
    IdleTimeout,
    Lifetime,
    Uses,
    /// A step of the request-end cleaning failed.
    FailedCleanup,
    /// Closed to make room under a limit.
    Limit,
    /// The caller asked (`pconn_drop`, `pconn_close_all`).
    Dropped,
    /// Disconnected at process exit.
    Exit,
    /// Its session could not be reset in a way pconn could check (the driver's reset left a
    /// canary behind, no canary could be set, or the DBMS's real reset was out of reach): replaced
    /// at request end rather than reused.
    UnverifiedReset,
    /// Abandoned while being reset: its server did not answer within `reset_timeout`.
    ResetTimeout,
}

impl DiscardReason {
    pub fn name(self) -> &'static str {
        match self {
            DiscardReason::Broken => "broken",
            DiscardReason::IdleTimeout => "idle_timeout",
            DiscardReason::Lifetime => "lifetime",
            DiscardReason::Uses => "uses",
            DiscardReason::FailedCleanup => "failed_cleanup",
            DiscardReason::Limit => "limit",
            DiscardReason::Dropped => "dropped",
            DiscardReason::Exit => "exit",
            DiscardReason::UnverifiedReset => "unverified_reset",
            DiscardReason::ResetTimeout => "reset_timeout",
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Counters {
    /// New server connections opened (any kind).
    pub opened: u64,
    /// Persistent links handed out from the idle pool.
    pub reused: u64,
    /// Idle links found dead at hand-out and replaced.
    pub dead_replaced: u64,
    /// Liveness round trips made at hand-out.
    pub pings: u64,
    pub rolled_back: u64,
    pub reset: u64,
    /// Non-persistent links closed normally.
    pub closed: u64,
    pub discarded: BTreeMap<DiscardReason, u64>,
    pub limit_refusals: u64,
    pub limit_fallbacks: u64,
    pub failed_connects: u64,
}

impl Counters {
    pub fn discard(&mut self, reason: DiscardReason) {
        *self.discarded.entry(reason).or_default() += 1;
    }

    pub fn discarded(&self, reason: DiscardReason) -> u64 {
        self.discarded.get(&reason).copied().unwrap_or(0)
    }
}

/// Idle and in-use counts of one key.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyCounts {
    pub idle: usize,
    pub in_use: usize,
}

/// A snapshot of the pool, taken under the registry lock.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub pid: u32,
    pub persistent_links: usize,
    pub total_links: usize,
    /// Links being reset after their request (on the background threads) when the snapshot was
    /// taken: statistics do not wait for a reset stuck on a server.
    pub resetting: usize,
    pub keys: BTreeMap<String, KeyCounts>,
    pub counters: Counters,
    /// Host-wide use, under a host cap (see `pool/host_slots.rs`).
    pub host: Option<HostUsage>,
}

/// Host-wide use, for statistics.
#[derive(Debug, Clone, Default)]
pub struct HostUsage {
    pub max_links: Option<usize>,
    pub max_per_key: Option<usize>,
    /// Links of every identity open on the host (counted only under `host_max_links`).
    pub links: Option<usize>,
    /// Per identity this process has taken slots for: its display name and host-wide links.
    pub keys: Vec<(String, usize)>,
}

impl HostUsage {
    /// `{"max_links":…,"links":…,"max_per_key":…,"keys":[{"key":…,"links":…}]}`, -1 for no cap
    /// (and `links` -1 when not counted).
    pub fn write_json(&self, out: &mut String) {
        let number = |n: Option<usize>| n.map_or(-1, |n| n as i64);
        let _ = write!(
            out,
            "{{\"max_links\":{},\"links\":{},\"max_per_key\":{},\"keys\":[",
            number(self.max_links),
            number(self.links),
            number(self.max_per_key)
        );
        for (i, (key, links)) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"key\":");
            json::push_string(out, key);
            let _ = write!(out, ",\"links\":{links}}}");
        }
        out.push_str("]}");
    }
}

impl Snapshot {
    pub fn to_json(&self) -> String {
        let c = &self.counters;
        let mut out = String::new();
        let _ = write!(
            out,
            "{{\"pid\":{},\"persistent_links\":{},\"total_links\":{},\"resetting\":{},\"opened\":{},\"reused\":{},\
             \"dead_replaced\":{},\"pings\":{},\"rolled_back\":{},\"reset\":{},\"closed\":{},\
             \"limit_refusals\":{},\"limit_fallbacks\":{},\"failed_connects\":{},\"discarded\":{{",
            self.pid,
            self.persistent_links,
            self.total_links,
            self.resetting,
            c.opened,
            c.reused,
            c.dead_replaced,
            c.pings,
            c.rolled_back,
            c.reset,
            c.closed,
            c.limit_refusals,
            c.limit_fallbacks,
            c.failed_connects
        );
        let reasons = [
            DiscardReason::Broken,
            DiscardReason::IdleTimeout,
            DiscardReason::Lifetime,
            DiscardReason::Uses,
            DiscardReason::FailedCleanup,
            DiscardReason::Limit,
            DiscardReason::Dropped,
            DiscardReason::Exit,
            DiscardReason::UnverifiedReset,
            DiscardReason::ResetTimeout,
        ];
        for (i, reason) in reasons.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{}\":{}", reason.name(), c.discarded(*reason));
        }
        out.push_str("},\"keys\":[");
        for (i, (key, counts)) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"key\":");
            json::push_string(&mut out, key);
            let _ = write!(out, ",\"idle\":{},\"in_use\":{}}}", counts.idle, counts.in_use);
        }
        out.push_str("],\"notices\":[");
        for (i, notice) in crate::notice::all().iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::push_string(&mut out, notice);
        }
        out.push(']');
        if let Some(host) = &self.host {
            out.push_str(",\"host\":");
            host.write_json(&mut out);
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lists_every_counter_and_escapes_keys() {
        let mut snapshot = Snapshot::default();
        snapshot.counters.discard(DiscardReason::Uses);
        snapshot.keys.insert("DRIVER={x\"y};".into(), KeyCounts { idle: 1, in_use: 2 });
        let json = snapshot.to_json();
        assert!(json.contains("\"uses\":1"));
        assert!(json.contains("\"broken\":0"));
        assert!(json.contains(r#"{"key":"DRIVER={x\"y};","idle":1,"in_use":2}"#));
    }
}
