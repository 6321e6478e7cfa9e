//! Random call sequences through the C ABI, deterministic per seed: several threads, each its own
//! request, on SQLite and PostgreSQL links, mixing valid handles with closed, stale (from an ended
//! request), foreign (another thread's), random and zero ones, NULL pointers, bad SQL and bad
//! options, with request ends at random points. After every call:
//!
//! - no panic status, and the status is one the header lists (`pconn_errstr` knows it);
//! - a failure has an error text to read;
//! - a link the thread holds (its sentinel) still answers `SELECT 1`, checked every few calls.
//!
//! `make test` runs 100,000 calls of seed 1. `make fuzz` runs more: `PCONN_FUZZ_CALLS` (calls per
//! seed), `PCONN_FUZZ_SEEDS` (how many seeds, from `PCONN_FUZZ_SEED`, default 1). A failure
//! names the seed, the thread and the call number; the same seed replays the same choices
//! (thread interleaving aside).

mod common;

use common::c_str::{cstr, text};
use common::calls::Target;
use pconn::ffi::*;
use std::ffi::{c_char, c_int};
use std::ptr::{null, null_mut};
use std::sync::Mutex;

use pconn_status::*;

/// SplitMix64: small, fast, and the same sequence for a seed on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len())])
    }
}

/// Threads per seed (`PCONN_FUZZ_THREADS` to change).
fn threads() -> usize {
    env_number("PCONN_FUZZ_THREADS", 4).max(1) as usize
}

/// SQL a request may send: good, bad, state-changing, and the statement that once hung psqlODBC.
const SQL: &[&str] = &[
    "SELECT 1",
    "SELECT 1, 'two', 3.5, NULL",
    "SELECT nonsense FROM nowhere",
    "SELEKT 1",
    "CREATE TEMP TABLE IF NOT EXISTS scratch (a INTEGER, b TEXT)",
    "INSERT INTO scratch VALUES (1, 'x')",
    "SELECT * FROM scratch",
    "COPY scratch FROM STDIN",
    "",
    "SELECT ?",
    // With a prepared statement before, a ROLLBACK outside a transaction once made psqlODBC
    // overflow its stack at a later request's BEGIN (tests/pg_raw_transactions.rs).
    "BEGIN",
    "ROLLBACK",
];

/// Handles every thread has published, for the others to use as foreign ones.
static PUBLISHED: Mutex<Vec<u64>> = Mutex::new(Vec::new());

struct Thread<'a> {
    rng: Rng,
    seed: u64,
    index: usize,
    call: usize,
    targets: &'a [Target],
    /// A persistent SQLite link of the current request, of a key of its own, that random calls
    /// never touch: only garbage around it.
    sentinel: pconn_link,
    sentinel_target: &'a Target,
    links: Vec<pconn_link>,
    results: Vec<pconn_result>,
    stmts: Vec<pconn_stmt>,
    /// Handles of ended requests and closed or freed ones.
    stale: Vec<u64>,
}

