//! The PHP example page (examples/php/index.php) served by php-cgi with the system's PHP
//! configuration, on this build of the library, against SQLite. (examples/server.c is built and
//! run by tests/install.rs, against the installed files.)

mod common;

use common::checkout::{root, shared_object};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One CGI request for the page, with these php.ini settings: whether PHP succeeded, and its
/// output (headers and body) followed by its error output.
fn cgi(db: &Path, ini: &[String]) -> (bool, String) {
    let page = root().join("examples/php/index.php");
    let mut php = Command::new("php-cgi");
    for setting in ini {
        php.arg("-d").arg(setting);
    }
    let output = php
        .env("PCONN_LIB", shared_object())
        .env("PCONN_EXAMPLE_DSN", format!("Driver=SQLite3;Database={}", db.display()))
        .env("REDIRECT_STATUS", "200")
        .env("REQUEST_METHOD", "GET")
        .env("SCRIPT_FILENAME", &page)
        .env("SCRIPT_NAME", "/index.php")
        .env_remove("PHP_INI_SCAN_DIR")
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .expect("php-cgi runs (apt-get install php-cgi)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// The page's body under php-cgi with these settings, which must succeed.
fn request_page(db: &Path, ini: &[String]) -> String {
    let (ok, text) = cgi(db, ini);
    assert!(ok, "php-cgi failed:\n{text}");
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no CGI headers in {text:?}"));
    assert!(headers.contains("Content-Type: text/plain"), "{headers}");
    body.to_owned()
}

fn temp_db(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    std::env::temp_dir().join(format!("pconn-example-{name}-{}-{nanos}.db", std::process::id()))
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn the_php_example_page_counts_its_visits_and_leaves_nothing_uncommitted() {
    let db = temp_db("visits");
    // Debian's php-cgi keeps FFI to preloaded code (ffi.enable=preload); here the page loads the
    // library per request instead.
    let cdef = ["ffi.enable=true".to_owned()];
    let first = request_page(&db, &cdef);
    assert!(first.starts_with("visit 1 "), "{first}");
    assert!(first.contains(&format!("loaded by: cdef:{}", shared_object().display())), "{first}");
    assert!(first.contains("links opened: 1, reused: 0"), "{first}");
    // The page leaves an uncommitted row behind: the second visit is the second, not the third.
    let second = request_page(&db, &cdef);
    assert!(second.starts_with("visit 2 "), "{second}");
    let _ = std::fs::remove_file(&db);
}

/// With FFI restricted (PHP's default) and nothing preloaded, the error says what to set; set as
/// it says, with a root master (php-cgi as root here), the page runs on the preloaded library.
/// Without ffi.preload PHP refuses to preload as root, which is why the advice includes it.
#[test]
fn the_restricted_ffi_error_gives_settings_that_work() {
    let db = temp_db("preload");
    let (ok, text) = cgi(&db, &[]);
    assert!(!ok, "the page ran with FFI restricted: {text}");
    for advice in ["ffi.enable=true", "tools/preload-header", "ffi.preload=", "opcache.preload=", "opcache.preload_user="] {
        assert!(text.contains(advice), "the error does not mention {advice}: {text}");
    }

    let header = std::env::temp_dir().join(format!("pconn-ffi-{}.h", std::process::id()));
    let status = Command::new("php")
        .arg(root().join("bindings/php/tools/preload-header"))
        .arg(&header)
        .env("PCONN_LIB", shared_object())
        .status()
        .expect("php runs");
    assert!(status.success());
    let preload = format!("opcache.preload={}", root().join("bindings/php/preload.php").display());
    let mut advised = vec![
        format!("ffi.preload={}", header.display()),
        "opcache.enable=1".to_owned(),
        preload.clone(),
        "opcache.preload_user=www-data".to_owned(),
    ];
    let body = request_page(&db, &advised);
    assert!(body.starts_with("visit 1 ") && body.contains("loaded by: scope"), "{body}");

    advised.remove(0);
    let (ok, text) = cgi(&db, &advised);
    if running_as_root() {
        assert!(!ok && text.contains("doesn't work in conjunction with \"opcache.preload_user\""), "{text}");
    } else {
        assert!(ok && text.contains("loaded by: scope"), "{text}");
    }
    let _ = std::fs::remove_file(&header);
    let _ = std::fs::remove_file(&db);
}
