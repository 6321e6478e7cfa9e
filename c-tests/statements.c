/* Scenario: prepared statements with every parameter type (NULL, empty, non-ASCII, 1 MiB text and
 * binary), re-execution, typed getters, column metadata, affected rows, more results, catalog
 * functions, bad input, and attributes back at their baseline in the next request. */
#include "harness.h"

#include <stdint.h>

#define MIB (1024 * 1024)

static void round_trips(pconn_link link) {
  CHECK_OK(run(link, "DROP TABLE IF EXISTS ct"), link);
  CHECK_OK(run(link, is_postgres()
                         ? "CREATE TABLE ct (id INTEGER PRIMARY KEY, t TEXT, i BIGINT, d DOUBLE PRECISION, b BYTEA)"
                         : "CREATE TABLE ct (id INTEGER PRIMARY KEY, t TEXT, i BIGINT, d DOUBLE, b BLOB)"),
           link);

  char *big_text = malloc(MIB + 1);
  unsigned char *big_bin = malloc(MIB);
  for (size_t k = 0; k < MIB; k++) {
    big_text[k] = (char)('a' + k % 26);
    big_bin[k] = (unsigned char)(k % 251);
  }
  big_text[MIB] = '\0';
  const char *utf8 = "gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xf0\x9f\x98\x80";
  const unsigned char small_bin[] = {0, 1, 2, 0, 255};

  pconn_stmt ins = 0;
  CHECK_OK(pconn_prepare(link, "INSERT INTO ct (id, t, i, d, b) VALUES (?, ?, ?, ?, ?)", &ins), link);
  uint16_t nparams = 0;
  CHECK_OK(pconn_stmt_param_count(ins, &nparams), link);
  CHECK(nparams == 5);

  /* Row 1: ordinary values. */
  CHECK_OK(pconn_stmt_bind_int64(ins, 1, 1), link);
  CHECK_OK(pconn_stmt_bind_text(ins, 2, utf8), link);
  CHECK_OK(pconn_stmt_bind_int64(ins, 3, INT64_MIN), link);
  CHECK_OK(pconn_stmt_bind_double(ins, 4, 2.5), link);
  CHECK_OK(pconn_stmt_bind_binary(ins, 5, small_bin, sizeof small_bin), link);
  pconn_result res = 0;
  CHECK_OK(pconn_stmt_execute(ins, &res), link);
  int64_t affected = 0;
  CHECK_OK(pconn_result_affected_rows(res, &affected), link);
  CHECK(affected == 1);
  /* Row 2: NULLs. Re-executes the same statement with new values. */
  CHECK_OK(pconn_stmt_bind_int64(ins, 1, 2), link);
  for (uint16_t k = 2; k <= 5; k++) CHECK_OK(pconn_stmt_bind_null(ins, k), link);
  CHECK_OK(pconn_stmt_execute(ins, &res), link);
  /* Row 3: empty text and empty binary. */
  CHECK_OK(pconn_stmt_bind_int64(ins, 1, 3), link);
  CHECK_OK(pconn_stmt_bind_text(ins, 2, ""), link);
  CHECK_OK(pconn_stmt_bind_int64(ins, 3, 0), link);
  CHECK_OK(pconn_stmt_bind_double(ins, 4, -0.125), link);
  CHECK_OK(pconn_stmt_bind_binary(ins, 5, NULL, 0), link);
  CHECK_OK(pconn_stmt_execute(ins, &res), link);
  /* Row 4: 1 MiB each. */
  CHECK_OK(pconn_stmt_bind_int64(ins, 1, 4), link);
  CHECK_OK(pconn_stmt_bind_text(ins, 2, big_text), link);
  CHECK_OK(pconn_stmt_bind_int64(ins, 3, INT64_MAX), link);
  CHECK_OK(pconn_stmt_bind_double(ins, 4, 1e300), link);
  CHECK_OK(pconn_stmt_bind_binary(ins, 5, big_bin, MIB), link);
  CHECK_OK(pconn_stmt_execute(ins, &res), link);
  CHECK_OK(pconn_stmt_free(ins), link);

  pconn_stmt sel = 0;
  CHECK_OK(pconn_prepare(link, "SELECT t, i, d, b FROM ct WHERE id = ?", &sel), link);
  const char *text = NULL;
  const void *data = NULL;
  size_t len = 0;
  int is_null = 0;
  int64_t i = 0;
  double d = 0;

  CHECK_OK(pconn_stmt_bind_int64(sel, 1, 1), link);
  CHECK_OK(pconn_stmt_execute(sel, &res), link);
  CHECK_OK(pconn_fetch(res), link);
  CHECK_OK(pconn_result_text(res, 1, &text, &len, &is_null), link);
  CHECK_STR(text, utf8);
  CHECK(len == strlen(utf8) && is_null == 0);
  CHECK_OK(pconn_result_int64(res, 2, &i, &is_null), link);
  CHECK(i == INT64_MIN && is_null == 0);
  CHECK_OK(pconn_result_double(res, 3, &d, &is_null), link);
  CHECK(d == 2.5 && is_null == 0);
  CHECK_OK(pconn_result_bytes(res, 4, &data, &len, &is_null), link);
  CHECK(len == sizeof small_bin && memcmp(data, small_bin, len) == 0);
  CHECK_STATUS(pconn_fetch(res), PCONN_NO_DATA);

  CHECK_OK(pconn_stmt_bind_int64(sel, 1, 2), link);
  CHECK_OK(pconn_stmt_execute(sel, &res), link);
  CHECK_OK(pconn_fetch(res), link);
  for (uint16_t col = 1; col <= 4; col++) {
    is_null = 0;
    CHECK_OK(pconn_result_bytes(res, col, &data, &len, &is_null), link);
    CHECK(is_null == 1 && data == NULL && len == 0);
  }
  is_null = 0;
  CHECK_OK(pconn_result_int64(res, 2, &i, &is_null), link);
  CHECK(is_null == 1);

  CHECK_OK(pconn_stmt_bind_int64(sel, 1, 3), link);
  CHECK_OK(pconn_stmt_execute(sel, &res), link);
  CHECK_OK(pconn_fetch(res), link);
  CHECK_OK(pconn_result_text(res, 1, &text, &len, &is_null), link);
  CHECK(is_null == 0 && len == 0 && text != NULL && text[0] == '\0');
  CHECK_OK(pconn_result_double(res, 3, &d, &is_null), link);
  CHECK(d == -0.125);
  CHECK_OK(pconn_result_bytes(res, 4, &data, &len, &is_null), link);
  CHECK(is_null == 0 && len == 0);

  CHECK_OK(pconn_stmt_bind_int64(sel, 1, 4), link);
  CHECK_OK(pconn_stmt_execute(sel, &res), link);
  CHECK_OK(pconn_fetch(res), link);
  CHECK_OK(pconn_result_text(res, 1, &text, &len, &is_null), link);
  CHECK(len == MIB && text != NULL && memcmp(text, big_text, MIB) == 0 && text[MIB] == '\0');
  CHECK_OK(pconn_result_int64(res, 2, &i, &is_null), link);
  CHECK(i == INT64_MAX);
  CHECK_OK(pconn_result_bytes(res, 4, &data, &len, &is_null), link);
  CHECK(len == MIB && data != NULL && memcmp(data, big_bin, MIB) == 0);
  CHECK_OK(pconn_stmt_free(sel), link);

  free(big_text);
  free(big_bin);
}

