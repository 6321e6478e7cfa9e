//! The PHP example page (examples/php/index.php) served by php-cgi with the system's PHP
//! configuration, on this build of the library, against SQLite. (examples/server.c is built and
//! run by tests/install.rs, against the installed files.)

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared_object() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let so = exe.parent().and_then(Path::parent).expect("target/<profile>").join("libpconn.so");
    assert!(so.exists(), "{} not built", so.display());
    so
}

/// One CGI request for the page: its body (after the headers).
fn request_page(db: &Path) -> String {
    let page = root().join("examples/php/index.php");
    let output = Command::new("php-cgi")
        // Debian's php-cgi keeps FFI to preloaded code (ffi.enable=preload); the page loads the
        // library per request instead.
        .args(["-d", "ffi.enable=true"])
        .env("PCONN_LIB", shared_object())
        .env("PCONN_EXAMPLE_DSN", format!("Driver=SQLite3;Database={}", db.display()))
        .env("REDIRECT_STATUS", "200")
        .env("REQUEST_METHOD", "GET")
        .env("SCRIPT_FILENAME", &page)
        .env("SCRIPT_NAME", "/index.php")
        .env_remove("PHP_INI_SCAN_DIR")
        .output()
        .expect("php-cgi runs (apt-get install php-cgi)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "php-cgi failed:\n{text}{}", String::from_utf8_lossy(&output.stderr));
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no CGI headers in {text:?}"));
    assert!(headers.contains("Content-Type: text/plain"), "{headers}");
    body.to_owned()
}

#[test]
fn the_php_example_page_counts_its_visits_and_leaves_nothing_uncommitted() {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let db = std::env::temp_dir().join(format!("pconn-example-{}-{nanos}.db", std::process::id()));
    let first = request_page(&db);
    assert!(first.starts_with("visit 1 "), "{first}");
    assert!(first.contains(&format!("loaded by: cdef:{}", shared_object().display())), "{first}");
    assert!(first.contains("links opened: 1, reused: 0"), "{first}");
    // The page leaves an uncommitted row behind: the second visit is the second, not the third.
    let second = request_page(&db);
    assert!(second.starts_with("visit 2 "), "{second}");
    let _ = std::fs::remove_file(&db);
}
