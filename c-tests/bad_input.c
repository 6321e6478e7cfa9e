/* Scenario (d): bad input of every kind gets a status code and a message, never a crash. */
#include "harness.h"
#include <unistd.h>

/* Calls with values that used to panic: each must fail with PCONN_INVALID_ARGUMENT naming the
 * option and its range, and write nothing to stderr (a caught panic used to print its message). */
static void huge_durations(void) {
  fflush(stderr);
  int saved_stderr = dup(2);
  FILE *capture = tmpfile();
  CHECK(saved_stderr >= 0 && capture != NULL);
  if (saved_stderr < 0 || capture == NULL) return;
  dup2(fileno(capture), 2);

  /* The environment (set in main before the first call) names a value out of range: every call
   * reports it, pconn_set_option included when it does not fix it, until the option is set. */
  pconn_link link = 0;
  pconn_status from_env = pconnect(&link);
  char env_message[512];
  snprintf(env_message, sizeof env_message, "%s", pconn_errmsg(0));
  pconn_status refused = pconn_set_option("ping_interval", "1e300");
  pconn_status fixed = pconn_set_option("ping_interval", "60");

  static const char *const options[] = {"ping_interval", "idle_timeout", "max_lifetime"};
  static const char *const values[] = {"1e300", "1e20", "99999999999999999999999"};
  int refused_each = 1, named_each = 1;
  for (size_t o = 0; o < 3; o++) {
    for (size_t v = 0; v < 3; v++) {
      if (pconn_set_option(options[o], values[v]) != PCONN_INVALID_ARGUMENT) refused_each = 0;
      if (!strstr(pconn_errmsg(0), options[o]) || !strstr(pconn_errmsg(0), "1000000000")) named_each = 0;
    }
  }
  char in_string[1024];
  snprintf(in_string, sizeof in_string, "%s;PconnPingInterval=1e300", conn_str());
  pconn_status from_string = pconn_pconnect(in_string, user(), password(), &link);

  fflush(stderr);
  dup2(saved_stderr, 2);
  close(saved_stderr);
  fseek(capture, 0, SEEK_END);
  long printed = ftell(capture);
  fclose(capture);

  CHECK_STATUS(from_env, PCONN_INVALID_ARGUMENT);
  CHECK(strstr(env_message, "PCONN_PING_INTERVAL") != NULL);
  CHECK(strstr(env_message, "1000000000") != NULL);
  CHECK_STATUS(refused, PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(fixed, PCONN_OK);
  CHECK(refused_each);
  CHECK(named_each);
  CHECK_STATUS(from_string, PCONN_INVALID_ARGUMENT);
  if (printed != 0) fprintf(stderr, "bad_input: %ld bytes on stderr from refused durations\n", printed);
  CHECK(printed == 0);
}

int main(void) {
  pconn_link link = 0;
  pconn_result result = 0;

  /* Read at pconn's first call: the value that once made every call panic. */
  setenv("PCONN_PING_INTERVAL", "1e300", 1);
  huge_durations();

  /* NULL arguments */
  CHECK_STATUS(pconn_pconnect(NULL, NULL, NULL, &link), PCONN_NULL_ARGUMENT);
  CHECK(strstr(pconn_errmsg(0), "conn_str") != NULL);
  CHECK_STR(pconn_sqlstate(0), "HY009");
  CHECK_STATUS(pconn_pconnect(conn_str(), user(), password(), NULL), PCONN_NULL_ARGUMENT);
  CHECK_OK(pconnect(&link), 0);
  CHECK_STATUS(pconn_exec(link, NULL, &result), PCONN_NULL_ARGUMENT);
  CHECK(strstr(pconn_errmsg(link), "sql") != NULL);
  CHECK_STATUS(pconn_exec(link, "SELECT 1", NULL), PCONN_NULL_ARGUMENT);
  CHECK_STATUS(pconn_autocommit_get(link, NULL), PCONN_NULL_ARGUMENT);
  CHECK_STATUS(pconn_set_option(NULL, "1"), PCONN_NULL_ARGUMENT);

  /* Invalid UTF-8 */
  const char bad_utf8[] = {'S', 'E', 'L', 'E', 'C', 'T', ' ', (char)0xC3, (char)0x28, 0};
  CHECK_STATUS(pconn_exec(link, bad_utf8, &result), PCONN_INVALID_UTF8);
  CHECK_STATUS(pconn_pconnect(bad_utf8, NULL, NULL, &link), PCONN_INVALID_UTF8);

  /* A huge string */
  size_t huge_len = 70 * 1024;
  char *huge = malloc(huge_len + 1);
  memset(huge, 'a', huge_len);
  huge[huge_len] = 0;
  pconn_link other = 0;
  CHECK_STATUS(pconn_pconnect(huge, NULL, NULL, &other), PCONN_TOO_LONG);
  CHECK_STATUS(pconn_pconnect(conn_str(), huge, NULL, &other), PCONN_TOO_LONG);
  free(huge);

  /* Malformed connection strings and options */
  CHECK_STATUS(pconn_pconnect("Driver", NULL, NULL, &other), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_pconnect("Driver={unterminated", NULL, NULL, &other), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_set_option("no_such_option", "1"), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_set_option("ping_interval", "soon"), PCONN_INVALID_ARGUMENT);

  /* Invalid, foreign and stale handles */
  CHECK_STATUS(run(0, "SELECT 1"), PCONN_INVALID_HANDLE);
  CHECK_STATUS(run((pconn_link)0xDEADBEEFCAFEull, "SELECT 1"), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_fetch(0), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_fetch((pconn_result)12345), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_autocommit_set(link, 7), PCONN_INVALID_ARGUMENT);
  CHECK(strlen(pconn_errmsg((pconn_link)0xDEADBEEFull)) > 0);
  CHECK(pconn_link_is_persistent((pconn_link)0xDEADBEEFull) == -1);

  /* Calls in the wrong order */
  CHECK_OK(pconn_exec(link, "SELECT 1", &result), link);
  const char *text = NULL;
  CHECK_STATUS(pconn_result_text(result, 1, &text, NULL, NULL), PCONN_WRONG_STATE);
  CHECK_OK(pconn_fetch(result), link);
  CHECK_STATUS(pconn_result_text(result, 0, &text, NULL, NULL), PCONN_INVALID_ARGUMENT);
  CHECK_STATUS(pconn_result_text(result, 2, &text, NULL, NULL), PCONN_INVALID_ARGUMENT);
  CHECK_OK(pconn_result_text(result, 1, &text, NULL, NULL), link);
  CHECK_STR(text, "1");
  CHECK_STATUS(pconn_fetch(result), PCONN_NO_DATA);
  CHECK_STATUS(pconn_fetch(result), PCONN_NO_DATA);
  CHECK_OK(pconn_result_free(result), link);
  CHECK_STATUS(pconn_result_free(result), PCONN_INVALID_HANDLE);
  CHECK_STATUS(pconn_fetch(result), PCONN_INVALID_HANDLE);
  CHECK_OK(pconn_result_free(0), 0);
  CHECK_OK(pconn_close(0), 0);
  CHECK_OK(pconn_exec(link, "CREATE TABLE IF NOT EXISTS bad_input_t (v INTEGER)", &result), link);
  CHECK_STATUS(pconn_fetch(result), PCONN_WRONG_STATE);
  CHECK_OK(run(link, "DROP TABLE bad_input_t"), link);

  /* Status texts */
  CHECK_STR(pconn_errstr(PCONN_OK), "ok");
  CHECK_STR(pconn_errstr(12345), "unknown status code");
  CHECK_STR(pconn_version(), PCONN_VERSION);

  /* End twice, close after end */
  CHECK_OK(pconn_request_end(), 0);
  CHECK_OK(pconn_request_end(), 0);
  CHECK_STATUS(pconn_close(link), PCONN_INVALID_HANDLE);
  return harness_finish("bad_input");
}
