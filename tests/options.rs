//! Options (`pconn_set_option`, connection-string options, `PCONN_*` environment variables) and
//! the statistics document, through the C ABI.
//!
//! The pool and its options are process-wide: every test here that touches them takes [`serial`]
//! first.

mod common;

use common::c_str::{cstr, text};
use common::calls::*;
use common::serial::serial;
use common::stats::stats;
use pconn::ffi::*;

use pconn_status::*;

#[test]
fn bad_option_names_and_values_are_invalid_arguments() {
    let _serial = serial();
    for (name, value) in [
        ("no_such_option", "1"),
        ("max_persistent", "many"),
        ("max_links", "1.5"),
        ("on_limit", "sometimes"),
        ("ping_interval", "soon"),
        ("background_reset", "sometimes"),
        ("ping_interval", "NaN"),
        ("idle_timeout", "inf"),
        ("reset", "bogus"),
        ("reset", "sql:"),
        ("fetch_batch", "0"),
        ("login_timeout", "-3"),
        ("pooler", "statement"),
        ("ping_sql", "  "),
        ("", "1"),
    ] {
        assert_eq!(set_option(name, value), PCONN_INVALID_ARGUMENT, "{name}={value}");
        let message = text(pconn_errmsg(0));
        assert!(!message.is_empty(), "{name}={value}: no message");
    }
    assert!(text(pconn_errmsg(0)).contains("unknown option"));
    // Nothing changed.
    assert_eq!(get_option("max_persistent"), "-1");
    assert_eq!(get_option("ping_interval"), "60");
    assert_eq!(get_option("on_limit"), "error");
    // Names are forgiving; values are read back in the form set accepts.
    assert_eq!(set_option("Max-Per-Key", "4"), PCONN_OK);
    assert_eq!(get_option("max_per_key"), "4");
    assert_eq!(set_option("idle_timeout", "2.5"), PCONN_OK);
    assert_eq!(get_option("idle_timeout"), "2.5");
    assert_eq!(pconn_set_option(std::ptr::null(), cstr("1").as_ptr()), PCONN_NULL_ARGUMENT);
    let mut out = std::ptr::null();
    assert_eq!(pconn_get_option(cstr("bogus").as_ptr(), &mut out), PCONN_INVALID_ARGUMENT);

    // In a connection string: unknown pconn options, process-wide ones and bad values.
    let a = Target::sqlite("bad-options");
    for extra in ["PconnBogus=1", "PconnMaxPersistent=1", "PconnPingInterval=soon", "PconnReset=sometimes"] {
        let failure = pconnect(&a.with(extra)).expect_err(extra);
        assert_eq!(failure.status, PCONN_INVALID_ARGUMENT, "{extra}: {failure:?}");
    }
    assert_eq!(stats().get("total_links"), 0);
}

