/* fork() after pconnect: the child never touches an inherited link (its handles are invalid there,
 * its pconnect opens a server session of its own), and the parent's link keeps working — same
 * session, no protocol error — after the child used its own and exited. Three cases: the parent's
 * link leased (in its request) at fork time, idle in the pool, and a child that exits without
 * calling pconn at all. */
#include "harness.h"
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the child does; its checks count in its own copy of harness_failures. */
static void child_work(pconn_link inherited, const char *parent_session) {
  /* An inherited handle names nothing here: refused without a byte on the parent's socket. */
  pconn_result result = 0;
  CHECK_STATUS(pconn_exec(inherited, "SELECT 1", &result), PCONN_INVALID_HANDLE);
  CHECK(result == 0);

  pconn_link mine = 0;
  CHECK_OK(pconnect(&mine), 0);
  char session[64] = "";
  session_id(mine, session, sizeof session);
  if (is_postgres()) CHECK(strcmp(session, parent_session) != 0);
  char value[64] = "";
  CHECK_OK(query_value(mine, "SELECT 40 + 2", value, sizeof value), mine);
  CHECK_STR(value, "42");
  CHECK_OK(pconn_request_end(), 0);

  /* A second request in the child reuses the child's own link, not the parent's. */
  CHECK_OK(pconnect(&mine), 0);
  char again[64] = "";
  session_id(mine, again, sizeof again);
  CHECK_STR(again, session);
  CHECK_OK(pconn_request_end(), 0);
}

/* Forks; the child runs `work` (unless NULL) and exits through exit(), so pconn's atexit handler
 * runs: it disconnects the child's own links and must leave inherited ones alone. */
static void fork_child(pconn_link inherited, const char *parent_session, int work) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    harness_failures++;
    return;
  }
  if (pid == 0) {
    harness_failures = 0;
    if (work) child_work(inherited, parent_session);
    exit(harness_failures ? 1 : 0);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The parent's link works and is the same server session as before. */
static void check_parent_link(pconn_link link, const char *expected_session) {
  char session[64] = "";
  session_id(link, session, sizeof session);
  CHECK_STR(session, expected_session);
  char value[64] = "";
  CHECK_OK(run(link, "CREATE TEMP TABLE fork_check(n INTEGER)"), link);
  CHECK_OK(run(link, "INSERT INTO fork_check VALUES (7)"), link);
  CHECK_OK(query_value(link, "SELECT n FROM fork_check", value, sizeof value), link);
  CHECK_STR(value, "7");
  CHECK_STR(pconn_sqlstate(link), "");
}

int main(void) {
  pconn_link link = 0;
  CHECK_OK(pconnect(&link), 0);
  char parent_session[64] = "";
  session_id(link, parent_session, sizeof parent_session);

  /* 1. The link is leased to the parent's request when it forks. */
  fork_child(link, parent_session, 1);
  check_parent_link(link, parent_session);
  CHECK_OK(pconn_request_end(), 0);

  /* 2. The link is idle in the parent's pool when it forks. */
  fork_child(link, parent_session, 1);
  CHECK_OK(pconnect(&link), 0);
  check_parent_link(link, parent_session);
  CHECK_OK(pconn_request_end(), 0);

  /* 3. A child that never calls pconn and exits: its atexit must send nothing. */
  CHECK_OK(pconnect(&link), 0);
  fork_child(link, parent_session, 0);
  check_parent_link(link, parent_session);
  CHECK_OK(pconn_request_end(), 0);

  /* Nothing was found dead or broken in the parent. */
  const char *stats = pconn_stats_json();
  CHECK(strstr(stats, "\"dead_replaced\":0") != NULL);
  CHECK(strstr(stats, "\"broken\":0") != NULL);
  CHECK(strstr(stats, "\"opened\":1,") != NULL);
  if (harness_failures) fprintf(stderr, "stats: %s\n", stats);
  return harness_finish("fork");
}
