//! Statements and results through the C ABI, on SQLite and PostgreSQL: parameter round trips,
//! re-execution, block fetch with long values, metadata, affected rows, more results, catalog
//! functions, attributes restored at request end, and every bad-input case.
//!
//! Each test runs on its own thread, so each has its own request.

mod common;

use common::c_str::cstr as c;
use common::calls::{errmsg, ok};
use common::capi::with_request;
use pconn::ffi::*;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr::{null, null_mut};

use pconn_status::*;

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

fn conn_str(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let db = std::env::temp_dir().join(format!("pconn-stmt-{}-{nanos}.db", std::process::id()));
            format!("Driver=SQLite3;Database={}", db.display())
        }
        Backend::Postgres => common::pg::pg().conn_str_with_credentials(),
    }
}

fn connect(conn: &str, persistent: bool) -> pconn_link {
    let mut link = 0;
    let conn = c(conn);
    let status = if persistent {
        pconn_pconnect(conn.as_ptr(), null(), null(), &mut link)
    } else {
        pconn_new_connect(conn.as_ptr(), null(), null(), &mut link)
    };
    ok(status, 0);
    link
}

fn exec(link: pconn_link, sql: &str) -> pconn_result {
    let mut result = 0;
    ok(pconn_exec(link, c(sql).as_ptr(), &mut result), link);
    result
}

fn run(link: pconn_link, sql: &str) {
    let result = exec(link, sql);
    ok(pconn_result_free(result), link);
}

fn prepare(link: pconn_link, sql: &str) -> pconn_stmt {
    let mut stmt = 0;
    ok(pconn_prepare(link, c(sql).as_ptr(), &mut stmt), link);
    stmt
}

fn execute(link: pconn_link, stmt: pconn_stmt) -> pconn_result {
    let mut result = 0;
    ok(pconn_stmt_execute(stmt, &mut result), link);
    result
}

fn bytes(link: pconn_link, result: pconn_result, col: u16) -> Option<Vec<u8>> {
    let (mut data, mut len, mut is_null) = (null::<c_void>(), 0usize, 0 as c_int);
    ok(pconn_result_bytes(result, col, &mut data, &mut len, &mut is_null), link);
    if is_null == 1 {
        assert!(data.is_null());
        return None;
    }
    Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }.to_vec())
}

fn text(link: pconn_link, result: pconn_result, col: u16) -> Option<String> {
    let (mut data, mut len, mut is_null) = (null::<c_char>(), 0usize, 0 as c_int);
    ok(pconn_result_text(result, col, &mut data, &mut len, &mut is_null), link);
    if is_null == 1 {
        return None;
    }
    let value = unsafe { CStr::from_ptr(data) }.to_bytes();
    assert_eq!(value.len(), len, "text is NUL-terminated right after its length");
    Some(String::from_utf8(value.to_vec()).unwrap())
}

fn int64(link: pconn_link, result: pconn_result, col: u16) -> Option<i64> {
    let (mut value, mut is_null) = (0i64, 0 as c_int);
    ok(pconn_result_int64(result, col, &mut value, &mut is_null), link);
    (is_null == 0).then_some(value)
}

fn double(link: pconn_link, result: pconn_result, col: u16) -> Option<f64> {
    let (mut value, mut is_null) = (0f64, 0 as c_int);
    ok(pconn_result_double(result, col, &mut value, &mut is_null), link);
    (is_null == 0).then_some(value)
}

fn fetch(link: pconn_link, result: pconn_result) -> bool {
    match pconn_fetch(result) {
        PCONN_OK => true,
        PCONN_NO_DATA => false,
        other => panic!("fetch: {other:?}: {}", errmsg(link)),
    }
}

fn types(backend: Backend) -> (&'static str, &'static str, &'static str) {
    match backend {
        Backend::Sqlite => ("TEXT", "DOUBLE", "BLOB"),
        Backend::Postgres => ("TEXT", "DOUBLE PRECISION", "BYTEA"),
    }
}

fn parameter_round_trips(backend: Backend) {
    let conn = conn_str(backend);
    with_request(|| {
        let link = connect(&conn, false);
        let (text_type, double_type, blob_type) = types(backend);
        run(link, "DROP TABLE IF EXISTS rt");
        run(link, &format!("CREATE TABLE rt (id INTEGER, t {text_type}, i BIGINT, d {double_type}, b {blob_type})"));
        let insert = prepare(link, "INSERT INTO rt (id, t, i, d, b) VALUES (?, ?, ?, ?, ?)");
        let mut count = 0u16;
        ok(pconn_stmt_param_count(insert, &mut count), link);
        assert_eq!(count, 5);

        let mib_text: String = "0123456789abcdef".repeat(65536);
        let mib_binary: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        let with_nul = b"a\0b\xff".to_vec();
        // id, then text, integer, double and binary values (None: NULL).
        type Case<'a> = (i64, Option<&'a str>, Option<i64>, Option<f64>, Option<&'a [u8]>);
        let cases: Vec<Case> = vec![
            (1, Some("plain"), Some(42), Some(1.5), Some(b"\x00\x01\x02")),
            (2, None, None, None, None),
            (3, Some(""), Some(i64::MIN), Some(-0.25), Some(b"")),
            (4, Some("grüße, €, 😀, 日本"), Some(i64::MAX), Some(1e300), Some(&with_nul)),
            (5, Some(&mib_text), Some(0), Some(std::f64::consts::PI), Some(&mib_binary)),
        ];
        for (id, t, i, d, b) in &cases {
            ok(pconn_stmt_bind_int64(insert, 1, *id), link);
            match t {
                Some(t) => ok(pconn_stmt_bind_text(insert, 2, c(t).as_ptr()), link),
                None => ok(pconn_stmt_bind_null(insert, 2), link),
            }
            match i {
                Some(i) => ok(pconn_stmt_bind_int64(insert, 3, *i), link),
                None => ok(pconn_stmt_bind_null(insert, 3), link),
            }
            match d {
                Some(d) => ok(pconn_stmt_bind_double(insert, 4, *d), link),
                None => ok(pconn_stmt_bind_null(insert, 4), link),
            }
            match b {
                Some(b) => ok(pconn_stmt_bind_binary(insert, 5, b.as_ptr().cast(), b.len()), link),
                None => ok(pconn_stmt_bind_null(insert, 5), link),
            }
            let result = execute(link, insert);
            let mut affected = 0i64;
            ok(pconn_result_affected_rows(result, &mut affected), link);
            assert_eq!(affected, 1);
        }
        ok(pconn_stmt_free(insert), link);

        let select = prepare(link, "SELECT t, i, d, b FROM rt WHERE id = ?");
        for (id, t, i, d, b) in &cases {
            ok(pconn_stmt_bind_int64(select, 1, *id), link);
            let result = execute(link, select);
            assert!(fetch(link, result), "row {id}");
            assert_eq!(text(link, result, 1).as_deref(), *t, "text of row {id}");
            assert_eq!(int64(link, result, 2), *i, "int of row {id}");
            match (double(link, result, 3), d) {
                // SQLite's driver turns every value into text with 15 significant digits before
                // converting it, so its doubles come back rounded to that.
                (Some(got), Some(want)) if backend == Backend::Sqlite => {
                    assert!((got - want).abs() <= want.abs() * 1e-14, "double of row {id}: {got} vs {want}")
                }
                (got, want) => assert_eq!(got, *want, "double of row {id}"),
            }
            assert_eq!(bytes(link, result, 4).as_deref(), *b, "binary of row {id}");
            assert!(!fetch(link, result));
        }
        ok(pconn_stmt_free(select), link);

        // Parameters in a WHERE clause, compared with the column's own type.
        let by_text = prepare(link, "SELECT id FROM rt WHERE t = ?");
        ok(pconn_stmt_bind_text(by_text, 1, c("grüße, €, 😀, 日本").as_ptr()), link);
        let result = execute(link, by_text);
        assert!(fetch(link, result));
        assert_eq!(int64(link, result, 1), Some(4));
        ok(pconn_stmt_free(by_text), link);
    });
}

