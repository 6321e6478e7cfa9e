//! Generates the C header (and the preprocessor-free declarations PHP's FFI needs) from the Rust
//! source, and links the shared object so a host that dlcloses it cannot drop the process's links.

use std::env;
use std::path::PathBuf;

fn main() {
    // FFI hosts (PHP's FFI::cdef) dlclose the library at the end of every request; NODELETE keeps
    // it mapped, and with it the process's persistent links.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    // A versioned soname, so programs record libpconn.so.<major> and an incompatible release can be
    // installed beside this one (the Makefile installs the file and its links).
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("set by cargo");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpconn.so.{major}");
    link_soname_in_target_dir(&major);
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");

    let version = |name: &str| env::var(name).expect("set by cargo");
    let version_macros = format!(
        "#define PCONN_VERSION_MAJOR {}\n#define PCONN_VERSION_MINOR {}\n#define PCONN_VERSION_PATCH {}\n#define PCONN_VERSION \"{}\"",
        version("CARGO_PKG_VERSION_MAJOR"),
        version("CARGO_PKG_VERSION_MINOR"),
        version("CARGO_PKG_VERSION_PATCH"),
        version("CARGO_PKG_VERSION"),
    );
    let header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config.clone())
        .with_after_include(version_macros)
        .generate()
        .expect("the C header generates");
    header.write_to_file(out_dir.join("pconn.h"));

    // PHP's FFI::cdef cannot read preprocessor lines: the same declarations, plain.
    let mut plain = config;
    plain.include_guard = None;
    plain.cpp_compat = false;
    plain.sys_includes = vec![];
    plain.no_includes = true;
    plain.header = Some("/* pconn declarations for PHP FFI, generated from pconn.h's source. Do not edit. */".into());
    plain.autogen_warning = None;
    plain.documentation = false;
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(plain)
        .generate()
        .expect("the FFI declarations generate")
        .write_to_file(out_dir.join("pconn_ffi.h"));
}

/// Programs linked against target/<profile>/libpconn.so record its soname, libpconn.so.<major>, and
/// the loader looks for that name: a link beside the build output lets them run from the build
/// directory (the demo, the C tests) without an install. Made before the library is linked, so it
/// dangles until then.
fn link_soname_in_target_dir(major: &str) {
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    // OUT_DIR is target/<profile>/build/pconn-<hash>/out
    let Some(profile_dir) = out_dir.ancestors().nth(3) else { return };
    let link = profile_dir.join(format!("libpconn.so.{major}"));
    if std::fs::symlink_metadata(&link).is_err() {
        // A failure (a read-only or odd target dir) only costs running from the build directory.
        let _ = std::os::unix::fs::symlink("libpconn.so", &link);
    }
}
