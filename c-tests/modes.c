/* Scenario (c): pconnect and connect give the same link within a request; new_connect never does;
 * persistent links are reused across requests and the others are not. */
#include "harness.h"

int main(void) {
  pconn_link p1 = 0, p2 = 0, c1 = 0, c2 = 0, n1 = 0, n2 = 0;
  char sp[64], sc[64], sn1[64], sn2[64], again[64];

  CHECK_OK(pconnect(&p1), 0);
  CHECK_OK(pconnect(&p2), 0);
  CHECK(p1 != 0 && p1 == p2);
  CHECK(pconn_link_is_persistent(p1) == 1);

  CHECK_OK(pconn_connect(conn_str(), user(), password(), &c1), 0);
  CHECK_OK(pconn_connect(conn_str(), user(), password(), &c2), 0);
  CHECK(c1 != 0 && c1 == c2);
  CHECK(c1 != p1);
  CHECK(pconn_link_is_persistent(c1) == 0);

  CHECK_OK(pconn_new_connect(conn_str(), user(), password(), &n1), 0);
  CHECK_OK(pconn_new_connect(conn_str(), user(), password(), &n2), 0);
  CHECK(n1 != n2 && n1 != c1 && n1 != p1);

  if (is_postgres()) {
    session_id(p1, sp, sizeof sp);
    session_id(c1, sc, sizeof sc);
    session_id(n1, sn1, sizeof sn1);
    session_id(n2, sn2, sizeof sn2);
    CHECK(strcmp(sp, sc) != 0 && strcmp(sp, sn1) != 0 && strcmp(sn1, sn2) != 0);
  }

  /* Closing a fresh link invalidates its handle; a second close is an error, not a crash. */
  CHECK_OK(pconn_close(n2), 0);
  CHECK_STATUS(pconn_close(n2), PCONN_INVALID_HANDLE);
  CHECK_STATUS(run(n2, "SELECT 1"), PCONN_INVALID_HANDLE);
  CHECK_OK(pconn_request_end(), 0);

  /* Handles of an ended request are invalid. */
  CHECK_STATUS(run(p1, "SELECT 1"), PCONN_INVALID_HANDLE);
  CHECK_STATUS(run(c1, "SELECT 1"), PCONN_INVALID_HANDLE);

  /* Next request: the persistent link's session comes back; connect opens a new session. */
  pconn_link p3 = 0, c3 = 0;
  CHECK_OK(pconnect(&p3), 0);
  CHECK_OK(pconn_connect(conn_str(), user(), password(), &c3), 0);
  if (is_postgres()) {
    session_id(p3, again, sizeof again);
    CHECK_STR(again, sp);
    session_id(c3, again, sizeof again);
    CHECK(strcmp(again, sc) != 0);
  }
  /* pconn_close on a persistent link returns it to idle; the next pconnect gets it back. */
  CHECK_OK(pconn_close(p3), 0);
  pconn_link p4 = 0;
  CHECK_OK(pconnect(&p4), 0);
  CHECK(p4 != p3);
  if (is_postgres()) {
    session_id(p4, again, sizeof again);
    CHECK_STR(again, sp);
  }
  /* pconn_drop closes a persistent link for good: the next pconnect opens a new session. */
  CHECK_OK(pconn_drop(p4), 0);
  pconn_link p5 = 0;
  CHECK_OK(pconnect(&p5), 0);
  if (is_postgres()) {
    session_id(p5, again, sizeof again);
    CHECK(strcmp(again, sp) != 0);
  }
  /* Statistics tell the same story. */
  const char *stats = pconn_stats_json();
  CHECK(strstr(stats, "\"reused\":") != NULL);
  CHECK_OK(pconn_close_all(), 0);
  CHECK_STATUS(run(p5, "SELECT 1"), PCONN_INVALID_HANDLE);
  CHECK_OK(pconn_request_end(), 0);
  return harness_finish("modes");
}