/// `PCONN_*` environment variables are read at first use; a bad one makes calls fail, naming it.
/// Runs this test binary again as a child with the variables set.
#[test]
fn environment_variables_configure_the_process() {
    if let Ok(expect) = std::env::var("PCONN_OPTIONS_CHILD") {
        match expect.as_str() {
            "good" => {
                assert_eq!(get_option("max_per_key"), "3");
                assert_eq!(get_option("ping_interval"), "-1");
                must(pconnect(&Target::sqlite("env")), "pconnect");
                end_request();
            }
            "huge" => {
                // Every call fails naming the variable and the range, without a panic, until the
                // option is set: then the process works.
                for _ in 0..2 {
                    let failure = pconnect(&Target::sqlite("env")).expect_err("bad environment");
                    assert_eq!(failure.status, PCONN_INVALID_ARGUMENT, "{failure:?}");
                    assert!(failure.message.contains("PCONN_PING_INTERVAL"), "{failure:?}");
                    assert!(failure.message.contains("1000000000"), "{failure:?}");
                }
                assert_eq!(set_option("ping_interval", "1e300"), PCONN_INVALID_ARGUMENT);
                assert!(pconnect(&Target::sqlite("env")).is_err(), "a refused value fixes nothing");
                assert_eq!(set_option("ping_interval", "60"), PCONN_OK);
                assert_eq!(get_option("ping_interval"), "60");
                must(pconnect(&Target::sqlite("env")), "pconnect after the fix");
                end_request();
            }
            _ => {
                let failure = pconnect(&Target::sqlite("env")).expect_err("bad environment");
                assert_eq!(failure.status, PCONN_INVALID_ARGUMENT);
                assert!(failure.message.contains("PCONN_IDLE_TIMEOUT"), "{failure:?}");
            }
        }
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for (kind, vars) in [
        ("good", vec![("PCONN_MAX_PER_KEY", "3"), ("PCONN_PING_INTERVAL", "-1")]),
        ("bad", vec![("PCONN_IDLE_TIMEOUT", "later")]),
        ("huge", vec![("PCONN_PING_INTERVAL", "1e300")]),
    ] {
        let out = std::process::Command::new(&exe)
            .args(["--exact", "environment_variables_configure_the_process", "--nocapture"])
            .env("PCONN_OPTIONS_CHILD", kind)
            .envs(vars)
            .output()
            .unwrap();
        let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{kind}: {output}");
        assert!(output.contains("1 passed"), "{kind}: {output}");
        assert!(!output.contains("panicked"), "{kind}: {output}");
    }
}

/// Durations too large for the arithmetic on them were panics: they are refused, naming the option
/// and its range, whether set as options or in a connection string.
#[test]
fn huge_durations_are_refused_with_their_range() {
    let _serial = serial();
    for option in ["ping_interval", "idle_timeout", "max_lifetime"] {
        for value in ["1e300", "1e20", "99999999999999999999999", "-1e300x", "1e9999"] {
            assert_eq!(set_option(option, value), PCONN_INVALID_ARGUMENT, "{option}={value}");
            let message = text(pconn_errmsg(0));
            assert!(message.contains(option) && message.contains("1000000000"), "{option}={value}: {message}");
        }
    }
    assert_eq!(get_option("ping_interval"), "60");
    assert_eq!(get_option("idle_timeout"), "0");
    // The largest accepted value works end to end (the pool computes deadlines with it).
    assert_eq!(set_option("max_lifetime", "1000000000"), PCONN_OK);
    assert_eq!(set_option("idle_timeout", "1000000000"), PCONN_OK);
    let target = Target::sqlite("huge-durations");
    let link = must(pconnect(&target.with("PconnPingInterval=1000000000")), "pconnect");
    assert_eq!(must(query(link, "SELECT 1"), "query"), "1");
    end_request();
    must(pconnect(&target.with("PconnPingInterval=1000000000")), "pconnect again");
    end_request();
    for value in ["1e300", "1e20", "99999999999999999999999"] {
        let failure = pconnect(&target.with(&format!("PconnPingInterval={value}"))).expect_err(value);
        assert_eq!(failure.status, PCONN_INVALID_ARGUMENT, "{value}: {failure:?}");
        assert!(failure.message.contains("ping_interval"), "{failure:?}");
    }
    assert_eq!(set_option("max_lifetime", "0"), PCONN_OK);
    assert_eq!(set_option("idle_timeout", "0"), PCONN_OK);
    pconn_close_all();
}

#[test]
fn statistics_list_keys_without_secrets() {
    let _serial = serial();
    let pg = common::pg::pg();
    let target = Target::pg("PconnPingInterval=30");
    let link = must(pconnect(&target), "pconnect");
    let json = stats();
    assert_eq!(json.key("PCONNPINGINTERVAL=30"), (0, 1));
    assert!(!json.0.contains(&pg.password), "the password leaked into {}", json.0);
    assert!(json.0.contains(&format!("UID={}", pg.user)), "{}", json.0);
    assert_eq!(must(query(link, "SELECT 1"), "query"), "1");
    end_request();
    let json = stats();
    assert_eq!(json.key("PCONNPINGINTERVAL=30"), (1, 0));
    assert_eq!(json.get("pid"), u64::from(std::process::id()));
}


/// `pconn_php_worker`: what a PHP request reads about its worker in one call. The flags a binding
/// sets stay for the process; the cells and the fetch_batch option come with them; an unknown
/// flag gets no cells.
#[test]
fn php_worker_keeps_its_flags_and_reports_fetch_batch() {
    let _serial = serial();
    let settings_applied = pconn_php_worker_flags::PCONN_PHP_SETTINGS_APPLIED as u32;
    assert_eq!(set_option("fetch_batch", "250"), PCONN_OK);
    let cells = pconn_php_worker(settings_applied);
    assert!(!cells.is_null());
    // SAFETY: the calling thread's cells, read on that thread.
    let (flags, batch) = unsafe { ((*cells).worker_flags, (*cells).fetch_batch) };
    assert_eq!((flags & settings_applied, batch), (settings_applied, 250));
    // a later call that adds nothing still sees the flag, and the same cells
    assert_eq!(pconn_php_worker(0), cells);
    // SAFETY: as above.
    assert_eq!(unsafe { (*cells).worker_flags } & settings_applied, settings_applied);
    assert!(pconn_php_worker(1 << 7).is_null(), "an unknown flag gets no cells");
    assert_eq!(set_option("fetch_batch", "1000"), PCONN_OK);
}
