/* Scenario (b): errors belong to the last call. */
#include "harness.h"

int main(void) {
  pconn_link link = 0;
  CHECK_OK(pconnect(&link), 0);

  CHECK_STATUS(run(link, "SELEKT nonsense"), PCONN_ERROR);
  CHECK(strlen(pconn_errmsg(link)) > 0);
  CHECK(strlen(pconn_sqlstate(link)) == 5);
  CHECK(pconn_last_status(link) == PCONN_ERROR);
  /* Reading the error does not change it. */
  const char *first = pconn_errmsg(link);
  CHECK_STR(pconn_errmsg(link), first);
  /* The thread's last error says the same. */
  CHECK(strlen(pconn_errmsg(0)) > 0);

  CHECK_OK(run(link, "SELECT 1"), link);
  CHECK_STR(pconn_errmsg(link), "");
  CHECK_STR(pconn_sqlstate(link), "");
  CHECK(pconn_native_error(link) == 0);
  CHECK(pconn_last_status(link) == PCONN_OK);
  CHECK_STR(pconn_errmsg(0), "");

  /* A failed connect reports through the thread's last error, without the password. */
  pconn_link bad = 0;
  pconn_status rc = pconn_connect("Driver={No Such Driver};Server=x", "u", "Sekret-Pw-123", &bad);
  CHECK(rc == PCONN_ERROR);
  CHECK(bad == 0);
  CHECK(strlen(pconn_errmsg(0)) > 0);
  CHECK(strstr(pconn_errmsg(0), "Sekret-Pw-123") == NULL);
  rc = pconn_connect("Driver={No Such Driver};PWD=Sekret-Pw-123;Server=x", NULL, NULL, &bad);
  CHECK(rc == PCONN_ERROR);
  CHECK(strstr(pconn_errmsg(0), "Sekret-Pw-123") == NULL);
  if (is_postgres()) {
    /* A wrong password: the server's refusal, and still no password in it. */
    rc = pconn_connect(conn_str(), user(), "Wrong-Pw-456", &bad);
    CHECK(rc == PCONN_ERROR);
    CHECK(strstr(pconn_errmsg(0), "Wrong-Pw-456") == NULL);
    CHECK(strstr(pconn_stats_json(), "Wrong-Pw-456") == NULL);
    CHECK(strstr(pconn_stats_json(), password()) == NULL);
  }
  /* The link's own error is untouched by the failed connect. */
  CHECK_STR(pconn_errmsg(link), "");

  /* A statement error does not end the request's usefulness. */
  CHECK_STATUS(run(link, "SELECT * FROM missing_table_x"), PCONN_ERROR);
  char value[32];
  CHECK_OK(query_value(link, "SELECT 41 + 1", value, sizeof value), link);
  CHECK_STR(value, "42");
  CHECK_STR(pconn_errmsg(link), "");
  CHECK_OK(pconn_request_end(), 0);
  return harness_finish("errors");
}