static void metadata_and_catalog(pconn_link link) {
  pconn_result res = 0;
  CHECK_OK(pconn_exec(link, "SELECT id, t FROM ct ORDER BY id", &res), link);
  uint16_t ncols = 0;
  CHECK_OK(pconn_result_columns(res, &ncols), link);
  CHECK(ncols == 2);
  const char *name = NULL;
  CHECK_OK(pconn_column_name(res, 1, &name), link);
  CHECK_STR(name, "id");
  int type = 0, nullable = -2, scale = -1;
  int64_t precision = -1, display = -1;
  CHECK_OK(pconn_column_type(res, 1, &type), link);
  CHECK(type == 4); /* SQL_INTEGER */
  CHECK_OK(pconn_column_nullable(res, 2, &nullable), link);
  CHECK(nullable == 1);
  CHECK_OK(pconn_column_precision(res, 1, &precision), link);
  CHECK_OK(pconn_column_scale(res, 1, &scale), link);
  CHECK(scale == 0);
  CHECK_OK(pconn_column_display_size(res, 1, &display), link);
  CHECK(display > 0);
  CHECK_STATUS(pconn_column_name(res, 3, &name), PCONN_INVALID_ARGUMENT);
  int rows = 0;
  while (pconn_fetch(res) == PCONN_OK) rows++;
  CHECK(rows == 4);
  CHECK_OK(pconn_result_free(res), link);

  /* Affected rows of UPDATE and DELETE. */
  int64_t affected = -1;
  CHECK_OK(pconn_exec(link, "UPDATE ct SET i = 7 WHERE id >= 2", &res), link);
  CHECK_OK(pconn_result_affected_rows(res, &affected), link);
  CHECK(affected == 3);
  CHECK_OK(pconn_exec(link, "DELETE FROM ct WHERE id > 100", &res), link);
  CHECK_OK(pconn_result_affected_rows(res, &affected), link);
  CHECK(affected == 0);

  /* Catalog functions: ordinary results. */
  const char *text = NULL;
  size_t len = 0;
  int is_null = 0;
  CHECK_OK(pconn_tables(link, NULL, NULL, "ct", NULL, &res), link);
  CHECK_OK(pconn_fetch(res), link);
  CHECK_OK(pconn_result_text(res, 3, &text, &len, &is_null), link);
  CHECK_STR(text, "ct");
  CHECK_OK(pconn_columns(link, NULL, NULL, "ct", "d", &res), link);
  CHECK_OK(pconn_fetch(res), link);
  CHECK_OK(pconn_result_text(res, 4, &text, &len, &is_null), link);
  CHECK_STR(text, "d");
  CHECK_OK(pconn_primary_keys(link, NULL, NULL, "ct", &res), link);
  CHECK_OK(pconn_fetch(res), link);
  CHECK_OK(pconn_result_text(res, 4, &text, &len, &is_null), link);
  CHECK_STR(text, "id");
}