#[test]
fn parameter_round_trips_sqlite() {
    parameter_round_trips(Backend::Sqlite);
}

#[test]
fn parameter_round_trips_postgres() {
    parameter_round_trips(Backend::Postgres);
}

fn re_execution(backend: Backend) {
    let conn = conn_str(backend);
    with_request(|| {
        let link = connect(&conn, false);
        run(link, "DROP TABLE IF EXISTS re");
        run(link, "CREATE TABLE re (n INTEGER)");
        let insert = prepare(link, "INSERT INTO re (n) VALUES (?)");
        for n in 1..=10 {
            ok(pconn_stmt_bind_int64(insert, 1, n), link);
            let result = execute(link, insert);
            // The previous execution's result is gone once the statement runs again.
            if n > 1 {
                let mut affected = 0;
                ok(pconn_result_affected_rows(result, &mut affected), link);
            }
        }
        let first = execute(link, insert); // same value again: re-execute without rebinding
        let second = execute(link, insert);
        let mut affected = 0;
        assert_eq!(pconn_result_affected_rows(first, &mut affected), PCONN_INVALID_HANDLE);
        ok(pconn_result_affected_rows(second, &mut affected), link);
        assert_eq!(affected, 1);

        let sum = prepare(link, "SELECT SUM(n), COUNT(*) FROM re WHERE n >= ?");
        ok(pconn_stmt_bind_int64(sum, 1, 0), link);
        let result = execute(link, sum);
        assert!(fetch(link, result));
        assert_eq!(int64(link, result, 1), Some(55 + 20));
        assert_eq!(int64(link, result, 2), Some(12));
        ok(pconn_stmt_bind_int64(sum, 1, 10), link);
        let result = execute(link, sum);
        assert!(fetch(link, result));
        assert_eq!(int64(link, result, 2), Some(3));

        // Affected rows of UPDATE and DELETE, including none.
        let update = exec(link, "UPDATE re SET n = n + 100 WHERE n <= 3");
        let mut affected = 0;
        ok(pconn_result_affected_rows(update, &mut affected), link);
        assert_eq!(affected, 3);
        let delete = exec(link, "DELETE FROM re WHERE n < 0");
        ok(pconn_result_affected_rows(delete, &mut affected), link);
        assert_eq!(affected, 0);
    });
}

#[test]
fn re_execution_and_affected_rows_sqlite() {
    re_execution(Backend::Sqlite);
}

#[test]
fn re_execution_and_affected_rows_postgres() {
    re_execution(Backend::Postgres);
}

fn many_rows_with_long_values(backend: Backend) {
    let conn = conn_str(backend);
    with_request(|| {
        let link = connect(&conn, false);
        run(link, "DROP TABLE IF EXISTS big");
        run(link, "CREATE TABLE big (n INTEGER, t TEXT, d DOUBLE PRECISION, o TEXT)");
        let insert = prepare(link, "INSERT INTO big VALUES (?, ?, ?, ?)");
        run(link, "BEGIN");
        for n in 0..2500i64 {
            ok(pconn_stmt_bind_int64(insert, 1, n), link);
            // Every 97th value is far longer than any fetch buffer.
            let long = if n % 97 == 0 { "x".repeat(5000 + n as usize) } else { format!("row {n}") };
            ok(pconn_stmt_bind_text(insert, 2, c(&long).as_ptr()), link);
            ok(pconn_stmt_bind_double(insert, 3, n as f64 / 4.0), link);
            if n % 3 == 0 {
                ok(pconn_stmt_bind_null(insert, 4), link);
            } else {
                ok(pconn_stmt_bind_text(insert, 4, c("ü").as_ptr()), link);
            }
            execute(link, insert);
        }
        run(link, "COMMIT");
        for batch in ["1000", "7", "1"] {
            ok(pconn_set_option(c("fetch_batch").as_ptr(), c(batch).as_ptr()), 0);
            let result = exec(link, "SELECT n, t, d, o FROM big ORDER BY n");
            let mut n = 0i64;
            while fetch(link, result) {
                assert_eq!(int64(link, result, 1), Some(n));
                let expected = if n % 97 == 0 { "x".repeat(5000 + n as usize) } else { format!("row {n}") };
                assert_eq!(text(link, result, 2).unwrap(), expected, "row {n}, batch {batch}");
                assert_eq!(double(link, result, 3), Some(n as f64 / 4.0));
                assert_eq!(text(link, result, 4), if n % 3 == 0 { None } else { Some("ü".into()) });
                n += 1;
            }
            assert_eq!(n, 2500, "batch {batch}");
            ok(pconn_result_free(result), link);
        }
        ok(pconn_set_option(c("fetch_batch").as_ptr(), c("1000").as_ptr()), 0);
    });
}

