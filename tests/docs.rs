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
