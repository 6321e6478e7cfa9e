/* Credentials under any attribute name: a password given as `pqopt={password=…}` (PostgreSQL) or
 * a token as `AccessToken=…` (SQLite, which ignores it) logs in or is passed on, but never shows
 * in statistics or messages, and after pconn_close_all no copy of it is left anywhere in the
 * process's writable memory: not in the heap, not in a thread's stack, not in freed blocks.
 *
 * The scan reads the process's own memory through /proc/self/maps and /proc/self/mem. The test
 * keeps the secret only shifted by one (each byte + 1) and wipes every plain copy it makes itself
 * (the environment variable, the connection string it builds) before scanning, so any copy found
 * was made by pconn or by the driver stack below it. For PostgreSQL, tests/c_harness.rs has the
 * allocator wipe freed blocks (psqlODBC and libpq free copies unwiped, beyond pconn's reach), so
 * there the scan counts the copies still held. */
#include "harness.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static char shifted[256];
static size_t secret_len;

static void wipe(void *p, size_t n) {
  volatile char *v = p;
  while (n--) *v++ = 0;
}

/* Copies of the secret in every readable and writable mapping except the scan's own buffer; in
 * the main thread's stack only when `in_stack`. */
static int count_copies(int in_stack) {
  size_t chunk = 1 << 20;
  unsigned char *buf = mmap(NULL, chunk + 256, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  FILE *maps = fopen("/proc/self/maps", "r");
  int mem = open("/proc/self/mem", O_RDONLY);
  CHECK(buf != MAP_FAILED && maps != NULL && mem >= 0);
  if (buf == MAP_FAILED || maps == NULL || mem < 0) return -1;
  unsigned char first = (unsigned char)(shifted[0] - 1);
  int copies = 0;
  char line[512];
  while (fgets(line, sizeof line, maps)) {
    uintptr_t start, end;
    char perms[8];
    line[strcspn(line, "\n")] = 0;
    if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3) continue;
    if (perms[0] != 'r' || perms[1] != 'w') continue;
    if (strstr(line, "[vvar]") || strstr(line, "[vsyscall]")) continue;
    if (start == (uintptr_t)buf) continue;
    if (!in_stack && strstr(line, "[stack]")) continue;
    for (uintptr_t at = start; at < end; at += chunk) {
      size_t want = end - at < chunk ? end - at : chunk;
      /* Overlap the next chunk by the secret's length so a copy across a boundary is found once. */
      size_t extra = end - at - want < secret_len ? end - at - want : secret_len;
      ssize_t got = pread(mem, buf, want + extra, (off_t)at);
      if (got <= 0) break;
      for (size_t i = 0; i + secret_len <= (size_t)got && i < want; i++) {
        if (buf[i] != first) continue;
        size_t k = 1;
        while (k < secret_len && buf[i + k] == (unsigned char)(shifted[k] - 1)) k++;
        if (k == secret_len) {
          copies++;
          /* What surrounds it tells who made the copy. */
          char context[97];
          size_t from = i >= 40 ? i - 40 : 0, n = 0;
          for (size_t c = from; c < (size_t)got && c < i + secret_len + 40 && n < 96; c++, n++)
            context[n] = buf[c] >= 32 && buf[c] < 127 && (c < i || c >= i + secret_len) ? (char)buf[c] : '.';
          context[n] = 0;
          if (getenv("PCONN_TEST_SHOW_COPIES")) fprintf(stderr, "copy at %#lx in %.60s: %s\n", (unsigned long)(at + i), line + 25, context);
        }
      }
    }
  }
  wipe(buf, chunk + 256);
  munmap(buf, chunk + 256);
  fclose(maps);
  close(mem);
  return copies;
}

/* Whether `text` contains the secret. */
static int shows_secret(const char *text) {
  size_t n = strlen(text);
  for (size_t i = 0; i + secret_len <= n; i++) {
    size_t k = 0;
    while (k < secret_len && text[i + k] == shifted[k] - 1) k++;
    if (k == secret_len) return 1;
  }
  return 0;
}