impl Thread<'_> {
    fn trace(&self, what: std::fmt::Arguments) {
        if std::env::var_os("PCONN_FUZZ_TRACE").is_some() {
            eprintln!("{}: {what}", self.context());
        }
    }

    fn context(&self) -> String {
        format!("seed {} thread {} call {}", self.seed, self.index, self.call)
    }

    /// The invariants every call's outcome must keep; `link` is where its error may be stored.
    fn check(&self, what: &str, status: pconn_status, link: pconn_link) {
        let ctx = self.context();
        assert_ne!(status, PCONN_PANIC, "{ctx}: {what} panicked: {}", text(pconn_errmsg(link)));
        let description = text(pconn_errstr(status as c_int));
        assert_ne!(description, "unknown status code", "{ctx}: {what} returned {}", status as c_int);
        if !matches!(status, PCONN_OK | PCONN_NO_DATA) {
            let message = text(pconn_errmsg(link));
            let thread_message = text(pconn_errmsg(0));
            assert!(!message.is_empty() || !thread_message.is_empty(), "{ctx}: {what} failed ({description}) with no error text");
        }
    }

    /// Mostly a handle of this thread's own; sometimes a stale, foreign, random or zero one.
    fn handle(&mut self, own: &[u64]) -> u64 {
        match self.rng.below(100) {
            0..70 => self.rng.pick(own).unwrap_or(0),
            70..80 => self.rng.pick(&self.stale).unwrap_or(0),
            80..88 => self.rng.next(),
            88..93 => 0,
            _ => {
                let published = PUBLISHED.lock().unwrap();
                let mut rng = Rng(self.rng.next());
                rng.pick(&published).unwrap_or(0)
            }
        }
    }

    fn is_foreign(&self, handle: u64) -> bool {
        !self.links.contains(&handle) && !self.results.contains(&handle) && !self.stmts.contains(&handle) && handle != self.sentinel
    }

    fn connect(&mut self, target_index: usize, kind: usize) {
        let target = &self.targets[target_index];
        let (conn, user, password) = (cstr(&target.conn), cstr(&target.user), cstr(&target.password));
        let connect = [pconn_pconnect, pconn_connect, pconn_new_connect][kind];
        let mut link = 0;
        let status = connect(conn.as_ptr(), user.as_ptr(), password.as_ptr(), &mut link);
        self.check("connect", status, 0);
        self.trace(format_args!("connect target {target_index} kind {kind}: {link:#x}"));
        if status == PCONN_OK {
            self.links.push(link);
            PUBLISHED.lock().unwrap().push(link);
        }
    }

    fn sentinel_works(&self) {
        let mut result = 0;
        let status = pconn_exec(self.sentinel, c"SELECT 1".as_ptr(), &mut result);
        assert_eq!(status, PCONN_OK, "{}: the sentinel link failed: {}", self.context(), text(pconn_errmsg(self.sentinel)));
        assert_eq!(pconn_fetch(result), PCONN_OK, "{}", self.context());
        let mut value = null();
        assert_eq!(pconn_result_text(result, 1, &mut value, null_mut(), null_mut()), PCONN_OK, "{}", self.context());
        assert_eq!(text(value), "1", "{}", self.context());
        assert_eq!(pconn_result_free(result), PCONN_OK, "{}", self.context());
    }

    fn new_request(&mut self) {
        let status = pconn_request_end();
        self.check("request_end", status, 0);
        let ended = self.links.drain(..).chain(self.results.drain(..)).chain(self.stmts.drain(..));
        self.stale.extend(ended);
        self.stale.push(self.sentinel);
        if self.stale.len() > 256 {
            self.stale.drain(..128);
        }
        let mut link = 0;
        let status = pconn_pconnect(cstr(&self.sentinel_target.conn).as_ptr(), null(), null(), &mut link);
        assert_eq!(status, PCONN_OK, "{}: sentinel: {}", self.context(), text(pconn_errmsg(0)));
        self.sentinel = link;
    }

    fn step(&mut self) {
        let sentinel = self.sentinel;
        let choice = self.rng.below(100);
        if std::env::var_os("PCONN_FUZZ_TRACE").is_some() {
            eprintln!("{}: step {choice}", self.context());
        }
        match choice {
            0..8 => {
                let target = self.rng.below(self.targets.len());
                let kind = if self.rng.chance(85) { 0 } else if self.rng.chance(50) { 1 } else { 2 };
                // Fresh PostgreSQL connections are slow: they stay rare.
                let kind = if target > 1 && kind == 2 && !self.rng.chance(10) { 0 } else { kind };
                self.connect(target, kind);
            }
            8..28 => {
                let links = self.links.clone();
                let link = self.handle(&links);
                let sql = cstr(self.rng.pick(SQL).unwrap());
                let mut result = 0;
                let out = if self.rng.chance(3) { null_mut() } else { &mut result as *mut u64 };
                if std::env::var_os("PCONN_FUZZ_TRACE").is_some() {
                    eprintln!("{}: exec {link:#x} {sql:?}", self.context());
                }
                let status = pconn_exec(link, sql.as_ptr(), out);
                self.check("exec", status, link);
                if out.is_null() {
                    assert_eq!(status, PCONN_NULL_ARGUMENT, "{}", self.context());
                }
                if status == PCONN_OK {
                    if self.is_foreign(link) || !self.links.contains(&link) {
                        pconn_result_free(result);
                    } else {
                        self.results.push(result);
                    }
                }
            }
            28..40 => {
                let results = self.results.clone();
                let result = self.handle(&results);
                let status = pconn_fetch(result);
                self.check("fetch", status, 0);
            }
            40..50 => {
                let results = self.results.clone();
                let result = self.handle(&results);
                let column = self.rng.below(4) as u16;
                let mut value = null();
                let mut len = 0usize;
                let status = pconn_result_text(result, column, &mut value, &mut len, null_mut());
                self.check("result_text", status, 0);
                if status == PCONN_OK && !value.is_null() {
                    assert_eq!(text(value).len(), len, "{}", self.context());
                }
            }
            50..56 => {
                let results = self.results.clone();
                let result = self.handle(&results);
                if self.is_foreign(result) && result != 0 && !self.stale.contains(&result) {
                    return;
                }
                let status = pconn_result_free(result);
                self.check("result_free", status, 0);
                self.results.retain(|r| *r != result);
                self.stale.push(result);
            }
            56..64 => {
                let links = self.links.clone();
                let link = self.handle(&links);
                let sql = cstr(self.rng.pick(&["SELECT ?", "SELECT ? + 1", "SELEKT ?", "COPY scratch TO STDOUT"]).unwrap());
                let mut stmt = 0;
                self.trace(format_args!("prepare {sql:?} on {link:#x}"));
                let status = pconn_prepare(link, sql.as_ptr(), &mut stmt);
                self.check("prepare", status, link);
                if status == PCONN_OK {
                    let index = self.rng.below(3) as u16;
                    let bound = match self.rng.below(4) {
                        0 => pconn_stmt_bind_int64(stmt, index, self.rng.next() as i64),
                        1 => pconn_stmt_bind_text(stmt, index, c"text".as_ptr()),
                        2 => pconn_stmt_bind_double(stmt, index, 1.5),
                        _ => pconn_stmt_bind_null(stmt, index),
                    };
                    self.check("bind", bound, link);
                    let mut result = 0;
                    let executed = pconn_stmt_execute(stmt, &mut result);
                    self.check("stmt_execute", executed, link);
                    if self.links.contains(&link) {
                        self.stmts.push(stmt);
                        if executed == PCONN_OK {
                            self.results.push(result);
                        }
                    } else {
                        pconn_stmt_free(stmt);
                    }
                }
            }
            64..67 => {
                let stmts = self.stmts.clone();
                let stmt = self.handle(&stmts);
                if self.is_foreign(stmt) && stmt != 0 && !self.stale.contains(&stmt) {
                    return;
                }
                let status = pconn_stmt_free(stmt);
                self.check("stmt_free", status, 0);
                self.stmts.retain(|s| *s != stmt);
            }
            67..71 => {
                let links = self.links.clone();
                let link = self.handle(&links);
                if link == sentinel || (self.is_foreign(link) && link != 0 && !self.stale.contains(&link)) {
                    return;
                }
                let status = if self.rng.chance(50) { pconn_close(link) } else { pconn_drop(link) };
                self.check("close", status, 0);
                self.links.retain(|l| *l != link);
                self.stale.push(link);
            }
            71..78 => {
                let links = self.links.clone();
                let link = self.handle(&links);
                if self.is_foreign(link) && link != 0 && !self.stale.contains(&link) {
                    // Another thread's live link: read-only calls only.
                    let mut on = 0;
                    let status = pconn_autocommit_get(link, &mut on);
                    self.check("autocommit_get (foreign)", status, link);
                    return;
                }
                let op = self.rng.below(5);
                self.trace(format_args!("transaction call {op} on {link:#x}"));
                let status = match op {
                    0 => pconn_autocommit_set(link, self.rng.pick(&[0, 1, 7]).unwrap()),
                    1 => pconn_commit(link),
                    2 => pconn_rollback(link),
                    3 => pconn_autocommit_get(link, if self.rng.chance(20) { null_mut() } else { &mut 0 }),
                    _ => pconn_read_only_get(link, &mut 0),
                };
                self.check("transaction call", status, link);
            }
            78..88 => {
                let links = self.links.clone();
                let link = self.handle(&links);
                assert!(!pconn_errmsg(link).is_null() && !pconn_sqlstate(link).is_null(), "{}", self.context());
                let _ = pconn_native_error(link);
                let persistent = pconn_link_is_persistent(link);
                assert!((-1..=1).contains(&persistent), "{}", self.context());
            }
            88..91 => {
                let json = text(pconn_stats_json());
                assert!(json.starts_with('{') && json.ends_with('}'), "{}: {json}", self.context());
            }
            91..94 => {
                let (name, value): (&str, String) = match self.rng.below(4) {
                    0 => ("fetch_batch", (1 + self.rng.below(2000)).to_string()),
                    1 => ("ping_interval", "1e300".into()),
                    2 => ("no_such_option", "1".into()),
                    _ => ("idle_timeout", format!("{}", self.rng.next())),
                };
                self.trace(format_args!("set_option {name} {value}"));
                let status = pconn_set_option(cstr(name).as_ptr(), cstr(&value).as_ptr());
                self.check("set_option", status, 0);
            }
            94..97 => {
                // NULL where a pointer is required.
                let mut link = 0;
                let status = match self.rng.below(3) {
                    0 => pconn_pconnect(null(), null(), null(), &mut link),
                    1 => pconn_exec(sentinel, null::<c_char>(), &mut 0),
                    _ => pconn_pconnect(cstr(&self.targets[0].conn).as_ptr(), null(), null(), null_mut()),
                };
                assert_eq!(status, PCONN_NULL_ARGUMENT, "{}", self.context());
                self.check("null argument", status, 0);
            }
            _ => self.new_request(),
        }
    }
}