#[test]
fn many_rows_with_long_values_sqlite() {
    many_rows_with_long_values(Backend::Sqlite);
}

#[test]
fn many_rows_with_long_values_postgres() {
    many_rows_with_long_values(Backend::Postgres);
}

/// Reads the next row with `pconn_fetch_row`; `None` after the last.
fn fetch_row(link: pconn_link, result: pconn_result, count: u16) -> Option<Vec<pconn_value>> {
    let empty = pconn_value { text: null(), len: 0, int64: -1, number: -1.0, is_null: -1, kind: pconn_value_kind::PCONN_VALUE_TEXT };
    let mut row = vec![empty; count as usize];
    match pconn_fetch_row(result, row.as_mut_ptr(), count) {
        PCONN_OK => Some(row),
        PCONN_NO_DATA => None,
        other => panic!("fetch_row: {other:?}: {}", errmsg(link)),
    }
}

fn value_bytes(value: &pconn_value) -> Option<Vec<u8>> {
    if value.is_null != 0 {
        assert!(value.text.is_null() && value.len == 0);
        return None;
    }
    let bytes = unsafe { std::slice::from_raw_parts(value.text.cast::<u8>(), value.len + 1) };
    assert_eq!(bytes[value.len], 0, "NUL after the value");
    Some(bytes[..value.len].to_vec())
}

