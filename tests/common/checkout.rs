//! Where the checkout and this test's build of the library are, and scratch directories and
//! commands for the tests that run the project's tools as a user would.

use std::path::{Path, PathBuf};
use std::process::Output;

/// The checkout (the crate's root).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>, where this test's build of the library is (tests run from
/// target/<profile>/deps/<name>-<hash>).
pub fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent().and_then(Path::parent).expect("target/<profile>").to_path_buf()
}

/// This test's build of the shared library.
pub fn shared_object() -> PathBuf {
    let so = build_dir().join("libpconn.so");
    assert!(so.exists(), "{} not built", so.display());
    so
}

/// A new empty directory under the system's temporary directory, named after `name`.
pub fn scratch(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("pconn-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The standard output of a command that must have succeeded; otherwise fails with both outputs.
pub fn succeeded(what: &str, output: Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{what} failed:\n{stdout}{}", String::from_utf8_lossy(&output.stderr));
    stdout
}