fn run_seed(seed: u64, calls: usize, targets: &[Target], sentinel_target: &Target) {
    let per_thread = calls / threads();
    std::thread::scope(|scope| {
        for index in 0..threads() {
            scope.spawn(move || {
                let mut thread = Thread {
                    rng: Rng(seed.wrapping_mul(1_000_003).wrapping_add(index as u64)),
                    seed,
                    index,
                    call: 0,
                    targets,
                    sentinel: 0,
                    sentinel_target,
                    links: Vec::new(),
                    results: Vec::new(),
                    stmts: Vec::new(),
                    stale: Vec::new(),
                };
                thread.new_request();
                for call in 0..per_thread {
                    thread.call = call;
                    thread.step();
                    if call % 64 == 0 {
                        thread.sentinel_works();
                    }
                }
                thread.sentinel_works();
                // A PostgreSQL link still works too after everything.
                thread.connect(2, 0);
                let link = *thread.links.last().expect("a PostgreSQL link");
                let mut result = 0;
                assert_eq!(pconn_exec(link, c"SELECT 1".as_ptr(), &mut result), PCONN_OK, "{}", thread.context());
                assert_eq!(pconn_request_end(), PCONN_OK);
            });
        }
    });
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_call_sequences_keep_every_invariant() {
    let calls = env_number("PCONN_FUZZ_CALLS", 100_000) as usize;
    let first_seed = env_number("PCONN_FUZZ_SEED", 1);
    let seeds = env_number("PCONN_FUZZ_SEEDS", 1);
    let targets = [Target::sqlite("random-calls-a"), Target::sqlite("random-calls-b"), Target::pg("")];
    let sentinel = Target::sqlite("random-calls-sentinel");
    for seed in first_seed..first_seed + seeds {
        let started = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(|| run_seed(seed, calls, &targets, &sentinel));
        if let Err(panic) = outcome {
            eprintln!("random calls failed with seed {seed} (replay: PCONN_FUZZ_SEED={seed} PCONN_FUZZ_SEEDS=1)");
            std::panic::resume_unwind(panic);
        }
        println!("seed {seed}: {calls} calls on {} threads in {:.1} s", threads(), started.elapsed().as_secs_f64());
    }
    assert_eq!(pconn_close_all(), PCONN_OK);
}
