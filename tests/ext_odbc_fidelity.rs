//! What the ext/odbc drop-in needs from the C API, on SQLite and PostgreSQL: values as the
//! driver's text, ODBC 2 column sizes, SQL and parameters as bytes, prepare-time errors through
//! `pconn_stmt_describe_param`, the catalog functions ext/odbc has, and the driver's info
//! messages at the call that got them.
//!
//! Each test runs on its own thread, so each has its own request.

mod common;

use common::c_str::cstr as c;
use common::calls::{errmsg, ok};
use pconn::ffi::*;
use std::ffi::{CStr, c_char, c_int};
use std::ptr::{null, null_mut};

use pconn_status::*;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

const BY_NAME: c_int = pconn_php_rows::PCONN_PHP_ROWS_BY_NAME as c_int;
const DRIVER_TEXT: c_int = pconn_php_rows::PCONN_PHP_ROWS_DRIVER_TEXT as c_int;

fn conn_str(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let db = std::env::temp_dir().join(format!("pconn-fidelity-{}-{nanos}.db", std::process::id()));
            format!("Driver=SQLite3;Database={}", db.display())
        }
        Backend::Postgres => common::pg::pg().conn_str_with_credentials(),
    }
}

/// Runs `test` on a thread of its own (its own request) with a fresh link, then ends the request.
fn on_link(backend: Backend, test: impl FnOnce(pconn_link) + Send) {
    let conn = conn_str(backend);
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut link = 0;
                ok(pconn_new_connect(c(&conn).as_ptr(), null(), null(), &mut link), 0);
                test(link);
                assert_eq!(pconn_request_end(), PCONN_OK);
            })
            .join()
            .unwrap()
    });
}

fn exec(link: pconn_link, sql: &str) -> pconn_result {
    let mut result = 0;
    ok(pconn_exec(link, c(sql).as_ptr(), &mut result), link);
    result
}

fn run(link: pconn_link, sql: &str) {
    ok(pconn_result_free(exec(link, sql)), link);
}

fn fetch(link: pconn_link, result: pconn_result) -> bool {
    match pconn_fetch(result) {
        PCONN_OK => true,
        PCONN_NO_DATA => false,
        other => panic!("fetch: {other:?}: {}", errmsg(link)),
    }
}

fn bytes(link: pconn_link, result: pconn_result, col: u16) -> Option<Vec<u8>> {
    let (mut data, mut len, mut is_null) = (null(), 0usize, 0 as c_int);
    ok(pconn_result_bytes(result, col, &mut data, &mut len, &mut is_null), link);
    (is_null == 0).then(|| unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }.to_vec())
}

fn text(link: pconn_link, result: pconn_result, col: u16) -> Option<String> {
    bytes(link, result, col).map(|value| String::from_utf8(value).unwrap())
}

/// The column names of a result, as the driver gives them.
fn column_names(link: pconn_link, result: pconn_result) -> Vec<String> {
    let mut count = 0u16;
    ok(pconn_result_columns(result, &mut count), link);
    (1..=count)
        .map(|col| {
            let mut name = null();
            ok(pconn_column_name(result, col, &mut name), link);
            unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
        })
        .collect()
}

/// One batch of `pconn_fetch_php_serialized` as text.
fn php_rows(link: pconn_link, result: pconn_result, flags: c_int) -> String {
    let (mut data, mut len, mut rows) = (null::<c_char>(), 0usize, 0u32);
    ok(pconn_fetch_php_serialized(result, 100, 0, flags, &mut data, &mut len, &mut rows), link);
    String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }).into_owned()
}

/// The info records of the last call on `link`.
fn info(link: pconn_link) -> Vec<(String, String)> {
    let mut count = 0u32;
    ok(pconn_info_count(link, &mut count), link);
    (0..count)
        .map(|index| {
            let (mut state, mut message) = (null(), null());
            ok(pconn_info_record(link, index, &mut state, &mut message), link);
            let read = |p: *const c_char| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
            (read(state), read(message))
        })
        .collect()
}