/* `prefix` + the secret + `suffix` in a fresh buffer; the caller wipes and frees it. */
static char *with_secret(const char *prefix, const char *suffix) {
  size_t len = strlen(prefix) + secret_len + strlen(suffix);
  char *out = malloc(len + 1);
  size_t at = strlen(prefix);
  memcpy(out, prefix, at);
  for (size_t k = 0; k < secret_len; k++) out[at + k] = (char)(shifted[k] - 1);
  memcpy(out + at + secret_len, suffix, strlen(suffix) + 1);
  return out;
}

static void use_link(pconn_link link) {
  char value[64];
  CHECK_OK(query_value(link, "SELECT 1", value, sizeof value), link);
  CHECK_STR(value, "1");
}

int main(void) {
  /* The secret: PostgreSQL's real password (it must log in), a made-up token for SQLite. Kept
   * shifted; the environment's plain copy is overwritten. */
  char *env_password = getenv("PCONN_TEST_PASSWORD");
  if (is_postgres()) {
    secret_len = strlen(env_password);
    for (size_t k = 0; k < secret_len; k++) shifted[k] = (char)(env_password[k] + 1);
  } else {
    char token[64];
    snprintf(token, sizeof token, "T0ken-%ld-%ld", (long)getpid(), (long)time(NULL));
    secret_len = strlen(token);
    for (size_t k = 0; k < secret_len; k++) shifted[k] = (char)(token[k] + 1);
    wipe(token, sizeof token);
  }
  if (env_password) wipe(env_password, strlen(env_password));
  CHECK(secret_len >= 6);

  char prefix[1024];
  snprintf(prefix, sizeof prefix, "%s;UID=%s;%s", conn_str(), user(), is_postgres() ? "pqopt={password=" : "AccessToken=");
  const char *suffix = is_postgres() ? "}" : "";
  const int rounds = 20;
  for (int round = 0; round < rounds; round++) {
    char *conn = with_secret(prefix, suffix);
    pconn_link link = 0;
    CHECK_OK(pconn_pconnect(conn, NULL, NULL, &link), 0);
    if (link) use_link(link);
    CHECK(!shows_secret(pconn_stats_json()));
    if (round == 0) CHECK(strstr(pconn_stats_json(), "=***") != NULL);
    if (round % 5 == 4) CHECK_OK(pconn_close_all(), 0);
    CHECK_OK(pconn_request_end(), 0);
    wipe(conn, strlen(conn));
    free(conn);
  }

  CHECK_OK(pconn_close_all(), 0);
  if (getenv("PCONN_VALGRIND") && strcmp(getenv("PCONN_VALGRIND"), "1") == 0) {
    /* Under memcheck the process's maps include valgrind's own memory, which keeps freed blocks
     * and copies of the client's data: the scan runs in the plain run of this program. */
    printf("secrets [%s]: memory scan not run under valgrind\n", backend());
    return harness_finish("secrets");
  }
  /* The main thread's stack is reported, not asserted on: psqlODBC formats the completed
   * connection string, credentials included, in a local array of SQLDriverConnect, and what is
   * left of a returned frame is the driver's. Everything that lasts (the heap, the pool's thread
   * stacks, static data) must hold no copy. */
  int everywhere = count_copies(1);
  int lasting = count_copies(0);
  printf("secrets [%s]: after %d connects and pconn_close_all, %d copies of the credential in lasting memory, "
         "%d in stale frames of the main thread's stack\n",
         backend(), rounds, lasting, everywhere - lasting);
  CHECK(lasting == 0);

  /* A wrong credential: the failure's message does not echo it. */
  if (is_postgres()) {
    char wrong_prefix[1100];
    snprintf(wrong_prefix, sizeof wrong_prefix, "%s;UID=%s;pqopt={password=x", conn_str(), user());
    char *conn = with_secret(wrong_prefix, "}");
    pconn_link link = 0;
    CHECK(pconn_pconnect(conn, NULL, NULL, &link) != PCONN_OK);
    CHECK(!shows_secret(pconn_errmsg(0)));
    wipe(conn, strlen(conn));
    free(conn);
  }

  /* A failed login leaves no copy either: the driver frees its copies of the string unwiped on
   * that path too, and pconn reuses and wipes the blocks it freed after every connect. */
  if (is_postgres()) {
    int after_failure = count_copies(0);
    printf("secrets [%s]: after a failed login, %d copies in lasting memory\n", backend(), after_failure);
    CHECK(after_failure == 0);
  }
  return harness_finish("secrets");
}
