//! The MariaDB client library beside MariaDB Connector/ODBC: every raw call `session/mysql.rs`
//! needs to reach the protocol's session reset, which the connector itself never sends (it answers
//! `SQL_ATTR_RESET_CONNECTION` with success and does nothing).
//!
//! The connector keeps a `MYSQL*` (libmariadb's connection) inside its own connection struct,
//! which `SQLGetInfo(SQL_DRIVER_HDBC)` returns. Its layout is private, so the pointer is found by
//! what it answers, not where it sits: the word of the struct whose `mysql_thread_id` equals the
//! session's `CONNECTION_ID()`. Memory is only read through a pipe (`MemoryReader`), which
//! reports an unreadable address as an error instead of faulting, and a candidate is only
//! handed to the client library once the bytes behind it could be read. The functions come from
//! the very library the driver loaded (looked up through the driver's own handle, which searches
//! its dependencies), and the thread-id match proves both at once: a connector with its own copy
//! of the client library, another layout or MySQL's connector simply finds nothing.

use crate::error::{Error, Result};
use odbc_api::handles::Connection;
use odbc_api::sys;
use std::ffi::{CStr, CString, c_char, c_int, c_ulong, c_void};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `SQL_DRIVER_HDBC` (sqlext.h): the driver's own connection handle. odbc-sys's `InfoType` has
/// no variant for it.
const SQL_DRIVER_HDBC: u16 = 3;

unsafe extern "C" {
    /// unixODBC's `SQLGetInfo`, declared with a plain integer info type (see [`SQL_DRIVER_HDBC`]).
    #[link_name = "SQLGetInfo"]
    #[allow(clashing_extern_declarations)]
    fn sql_get_info_raw(hdbc: sys::HDbc, info_type: u16, value: *mut c_void, buffer_len: i16, out_len: *mut i16) -> sys::SqlReturn;
}

type ResetFn = unsafe extern "C" fn(*mut c_void) -> c_int;
type ThreadIdFn = unsafe extern "C" fn(*mut c_void) -> c_ulong;
type SelectDbFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type ErrorFn = unsafe extern "C" fn(*mut c_void) -> *const c_char;

/// How far into the driver's connection struct the `MYSQL*` is looked for, in bytes.
const DRIVER_STRUCT_SCAN: usize = 4096;
/// Bytes that must be readable behind a candidate before `mysql_thread_id` may look at it (the
/// thread id sits well inside libmariadb's `MYSQL`).
const CLIENT_STRUCT_MIN: usize = 1024;

/// Where the `MYSQL*` was last found in the driver's struct: tried first on the next link.
static LAST_OFFSET: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The driver's client-library connection of one link, checked to be that link's session. Valid
/// while the link's ODBC connection is: the session keeps both and drops this first.
#[derive(Debug, Clone, Copy)]
pub struct ClientConnection {
    mysql: usize,
    reset: ResetFn,
    select_db: SelectDbFn,
    error: ErrorFn,
}

/// Finds the `MYSQL*` of the driver behind `conn` whose thread id is `connection_id`, or `None`.
pub fn find(conn: &Connection<'_>, connection_id: u64) -> Option<ClientConnection> {
    let library = DriverLibrary::of(conn)?;
    let reset: ResetFn = library.symbol(c"mysql_reset_connection")?;
    let thread_id: ThreadIdFn = library.symbol(c"mysql_thread_id")?;
    let select_db: SelectDbFn = library.symbol(c"mysql_select_db")?;
    let error: ErrorFn = library.symbol(c"mysql_error")?;
    let driver_struct = driver_hdbc(conn)?;
    let memory = MemoryReader::new()?;
    let words = memory.read(driver_struct, DRIVER_STRUCT_SCAN);
    let word_size = std::mem::size_of::<usize>();
    let candidate = |offset: usize| -> Option<usize> {
        let bytes = words.get(offset..offset + word_size)?;
        let pointer = usize::from_ne_bytes(bytes.try_into().ok()?);
        if pointer == 0 || pointer % word_size != 0 || memory.read(pointer, CLIENT_STRUCT_MIN).len() < CLIENT_STRUCT_MIN {
            return None;
        }
        // SAFETY: `pointer` is readable for CLIENT_STRUCT_MIN bytes, and mysql_thread_id only
        // reads a field of the struct it is given.
        let id = unsafe { thread_id(pointer as *mut c_void) };
        // c_ulong is 32 bits wide on some targets.
        #[allow(clippy::useless_conversion)]
        let id = u64::from(id);
        (id == connection_id).then_some(pointer)
    };
    let last = LAST_OFFSET.load(Ordering::Relaxed);
    let (offset, mysql) = std::iter::once(last)
        .chain((0..words.len()).step_by(word_size))
        .find_map(|offset| candidate(offset).map(|mysql| (offset, mysql)))?;
    LAST_OFFSET.store(offset, Ordering::Relaxed);
    Some(ClientConnection { mysql, reset, select_db, error })
}

impl ClientConnection {
    /// `mysql_reset_connection`: the protocol's `COM_RESET_CONNECTION`, one round trip.
    pub fn reset(&self) -> Result<()> {
        // SAFETY: `mysql` is the live connection of the link (see the type's contract).
        let failed = unsafe { (self.reset)(self.mysql as *mut c_void) } != 0;
        self.outcome(failed, "mysql_reset_connection")
    }

