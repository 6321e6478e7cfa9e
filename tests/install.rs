//! `make install` as a C user meets it: the files and links it puts under PREFIX (or DESTDIR), a
//! program built with `pkg-config` against them alone — shared and static — that runs, and
//! `make uninstall` taking it all away again. The program is examples/server.c, the threaded
//! example server, serving requests on SQLite; and the installed `pconn doctor` runs too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
mod common;

use common::checkout::{build_dir, root, scratch, succeeded};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `make <target>` in the checkout with these variables, on this test's build of the library.
fn make(target: &str, vars: &[(&str, &Path)]) {
    let mut cmd = Command::new("make");
    cmd.current_dir(root()).arg("--no-print-directory").arg(target);
    cmd.arg(format!("RELEASE_DIR={}", build_dir().display()));
    for (name, value) in vars {
        cmd.arg(format!("{name}={}", value.display()));
    }
    succeeded(&format!("make {target}"), cmd.output().expect("make runs"));
}

/// Runs a shell command line (for the `$(pkg-config ...)` a user types) with PKG_CONFIG_PATH set.
fn shell(line: &str, pkg_config_path: &Path) -> String {
    let output = Command::new("sh")
        .arg("-c")
        .arg(line)
        .env("PKG_CONFIG_PATH", pkg_config_path)
        .current_dir(root())
        .output()
        .expect("sh runs");
    succeeded(line, output)
}

fn readelf(args: &[&str], file: &Path) -> String {
    succeeded("readelf", Command::new("readelf").args(args).arg(file).output().expect("readelf runs"))
}

/// The example server, started; its port from the line it prints first.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(exe: &Path, db: &Path, threads: u32, library_path: Option<&Path>) -> Server {
        let mut cmd = Command::new(exe);
        cmd.arg(format!("Driver=SQLite3;Database={}", db.display()))
            .arg(threads.to_string())
            .env_remove("LD_LIBRARY_PATH")
            .stdout(Stdio::piped());
        if let Some(dir) = library_path {
            cmd.env("LD_LIBRARY_PATH", dir);
        }
        let mut child = cmd.spawn().expect("the example server starts");
        let mut first = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
        let port = first.trim().strip_prefix("listening on ").and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            panic!("the server did not say where it listens: {first:?}");
        };
        Server { child, port }
    }

    fn request(&self, page: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("the server accepts");
        stream.write_all(format!("{page}\n").as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.trim_end().to_owned()
    }

    /// Asks the server to quit; its last output line, the pool's statistics.
    fn quit(mut self) -> String {
        assert_eq!(self.request("quit"), "bye");
        let mut rest = String::new();
        self.child.stdout.take().unwrap().read_to_string(&mut rest).unwrap();
        assert!(self.child.wait().unwrap().success(), "the server failed at exit: {rest}");
        rest.lines().last().unwrap_or_default().to_owned()
    }
}