static void more_results(pconn_link link) {
  pconn_result res = 0;
  int64_t v = 0;
  int is_null = 0;
  if (is_postgres()) {
    CHECK_OK(pconn_exec(link, "SELECT 1; SELECT 2 UNION ALL SELECT 3", &res), link);
    CHECK_OK(pconn_fetch(res), link);
    CHECK_OK(pconn_result_int64(res, 1, &v, &is_null), link);
    CHECK(v == 1);
    CHECK_OK(pconn_result_next(res), link);
    CHECK_OK(pconn_fetch(res), link);
    CHECK_OK(pconn_result_int64(res, 1, &v, &is_null), link);
    CHECK(v == 2);
    CHECK_OK(pconn_fetch(res), link);
    CHECK_STATUS(pconn_fetch(res), PCONN_NO_DATA);
    CHECK_STATUS(pconn_result_next(res), PCONN_NO_DATA);
  } else {
    /* SQLite's driver runs one statement per call: there is no second set. */
    CHECK_OK(pconn_exec(link, "SELECT 1", &res), link);
    CHECK_STATUS(pconn_result_next(res), PCONN_NO_DATA);
  }
  CHECK_OK(pconn_result_free(res), link);
}

/* Whole rows in one call: typed values, NULLs, and the end of the result. */
static void whole_rows(pconn_link link) {
  pconn_result res = 0;
  pconn_value row[3];
  CHECK_OK(pconn_exec(link,
                      "SELECT 41 + 1, 'h\xc3\xa9', CAST(NULL AS DOUBLE PRECISION) "
                      "UNION ALL SELECT -7, '', 2.5",
                      &res),
           link);
  CHECK_OK(pconn_fetch_row(res, row, 3), link);
  CHECK(row[0].kind == PCONN_VALUE_INTEGER && row[0].int64 == 42 && row[0].number == 42.0);
  CHECK_STR(row[0].text, "42");
  CHECK(row[1].is_null == 0 && row[1].len == 3);
  CHECK_STR(row[1].text, "h\xc3\xa9");
  CHECK(row[2].is_null == 1 && row[2].text == NULL && row[2].len == 0);
  CHECK_OK(pconn_fetch_row(res, row, 3), link);
  CHECK(row[0].int64 == -7);
  CHECK(row[1].is_null == 0 && row[1].len == 0);
  CHECK_STR(row[1].text, "");
  /* SQLite types an expression column by its first value; PostgreSQL says DOUBLE PRECISION. */
  CHECK(row[2].is_null == 0 && (row[2].kind != PCONN_VALUE_DOUBLE || row[2].number == 2.5));
  CHECK(!is_postgres() || row[2].kind == PCONN_VALUE_DOUBLE);
  CHECK_STR(row[2].text, "2.5");
  CHECK_STATUS(pconn_fetch_row(res, row, 3), PCONN_NO_DATA);
  CHECK_STATUS(pconn_fetch_row(res, NULL, 3), PCONN_NULL_ARGUMENT);
  CHECK_OK(pconn_result_free(res), link);
  CHECK_STATUS(pconn_fetch_row(res, row, 3), PCONN_INVALID_HANDLE);
}

