//! The C ABI calls the pool tests make, with Rust types: a failure carries the status and the
//! link's error, a target says where to connect.

use super::c_str::{cstr, text};
use super::pg::PgServer;
use pconn::ffi::*;
use std::ffi::c_char;

use pconn_status::*;

pub fn set_option(name: &str, value: &str) -> pconn_status {
    pconn_set_option(cstr(name).as_ptr(), cstr(value).as_ptr())
}

pub fn get_option(name: &str) -> String {
    let mut value = std::ptr::null();
    assert_eq!(pconn_get_option(cstr(name).as_ptr(), &mut value), PCONN_OK);
    text(value)
}

/// The last error message of `link` (0: of the calling thread).
pub fn errmsg(link: pconn_link) -> String {
    text(pconn_errmsg(link))
}

/// A call that must succeed; on failure the assertion shows `link`'s error (0: the thread's).
#[track_caller]
pub fn ok(status: pconn_status, link: pconn_link) {
    assert_eq!(status, PCONN_OK, "{}", errmsg(link));
}

#[derive(Debug)]
pub struct Failure {
    pub status: pconn_status,
    pub sqlstate: String,
    pub message: String,
}

impl Failure {
    pub fn of(link: pconn_link, status: pconn_status) -> Failure {
        Failure { status, sqlstate: text(pconn_sqlstate(link)), message: errmsg(link) }
    }
}

/// A database to connect to: connection string, user, password.
#[derive(Clone)]
pub struct Target {
    pub conn: String,
    pub user: String,
    pub password: String,
}

impl Target {
    /// The test PostgreSQL, with `extra` (e.g. pconn options: a key of its own) appended.
    pub fn pg(extra: &str) -> Target {
        Target::on(super::pg::pg(), extra)
    }

    /// `server`, with `extra` appended to its connection string.
    pub fn on(server: &PgServer, extra: &str) -> Target {
        Target { conn: format!("{};{extra}", server.conn_str), user: server.user.clone(), password: server.password.clone() }
    }

    /// An SQLite database of its own per `name`: a key of its own.
    pub fn sqlite(name: &str) -> Target {
        let path = std::env::temp_dir().join(format!("pconn-pool-{}-{name}.db", std::process::id()));
        Target { conn: format!("Driver=SQLite3;Database={}", path.display()), user: String::new(), password: String::new() }
    }

    pub fn with(&self, extra: &str) -> Target {
        Target { conn: format!("{};{extra}", self.conn), ..self.clone() }
    }
}

type ConnectFn = extern "C" fn(*const c_char, *const c_char, *const c_char, *mut pconn_link) -> pconn_status;

fn connect_with(f: ConnectFn, t: &Target) -> Result<pconn_link, Failure> {
    let (conn, user, password) = (cstr(&t.conn), cstr(&t.user), cstr(&t.password));
    let mut link = 0;
    let status = f(conn.as_ptr(), user.as_ptr(), password.as_ptr(), &mut link);
    if status == PCONN_OK {
        assert_ne!(link, 0);
        Ok(link)
    } else {
        assert_eq!(link, 0, "output written on failure");
        Err(Failure::of(0, status))
    }
}

pub fn pconnect(t: &Target) -> Result<pconn_link, Failure> {
    connect_with(pconn_pconnect, t)
}

pub fn new_connect(t: &Target) -> Result<pconn_link, Failure> {
    connect_with(pconn_new_connect, t)
}

pub fn must<T>(result: Result<T, Failure>, what: &str) -> T {
    result.unwrap_or_else(|f| panic!("{what}: {f:?}"))
}

/// The first column of the first row, as text.
pub fn query(link: pconn_link, sql: &str) -> Result<String, Failure> {
    let sql = cstr(sql);
    let mut result = 0;
    let status = pconn_exec(link, sql.as_ptr(), &mut result);
    if status != PCONN_OK {
        return Err(Failure::of(link, status));
    }
    let status = pconn_fetch(result);
    if status != PCONN_OK {
        let failure = Failure::of(link, status);
        pconn_result_free(result);
        return Err(failure);
    }
    let mut value = std::ptr::null();
    let status = pconn_result_text(result, 1, &mut value, std::ptr::null_mut(), std::ptr::null_mut());
    if status != PCONN_OK {
        return Err(Failure::of(link, status));
    }
    let value = text(value);
    assert_eq!(pconn_result_free(result), PCONN_OK);
    Ok(value)
}

/// Runs a statement that returns no rows.
pub fn run(link: pconn_link, sql: &str) -> Result<(), Failure> {
    let sql = cstr(sql);
    let mut result = 0;
    let status = pconn_exec(link, sql.as_ptr(), &mut result);
    if status != PCONN_OK {
        return Err(Failure::of(link, status));
    }
    assert_eq!(pconn_result_free(result), PCONN_OK);
    Ok(())
}

pub fn backend_pid(link: pconn_link) -> u32 {
    must(query(link, "SELECT pg_backend_pid()"), "backend pid").parse().unwrap()
}

/// Ends the request and waits until its links are back in the pool: their reset runs on pconn's
/// background thread, and the tests then act on idle links (the server ends their sessions, a
/// proxy cuts them).
pub fn end_request() {
    assert_eq!(pconn_request_end(), PCONN_OK);
    super::stats::wait_for_resets();
}
