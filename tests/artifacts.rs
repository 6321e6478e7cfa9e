//! What a user of the built library relies on: the committed header matches the source, the
//! shared object exports the API, survives dlclose, and reports the version Cargo.toml says.

mod common;

use common::checkout::{root, shared_object};
use std::process::Command;

#[test]
fn committed_header_matches_the_source() {
    let committed = std::fs::read_to_string(root().join("include/pconn.h")).unwrap();
    assert!(
        committed == pconn::GENERATED_HEADER,
        "include/pconn.h has drifted from the Rust source: run `make header` and commit it"
    );
}

#[test]
fn committed_ffi_declarations_match_the_source() {
    let committed = std::fs::read_to_string(root().join("bindings/php/pconn_ffi.h")).unwrap();
    assert!(
        committed == pconn::GENERATED_FFI_DECLARATIONS,
        "bindings/php/pconn_ffi.h has drifted from the Rust source: run `make header` and commit it"
    );
    assert!(!committed.lines().any(|l| l.trim_start().starts_with('#')), "PHP's FFI cannot read preprocessor lines");
}

#[test]
fn shared_object_is_marked_nodelete() {
    let output = Command::new("readelf").arg("-d").arg(shared_object()).output().expect("readelf runs");
    let dynamic = String::from_utf8_lossy(&output.stdout);
    let flags = dynamic.lines().find(|l| l.contains("FLAGS_1")).unwrap_or_default();
    assert!(flags.contains("NODELETE"), "no NODELETE in FLAGS_1:\n{dynamic}");
}

#[test]
fn shared_object_exports_every_function_of_the_header() {
    let output = Command::new("nm").args(["-D", "--defined-only"]).arg(shared_object()).output().expect("nm runs");
    let symbols = String::from_utf8_lossy(&output.stdout);
    let exported: Vec<&str> = symbols.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    let header = std::fs::read_to_string(root().join("include/pconn.h")).unwrap();
    let declared: Vec<String> = header
        .match_indices("pconn_")
        .filter_map(|(at, _)| {
            let rest = &header[at..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            let preceded_by_ident = at > 0 && header.as_bytes()[at - 1].is_ascii_alphanumeric();
            (!preceded_by_ident && rest[end..].starts_with('(')).then(|| rest[..end].to_owned())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(declared.len() >= 20, "too few functions found in the header: {declared:?}");
    for name in &declared {
        assert!(exported.contains(&name.as_str()), "{name} is declared but not exported");
    }
    for name in exported.iter().filter(|s| s.starts_with("pconn_")) {
        assert!(declared.iter().any(|d| d == name), "{name} is exported but not in the header");
    }
}

#[test]
fn version_matches_cargo_toml() {
    let version = unsafe { std::ffi::CStr::from_ptr(pconn::ffi::pconn_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    let header = std::fs::read_to_string(root().join("include/pconn.h")).unwrap();
    assert!(header.contains(&format!("#define PCONN_VERSION \"{}\"", env!("CARGO_PKG_VERSION"))));
}

/// The PHP binding hands the `PCONN_*` settings PHP sees (Apache's `SetEnv`, php-fpm's `env[...]`)
/// to the library, from its own list of the library's options: the list must name every option,
/// each with its own variable, or a setting made for PHP would silently not reach the library.
#[test]
fn the_php_binding_passes_on_every_option_from_its_environment_variable() {
    let library = std::fs::read_to_string(root().join("bindings/php/src/Library.php")).unwrap();
    let start = library.find("ENV_OPTIONS = [").expect("Library.php lists ENV_OPTIONS");
    let list = &library[start..start + library[start..].find("];").unwrap()];
    for option in pconn::config::OPTIONS {
        let entry = format!("'{}' => 'PCONN_{}'", option.name, option.name.to_ascii_uppercase());
        assert!(list.contains(&entry), "Library.php's ENV_OPTIONS lacks {entry}");
    }
}