static void bad_input(pconn_link link) {
  pconn_stmt st = 0;
  pconn_result res = 0;
  CHECK_OK(pconn_prepare(link, "SELECT CAST(? AS INTEGER) + CAST(? AS INTEGER)", &st), link);
  CHECK_STATUS(pconn_stmt_bind_int64(st, 0, 1), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_stmt_bind_int64(st, 3, 1), PCONN_INVALID_ARGUMENT);
  CHECK_STR(pconn_sqlstate(link), "HY024");
  CHECK_OK(pconn_stmt_bind_int64(st, 1, 1), link);
  CHECK_STATUS(pconn_stmt_execute(st, &res), PCONN_WRONG_STATE); /* parameter 2 not bound */
  CHECK(res == 0);
  CHECK_STATUS(pconn_stmt_bind_text(st, 2, NULL), PCONN_NULL_ARGUMENT);
  CHECK_STATUS(pconn_stmt_bind_text(st, 2, "\xff"), PCONN_INVALID_UTF8);
  CHECK_STATUS(pconn_stmt_bind_binary(st, 2, NULL, 1), PCONN_NULL_ARGUMENT);
  CHECK_STATUS(pconn_stmt_execute(st, NULL), PCONN_NULL_ARGUMENT);
  CHECK_OK(pconn_stmt_bind_int64(st, 2, 2), link);
  CHECK_OK(pconn_stmt_execute(st, &res), link);
  CHECK_STATUS(pconn_fetch((pconn_result)st), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_stmt_execute((pconn_stmt)res, &res), PCONN_INVALID_HANDLE);
  CHECK_OK(pconn_stmt_free(st), link);
  CHECK_STATUS(pconn_fetch(res), PCONN_INVALID_HANDLE); /* freed with its statement */
  CHECK_STATUS(pconn_stmt_execute(st, &res), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_stmt_bind_null(st, 1), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_stmt_free(st), PCONN_INVALID_HANDLE);
  CHECK_OK(pconn_stmt_free(0), 0);
  CHECK_STATUS(pconn_prepare(link, NULL, &st), PCONN_NULL_ARGUMENT);
  CHECK_STATUS(pconn_prepare(0, "SELECT 1", &st), PCONN_INVALID_HANDLE);

  int64_t v = 0;
  CHECK_OK(pconn_exec(link, "SELECT 'x'", &res), link);
  CHECK_STATUS(pconn_result_int64(res, 1, &v, NULL), PCONN_WRONG_STATE); /* before fetch */
  CHECK_OK(pconn_fetch(res), link);
  CHECK_STATUS(pconn_result_int64(res, 1, &v, NULL), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_result_int64(res, 2, &v, NULL), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_result_double(res, 1, NULL, NULL), PCONN_NULL_ARGUMENT);
  CHECK_STATUS(pconn_isolation_set(link, 5), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_read_only_set(link, -1), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_raw_hdbc(link, NULL), PCONN_NULL_ARGUMENT);
  CHECK_OK(pconn_result_free(res), link);
}

int main(void) {
  pconn_link link = 0;
  CHECK_OK(pconnect(&link), 0);
  round_trips(link);
  metadata_and_catalog(link);
  more_results(link);
  whole_rows(link);
  bad_input(link);

  /* Request 1 changes attributes; request 2 finds the link's baseline again. */
  char sid1[64], sid2[64];
  session_id(link, sid1, sizeof sid1);
  enum pconn_isolation level = PCONN_TXN_SERIALIZABLE;
  CHECK_OK(pconn_isolation_get(link, &level), link);
  enum pconn_isolation baseline = level;
  int on = 0;
  CHECK_OK(pconn_read_only_set(link, 1), link);
  CHECK_OK(pconn_read_only_get(link, &on), link);
  CHECK(on == 1);
  if (is_postgres()) {
    CHECK_OK(pconn_isolation_set(link, PCONN_TXN_SERIALIZABLE), link);
    CHECK_OK(pconn_isolation_get(link, &level), link);
    CHECK(level == PCONN_TXN_SERIALIZABLE);
    const char *catalog = NULL;
    CHECK_OK(pconn_catalog_get(link, &catalog), link);
    CHECK_STR(catalog, "pconn");
  }
  void *hdbc = NULL;
  CHECK_OK(pconn_raw_hdbc(link, &hdbc), link);
  CHECK(hdbc != NULL);
  CHECK_OK(pconn_mark_dirty(link), link);
  CHECK_OK(pconn_request_end(), 0);

  CHECK_OK(pconnect(&link), 0);
  session_id(link, sid2, sizeof sid2);
  CHECK_STR(sid2, sid1);
  CHECK_OK(pconn_isolation_get(link, &level), link);
  CHECK(level == baseline);
  CHECK_OK(pconn_read_only_get(link, &on), link);
  CHECK(on == 0);
  CHECK_OK(run(link, "DROP TABLE ct"), link);
  CHECK_OK(pconn_request_end(), 0);
  return harness_finish("statements");
}