/// Item 6: with PCONN_PHP_ROWS_DRIVER_TEXT every non-binary value is the driver's text, doubles
/// too, in block and in single-row reading (a LOB column in the result); without it, doubles keep
/// pconn's exact form.
fn values_as_the_drivers_text(backend: Backend) {
    on_link(backend, |link| {
        let (block_sql, single_sql, pconn_form, driver_form) = match backend {
            Backend::Sqlite => (
                "SELECT 1.0 AS d, 'x' AS t",
                "SELECT 1.0 AS d, X'01ff' AS b",
                r#"s:1:"d";s:1:"1";"#,
                r#"s:1:"d";s:3:"1.0";"#,
            ),
            Backend::Postgres => (
                "SELECT 1e20::float8 AS d, 'Infinity'::float8 AS i, '1.50'::money AS m",
                "SELECT 1e20::float8 AS d, 'Infinity'::float8 AS i, '1.50'::money AS m, '\\x01ff'::bytea AS b",
                r#"s:1:"d";s:4:"1e20";s:1:"i";s:3:"inf";s:1:"m";s:3:"1.5";"#,
                r#"s:1:"d";s:5:"1e+20";s:1:"i";s:8:"Infinity";s:1:"m";s:5:"$1.50";"#,
            ),
        };
        let block = php_rows(link, exec(link, block_sql), BY_NAME | DRIVER_TEXT);
        assert!(block.contains(driver_form), "{backend:?} block reading: {block}");
        let single = php_rows(link, exec(link, single_sql), BY_NAME | DRIVER_TEXT);
        assert!(single.contains(driver_form), "{backend:?} single-row reading: {single}");
        assert!(single.contains("s:1:\"b\";s:2:\"\u{1}\u{fffd}\";"), "binary columns stay bytes: {single}");
        let exact = php_rows(link, exec(link, single_sql), BY_NAME);
        if backend == Backend::Sqlite {
            assert!(exact.contains(pconn_form), "without the flag, pconn's exact doubles: {exact}");
        } else {
            // psqlODBC's block reading gives the server's text either way; in single-row reading
            // pconn reads doubles as doubles.
            assert!(exact.contains(r#"s:1:"d";s:4:"1e20";"#), "without the flag, pconn's exact doubles: {exact}");
        }

        // The flag is fixed once a row of the result set was read; unknown bits are refused.
        let result = exec(link, &format!("{block_sql} UNION ALL {block_sql}"));
        let (mut data, mut len) = (null::<c_char>(), 0usize);
        ok(pconn_fetch_php_serialized(result, 1, 0, DRIVER_TEXT, &mut data, &mut len, null_mut()), link);
        assert_eq!(pconn_fetch_php_serialized(result, 1, 0, 0, &mut data, &mut len, null_mut()), PCONN_INVALID_ARGUMENT);
        assert!(errmsg(link).contains("flags changed within a result set"), "{}", errmsg(link));
        ok(pconn_fetch_php_serialized(result, 1, 0, DRIVER_TEXT, &mut data, &mut len, null_mut()), link);
        assert_eq!(pconn_fetch_php_serialized(result, 1, 0, 4, &mut data, &mut len, null_mut()), PCONN_INVALID_ARGUMENT);
    });
}

#[test]
fn values_as_the_drivers_text_sqlite() {
    values_as_the_drivers_text(Backend::Sqlite);
}

#[test]
fn values_as_the_drivers_text_postgres() {
    values_as_the_drivers_text(Backend::Postgres);
}

fn attribute(link: pconn_link, result: pconn_result, column: u16, field: u16) -> i64 {
    let mut value = -99i64;
    ok(pconn_column_attribute(result, column, field, &mut value), link);
    value
}

/// Item 11: SQLColAttribute's ODBC 2 SQL_COLUMN_PRECISION (4) and SQL_COLUMN_SCALE (5), the
/// sizes ext/odbc's odbc_field_len/precision/scale show (measured with php8.2-odbc).
fn column_sizes_as_ext_odbc_reports_them(backend: Backend) {
    on_link(backend, |link| {
        const PRECISION: u16 = 4;
        const SCALE: u16 = 5;
        let (sql, expected): (&str, &[(u16, i64)]) = match backend {
            Backend::Postgres => (
                "SELECT now() AS tz, now()::timestamp(3) AS ts, now()::time AS t, current_date AS d, 1::float4 AS f, 1::int4 AS i, 1::numeric(10,2) AS n",
                &[(1, 26), (2, 23), (3, 8), (4, 10), (5, 9), (6, 10), (7, 10)],
            ),
            Backend::Sqlite => {
                run(link, "CREATE TABLE sizes (t TEXT, b BLOB, r REAL)");
                ("SELECT t, b, r FROM sizes", &[(1, 0), (2, 0), (3, 15)])
            }
        };
        let result = exec(link, sql);
        for &(column, size) in expected {
            assert_eq!(attribute(link, result, column, PRECISION), size, "{backend:?} column {column}");
        }
        if backend == Backend::Postgres {
            assert_eq!(attribute(link, result, 7, SCALE), 2);
        }
        assert_eq!(attribute(link, result, 1, 6), {
            let mut display = 0;
            ok(pconn_column_display_size(result, 1, &mut display), link);
            display
        });
        // String-valued fields (SQL_DESC_TYPE_NAME 14, SQL_DESC_NAME 1011) and unknown ones are refused.
        for field in [14u16, 1011, 0, 9999] {
            assert_eq!(pconn_column_attribute(result, 1, field, &mut 0), PCONN_INVALID_ARGUMENT, "field {field}");
        }
        assert_eq!(pconn_column_attribute(result, 0, PRECISION, &mut 0), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_column_attribute(result, 1, PRECISION, null_mut()), PCONN_NULL_ARGUMENT);
        // After pconn_result_next too (a result with no more sets keeps failing cleanly).
        assert!(matches!(pconn_result_next(result), PCONN_NO_DATA | PCONN_OK));
    });
}

#[test]
fn column_sizes_as_ext_odbc_reports_them_sqlite() {
    column_sizes_as_ext_odbc_reports_them(Backend::Sqlite);
}

#[test]
fn column_sizes_as_ext_odbc_reports_them_postgres() {
    column_sizes_as_ext_odbc_reports_them(Backend::Postgres);
}

fn exec_bytes(link: pconn_link, sql: &[u8]) -> Result<pconn_result, pconn_status> {
    let mut result = 0;
    match pconn_exec_bytes(link, sql.as_ptr().cast(), sql.len(), &mut result) {
        PCONN_OK => Ok(result),
        status => Err(status),
    }
}

/// Item 13: SQL and parameters as bytes for Latin-1 applications, while the NUL-terminated
/// functions keep refusing what is not UTF-8.
fn sql_and_parameters_as_bytes(backend: Backend) {
    on_link(backend, |link| {
        let utf8 = exec_bytes(link, "SELECT 'café' AS v".as_bytes()).unwrap();
        assert!(fetch(link, utf8));
        assert_eq!(text(link, utf8, 1).as_deref(), Some("café"));

        let latin1 = b"SELECT 'caf\xe9' AS v";
        let mut result = 0;
        let as_c = [&latin1[..], b"\0"].concat();
        assert_eq!(pconn_exec(link, as_c.as_ptr().cast(), &mut result), PCONN_INVALID_UTF8);
        let mut stmt = 0;
        assert_eq!(pconn_prepare(link, as_c.as_ptr().cast(), &mut stmt), PCONN_INVALID_UTF8);
        assert_eq!(exec_bytes(link, b"SELECT 1\0 AS v"), Err(PCONN_INVALID_ARGUMENT));
        // What the library checks before sending SQL holds for bytes too: COPY through the client
        // is refused (Latin-1 bytes around it change nothing), whatever the backend.
        assert_eq!(exec_bytes(link, b"-- caf\xe9\nCOPY t FROM STDIN"), Err(PCONN_INVALID_ARGUMENT));
        let copy = b"COPY t TO STDOUT";
        assert_eq!(pconn_prepare_bytes(link, copy.as_ptr().cast(), copy.len(), &mut 0), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_exec_bytes(link, null(), 3, &mut result), PCONN_NULL_ARGUMENT);

        match backend {
            Backend::Sqlite => {
                // SQLite keeps the bytes as given: the Latin-1 text comes back as it went in.
                let result = exec_bytes(link, latin1).unwrap();
                assert!(fetch(link, result));
                assert_eq!(bytes(link, result, 1).unwrap(), b"caf\xe9");
            }
            Backend::Postgres => {
                // A UTF-8 database refuses the byte: a clean error from the server, not a crash.
                assert!(exec_bytes(link, latin1).is_err());
                assert!(!errmsg(link).is_empty());
            }
        }

        let sql = b"SELECT ? AS v";
        let mut stmt = 0;
        ok(pconn_prepare_bytes(link, sql.as_ptr().cast(), sql.len(), &mut stmt), link);
        let value: &[u8] = if backend == Backend::Sqlite { b"caf\xe9" } else { "café".as_bytes() };
        ok(pconn_stmt_bind_text_bytes(stmt, 1, value.as_ptr().cast(), value.len()), link);
        let mut result = 0;
        ok(pconn_stmt_execute(stmt, &mut result), link);
        assert!(fetch(link, result));
        assert_eq!(bytes(link, result, 1).unwrap(), value);
        let latin1_text = c"caf\xe9";
        assert_eq!(pconn_stmt_bind_text(stmt, 1, latin1_text.as_ptr()), PCONN_INVALID_UTF8);
        assert_eq!(pconn_stmt_bind_text_bytes(stmt, 2, value.as_ptr().cast(), value.len()), PCONN_INVALID_ARGUMENT);
        ok(pconn_stmt_bind_text_bytes(stmt, 1, null(), 0), link);
    });
}

#[test]
fn sql_and_parameters_as_bytes_sqlite() {
    sql_and_parameters_as_bytes(Backend::Sqlite);
}

#[test]
fn sql_and_parameters_as_bytes_postgres() {
    sql_and_parameters_as_bytes(Backend::Postgres);
}

/// Item 14: psqlODBC parses prepared SQL only when something needs it; describing a parameter
/// does, so invalid SQL fails there, before any execution, as with ext/odbc's odbc_prepare.
fn describe_param_finds_errors_at_prepare(backend: Backend) {
    on_link(backend, |link| {
        let mut stmt = 0;
        let sql = if backend == Backend::Postgres { "SELECT ?::int4 AS v" } else { "SELECT ? AS v" };
        ok(pconn_prepare(link, c(sql).as_ptr(), &mut stmt), link);
        let (mut sql_type, mut size, mut digits, mut nullable) = (0 as c_int, 0u64, 0i16, 0 as c_int);
        ok(pconn_stmt_describe_param(stmt, 1, &mut sql_type, &mut size, &mut digits, &mut nullable), link);
        if backend == Backend::Postgres {
            assert_eq!(sql_type, 4, "SQL_INTEGER");
        }
        ok(pconn_stmt_describe_param(stmt, 1, null_mut(), null_mut(), null_mut(), null_mut()), link);
        assert_eq!(pconn_stmt_describe_param(stmt, 2, &mut sql_type, null_mut(), null_mut(), null_mut()), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_stmt_describe_param(stmt, 0, &mut sql_type, null_mut(), null_mut(), null_mut()), PCONN_INVALID_ARGUMENT);

        let invalid = c("SELEC ? FROM");
        match backend {
            Backend::Postgres => {
                ok(pconn_prepare(link, invalid.as_ptr(), &mut stmt), link);
                let status = pconn_stmt_describe_param(stmt, 1, &mut sql_type, null_mut(), null_mut(), null_mut());
                assert_eq!(status, PCONN_ERROR, "invalid SQL fails when its parameter is described");
                assert!(!errmsg(link).is_empty());
            }
            Backend::Sqlite => {
                // SQLite's driver parses at prepare already.
                assert_eq!(pconn_prepare(link, c("SELECT ?::int").as_ptr(), &mut stmt), PCONN_ERROR);
            }
        }
    });
}

#[test]
fn describe_param_finds_errors_at_prepare_sqlite() {
    describe_param_finds_errors_at_prepare(Backend::Sqlite);
}

#[test]
fn describe_param_finds_errors_at_prepare_postgres() {
    describe_param_finds_errors_at_prepare(Backend::Postgres);
}

/// Reads every row of a catalog result: its column names and the values of column `col`. A
/// function the driver does not have (SQLite's several, psqlODBC's SQLColumnPrivileges) fails
/// cleanly with the driver manager's IM001, as with ext/odbc: then the names are empty.
fn listed(_backend: Backend, link: pconn_link, status: pconn_status, result: pconn_result, col: u16) -> (Vec<String>, Vec<Option<String>>) {
    let sqlstate = unsafe { CStr::from_ptr(pconn_sqlstate(link)) }.to_string_lossy().into_owned();
    if status == PCONN_ERROR && sqlstate == "IM001" {
        return (Vec::new(), Vec::new());
    }
    ok(status, link);
    let names = column_names(link, result);
    let mut values = Vec::new();
    while fetch(link, result) {
        values.push(text(link, result, col));
    }
    ok(pconn_result_free(result), link);
    (names, values)
}

/// Item 15: the eight catalog functions ext/odbc has beyond tables, columns and primary keys,
/// each an ordinary result with the driver's (ODBC 3) column names.
fn catalog_functions(backend: Backend) {
    on_link(backend, |link| {
        run(link, "DROP TABLE IF EXISTS cat_child");
        run(link, "DROP TABLE IF EXISTS cat_parent");
        run(link, "CREATE TABLE cat_parent (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20))");
        run(link, "CREATE TABLE cat_child (id INTEGER NOT NULL PRIMARY KEY, parent_id INTEGER REFERENCES cat_parent (id))");
        run(link, "CREATE INDEX cat_child_parent ON cat_child (parent_id)");
        let (parent, child) = (c("cat_parent"), c("cat_child"));
        let mut r = 0;

        let (names, types) = listed(backend, link, pconn_type_info(link, 0, &mut r), r, 1);
        assert_eq!(names[..3], ["TYPE_NAME", "DATA_TYPE", "COLUMN_SIZE"]);
        assert!(types.len() > 3, "{types:?}");
        let (_, integer) = listed(backend, link, pconn_type_info(link, 4, &mut r), r, 2);
        assert!(!integer.is_empty() && integer.iter().all(|t| t.as_deref() == Some("4")), "{integer:?}");

        let (names, keys) = listed(backend, link, pconn_foreign_keys(link, null(), null(), parent.as_ptr(), null(), null(), child.as_ptr(), &mut r), r, 8);
        if backend == Backend::Postgres || !names.is_empty() {
            assert_eq!(names[..8], ["PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME"]);
            assert_eq!(keys, [Some("parent_id".to_string())]);
        }

        let (names, rowid) = listed(backend, link, pconn_special_columns(link, 1, null(), null(), child.as_ptr(), 2, 1, &mut r), r, 2);
        if !names.is_empty() {
            assert_eq!(names[..3], ["SCOPE", "COLUMN_NAME", "DATA_TYPE"]);
        }
        assert!(rowid.len() <= 1, "{rowid:?}");

        let (names, indexes) = listed(backend, link, pconn_statistics(link, null(), null(), child.as_ptr(), 1, 0, &mut r), r, 6);
        if backend == Backend::Postgres || !names.is_empty() {
            assert_eq!(names[..6], ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE", "INDEX_QUALIFIER", "INDEX_NAME"]);
            assert!(indexes.contains(&Some("cat_child_parent".to_string())), "{indexes:?}");
        }

        let (names, _) = listed(backend, link, pconn_table_privileges(link, null(), null(), parent.as_ptr(), &mut r), r, 3);
        if backend == Backend::Postgres || !names.is_empty() {
            assert_eq!(names[..7], ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "GRANTOR", "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"]);
        }

        let column = c("name");
        let (names, _) = listed(backend, link, pconn_column_privileges(link, null(), null(), parent.as_ptr(), column.as_ptr(), &mut r), r, 4);
        if !names.is_empty() {
            assert_eq!(names[..4], ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME"]);
        }

        if backend == Backend::Postgres {
            run(link, "CREATE OR REPLACE FUNCTION cat_add(a integer, b integer) RETURNS integer AS 'SELECT a + b' LANGUAGE sql");
            let function = c("cat_add");
            let (names, procedures) = listed(backend, link, pconn_procedures(link, null(), null(), function.as_ptr(), &mut r), r, 3);
            // psqlODBC names these in lower case: the driver's names, as given.
            assert_eq!(names[..3], ["procedure_cat", "procedure_schem", "procedure_name"]);
            assert_eq!(procedures, [Some("cat_add".to_string())]);
            let (names, parameters) = listed(backend, link, pconn_procedure_columns(link, null(), null(), function.as_ptr(), null(), &mut r), r, 4);
            // The driver's own names, as given (psqlODBC's second one reads PROCEDUR_SCHEM).
            assert_eq!([&names[0], &names[2], &names[3]], ["PROCEDURE_CAT", "PROCEDURE_NAME", "COLUMN_NAME"]);
            assert!(parameters.contains(&Some("a".to_string())), "{parameters:?}");
        } else {
            // SQLite has no procedures: an empty list, or the driver's clean refusal.
            let status = pconn_procedures(link, null(), null(), null(), &mut r);
            assert!(matches!(status, PCONN_OK | PCONN_ERROR), "{status:?}");
            let status = pconn_procedure_columns(link, null(), null(), null(), null(), &mut r);
            assert!(matches!(status, PCONN_OK | PCONN_ERROR), "{status:?}");
        }

        // Bad input: integer arguments out of ODBC's range, overlong names, a NULL out pointer.
        assert_eq!(pconn_statistics(link, null(), null(), child.as_ptr(), -1, 0, &mut r), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_special_columns(link, 70000, null(), null(), child.as_ptr(), 2, 1, &mut r), PCONN_INVALID_ARGUMENT);
        let long = c(&"x".repeat(5000));
        assert_eq!(pconn_table_privileges(link, null(), null(), long.as_ptr(), &mut r), PCONN_TOO_LONG);
        assert_eq!(pconn_type_info(link, 0, null_mut()), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_type_info(0, 0, &mut r), PCONN_INVALID_HANDLE);
    });
}

#[test]
fn catalog_functions_sqlite() {
    catalog_functions(Backend::Sqlite);
}

#[test]
fn catalog_functions_postgres() {
    catalog_functions(Backend::Postgres);
}

/// Item 18: a driver's info message (PostgreSQL's NOTICE) is reported by the call that got it, and
/// only by it: the next call on the link drops it, and pconn's own statements never add any.
#[test]
fn info_messages_belong_to_the_call_that_got_them_postgres() {
    on_link(Backend::Postgres, |link| {
        assert_eq!(info(link), []);
        run(link, "DROP TABLE IF EXISTS no_such_table_here");
        // run() = exec + free: the free is a call of its own, which dropped the exec's message.
        assert_eq!(info(link), []);
        let result = exec(link, "DROP TABLE IF EXISTS no_such_table_here");
        let records = info(link);
        assert_eq!(records.len(), 1, "{records:?}");
        assert!(records[0].1.contains("does not exist, skipping"), "{records:?}");
        assert_eq!(records[0].0.len(), 5);
        assert_eq!(info(link), records, "reading them is not a call");
        ok(pconn_result_free(result), link);
        assert_eq!(info(link), []);

        let mut stmt = 0;
        ok(pconn_prepare(link, c("DROP TABLE IF EXISTS no_such_table_here").as_ptr(), &mut stmt), link);
        assert_eq!(info(link), []);
        let mut result = 0;
        ok(pconn_stmt_execute(stmt, &mut result), link);
        assert!(info(link)[0].1.contains("does not exist, skipping"));
        run(link, "SELECT 1");
        assert_eq!(info(link), []);

        let (mut state, mut message) = (null(), null());
        assert_eq!(pconn_info_record(link, 0, &mut state, &mut message), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_info_count(link, null_mut()), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_info_count(0, &mut 0), PCONN_INVALID_HANDLE);
    });
}

/// Request end drops the info of the request's last call: a persistent link handed out again has
/// none.
#[test]
fn info_messages_never_outlive_their_request_postgres() {
    let conn = conn_str(Backend::Postgres);
    for round in 0..2 {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let mut link = 0;
                    ok(pconn_pconnect(c(&conn).as_ptr(), null(), null(), &mut link), 0);
                    assert_eq!(info(link), [], "round {round}");
                    let _ = exec(link, "DROP TABLE IF EXISTS no_such_table_here");
                    assert_eq!(info(link).len(), 1);
                    assert_eq!(pconn_request_end(), PCONN_OK);
                })
                .join()
                .unwrap()
        });
    }
}

