/* pconn example: a small threaded server. Worker threads take connections from one loopback TCP
 * socket; each connection is one request: a line "<page>\n" in, a line "<page> <visits> <pid>\n"
 * out. Every request gets its link with pconn_pconnect and ends with pconn_request_end, so a
 * thread's link is reused by its next request, cleaned in between.
 *
 *   cc server.c $(pkg-config --cflags --libs pconn) -pthread -o server
 *   ./server 'Driver=SQLite3;Database=/tmp/hits.db' [threads]
 *
 * It prints "listening on <port>" and serves until a request for the page "quit". Then it prints
 * the pool's statistics (pconn_stats_json) and exits. */
#define _GNU_SOURCE
#include "pconn.h"
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_THREADS 16

static const char *conn_str;
static int listener = -1;
static volatile int quitting = 0;

/* One request: count a visit to `page` and answer with the page's visits so far. */
static void serve(int client) {
  char page[128] = {0};
  ssize_t n = recv(client, page, sizeof page - 1, 0);
  if (n <= 0) {
    return;
  }
  page[strcspn(page, "\r\n")] = '\0';
  if (strcmp(page, "quit") == 0) {
    quitting = 1;
    shutdown(listener, SHUT_RDWR); /* wakes the threads blocked in accept() */
    dprintf(client, "bye\n");
    return;
  }

  pconn_link link = 0;
  pconn_stmt insert = 0, count = 0;
  pconn_result result = 0;
  int64_t visits = -1;
  if (pconn_pconnect(conn_str, NULL, NULL, &link) != PCONN_OK) {
    dprintf(client, "error connect: %s\n", pconn_errmsg(0));
    return;
  }
  /* Two statements, one transaction: a failure in between leaves nothing (request end rolls back). */
  if (pconn_autocommit_set(link, 0) == PCONN_OK && pconn_prepare(link, "INSERT INTO hits (page) VALUES (?)", &insert) == PCONN_OK &&
      pconn_stmt_bind_text(insert, 1, page) == PCONN_OK && pconn_stmt_execute(insert, &result) == PCONN_OK &&
      pconn_prepare(link, "SELECT COUNT(*) FROM hits WHERE page = ?", &count) == PCONN_OK &&
      pconn_stmt_bind_text(count, 1, page) == PCONN_OK && pconn_stmt_execute(count, &result) == PCONN_OK &&
      pconn_fetch(result) == PCONN_OK && pconn_result_int64(result, 1, &visits, NULL) == PCONN_OK &&
      pconn_commit(link) == PCONN_OK) {
    dprintf(client, "%s %" PRId64 " %d\n", page, visits, (int)getpid());
  } else {
    dprintf(client, "error [%s] %s\n", pconn_sqlstate(link), pconn_errmsg(link));
  }
  pconn_stmt_free(insert);
  pconn_stmt_free(count);
  /* Autocommit back on, statements gone, the link back to idle: whatever happened above. */
  pconn_request_end();
}

static void *worker(void *unused) {
  (void)unused;
  while (!quitting) {
    int client = accept(listener, NULL, NULL);
    if (client < 0) {
      continue; /* the listener was shut down (quit), or a client gave up */
    }
    serve(client);
    close(client);
  }
  return NULL;
}

static int setup(void) {
  pconn_link link = 0;
  pconn_result result = 0;
  if (pconn_new_connect(conn_str, NULL, NULL, &link) != PCONN_OK) {
    fprintf(stderr, "cannot connect: %s\n", pconn_errmsg(0));
    return -1;
  }
  pconn_status rc = pconn_exec(link, "CREATE TABLE IF NOT EXISTS hits (page TEXT NOT NULL)", &result);
  if (rc != PCONN_OK) {
    fprintf(stderr, "cannot create the table: %s\n", pconn_errmsg(link));
  }
  pconn_result_free(result);
  pconn_close(link);
  pconn_request_end();
  return rc == PCONN_OK ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CONNECTION-STRING [THREADS]\n", argv[0]);
    return 2;
  }
  conn_str = argv[1];
  int threads = argc > 2 ? atoi(argv[2]) : 4;
  if (threads < 1 || threads > MAX_THREADS) {
    fprintf(stderr, "THREADS must be 1..%d\n", MAX_THREADS);
    return 2;
  }
  if (setup() != 0) {
    return 1;
  }

  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
  socklen_t len = sizeof addr;
  listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 64) != 0 ||
      getsockname(listener, (struct sockaddr *)&addr, &len) != 0) {
    perror("listen");
    return 1;
  }
  printf("listening on %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  pthread_t pool[MAX_THREADS];
  for (int i = 0; i < threads; i++) {
    pthread_create(&pool[i], NULL, worker, NULL);
  }
  for (int i = 0; i < threads; i++) {
    pthread_join(pool[i], NULL);
  }
  close(listener);
  printf("%s\n", pconn_stats_json());
  pconn_close_all();
  return 0;
}
