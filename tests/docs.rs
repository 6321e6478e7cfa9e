//! The committed API reference (docs/api.md) is what scripts/gen-api-doc makes of the committed
//! header, as the header is what build.rs makes of the source.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn committed_api_reference_matches_the_header() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("php")
        .arg(root.join("scripts/gen-api-doc"))
        .arg(root.join("include/pconn.h"))
        .output()
        .expect("php runs scripts/gen-api-doc (apt-get install php-cli)");
    assert!(output.status.success(), "gen-api-doc failed: {}", String::from_utf8_lossy(&output.stderr));
    let committed = std::fs::read_to_string(root.join("docs/api.md")).unwrap();
    assert!(
        committed.as_bytes() == output.stdout.as_slice(),
        "docs/api.md has drifted from include/pconn.h: run `make docs` and commit it"
    );
}

/// One version and one licence statement: Cargo.toml's, which composer.json, the licence texts
/// and the Debian copyright file repeat.
#[test]
fn manifests_agree_on_version_and_licence() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(env!("CARGO_PKG_LICENSE"), "MIT OR Apache-2.0");
    let composer = read("bindings/php/composer.json");
    assert!(composer.contains(&format!(r#""version": "{}""#, env!("CARGO_PKG_VERSION"))), "composer.json's version differs from Cargo.toml's");
    assert!(composer.contains(r#""license": ["MIT", "Apache-2.0"]"#), "composer.json's licence differs from Cargo.toml's");
    assert!(read("LICENSE-MIT").starts_with("MIT License"));
    assert!(read("LICENSE-APACHE").contains("Apache License\n                           Version 2.0"));
    assert!(read("packaging/debian/copyright").contains("License: MIT or Apache-2.0"));
}
