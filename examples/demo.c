/* pconn demo: a "server" that handles five requests in one process on embedded SQLite.
 * Each request gets its link with pconn_pconnect; watch the link come back every time, with the
 * previous request's transaction rolled back, its temp table gone and its error forgotten. */
#include "pconn.h"
#include <stdio.h>
#include <string.h>

static const char *CONN = "Driver=SQLite3;Database=pconn-demo.db";

static void show(pconn_link link, const char *label, const char *sql) {
  pconn_result result = 0;
  if (pconn_exec(link, sql, &result) != PCONN_OK) {
    printf("    %-34s -> error [%s] %s\n", label, pconn_sqlstate(link), pconn_errmsg(link));
    return;
  }
  const char *text = NULL;
  int is_null = 0;
  if (pconn_fetch(result) == PCONN_OK && pconn_result_text(result, 1, &text, NULL, &is_null) == PCONN_OK) {
    printf("    %-34s -> %s\n", label, is_null ? "NULL" : text);
  }
  pconn_result_free(result);
}

static void exec(pconn_link link, const char *sql) {
  pconn_result result = 0;
  if (pconn_exec(link, sql, &result) == PCONN_OK) {
    pconn_result_free(result);
  } else {
    printf("    %-34s -> error (as intended): %s\n", sql, pconn_errmsg(link));
  }
}

static void stat_line(void) {
  const char *stats = pconn_stats_json();
  const char *opened = strstr(stats, "\"opened\":");
  const char *reused = strstr(stats, "\"reused\":");
  const char *reset = strstr(stats, "\"reset\":");
  int o = 0, r = 0, s = 0;
  if (opened) sscanf(opened, "\"opened\":%d", &o);
  if (reused) sscanf(reused, "\"reused\":%d", &r);
  if (reset) sscanf(reset, "\"reset\":%d", &s);
  printf("    pool: %d connection(s) opened, %d reuse(s), %d session reset(s)\n", o, r, s);
}

int main(void) {
  printf("pconn %s demo — one process, five requests, one SQLite connection\n\n", pconn_version());
  pconn_link setup = 0;
  if (pconn_new_connect(CONN, NULL, NULL, &setup) != PCONN_OK) {
    printf("cannot open %s: %s\n", CONN, pconn_errmsg(0));
    return 1;
  }
  exec(setup, "DROP TABLE IF EXISTS orders");
  exec(setup, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
  pconn_close(setup);

  for (int request = 1; request <= 5; request++) {
    printf("request %d\n", request);
    pconn_link link = 0;
    if (pconn_pconnect(CONN, NULL, NULL, &link) != PCONN_OK) {
      printf("    pconnect failed: %s\n", pconn_errmsg(0));
      return 1;
    }
    printf("    %-34s -> \"%s\"\n", "pconn_errmsg(link)", pconn_errmsg(link));
    show(link, "orders committed so far", "SELECT COUNT(*) FROM orders");
    show(link, "temp tables left by others", "SELECT COUNT(*) FROM temp.sqlite_master");
    if (request % 2 == 1) {
      /* An odd request commits one order... */
      exec(link, "INSERT INTO orders (item) VALUES ('kept')");
      /* ...then leaves a mess: a transaction, a temp table and an error. */
      pconn_autocommit_set(link, 0);
      exec(link, "INSERT INTO orders (item) VALUES ('never committed')");
      exec(link, "CREATE TEMP TABLE scratch (x)");
      exec(link, "SELECT * FROM no_such_table");
      printf("    (ends with autocommit off, an open transaction, a temp table and an error)\n");
    }
    pconn_request_end();
    stat_line();
    printf("\n");
  }
  pconn_close_all();
  printf("Every request got the same persistent connection back (the other one opened was the setup\n"
         "link), with none of the previous request's transaction, temp table, autocommit setting or\n"
         "error in it.\n");
  return 0;
}
