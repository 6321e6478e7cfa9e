/* Scenario (a): request 1 leaves every kind of state behind; request 2 gets the same server
 * session and finds none of it, and no error. */
#include "harness.h"

int main(void) {
  char before[64] = "", after[64] = "", value[256] = "";
  pconn_link link = 0;

  /* Request 1 */
  CHECK_OK(pconnect(&link), 0);
  session_id(link, before, sizeof before);
  CHECK_OK(run(link, "CREATE TABLE IF NOT EXISTS iso_t (v INTEGER)"), link);
  CHECK_OK(run(link, "DELETE FROM iso_t"), link);
  CHECK_OK(pconn_autocommit_set(link, 0), link);
  CHECK_OK(run(link, "INSERT INTO iso_t VALUES (1)"), link);
  CHECK_OK(run(link, "CREATE TEMP TABLE iso_temp (v INTEGER)"), link);
  if (is_postgres()) {
    CHECK_OK(run(link, "SET application_name = 'request-one'"), link);
    CHECK_OK(run(link, "SET pconn.tenant = 'tenant-a'"), link);
    CHECK_OK(run(link, "SET search_path = pg_catalog"), link);
  } else {
    CHECK_OK(run(link, "PRAGMA foreign_keys = ON"), link);
  }
  CHECK_STATUS(run(link, "SELECT * FROM no_such_table"), PCONN_ERROR);
  CHECK(strlen(pconn_errmsg(link)) > 0);
  CHECK_OK(pconn_request_end(), 0);

  /* Request 2 */
  CHECK_OK(pconnect(&link), 0);
  CHECK_STR(pconn_errmsg(link), "");
  CHECK_STR(pconn_sqlstate(link), "");
  session_id(link, after, sizeof after);
  CHECK_STR(after, before); /* the same server session, reused */
  int autocommit = -1;
  CHECK_OK(pconn_autocommit_get(link, &autocommit), link);
  CHECK(autocommit == 1);
  CHECK_OK(query_value(link, "SELECT COUNT(*) FROM iso_t", value, sizeof value), link);
  CHECK_STR(value, "0"); /* the insert was rolled back */
  CHECK_STATUS(run(link, "SELECT * FROM iso_temp"), PCONN_ERROR); /* temp table gone */
  CHECK_OK(run(link, "SELECT 1"), link);
  CHECK_STR(pconn_errmsg(link), ""); /* and that error did not outlive its call */
  if (is_postgres()) {
    CHECK_OK(query_value(link, "SELECT current_setting('application_name')", value, sizeof value), link);
    CHECK(strcmp(value, "request-one") != 0);
    CHECK_OK(query_value(link, "SELECT current_setting('pconn.tenant', true)", value, sizeof value), link);
    CHECK(strcmp(value, "tenant-a") != 0);
    CHECK_OK(query_value(link, "SHOW search_path", value, sizeof value), link);
    CHECK(strcmp(value, "pg_catalog") != 0);
    CHECK_OK(query_value(link, "SELECT state FROM pg_stat_activity WHERE pid = pg_backend_pid()", value,
                         sizeof value), link);
    CHECK_STR(value, "active");
    /* A transaction opened with raw SQL BEGIN is rolled back too. */
    CHECK_OK(run(link, "BEGIN"), link);
    CHECK_OK(run(link, "INSERT INTO iso_t VALUES (2)"), link);
  } else {
    CHECK_OK(query_value(link, "PRAGMA foreign_keys", value, sizeof value), link);
    CHECK_STR(value, "0");
    CHECK_OK(run(link, "BEGIN"), link);
    CHECK_OK(run(link, "INSERT INTO iso_t VALUES (2)"), link);
  }
  CHECK_OK(pconn_request_end(), 0);

  /* Request 3: the raw BEGIN's insert is gone, and the link still works. */
  CHECK_OK(pconnect(&link), 0);
  session_id(link, after, sizeof after);
  CHECK_STR(after, before);
  CHECK_OK(query_value(link, "SELECT COUNT(*) FROM iso_t", value, sizeof value), link);
  CHECK_STR(value, "0");
  CHECK_OK(run(link, "DROP TABLE iso_t"), link);
  CHECK_OK(pconn_request_end(), 0);
  return harness_finish("isolation");
}
