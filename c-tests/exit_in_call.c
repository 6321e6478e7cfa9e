/* exit() from a signal handler while the same thread is inside a pconn call (prefork Apache's
 * SIGTERM handler does this, and so do many C servers): the process exits at once, and the
 * server ends both of the request's sessions at once (the kernel closes their sockets). It used
 * to hang: first exit's thread-local destructors ended the request and waited for the link's own
 * lock, which the interrupted call holds; then disconnecting the request's other SQLite link
 * waited for SQLite's allocation mutex, which the interrupted statement held. */
#include "harness.h"
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Lasts far longer than the test waits: 5 s on PostgreSQL; on SQLite a count that takes seconds. */
static const char *slow_query(void) {
  return is_postgres() ? "SELECT pg_sleep(5)"
                       : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000000) "
                         "SELECT count(*) FROM c";
}

static void exit_on_term(int sig) {
  (void)sig;
  exit(0);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The child: two links in its request, the slow query on one; reports their sessions on `out`. */
static void child(int out) {
  alarm(under_valgrind() ? 120 : 30); /* never outlives a broken test */
  signal(SIGTERM, exit_on_term);
  pconn_link busy = 0, other = 0;
  if (pconnect(&busy) != PCONN_OK) _exit(2);
  if (pconn_new_connect(conn_str(), user(), password(), &other) != PCONN_OK) _exit(3);
  char sessions[160] = "", busy_id[64] = "", other_id[64] = "";
  session_id(busy, busy_id, sizeof busy_id);
  session_id(other, other_id, sizeof other_id);
  snprintf(sessions, sizeof sessions, "%s %s\n", busy_id, other_id);
  if (write(out, sessions, strlen(sessions)) < 0) _exit(4);
  pconn_result result = 0;
  pconn_exec(busy, slow_query(), &result);
  _exit(5); /* the query ended before the signal: the test is void */
}

int main(void) {
  int pipe_fds[2];
  CHECK(pipe(pipe_fds) == 0);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(pipe_fds[0]);
    child(pipe_fds[1]);
  }
  close(pipe_fds[1]);
  char sessions[160] = "";
  ssize_t got = read(pipe_fds[0], sessions, sizeof sessions - 1);
  CHECK(got > 0);
  char busy_id[64] = "", other_id[64] = "";
  CHECK(sscanf(sessions, "%63s %63s", busy_id, other_id) == 2);

  sleep(1); /* the slow query is under way */
  double signalled = now();
  CHECK(kill(pid, SIGTERM) == 0);
  int status = 0;
  pid_t gone = 0;
  /* Under valgrind an exit runs the leak check first, which alone can
   * take seconds on a loaded machine: there the test is about memory errors, not time. */
  const double limit = under_valgrind() ? 60.0 : 4.0;
  while ((gone = waitpid(pid, &status, WNOHANG)) == 0 && now() - signalled < limit) usleep(10000);
  double took = now() - signalled;
  if (gone == 0) {
    fprintf(stderr, "the child was still alive %.1f s after SIGTERM\n", took);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    harness_failures++;
  } else {
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) fprintf(stderr, "child status %d\n", status);
  }
  printf("exit_in_call [%s]: the child exited %.2f s after SIGTERM\n", backend(), took);

  if (is_postgres()) {
    /* The other link's session is gone at once too, not left to a server timeout. */
    pconn_link watch = 0;
    CHECK_OK(pconnect(&watch), 0);
    char sql[160], count[32] = "";
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", other_id);
    for (int i = 0; i < 100; i++) {
      CHECK_OK(query_value(watch, sql, count, sizeof count), watch);
      if (strcmp(count, "0") == 0) break;
      usleep(20000);
    }
    CHECK_STR(count, "0");
    CHECK_OK(pconn_request_end(), 0);
  }
  return harness_finish("exit_in_call");
}