fn json_number(json: &str, name: &str) -> u64 {
    let at = json.find(&format!("\"{name}\":")).unwrap_or_else(|| panic!("no {name} in {json}"));
    let digits: String = json[at + name.len() + 3..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

/// Requests from several clients at once: each page counts its own visits, in order, with no
/// error; the pool opened no more links than the server has threads (plus the setup link).
fn serve_requests(server: Server, threads: u64) {
    let answers: Vec<String> = std::thread::scope(|s| {
        let clients: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|page| {
                let server = &server;
                s.spawn(move || (0..8).map(|_| server.request(page)).collect::<Vec<_>>())
            })
            .collect();
        clients.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    for page in ["a", "b", "c"] {
        let visits: Vec<u64> = answers
            .iter()
            .filter(|a| a.starts_with(&format!("{page} ")))
            .map(|a| a.split(' ').nth(1).unwrap().parse().unwrap())
            .collect();
        assert_eq!(visits, (1..=8).collect::<Vec<_>>(), "answers: {answers:?}");
    }
    let stats = server.quit();
    let opened = json_number(&stats, "opened");
    assert!(opened <= threads + 1, "{opened} links opened for {threads} threads: {stats}");
    assert!(json_number(&stats, "reused") >= 24 - threads, "links not reused: {stats}");
}

#[test]
fn a_program_built_with_pkg_config_against_the_installed_files_runs() {
    let dir = scratch("install-prefix");
    let prefix = dir.join("usr");
    make("install", &[("PREFIX", &prefix)]);
    let lib = prefix.join("lib");
    let version = env!("CARGO_PKG_VERSION");
    let major = version.split('.').next().unwrap();

    let real = lib.join(format!("libpconn.so.{version}"));
    assert_eq!(std::fs::read_link(lib.join(format!("libpconn.so.{major}"))).unwrap(), Path::new(&format!("libpconn.so.{version}")));
    assert_eq!(std::fs::read_link(lib.join("libpconn.so")).unwrap(), Path::new(&format!("libpconn.so.{major}")));
    assert!(readelf(&["-d"], &real).contains(&format!("Library soname: [libpconn.so.{major}]")));
    assert!(!readelf(&["-S"], &real).contains(".debug_info"), "the installed library is not stripped");
    assert!(prefix.join("include/pconn.h").is_file());
    let pc = lib.join("pkgconfig");
    assert_eq!(shell("pkg-config --modversion pconn", &pc).trim(), version);

    // Shared: found through LD_LIBRARY_PATH, as for any library outside the loader's path.
    let shared = dir.join("server");
    shell(&format!("cc -std=c11 -Wall -Wextra -Werror examples/server.c $(pkg-config --cflags --libs pconn) -pthread -o {}", shared.display()), &pc);
    assert!(readelf(&["-d"], &shared).contains(&format!("Shared library: [libpconn.so.{major}]")));
    serve_requests(Server::start(&shared, &dir.join("shared.db"), 3, Some(&lib)), 3);

    // Static: the archive named explicitly (GNU ld takes the .so when both are in the directory),
    // with what `pkg-config --static` adds for it.
    let fixed = dir.join("server-static");
    shell(
        &format!(
            "cc -std=c11 -Wall -Wextra -Werror examples/server.c $(pkg-config --cflags pconn) \
             $(pkg-config --static --libs pconn | sed 's/-lpconn\\b/-l:libpconn.a/') -pthread -o {}",
            fixed.display()
        ),
        &pc,
    );
    assert!(!readelf(&["-d"], &fixed).contains("libpconn"), "the static build needs libpconn.so");
    serve_requests(Server::start(&fixed, &dir.join("static.db"), 2, None), 2);

    // The tool, installed with the library: stripped, and it examines a database.
    let tool = prefix.join("bin/pconn");
    assert!(!readelf(&["-S"], &tool).contains(".debug_info"), "the installed pconn is not stripped");
    let conn = format!("Driver=SQLite3;Database={}", dir.join("doctor.db").display());
    let report = succeeded("pconn doctor", Command::new(&tool).args(["doctor", &conn, "--json"]).output().expect("pconn runs"));
    assert!(report.starts_with("{\"server\":\"SQLite "), "{report}");

    make("uninstall", &[("PREFIX", &prefix)]);
    assert!(!real.exists() && !lib.join("libpconn.a").exists() && !pc.join("pconn.pc").exists() && !tool.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn destdir_stages_the_files_for_a_package_with_the_final_paths_inside() {
    let dir = scratch("install-destdir");
    let stage = dir.join("stage");
    let vars: [(&str, &Path); 4] = [
        ("DESTDIR", &stage),
        ("PREFIX", Path::new("/opt/pconn")),
        ("LIBDIR", Path::new("/opt/pconn/lib64")),
        ("DEBUGDIR", Path::new("/opt/pconn/debug")),
    ];
    make("install-debug", &vars);
    let lib = stage.join("opt/pconn/lib64");
    let pc = std::fs::read_to_string(lib.join("pkgconfig/pconn.pc")).unwrap();
    assert!(pc.contains("libdir=/opt/pconn/lib64") && pc.contains("includedir=/opt/pconn/include"), "{pc}");
    assert!(pc.contains("Libs.private: -lodbc"), "{pc}");
    let real = lib.join(format!("libpconn.so.{}", env!("CARGO_PKG_VERSION")));
    assert!(readelf(&["-S"], &real).contains(".gnu_debuglink"), "the stripped library does not point at its debug info");
    let debug = stage.join(format!("opt/pconn/debug/libpconn.so.{}.debug", env!("CARGO_PKG_VERSION")));
    assert!(readelf(&["-S"], &debug).contains(".debug_info"), "no debug info in {}", debug.display());

    make("uninstall", &vars);
    let left: Vec<_> = walk(&stage).into_iter().filter(|p| !p.is_dir()).collect();
    assert!(left.is_empty(), "make uninstall left {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.is_symlink() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}
