//! The PHP binding as a Composer user gets it, with the real `composer`, offline (Packagist
//! disabled): `composer require pconn/pconn` from a path repository (copied, not symlinked), and
//! from an artifact repository of the package's dist zip, which leaves out tests and benchmarks.
//! The copy, outside the checkout, finds the library through PCONN_LIB, or says to set it.

mod common;

use common::checkout::{root, scratch, shared_object, succeeded};
use std::path::{Path, PathBuf};
use std::process::Command;

fn composer(project: &Path, args: &[&str]) -> String {
    let home = scratch("composer-home");
    let output = Command::new("composer")
        .args(args)
        .args(["--no-interaction", "--no-ansi"])
        .current_dir(project)
        // its cache and settings, none of the user's (the checkout is a working dir here too)
        .env("COMPOSER_HOME", &home)
        .env("COMPOSER_ALLOW_SUPERUSER", "1")
        .output()
        .expect("composer runs (apt-get install composer)");
    let _ = std::fs::remove_dir_all(&home);
    succeeded(&format!("composer {args:?}"), output)
}

/// A project whose only package source is `repository`: `composer require pconn/pconn`, with the
/// stable constraint Composer picks from the package's version.
fn require_from(repository: &str) -> PathBuf {
    let project = scratch("composer-project");
    let manifest = format!(r#"{{"repositories": [{repository}, {{"packagist.org": false}}]}}"#);
    std::fs::write(project.join("composer.json"), manifest).unwrap();
    composer(&project, &["require", "pconn/pconn"]);
    let manifest = std::fs::read_to_string(project.join("composer.json")).unwrap();
    assert!(manifest.contains(r#""pconn/pconn": "^0.1"#), "no stable constraint: {manifest}");
    project
}

/// Runs PHP on the project's vendor/autoload.php: a query on SQLite, or the error's message.
fn run_app(project: &Path, pconn_lib: Option<&Path>) -> String {
    let app = r#"<?php
require 'vendor/autoload.php';
try {
    $db = Pconn\Connection::persistent('Driver=SQLite3;Database=' . __DIR__ . '/app.db');
    echo 'answer ', $db->fetchValue('SELECT 40 + 2');
} catch (Pconn\Exception $e) {
    echo 'error ', $e->getMessage();
}
"#;
    std::fs::write(project.join("app.php"), app).unwrap();
    let mut php = Command::new("php");
    // cargo puts the build directory on LD_LIBRARY_PATH for tests; a user's PHP has no such thing
    php.arg("app.php").current_dir(project).env_remove("PCONN_LIB").env_remove("LD_LIBRARY_PATH");
    if let Some(lib) = pconn_lib {
        php.env("PCONN_LIB", lib);
    }
    succeeded("php app.php", php.output().expect("php runs"))
}

#[test]
fn a_copied_path_install_finds_the_library_through_pconn_lib_or_names_it() {
    let source = root().join("bindings/php");
    let repository = format!(r#"{{"type": "path", "url": "{}", "options": {{"symlink": false}}}}"#, source.display());
    let project = require_from(&repository);
    let installed = project.join("vendor/pconn/pconn");
    assert!(installed.join("src/Library.php").is_file() && !installed.is_symlink(), "not a copy");

    assert_eq!(run_app(&project, Some(&shared_object())), "answer 42");
    // Without PCONN_LIB: the installed library where there is one, else an error that names it.
    let without = run_app(&project, None);
    let system_library = ["/usr/lib/x86_64-linux-gnu", "/usr/local/lib", "/usr/lib"]
        .iter()
        .any(|dir| Path::new(dir).join("libpconn.so.0").exists());
    if system_library {
        assert_eq!(without, "answer 42");
    } else {
        assert!(without.starts_with("error ") && without.contains("set PCONN_LIB"), "{without}");
        assert!(!without.contains("vendor/target"), "looked for a build in vendor/: {without}");
    }
    let _ = std::fs::remove_dir_all(&project);
}

#[test]
fn the_dist_archive_leaves_out_tests_and_benchmarks() {
    let artifacts = scratch("composer-artifacts");
    let source = root().join("bindings/php");
    composer(&source, &["archive", "--format=zip", &format!("--dir={}", artifacts.display())]);
    let repository = format!(r#"{{"type": "artifact", "url": "{}"}}"#, artifacts.display());
    let project = require_from(&repository);
    let installed = project.join("vendor/pconn/pconn");
    assert!(installed.join("src/Connection.php").is_file() && installed.join("autoload.php").is_file());
    for excluded in ["tests", "bench", "run-tests"] {
        assert!(!installed.join(excluded).exists(), "{excluded} was installed");
    }
    assert_eq!(run_app(&project, Some(&shared_object())), "answer 42");
    let _ = std::fs::remove_dir_all(&project);
    let _ = std::fs::remove_dir_all(&artifacts);
}