/// Whole-row reads give what the per-value getters give, with typed values, exact doubles, long
/// values whole, for every fetch batch size; the PHP-serialized batch matches too.
fn whole_row_reads(backend: Backend) {
    let conn = conn_str(backend);
    let (text_type, double_type, blob_type) = types(backend);
    with_request(|| {
        let link = connect(&conn, false);
        run(link, "DROP TABLE IF EXISTS wide");
        run(link, &format!("CREATE TABLE wide (n BIGINT, t {text_type}, d {double_type}, b {blob_type})"));
        let insert = prepare(link, "INSERT INTO wide VALUES (?, ?, ?, ?)");
        // SQLite's driver passes double parameters through 15-digit text, so only values that
        // survive that come back exact there (a known limit of that driver), and SQLite keeps no -0.
        let doubles = match backend {
            Backend::Postgres => [0.1 + 0.2, -2.2250738585072014e-308, 1e300, 0.5, -0.0, 123_456_789.123_456_79],
            Backend::Sqlite => [0.25, -2.5e-308, 1e300, 0.5, -3.0, 123456789.125],
        };
        for n in 0..300i64 {
            ok(pconn_stmt_bind_int64(insert, 1, if n == 0 { i64::MIN } else { n * 1_000_000_007 }), link);
            let long = if n % 50 == 0 { "ü".repeat(3000 + n as usize) } else { format!("row {n}") };
            ok(pconn_stmt_bind_text(insert, 2, c(&long).as_ptr()), link);
            if n % 7 == 3 {
                ok(pconn_stmt_bind_null(insert, 3), link);
            } else {
                ok(pconn_stmt_bind_double(insert, 3, doubles[n as usize % doubles.len()]), link);
            }
            let blob: Vec<u8> = (0..(n % 5) as u8).chain([0, 255]).collect();
            ok(pconn_stmt_bind_binary(insert, 4, blob.as_ptr().cast(), blob.len()), link);
            execute(link, insert);
        }
        for batch in ["1000", "3"] {
            ok(pconn_set_option(c("fetch_batch").as_ptr(), c(batch).as_ptr()), 0);
            let result = exec(link, "SELECT n, t, d, b FROM wide ORDER BY t, n");
            let check = exec(link, "SELECT n, t, d, b FROM wide ORDER BY t, n");
            let mut rows = 0;
            while let Some(row) = fetch_row(link, result, 4) {
                assert!(fetch(link, check));
                assert_eq!(row[0].kind, pconn_value_kind::PCONN_VALUE_INTEGER);
                assert_eq!(Some(row[0].int64), int64(link, check, 1));
                assert_eq!(row[0].number, row[0].int64 as f64);
                assert_eq!(row[1].kind, pconn_value_kind::PCONN_VALUE_TEXT);
                assert_eq!(value_bytes(&row[1]), bytes(link, check, 2), "batch {batch}");
                assert_eq!(row[2].kind, pconn_value_kind::PCONN_VALUE_DOUBLE);
                match double(link, check, 3) {
                    Some(d) => {
                        assert_eq!(row[2].number.to_bits(), d.to_bits(), "exact double {d}");
                        assert!(doubles.iter().any(|x| x.to_bits() == d.to_bits()), "{d} came back exact");
                        let text = String::from_utf8(value_bytes(&row[2]).unwrap()).unwrap();
                        assert_eq!(text.parse::<f64>().unwrap().to_bits(), d.to_bits(), "text {text} is exact");
                    }
                    None => assert_eq!(row[2].is_null, 1),
                }
                assert_eq!(row[3].kind, pconn_value_kind::PCONN_VALUE_BINARY);
                assert_eq!(value_bytes(&row[3]), bytes(link, check, 4));
                rows += 1;
            }
            assert_eq!(rows, 300);
            assert!(!fetch(link, check));
            assert!(fetch_row(link, result, 4).is_none(), "still no data after the end");
            ok(pconn_result_free(result), link);
            ok(pconn_result_free(check), link);
        }
        ok(pconn_set_option(c("fetch_batch").as_ptr(), c("1000").as_ptr()), 0);

        // The driver's type names, and a SELECT's row count where the driver knows it.
        let result = exec(link, "SELECT n, t FROM wide");
        let mut name = null::<c_char>();
        ok(pconn_column_type_name(result, 1, &mut name), link);
        let type_name = unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned();
        let mut affected = 0i64;
        ok(pconn_result_affected_rows(result, &mut affected), link);
        if backend == Backend::Postgres {
            assert_eq!(type_name, "int8");
            assert_eq!(affected, 300);
        } else {
            assert!(type_name.eq_ignore_ascii_case("bigint"), "{type_name}");
        }
        assert_eq!(pconn_column_type_name(result, 3, &mut name), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_column_type_name(result, 1, null_mut()), PCONN_NULL_ARGUMENT);
        ok(pconn_result_free(result), link);

        // Fewer entries than columns: only those are written.
        let result = exec(link, "SELECT 7, 'seven'");
        let row = fetch_row(link, result, 1).unwrap();
        assert_eq!(row.len(), 1);
        assert_eq!(value_bytes(&row[0]), Some(b"7".to_vec()));
        // NULL `values` with a count is refused; with count 0 the row is skipped.
        ok(pconn_result_free(result), link);
        let result = exec(link, "SELECT 1 UNION ALL SELECT 2");
        assert_eq!(pconn_fetch_row(result, null_mut(), 1), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_fetch_row(result, null_mut(), 0), PCONN_OK);
        assert_eq!(fetch_row(link, result, 1).map(|r| r[0].int64), Some(2));
        ok(pconn_result_free(result), link);
        assert_eq!(pconn_fetch_row(result, null_mut(), 0), PCONN_INVALID_HANDLE, "freed result");
        let ddl = exec(link, "DELETE FROM wide WHERE n < 0");
        assert_eq!(pconn_fetch_row(ddl, null_mut(), 0), PCONN_WRONG_STATE, "no result set");
        ok(pconn_result_free(ddl), link);

        // PHP's serialize() format, in batches, exactly.
        let result = exec(link, "SELECT n, t, d FROM wide WHERE n IN (1000000007, 3000000021) ORDER BY n");
        let (mut data, mut len, mut rows) = (null::<c_char>(), 0usize, 0u32);
        ok(pconn_fetch_php_serialized(result, 1, 0, 0, &mut data, &mut len, &mut rows), link);
        let text = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
        assert_eq!(rows, 1);
        let tiny = match backend {
            Backend::Postgres => "-2.2250738585072014e-308",
            Backend::Sqlite => "-2.5e-308",
        };
        assert_eq!(
            String::from_utf8_lossy(text),
            format!(r#"a:1:{{i:0;a:3:{{i:0;s:10:"1000000007";i:1;s:5:"row 1";i:2;s:{}:"{tiny}";}}}}"#, tiny.len())
        );
        ok(pconn_fetch_php_serialized(result, 10, 0, 0, &mut data, &mut len, &mut rows), link);
        let text = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
        assert_eq!(rows, 1);
        assert_eq!(String::from_utf8_lossy(text), r#"a:1:{i:0;a:3:{i:0;s:10:"3000000021";i:1;s:5:"row 3";i:2;N;}}"#);
        assert_eq!(pconn_fetch_php_serialized(result, 10, 0, 0, &mut data, &mut len, &mut rows), PCONN_NO_DATA);
        assert_eq!((rows, unsafe { CStr::from_ptr(data) }.to_str().unwrap()), (0, "a:0:{}"));
        assert_eq!(pconn_fetch_php_serialized(result, 0, 0, 0, &mut data, &mut len, &mut rows), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_fetch_php_serialized(result, 1, 0, 0, null_mut(), &mut len, &mut rows), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_fetch_php_serialized(result, 1, 0, 4, &mut data, &mut len, &mut rows), PCONN_INVALID_ARGUMENT);
        ok(pconn_result_free(result), link);

        // Keyed by column name, and cut by bytes (one row at least).
        let result = exec(link, "SELECT n AS num, t AS \"the text\" FROM wide WHERE n IN (1000000007, 3000000021) ORDER BY n");
        ok(pconn_fetch_php_serialized(result, 10, 1, pconn_php_rows::PCONN_PHP_ROWS_BY_NAME as c_int, &mut data, &mut len, &mut rows), link);
        let text = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
        assert_eq!(rows, 1, "the byte limit ends the batch after one row");
        assert_eq!(String::from_utf8_lossy(text), r#"a:1:{i:0;a:2:{s:3:"num";s:10:"1000000007";s:8:"the text";s:5:"row 1";}}"#);
        ok(pconn_fetch_php_serialized(result, 10, 1 << 20, pconn_php_rows::PCONN_PHP_ROWS_BY_NAME as c_int, &mut data, &mut len, &mut rows), link);
        assert_eq!(rows, 1);
        ok(pconn_result_free(result), link);
    });
}

/// A row that fails in the middle of a batch: the rows before it arrive, the error comes with
/// the next fetch. (With StepAPI=1 SQLite's driver computes each row as it is fetched; abs() of
/// the smallest integer overflows.)
#[test]
fn a_failing_row_ends_the_batch_without_losing_the_rows_before_it_sqlite() {
    let conn = format!("{};StepAPI=1", conn_str(Backend::Sqlite));
    with_request(|| {
        let link = connect(&conn, false);
        let result = exec(
            link,
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000) \
             SELECT n, CASE WHEN n = 2500 THEN abs(-9223372036854775807 - 1) ELSE n END FROM c",
        );
        let (mut data, mut len, mut rows) = (null::<c_char>(), 0usize, 0u32);
        let mut delivered = 0;
        loop {
            match pconn_fetch_php_serialized(result, 3000, 0, 0, &mut data, &mut len, &mut rows) {
                PCONN_OK => delivered += rows,
                PCONN_ERROR => break,
                other => panic!("{other:?}: {}", errmsg(link)),
            }
        }
        assert_eq!(delivered, 2499, "every row before the failing one");
        assert!(errmsg(link).contains("overflow"), "{}", errmsg(link));
        ok(pconn_result_free(result), link);
    });
}

#[test]
fn whole_row_reads_sqlite() {
    whole_row_reads(Backend::Sqlite);
}

#[test]
fn whole_row_reads_postgres() {
    whole_row_reads(Backend::Postgres);
}

fn scalar(link: pconn_link, sql: &str) -> Option<String> {
    let result = exec(link, sql);
    let value = if fetch(link, result) { text(link, result, 1) } else { None };
    ok(pconn_result_free(result), link);
    value
}

/// SQLite's reset does only what the request's SQL can have changed; whatever the request wrote,
/// prepared or executed, in any letter case, the next request finds none of it.
#[test]
fn sqlite_reset_undoes_pragmas_temp_objects_attachments_and_savepoints() {
    let conn = conn_str(Backend::Sqlite);
    let baseline = with_request(|| {
        let link = connect(&conn, true);
        run(link, "CREATE TABLE kept (x INTEGER)");
        (scalar(link, "PRAGMA cache_size"), scalar(link, "SELECT count(*) FROM pragma_database_list WHERE name <> 'temp'"))
    });
    with_request(|| {
        let link = connect(&conn, true);
        run(link, "pRaGmA cache_size = 77");
        let stmt = prepare(link, "create temporary table scratch (x)");
        execute(link, stmt);
        run(link, "CREATE TABLE Temp.other (y)");
        run(link, "ATTACH DATABASE ':memory:' AS aux");
        run(link, "savepoint s1");
        run(link, "INSERT INTO kept VALUES (1)");
        assert_eq!(scalar(link, "PRAGMA cache_size").as_deref(), Some("77"));
    });
    with_request(|| {
        let link = connect(&conn, true);
        assert_eq!((scalar(link, "PRAGMA cache_size"), scalar(link, "SELECT count(*) FROM pragma_database_list WHERE name <> 'temp'")), baseline);
        assert_eq!(scalar(link, "SELECT count(*) FROM temp.sqlite_master").as_deref(), Some("0"));
        assert_eq!(scalar(link, "SELECT count(*) FROM kept").as_deref(), Some("0"), "the savepoint's insert was rolled back");
        run(link, "INSERT INTO kept VALUES (2)");
    });
    with_request(|| {
        let link = connect(&conn, true);
        assert_eq!(scalar(link, "SELECT count(*) FROM kept").as_deref(), Some("1"), "autocommitted work stays");
        ok(pconn_drop(link), link);
    });
}

fn metadata_and_catalog(backend: Backend) {
    let conn = conn_str(backend);
    with_request(|| {
        let link = connect(&conn, false);
        run(link, "DROP TABLE IF EXISTS meta");
        run(link, "CREATE TABLE meta (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(40), price NUMERIC(10,2))");
        let result = exec(link, "SELECT id, name, price FROM meta");
        let mut count = 0u16;
        ok(pconn_result_columns(result, &mut count), link);
        assert_eq!(count, 3);
        let name = |col| {
            let mut name = null();
            ok(pconn_column_name(result, col, &mut name), link);
            unsafe { CStr::from_ptr(name) }.to_string_lossy().to_lowercase()
        };
        assert_eq!((name(1), name(2), name(3)), ("id".into(), "name".into(), "price".into()));
        let (mut sql_type, mut precision, mut scale, mut nullable, mut display) = (0, 0i64, 0, 0, 0i64);
        ok(pconn_column_type(result, 1, &mut sql_type), link);
        assert_eq!(sql_type, 4, "SQL_INTEGER");
        ok(pconn_column_precision(result, 1, &mut precision), link);
        assert_eq!(precision, 10);
        ok(pconn_column_type(result, 2, &mut sql_type), link);
        assert!(sql_type == 12 || sql_type == -9, "SQL_VARCHAR or SQL_WVARCHAR, got {sql_type}");
        ok(pconn_column_precision(result, 2, &mut precision), link);
        assert_eq!(precision, 40);
        ok(pconn_column_display_size(result, 2, &mut display), link);
        assert_eq!(display, 40);
        if backend == Backend::Postgres {
            // SQLite's driver reports NUMERIC as DOUBLE: SQLite stores such values as reals.
            ok(pconn_column_type(result, 3, &mut sql_type), link);
            assert!(sql_type == 2 || sql_type == 3, "SQL_NUMERIC or SQL_DECIMAL, got {sql_type}");
            ok(pconn_column_precision(result, 3, &mut precision), link);
            assert_eq!(precision, 10);
            ok(pconn_column_scale(result, 3, &mut scale), link);
            assert_eq!(scale, 2);
            ok(pconn_column_nullable(result, 1, &mut nullable), link);
            assert_eq!(nullable, 0);
        }
        ok(pconn_column_nullable(result, 2, &mut nullable), link);
        assert_eq!(nullable, 1);
        assert_eq!(pconn_column_name(result, 4, &mut null()), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_column_type(result, 0, &mut sql_type), PCONN_INVALID_ARGUMENT);

        // Catalog functions as ordinary results.
        let mut tables = 0;
        ok(pconn_tables(link, null(), null(), c("meta").as_ptr(), null(), &mut tables), link);
        assert!(fetch(link, tables));
        assert_eq!(text(link, tables, 3).as_deref(), Some("meta"));
        assert!(!fetch(link, tables));

        let mut columns = 0;
        ok(pconn_columns(link, null(), null(), c("meta").as_ptr(), null(), &mut columns), link);
        let mut names = Vec::new();
        while fetch(link, columns) {
            names.push(text(link, columns, 4).unwrap());
        }
        assert_eq!(names, ["id", "name", "price"]);

        let mut keys = 0;
        ok(pconn_primary_keys(link, null(), null(), c("meta").as_ptr(), &mut keys), link);
        assert!(fetch(link, keys));
        assert_eq!(text(link, keys, 4).as_deref(), Some("id"));
        assert_eq!(int64(link, keys, 5), Some(1));
        assert_eq!(pconn_primary_keys(link, null(), null(), null(), &mut keys), PCONN_NULL_ARGUMENT);
    });
}

/// `pconn_php_exec`: the result of an execution with its column count and how many columns are
/// long or binary (what ext/odbc reads in pieces), in one call; the same errors as `pconn_exec`.
fn php_exec_describes_the_result(backend: Backend) {
    let conn = conn_str(backend);
    let (long_text, binary) = match backend {
        Backend::Sqlite => ("TEXT", "BLOB"),
        Backend::Postgres => ("TEXT", "BYTEA"),
    };
    with_request(|| {
        let link = connect(&conn, false);
        run(link, "DROP TABLE IF EXISTS shapes");
        run(link, &format!("CREATE TABLE shapes (id INTEGER, name VARCHAR(20), body {long_text}, data {binary})"));
        let php_exec = |sql: &str| {
            let (mut result, mut columns, mut long_columns) = (0, u16::MAX, u32::MAX);
            let status = pconn_php_exec(link, sql.as_ptr().cast(), sql.len(), &mut result, &mut columns, &mut long_columns);
            (status, result, columns, long_columns)
        };
        let (status, result, columns, long_columns) = php_exec("SELECT id, name FROM shapes");
        ok(status, link);
        assert_eq!((columns, long_columns), (2, 0), "no long or binary column");
        ok(pconn_result_free(result), link);
        let (status, result, columns, long_columns) = php_exec("SELECT id, name, body, data FROM shapes");
        ok(status, link);
        // the types each driver gives TEXT and BLOB/BYTEA, as pconn_column_type reports them
        let mut expected = 0;
        for col in 1..=4 {
            let mut sql_type = 0;
            ok(pconn_column_type(result, col, &mut sql_type), link);
            expected += u32::from(matches!(sql_type, -1 | -10 | -2 | -3 | -4));
        }
        assert_eq!(columns, 4);
        assert!(expected >= 1, "the BLOB/BYTEA column is binary");
        assert_eq!(long_columns, expected);
        ok(pconn_result_free(result), link);
        let (status, _, columns, _) = php_exec("UPDATE shapes SET id = 1");
        ok(status, link);
        assert_eq!(columns, 0, "a statement without rows");
        let (status, ..) = php_exec("SELECT FROM nowhere at all");
        assert_eq!(status, PCONN_ERROR);
        assert!(!errmsg(link).is_empty(), "the driver's error is the link's");
        let mut result = 0;
        assert_eq!(pconn_php_exec(link, c"SELECT 1".as_ptr(), 8, &mut result, null_mut(), null_mut()), PCONN_NULL_ARGUMENT);
    });
}

#[test]
fn php_exec_describes_the_result_sqlite() {
    php_exec_describes_the_result(Backend::Sqlite);
}

#[test]
fn php_exec_describes_the_result_postgres() {
    php_exec_describes_the_result(Backend::Postgres);
}

#[test]
fn metadata_and_catalog_sqlite() {
    metadata_and_catalog(Backend::Sqlite);
}

#[test]
fn metadata_and_catalog_postgres() {
    metadata_and_catalog(Backend::Postgres);
}

#[test]
fn multiple_result_sets_postgres() {
    let conn = conn_str(Backend::Postgres);
    with_request(|| {
        let link = connect(&conn, false);
        let result = exec(link, "SELECT 1 AS a; SELECT 'two', 'second' UNION ALL SELECT 'three', 'x'");
        assert!(fetch(link, result));
        assert_eq!(int64(link, result, 1), Some(1));
        assert_eq!(pconn_result_next(result), PCONN_OK);
        let mut count = 0;
        ok(pconn_result_columns(result, &mut count), link);
        assert_eq!(count, 2);
        assert!(fetch(link, result));
        assert_eq!(text(link, result, 1).as_deref(), Some("two"));
        assert!(fetch(link, result));
        assert!(!fetch(link, result));
        assert_eq!(pconn_result_next(result), PCONN_NO_DATA);
        ok(pconn_result_free(result), link);
    });
}

#[test]
fn a_single_result_set_has_no_next_sqlite() {
    let conn = conn_str(Backend::Sqlite);
    with_request(|| {
        let link = connect(&conn, false);
        let result = exec(link, "SELECT 1");
        assert!(fetch(link, result));
        assert_eq!(pconn_result_next(result), PCONN_NO_DATA);
        assert_eq!(pconn_fetch(result), PCONN_WRONG_STATE);
    });
}

fn bad_input(backend: Backend) {
    let conn = conn_str(backend);
    with_request(|| {
        let link = connect(&conn, false);
        run(link, "DROP TABLE IF EXISTS bad");
        run(link, "CREATE TABLE bad (a INTEGER, b INTEGER)");
        let stmt = prepare(link, "INSERT INTO bad (a, b) VALUES (?, ?)");
        // Index out of range, in both directions.
        assert_eq!(pconn_stmt_bind_int64(stmt, 0, 1), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_stmt_bind_int64(stmt, 3, 1), PCONN_INVALID_ARGUMENT);
        assert!(errmsg(link).contains("2 parameter(s)"), "{}", errmsg(link));
        // Too few parameters bound.
        ok(pconn_stmt_bind_int64(stmt, 1, 1), link);
        let mut result = 0;
        assert_eq!(pconn_stmt_execute(stmt, &mut result), PCONN_WRONG_STATE);
        assert!(errmsg(link).contains("parameter 2 of 2"), "{}", errmsg(link));
        assert_eq!(result, 0, "no output on failure");
        // NULL and invalid arguments.
        assert_eq!(pconn_stmt_bind_text(stmt, 2, null()), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_stmt_bind_text(stmt, 2, c"\xff\xfe".as_ptr()), PCONN_INVALID_UTF8);
        assert_eq!(pconn_stmt_bind_binary(stmt, 2, null(), 3), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_stmt_execute(stmt, null_mut()), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_prepare(link, null(), &mut 0), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_prepare(link, c("SELECT 1").as_ptr(), null_mut()), PCONN_NULL_ARGUMENT);
        // Drivers may defer checking SQL to the execution; either way it fails with the link's error.
        let mut broken = 0;
        if pconn_prepare(link, c("SELEKT nonsense").as_ptr(), &mut broken) == PCONN_OK {
            assert_eq!(pconn_stmt_execute(broken, &mut 0), PCONN_ERROR);
            assert!(!errmsg(link).is_empty());
        }
        // Freed statement, double free, NULL free, a statement handle used as a result.
        ok(pconn_stmt_bind_int64(stmt, 2, 2), link);
        let result = execute(link, stmt);
        assert_eq!(pconn_fetch(stmt), PCONN_INVALID_HANDLE);
        assert_eq!(pconn_stmt_execute(result, &mut 0), PCONN_INVALID_HANDLE);
        ok(pconn_stmt_free(stmt), link);
        let mut affected = 0;
        assert_eq!(pconn_result_affected_rows(result, &mut affected), PCONN_INVALID_HANDLE, "freed with its statement");
        assert_eq!(pconn_stmt_execute(stmt, &mut 0), PCONN_INVALID_HANDLE);
        assert_eq!(pconn_stmt_bind_int64(stmt, 1, 1), PCONN_INVALID_HANDLE);
        assert_eq!(pconn_stmt_free(stmt), PCONN_INVALID_HANDLE);
        assert_eq!(pconn_stmt_free(0), PCONN_OK);
        assert_eq!(pconn_stmt_execute(12345, &mut 0), PCONN_INVALID_HANDLE);
        // Typed getters on values that are not numbers, and before a row.
        let result = exec(link, "SELECT 'abc', NULL");
        let mut value = 0i64;
        assert_eq!(pconn_result_int64(result, 1, &mut value, null_mut()), PCONN_WRONG_STATE);
        assert!(fetch(link, result));
        assert_eq!(pconn_result_int64(result, 1, &mut value, null_mut()), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_result_double(result, 1, &mut 0.0, null_mut()), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_result_int64(result, 2, &mut value, null_mut()), PCONN_OK);
        assert_eq!(pconn_result_int64(result, 3, &mut value, null_mut()), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_result_bytes(result, 1, null_mut(), null_mut(), null_mut()), PCONN_NULL_ARGUMENT);
        // Attribute arguments.
        assert_eq!(pconn_isolation_set(link, 3), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_read_only_set(link, 2), PCONN_INVALID_ARGUMENT);
        assert_eq!(pconn_raw_hdbc(link, null_mut()), PCONN_NULL_ARGUMENT);
        assert_eq!(pconn_catalog_set(link, null()), PCONN_NULL_ARGUMENT);
    });
}

#[test]
fn bad_input_sqlite() {
    bad_input(Backend::Sqlite);
}

#[test]
fn bad_input_postgres() {
    bad_input(Backend::Postgres);
}

/// Reads `SHOW name` on PostgreSQL.
fn show(link: pconn_link, name: &str) -> String {
    let result = exec(link, &format!("SHOW {name}"));
    assert!(fetch(link, result));
    let value = text(link, result, 1).unwrap();
    ok(pconn_result_free(result), link);
    value
}

#[test]
fn attributes_return_to_baseline_at_request_end_postgres() {
    let conn = conn_str(Backend::Postgres);
    let pid = |link| {
        let result = exec(link, "SELECT pg_backend_pid()");
        assert!(fetch(link, result));
        int64(link, result, 1).unwrap()
    };
    let (first_pid, baseline_isolation) = with_request(|| {
        let link = connect(&conn, true);
        let mut level = pconn_isolation::PCONN_TXN_SERIALIZABLE;
        ok(pconn_isolation_get(link, &mut level), link);
        assert_eq!(level, pconn_isolation::PCONN_TXN_READ_COMMITTED);
        ok(pconn_isolation_set(link, pconn_isolation::PCONN_TXN_SERIALIZABLE as c_int), link);
        ok(pconn_isolation_get(link, &mut level), link);
        assert_eq!(level, pconn_isolation::PCONN_TXN_SERIALIZABLE);
        ok(pconn_autocommit_set(link, 0), link);
        assert_eq!(show(link, "transaction_isolation"), "serializable");
        ok(pconn_rollback(link), link);
        ok(pconn_read_only_set(link, 1), link);
        let mut on = 0;
        ok(pconn_read_only_get(link, &mut on), link);
        assert_eq!(on, 1);
        // Applies from the next transaction on.
        ok(pconn_commit(link), link);
        assert_eq!(show(link, "transaction_read_only"), "on");
        assert_ne!(pconn_exec(link, c("CREATE TEMP TABLE ro (a int)").as_ptr(), &mut 0), PCONN_OK);
        ok(pconn_rollback(link), link);
        let mut catalog = null();
        ok(pconn_catalog_get(link, &mut catalog), link);
        assert_eq!(unsafe { CStr::from_ptr(catalog) }.to_str().unwrap(), "pconn");
        (pid(link), level)
    });
    assert_eq!(baseline_isolation, pconn_isolation::PCONN_TXN_SERIALIZABLE);
    with_request(|| {
        let link = connect(&conn, true);
        assert_eq!(pid(link), first_pid, "the same persistent session");
        let mut level = pconn_isolation::PCONN_TXN_SERIALIZABLE;
        ok(pconn_isolation_get(link, &mut level), link);
        assert_eq!(level, pconn_isolation::PCONN_TXN_READ_COMMITTED);
        assert_eq!(show(link, "transaction_isolation"), "read committed");
        let mut on = 1;
        ok(pconn_read_only_get(link, &mut on), link);
        assert_eq!(on, 0);
        assert_eq!(show(link, "transaction_read_only"), "off");
        ok(pconn_autocommit_get(link, &mut on), link);
        assert_eq!(on, 1);
        run(link, "CREATE TEMP TABLE rw (a int)");
    });
}

#[test]
fn raw_handle_use_is_undone_at_request_end_postgres() {
    let conn = conn_str(Backend::Postgres);
    with_request(|| {
        let link = connect(&conn, true);
        let mut hdbc = null_mut();
        ok(pconn_raw_hdbc(link, &mut hdbc), link);
        assert!(!hdbc.is_null());
        // Through the raw handle, unseen by pconn: autocommit off and serializable.
        unsafe {
            let dbc = odbc_api::sys::HDbc(hdbc.cast());
            let off = odbc_api::sys::SQLSetConnectAttr(dbc, odbc_api::sys::ConnectionAttribute::AUTOCOMMIT, std::ptr::null_mut(), 0);
            let serializable = odbc_api::sys::SQLSetConnectAttr(dbc, odbc_api::sys::ConnectionAttribute::TXN_ISOLATION, 8usize as _, 0);
            assert_eq!((off, serializable), (odbc_api::sys::SqlReturn::SUCCESS, odbc_api::sys::SqlReturn::SUCCESS));
        }
        run(link, "CREATE TEMP TABLE raw_tmp (a int)");
        ok(pconn_mark_dirty(link), link);
    });
    with_request(|| {
        let link = connect(&conn, true);
        assert_eq!(show(link, "transaction_isolation"), "read committed");
        run(link, "CREATE TABLE IF NOT EXISTS raw_commit (a int)");
        run(link, "INSERT INTO raw_commit VALUES (1)");
        // Autocommit is back on: the insert is visible from another link at once.
        let other = connect(&conn, false);
        let result = exec(other, "SELECT COUNT(*) FROM raw_commit");
        assert!(fetch(other, result));
        assert!(int64(other, result, 1).unwrap() >= 1);
        // The temp table went with the reset.
        assert_ne!(pconn_exec(link, c("SELECT * FROM raw_tmp").as_ptr(), &mut 0), PCONN_OK);
    });
}

#[test]
fn attributes_return_to_baseline_at_request_end_sqlite() {
    let conn = conn_str(Backend::Sqlite);
    with_request(|| {
        let link = connect(&conn, true);
        let mut level = pconn_isolation::PCONN_TXN_READ_COMMITTED;
        ok(pconn_isolation_get(link, &mut level), link);
        ok(pconn_read_only_set(link, 1), link);
        let mut on = 0;
        ok(pconn_read_only_get(link, &mut on), link);
        assert_eq!(on, 1);
        assert_ne!(pconn_exec(link, c("CREATE TABLE ro (a INTEGER)").as_ptr(), &mut 0), PCONN_OK, "query_only refuses writes");
        ok(pconn_autocommit_set(link, 0), link);
        let status = pconn_isolation_set(link, pconn_isolation::PCONN_TXN_SERIALIZABLE as c_int);
        assert!(status == PCONN_OK || status == PCONN_ERROR, "{status:?}");
    });
    with_request(|| {
        let link = connect(&conn, true);
        let mut on = 1;
        ok(pconn_read_only_get(link, &mut on), link);
        assert_eq!(on, 0);
        ok(pconn_autocommit_get(link, &mut on), link);
        assert_eq!(on, 1);
        run(link, "CREATE TABLE IF NOT EXISTS rw (a INTEGER)");
    });
}

/// A float as the server prints it: exact with psqlODBC's settings, rounded with
/// `extra_float_digits = 0`.
const FLOAT_TEXT: &str = "SELECT (0.1::float8 + 0.2::float8)::text";

/// The driver's own connect-time settings survive the reset, and whatever the request SET is gone
/// — with pconn's startup-packet settings for psqlODBC, and with the caller's own libpq options
/// (where pconn adds none and restores the driver's settings itself).
#[test]
fn driver_settings_are_back_after_the_reset_postgres() {
    for extra in ["", ";pqopt={application_name=pconn-own-options}"] {
        // A per-link option makes this test's identity its own: tests run in parallel, and one
        // that takes the idle link of the plain string would hand this request another session.
        let conn = format!("{}{extra};PconnPingInterval=59", conn_str(Backend::Postgres));
        let (pid, floats, dates) = with_request(|| {
            let link = connect(&conn, true);
            let before = (scalar(link, "SELECT pg_backend_pid()"), scalar(link, FLOAT_TEXT), show(link, "DateStyle"));
            run(link, "SET extra_float_digits = 0");
            run(link, "SET DateStyle = 'German'");
            assert_ne!(scalar(link, FLOAT_TEXT), before.1);
            before
        });
        assert_eq!(floats.as_deref(), Some("0.30000000000000004"), "psqlODBC's exact floats");
        with_request(|| {
            let link = connect(&conn, true);
            assert_eq!(scalar(link, "SELECT pg_backend_pid()"), pid, "the same session ({extra})");
            assert_eq!(scalar(link, FLOAT_TEXT), floats, "({extra})");
            assert_eq!(show(link, "DateStyle"), dates, "({extra})");
            ok(pconn_drop(link), link);
        });
    }
}

/// `COPY … FROM STDIN` (or `TO STDOUT`) used to leave psqlODBC spinning forever: it is refused
/// before it is sent, in any spelling, executed or prepared, and the link goes on working.
#[test]
fn copy_from_or_to_the_client_is_refused_not_hung_postgres() {
    let conn = conn_str(Backend::Postgres);
    with_request(|| {
        let link = connect(&conn, true);
        run(link, "CREATE TEMP TABLE copy_target (a INTEGER)");
        for sql in [
            "COPY copy_target FROM STDIN",
            "copy copy_target (a) from stdin with (format csv)",
            "/* load */ Copy\ncopy_target\tFROM -- the client\n StdIn",
            "SELECT 1; COPY (SELECT 1) TO STDOUT",
        ] {
            let mut result = 0;
            assert_eq!(pconn_exec(link, c(sql).as_ptr(), &mut result), PCONN_INVALID_ARGUMENT, "{sql}");
            assert!(errmsg(link).contains("COPY"), "{sql}: {}", errmsg(link));
            let mut stmt = 0;
            assert_eq!(pconn_prepare(link, c(sql).as_ptr(), &mut stmt), PCONN_INVALID_ARGUMENT, "{sql}");
        }
        // Words in strings, comments and quoted identifiers do not count.
        assert_eq!(scalar(link, "SELECT 'COPY copy_target FROM STDIN' -- copy x from stdin").as_deref(), Some("COPY copy_target FROM STDIN"));
        run(link, "INSERT INTO copy_target VALUES (1)");
        assert_eq!(scalar(link, "SELECT count(*) FROM copy_target").as_deref(), Some("1"));
    });
}
