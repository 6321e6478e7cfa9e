/* pconn declarations for PHP FFI, generated from pconn.h's source. Do not edit. */

typedef enum pconn_status {
  PCONN_OK = 0,
  PCONN_ERROR = 1,
  PCONN_INVALID_HANDLE = 2,
  PCONN_NULL_ARGUMENT = 3,
  PCONN_INVALID_UTF8 = 4,
  PCONN_LIMIT = 5,
  PCONN_PANIC = 6,
  PCONN_INVALID_ARGUMENT = 7,
  PCONN_WRONG_STATE = 8,
  PCONN_TOO_LONG = 9,
  PCONN_BROKEN_LINK = 10,
  PCONN_NO_DATA = 100,
} pconn_status;

typedef uint64_t pconn_link;

typedef uint64_t pconn_result;

const char *pconn_version(void);

const char *pconn_errstr(int code);

enum pconn_status pconn_pconnect(const char *conn_str,
                                 const char *user,
                                 const char *password,
                                 pconn_link *out_link);

enum pconn_status pconn_connect(const char *conn_str,
                                const char *user,
                                const char *password,
                                pconn_link *out_link);

enum pconn_status pconn_new_connect(const char *conn_str,
                                    const char *user,
                                    const char *password,
                                    pconn_link *out_link);

enum pconn_status pconn_close(pconn_link link);

enum pconn_status pconn_drop(pconn_link link);

enum pconn_status pconn_close_all(void);

enum pconn_status pconn_request_begin(void);

enum pconn_status pconn_request_end(void);

enum pconn_status pconn_exec(pconn_link link, const char *sql, pconn_result *out_result);

enum pconn_status pconn_fetch(pconn_result result);

enum pconn_status pconn_result_text(pconn_result result,
                                    uint16_t column,
                                    const char **out_text,
                                    size_t *out_len,
                                    int *out_is_null);

enum pconn_status pconn_result_columns(pconn_result result, uint16_t *out_count);

enum pconn_status pconn_result_affected_rows(pconn_result result, int64_t *out_rows);

enum pconn_status pconn_result_free(pconn_result result);

enum pconn_status pconn_autocommit_set(pconn_link link, int on);

enum pconn_status pconn_autocommit_get(pconn_link link, int *out_on);

enum pconn_status pconn_commit(pconn_link link);

enum pconn_status pconn_rollback(pconn_link link);

const char *pconn_errmsg(pconn_link link);

const char *pconn_sqlstate(pconn_link link);

int32_t pconn_native_error(pconn_link link);

enum pconn_status pconn_last_status(pconn_link link);

int pconn_link_is_persistent(pconn_link link);

enum pconn_status pconn_set_option(const char *name, const char *value);

enum pconn_status pconn_get_option(const char *name, const char **out_value);

const char *pconn_stats_json(void);
