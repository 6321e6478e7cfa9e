/* Fork stress: no forked child may hang in the driver manager on a lock it inherited locked.
 *   1. fork right after pconn_request_end(), while pconn's background thread resets the link;
 *   2. fork while another application thread is making pconn calls.
 * Each child connects once (a new server session: the driver manager's process-wide locks are
 * taken) under alarm(10): a child killed by SIGALRM hung. PCONN_FORK_CHILDREN sets how many
 * children each case forks: 200 by default (CI), 1000 in `make stress`, 2 under valgrind. */
#include "harness.h"
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static _Atomic int stop_caller = 0;

/* Under valgrind (make valgrind) every child is slow: a few, with time to connect. */

/* The child: one pconnect and a query on its own link, then out without exit handlers. */
static void child(void) {
  alarm(under_valgrind() ? 120 : 10);
  pconn_link link = 0;
  if (pconnect(&link) != PCONN_OK) _exit(2);
  char value[16] = "";
  if (query_value(link, "SELECT 1", value, sizeof value) != PCONN_OK) _exit(3);
  pconn_close_all();
  _exit(0);
}

/* Forks one child without waiting for it; returns its pid (0 on failure, counted). */
static pid_t spawn(void) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) child();
  CHECK(pid > 0);
  return pid > 0 ? pid : 0;
}

struct outcome {
  int hung, failed;
};

static void reap(pid_t pid, struct outcome *out) {
  int status = 0;
  if (pid == 0 || waitpid(pid, &status, 0) != pid) {
    out->failed++;
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    out->hung++;
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    out->failed++;
  }
}

/* Another application thread, inside pconn calls all along. */
static void *fork_stress_other_thread(void *unused) {
  (void)unused;
  while (!stop_caller) {
    pconn_link link = 0;
    if (pconnect(&link) == PCONN_OK) {
      char value[16] = "";
      query_value(link, "SELECT 1", value, sizeof value);
    }
    pconn_request_end();
  }
  return NULL;
}

int main(void) {
  int children = atoi(env_or("PCONN_FORK_CHILDREN", under_valgrind() ? "2" : "200"));
  if (children <= 0) children = 200;
  /* A few children at once keep the run short; each is reaped before the batch grows again. */
  enum { BATCH = 8 };
  pid_t pids[BATCH];

  /* 1. Right after request end, the reset under way on pconn's thread. */
  struct outcome after_end = {0, 0};
  for (int i = 0; i < children; i += BATCH) {
    int n = children - i < BATCH ? children - i : BATCH;
    for (int j = 0; j < n; j++) {
      pconn_link link = 0;
      CHECK_OK(pconnect(&link), 0);
      CHECK_OK(run(link, is_postgres() ? "SET application_name = 'fork_stress'" : "SELECT 1"), link);
      CHECK_OK(pconn_request_end(), 0);
      pids[j] = spawn();
    }
    for (int j = 0; j < n; j++) reap(pids[j], &after_end);
  }
  printf("fork_stress [%s]: fork after request end: %d of %d children hung, %d failed\n", backend(), after_end.hung,
         children, after_end.failed);

  /* 2. Another thread inside pconn calls. */
  struct outcome during_calls = {0, 0};
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, fork_stress_other_thread, NULL) == 0);
  for (int i = 0; i < children; i += BATCH) {
    int n = children - i < BATCH ? children - i : BATCH;
    for (int j = 0; j < n; j++) pids[j] = spawn();
    for (int j = 0; j < n; j++) reap(pids[j], &during_calls);
  }
  stop_caller = 1;
  pthread_join(thread, NULL);
  printf("fork_stress [%s]: fork during another thread's calls: %d of %d children hung, %d failed\n", backend(),
         during_calls.hung, children, during_calls.failed);

  CHECK(after_end.hung == 0 && after_end.failed == 0);
  CHECK(during_calls.hung == 0 && during_calls.failed == 0);
  return harness_finish("fork_stress");
}