#[test]
fn no_info_messages_sqlite() {
    on_link(Backend::Sqlite, |link| {
        let _ = exec(link, "SELECT 1");
        assert_eq!(info(link), []);
    });
}

/// Which DBMS a link talks to, as its driver names it: the drop-in decides by it how ext/odbc's
/// ODBC 2 view of the driver looks (SQLite's driver shows every column as text there).
fn dbms_name(backend: Backend) {
    on_link(backend, |link| {
        let mut name = null();
        ok(pconn_dbms_name(link, &mut name), link);
        let name = unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned();
        assert_eq!(name, if backend == Backend::Sqlite { "SQLite" } else { "PostgreSQL" });
        assert_eq!(pconn_dbms_name(link, null_mut()), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_dbms_name(0, &mut null()), PCONN_INVALID_HANDLE);
    });
}

#[test]
fn dbms_name_sqlite() {
    dbms_name(Backend::Sqlite);
}

#[test]
fn dbms_name_postgres() {
    dbms_name(Backend::Postgres);
}

/// ext/odbc prepares with a static cursor (odbc.default_cursortype): psqlODBC answers the
/// execution of a statement without rows with 01S02 "cursor updatability changed", which the
/// drop-in warns as ext/odbc does. Set after SQLPrepare the driver manager would refuse the
/// attribute (HY011): `pconn_prepare_cursor` sets it before.
fn prepare_with_a_cursor_type(backend: Backend) {
    on_link(backend, |link| {
        run(link, "CREATE TEMPORARY TABLE cursor_t (a INTEGER)");
        let sql = b"INSERT INTO cursor_t VALUES (?)";
        let execute = |stmt: pconn_stmt| {
            ok(pconn_stmt_bind_text_bytes(stmt, 1, c"1".as_ptr(), 1), link);
            let mut result = 0;
            ok(pconn_stmt_execute(stmt, &mut result), link);
            info(link).into_iter().map(|(state, _)| state).collect::<Vec<_>>()
        };
        let (mut forward_only, mut static_) = (0, 0);
        ok(pconn_prepare_bytes(link, sql.as_ptr().cast(), sql.len(), &mut forward_only), link);
        assert_eq!(execute(forward_only), Vec::<String>::new());
        ok(pconn_prepare_cursor(link, sql.as_ptr().cast(), sql.len(), 3, &mut static_), link);
        let expected: &[&str] = if backend == Backend::Postgres { &["01S02"] } else { &[] };
        assert_eq!(execute(static_), expected);
        // a SELECT keeps its static cursor: no info
        let select = b"SELECT a FROM cursor_t WHERE a = ?";
        ok(pconn_prepare_cursor(link, select.as_ptr().cast(), select.len(), 3, &mut static_), link);
        assert_eq!(execute(static_), Vec::<String>::new());
        assert_eq!(pconn_prepare_cursor(link, null(), 3, 3, &mut static_), PCONN_NULL_ARGUMENT);
    });
}

#[test]
fn prepare_with_a_cursor_type_sqlite() {
    prepare_with_a_cursor_type(Backend::Sqlite);
}

#[test]
fn prepare_with_a_cursor_type_postgres() {
    prepare_with_a_cursor_type(Backend::Postgres);
}

/// Empty SQL reaches the driver, as ext/odbc's (SQL_NTS): the driver manager refuses a length
/// of 0 itself (HY090), which said nothing of what the driver does with it.
fn empty_sql_reaches_the_driver(backend: Backend) {
    on_link(backend, |link| {
        assert!(exec_bytes(link, b"").is_err());
        let state = unsafe { CStr::from_ptr(pconn_sqlstate(link)) }.to_string_lossy().into_owned();
        assert_ne!(state, "HY090", "{}", errmsg(link));
    });
}

#[test]
fn empty_sql_reaches_the_driver_sqlite() {
    empty_sql_reaches_the_driver(Backend::Sqlite);
}

#[test]
fn empty_sql_reaches_the_driver_postgres() {
    empty_sql_reaches_the_driver(Backend::Postgres);
}
