/* Shared helpers for pconn's C tests: assertions that report the link's error, and the backend
 * under test, which the Rust runner (tests/c_harness.rs) passes in the environment:
 *   PCONN_TEST_BACKEND   "sqlite" or "postgres"
 *   PCONN_TEST_CONNSTR   the ODBC connection string (without credentials)
 *   PCONN_TEST_USER, PCONN_TEST_PASSWORD   (may be empty) */
#ifndef PCONN_HARNESS_H
#define PCONN_HARNESS_H

#include "pconn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failures = 0;

#define CHECK(cond)                                                                         \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);              \
      harness_failures++;                                                                   \
    }                                                                                       \
  } while (0)

/* A call that must succeed; on failure prints the status and the error of `link` (0: thread). */
#define CHECK_OK(call, link)                                                                \
  do {                                                                                      \
    pconn_status rc_ = (call);                                                              \
    if (rc_ != PCONN_OK) {                                                                  \
      fprintf(stderr, "%s:%d: %s returned %d (%s): [%s] %s\n", __FILE__, __LINE__, #call,   \
              (int)rc_, pconn_errstr((int)rc_), pconn_sqlstate(link), pconn_errmsg(link));  \
      harness_failures++;                                                                   \
    }                                                                                       \
  } while (0)

#define CHECK_STATUS(call, expected)                                                        \
  do {                                                                                      \
    pconn_status rc_ = (call);                                                              \
    if (rc_ != (expected)) {                                                                \
      fprintf(stderr, "%s:%d: %s returned %d (%s), expected %s\n", __FILE__, __LINE__,      \
              #call, (int)rc_, pconn_errstr((int)rc_), #expected);                          \
      harness_failures++;                                                                   \
    }                                                                                       \
  } while (0)

#define CHECK_STR(actual, expected)                                                         \
  do {                                                                                      \
    const char *a_ = (actual), *e_ = (expected);                                            \
    if (a_ == NULL || strcmp(a_, e_) != 0) {                                                \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__,         \
              #actual, a_ ? a_ : "(null)", e_);                                             \
      harness_failures++;                                                                   \
    }                                                                                       \
  } while (0)

static const char *env_or(const char *name, const char *fallback) {
  const char *value = getenv(name);
  return value ? value : fallback;
}

static const char *backend(void) { return env_or("PCONN_TEST_BACKEND", "sqlite"); }
/* Whether the program runs under `make valgrind` (which sets PCONN_VALGRIND=1): bounds on time
 * loosen there, since valgrind slows everything, exit included. */
static inline int under_valgrind(void) { return strcmp(env_or("PCONN_VALGRIND", ""), "1") == 0; }
static inline int is_postgres(void) { return strcmp(backend(), "postgres") == 0; }
static const char *conn_str(void) { return env_or("PCONN_TEST_CONNSTR", ""); }
static const char *user(void) { return env_or("PCONN_TEST_USER", ""); }
static const char *password(void) { return env_or("PCONN_TEST_PASSWORD", ""); }

/* Runs `sql` and copies the first column of the first row into `out` ("<null>" for NULL,
 * "<none>" when there is no row). Returns the status of the first failing step. */
static inline pconn_status query_value(pconn_link link, const char *sql, char *out, size_t out_size) {
  pconn_result result = 0;
  pconn_status rc = pconn_exec(link, sql, &result);
  if (rc != PCONN_OK) return rc;
  rc = pconn_fetch(result);
  if (rc == PCONN_NO_DATA) {
    snprintf(out, out_size, "<none>");
  } else if (rc == PCONN_OK) {
    const char *text = NULL;
    size_t len = 0;
    int is_null = 0;
    rc = pconn_result_text(result, 1, &text, &len, &is_null);
    if (rc == PCONN_OK) snprintf(out, out_size, "%s", is_null ? "<null>" : text);
  }
  pconn_result_free(result);
  return rc == PCONN_NO_DATA ? PCONN_OK : rc;
}

/* Executes a statement and frees its result. */
static inline pconn_status run(pconn_link link, const char *sql) {
  pconn_result result = 0;
  pconn_status rc = pconn_exec(link, sql, &result);
  if (rc == PCONN_OK) rc = pconn_result_free(result);
  return rc;
}

static inline pconn_status pconnect(pconn_link *out) {
  return pconn_pconnect(conn_str(), user(), password(), out);
}

/* An identifier of the server session: PostgreSQL's backend pid; SQLite has none, so "" there. */
static inline void session_id(pconn_link link, char *out, size_t out_size) {
  if (is_postgres()) {
    CHECK_OK(query_value(link, "SELECT pg_backend_pid()", out, out_size), link);
  } else {
    snprintf(out, out_size, "sqlite");
  }
}

static inline int harness_finish(const char *name) {
  if (harness_failures) {
    fprintf(stderr, "%s [%s]: %d check(s) failed\n", name, backend(), harness_failures);
    return 1;
  }
  printf("%s [%s]: ok\n", name, backend());
  return 0;
}

#endif