    /// `mysql_select_db`: makes `database` current (`COM_INIT_DB`), which a reset keeps.
    pub fn select_db(&self, database: &str) -> Result<()> {
        let name = CString::new(database).map_err(|_| Error::InvalidArgument("database name contains a NUL".into()))?;
        // SAFETY: as in `reset`; the name outlives the call.
        let failed = unsafe { (self.select_db)(self.mysql as *mut c_void, name.as_ptr()) } != 0;
        self.outcome(failed, "mysql_select_db")
    }

    fn outcome(&self, failed: bool, function: &str) -> Result<()> {
        if !failed {
            return Ok(());
        }
        // SAFETY: mysql_error returns the connection's NUL-terminated message ("" when none).
        let message = unsafe { CStr::from_ptr((self.error)(self.mysql as *mut c_void)) }.to_string_lossy().into_owned();
        Err(Error::WrongState(format!("{function} failed: {message}")))
    }
}

/// `SQLGetInfo(SQL_DRIVER_HDBC)`: the driver's connection struct.
fn driver_hdbc(conn: &Connection<'_>) -> Option<usize> {
    let mut value: usize = 0;
    // SAFETY: the info type returns a pointer-sized handle, written into `value`.
    let ret = unsafe {
        sql_get_info_raw(conn.as_sys(), SQL_DRIVER_HDBC, (&mut value as *mut usize).cast(), std::mem::size_of::<usize>() as i16, std::ptr::null_mut())
    };
    matches!(ret, sys::SqlReturn::SUCCESS | sys::SqlReturn::SUCCESS_WITH_INFO).then_some(value).filter(|&v| v != 0)
}

/// Reads this process's memory without ever faulting: the bytes go through a pipe, and the
/// kernel answers `EFAULT` for an address that is not readable instead of raising SIGSEGV.
/// (`process_vm_readv` would do the same in one call, but container seccomp profiles commonly
/// forbid it.)
struct MemoryReader {
    read_end: OwnedFd,
    write_end: OwnedFd,
}

impl MemoryReader {
    fn new() -> Option<MemoryReader> {
        let mut fds = [0 as c_int; 2];
        // SAFETY: pipe2 fills the two descriptors, which are then owned here.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return None;
        }
        // SAFETY: fresh descriptors from pipe2, owned by nothing else.
        Some(unsafe { MemoryReader { read_end: OwnedFd::from_raw_fd(fds[0]), write_end: OwnedFd::from_raw_fd(fds[1]) } })
    }

    /// Up to `len` bytes (at most a pipe buffer's worth) at `address`; fewer or none where the
    /// memory is not readable.
    fn read(&self, address: usize, len: usize) -> Vec<u8> {
        let len = len.min(PIPE_CHUNK);
        // SAFETY: the kernel copies from `address` itself and reports an unreadable one as EFAULT.
        let written = unsafe { libc::write(self.write_end.as_raw_fd(), address as *const c_void, len) };
        let Ok(written) = usize::try_from(written) else { return Vec::new() };
        let mut buf = vec![0u8; written];
        // SAFETY: reads back at most `written` bytes into `buf`, which has that length.
        let read = unsafe { libc::read(self.read_end.as_raw_fd(), buf.as_mut_ptr().cast(), written) };
        buf.truncate(usize::try_from(read).unwrap_or(0));
        buf
    }
}

/// Bytes read at once: a pipe holds at least one page before a write would block.
const PIPE_CHUNK: usize = 4096;

/// The driver's shared library, opened again without loading anything (it is loaded: the link's
/// connection uses it) and closed when dropped.
struct DriverLibrary(*mut c_void);

impl DriverLibrary {
    fn of(conn: &Connection<'_>) -> Option<DriverLibrary> {
        let mut name = [0u8; 512];
        let mut len: i16 = 0;
        // SAFETY: a text info type written into `name`, at most its length.
        let ret = unsafe {
            sys::SQLGetInfo(conn.as_sys(), sys::InfoType::DriverName, name.as_mut_ptr().cast(), name.len() as i16, &mut len)
        };
        if !matches!(ret, sys::SqlReturn::SUCCESS | sys::SqlReturn::SUCCESS_WITH_INFO) {
            return None;
        }
        let name = CStr::from_bytes_until_nul(&name).ok()?.to_str().ok()?.to_owned();
        std::iter::once(name.clone()).chain(loaded_paths_named(&name)).find_map(|path| {
            let path = CString::new(path).ok()?;
            // SAFETY: RTLD_NOLOAD only returns a handle to an object already loaded.
            let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD) };
            (!handle.is_null()).then_some(DriverLibrary(handle))
        })
    }

    /// A function of the driver or of the libraries it depends on.
    fn symbol<F: Copy>(&self, name: &CStr) -> Option<F> {
        // SAFETY: a handle from dlopen and a NUL-terminated name.
        let address = unsafe { libc::dlsym(self.0, name.as_ptr()) };
        if address.is_null() {
            return None;
        }
        debug_assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<*mut c_void>());
        // SAFETY: F is one of the function pointer types above, matching libmariadb's prototypes.
        Some(unsafe { std::mem::transmute_copy::<*mut c_void, F>(&address) })
    }
}

impl Drop for DriverLibrary {
    fn drop(&mut self) {
        // SAFETY: our own reference from dlopen; the driver stays loaded for its connections.
        unsafe { libc::dlclose(self.0) };
    }
}

/// Paths of the loaded objects whose file name is `name` (the driver's registered name may be a
/// bare file name that the loader knows only by its full path).
fn loaded_paths_named(name: &str) -> Vec<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let mut paths: Vec<String> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| path.rsplit('/').next() == Some(name))
        .map(str::to_owned)
        .collect();
    paths.dedup();
    paths
}
