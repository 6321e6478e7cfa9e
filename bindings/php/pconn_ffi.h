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

typedef enum pconn_value_kind {
  PCONN_VALUE_TEXT = 0,
  PCONN_VALUE_INTEGER = 1,
  PCONN_VALUE_DOUBLE = 2,
  PCONN_VALUE_BINARY = 3,
} pconn_value_kind;

typedef enum pconn_isolation {
  PCONN_TXN_READ_UNCOMMITTED = 1,
  PCONN_TXN_READ_COMMITTED = 2,
  PCONN_TXN_REPEATABLE_READ = 4,
  PCONN_TXN_SERIALIZABLE = 8,
} pconn_isolation;

typedef enum pconn_php_rows {
  PCONN_PHP_ROWS_LISTS = 0,
  PCONN_PHP_ROWS_BY_NAME = 1,
  PCONN_PHP_ROWS_DRIVER_TEXT = 2,
} pconn_php_rows;

typedef enum pconn_php_worker_flags {
  PCONN_PHP_SETTINGS_APPLIED = 1,
} pconn_php_worker_flags;

typedef uint64_t pconn_link;

typedef uint64_t pconn_result;

typedef struct pconn_value {
  const char *text;
  size_t len;
  int64_t int64;
  double number;
  int is_null;
  enum pconn_value_kind kind;
} pconn_value;

typedef uint64_t pconn_stmt;

typedef struct pconn_php_cells {
  uint64_t handle[1];
  const char *text[1];
  size_t len[1];
  int int_value[1];
  uint16_t u16_value[1];
  uint32_t u32_value[1];
  int64_t i64_value[1];
  uint32_t worker_flags;
  size_t fetch_batch;
} pconn_php_cells;



const char *pconn_version(void);

const char *pconn_errstr(int code);

enum pconn_status pconn_set_option(const char *name, const char *value);

enum pconn_status pconn_get_option(const char *name, const char **out_value);

const char *pconn_stats_json(void);

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

enum pconn_status pconn_exec_bytes(pconn_link link,
                                   const char *sql,
                                   size_t len,
                                   pconn_result *out_result);

enum pconn_status pconn_commit(pconn_link link);

enum pconn_status pconn_rollback(pconn_link link);

const char *pconn_errmsg(pconn_link link);

const char *pconn_sqlstate(pconn_link link);

int32_t pconn_native_error(pconn_link link);

enum pconn_status pconn_last_status(pconn_link link);

enum pconn_status pconn_info_count(pconn_link link, uint32_t *out_count);

enum pconn_status pconn_info_record(pconn_link link,
                                    uint32_t index,
                                    const char **out_sqlstate,
                                    const char **out_message);

enum pconn_status pconn_dbms_name(pconn_link link, const char **out_name);

int pconn_link_is_persistent(pconn_link link);

enum pconn_status pconn_raw_hdbc(pconn_link link, void **out_hdbc);

enum pconn_status pconn_mark_dirty(pconn_link link);

enum pconn_status pconn_fetch(pconn_result result);

enum pconn_status pconn_result_text(pconn_result result,
                                    uint16_t column,
                                    const char **out_text,
                                    size_t *out_len,
                                    int *out_is_null);

enum pconn_status pconn_result_columns(pconn_result result, uint16_t *out_count);

enum pconn_status pconn_result_affected_rows(pconn_result result, int64_t *out_rows);

enum pconn_status pconn_result_free(pconn_result result);

enum pconn_status pconn_result_int64(pconn_result result,
                                     uint16_t column,
                                     int64_t *out_value,
                                     int *out_is_null);

enum pconn_status pconn_result_double(pconn_result result,
                                      uint16_t column,
                                      double *out_value,
                                      int *out_is_null);

enum pconn_status pconn_result_bytes(pconn_result result,
                                     uint16_t column,
                                     const void **out_data,
                                     size_t *out_len,
                                     int *out_is_null);

enum pconn_status pconn_fetch_row(pconn_result result, struct pconn_value *values, uint16_t count);

enum pconn_status pconn_result_next(pconn_result result);

enum pconn_status pconn_column_type_name(pconn_result result,
                                         uint16_t column,
                                         const char **out_name);

enum pconn_status pconn_column_name(pconn_result result, uint16_t column, const char **out_name);

enum pconn_status pconn_column_type(pconn_result result, uint16_t column, int *out_type);

enum pconn_status pconn_column_precision(pconn_result result,
                                         uint16_t column,
                                         int64_t *out_precision);

enum pconn_status pconn_column_scale(pconn_result result, uint16_t column, int *out_scale);

enum pconn_status pconn_column_nullable(pconn_result result, uint16_t column, int *out_nullable);

enum pconn_status pconn_column_display_size(pconn_result result,
                                            uint16_t column,
                                            int64_t *out_size);

enum pconn_status pconn_column_attribute(pconn_result result,
                                         uint16_t column,
                                         uint16_t field,
                                         int64_t *out_value);

enum pconn_status pconn_prepare(pconn_link link, const char *sql, pconn_stmt *out_stmt);

enum pconn_status pconn_prepare_bytes(pconn_link link,
                                      const char *sql,
                                      size_t len,
                                      pconn_stmt *out_stmt);

enum pconn_status pconn_prepare_cursor(pconn_link link,
                                       const char *sql,
                                       size_t len,
                                       uint32_t cursor_type,
                                       pconn_stmt *out_stmt);

enum pconn_status pconn_stmt_param_count(pconn_stmt stmt, uint16_t *out_count);

enum pconn_status pconn_stmt_describe_param(pconn_stmt stmt,
                                            uint16_t index,
                                            int *out_sql_type,
                                            uint64_t *out_size,
                                            int16_t *out_digits,
                                            int *out_nullable);

enum pconn_status pconn_stmt_bind_text(pconn_stmt stmt, uint16_t index, const char *text);

enum pconn_status pconn_stmt_bind_text_bytes(pconn_stmt stmt,
                                             uint16_t index,
                                             const char *data,
                                             size_t len);

enum pconn_status pconn_stmt_bind_int64(pconn_stmt stmt, uint16_t index, int64_t value);

enum pconn_status pconn_stmt_bind_double(pconn_stmt stmt, uint16_t index, double value);

enum pconn_status pconn_stmt_bind_binary(pconn_stmt stmt,
                                         uint16_t index,
                                         const void *data,
                                         size_t len);

enum pconn_status pconn_stmt_bind_null(pconn_stmt stmt, uint16_t index);

enum pconn_status pconn_stmt_execute(pconn_stmt stmt, pconn_result *out_result);

enum pconn_status pconn_stmt_free(pconn_stmt stmt);

enum pconn_status pconn_autocommit_set(pconn_link link, int on);

enum pconn_status pconn_autocommit_get(pconn_link link, int *out_on);

enum pconn_status pconn_isolation_set(pconn_link link, int level);

enum pconn_status pconn_isolation_get(pconn_link link, enum pconn_isolation *out_level);

enum pconn_status pconn_read_only_set(pconn_link link, int on);

enum pconn_status pconn_read_only_get(pconn_link link, int *out_on);

enum pconn_status pconn_catalog_get(pconn_link link, const char **out_catalog);

enum pconn_status pconn_catalog_set(pconn_link link, const char *catalog);

enum pconn_status pconn_tables(pconn_link link,
                               const char *catalog,
                               const char *schema,
                               const char *table,
                               const char *types,
                               pconn_result *out_result);

enum pconn_status pconn_columns(pconn_link link,
                                const char *catalog,
                                const char *schema,
                                const char *table,
                                const char *column,
                                pconn_result *out_result);

enum pconn_status pconn_primary_keys(pconn_link link,
                                     const char *catalog,
                                     const char *schema,
                                     const char *table,
                                     pconn_result *out_result);

enum pconn_status pconn_type_info(pconn_link link, int16_t data_type, pconn_result *out_result);

enum pconn_status pconn_procedures(pconn_link link,
                                   const char *catalog,
                                   const char *schema,
                                   const char *procedure,
                                   pconn_result *out_result);

enum pconn_status pconn_procedure_columns(pconn_link link,
                                          const char *catalog,
                                          const char *schema,
                                          const char *procedure,
                                          const char *column,
                                          pconn_result *out_result);

enum pconn_status pconn_foreign_keys(pconn_link link,
                                     const char *pk_catalog,
                                     const char *pk_schema,
                                     const char *pk_table,
                                     const char *fk_catalog,
                                     const char *fk_schema,
                                     const char *fk_table,
                                     pconn_result *out_result);

enum pconn_status pconn_special_columns(pconn_link link,
                                        int identifier_type,
                                        const char *catalog,
                                        const char *schema,
                                        const char *table,
                                        int scope,
                                        int nullable,
                                        pconn_result *out_result);

enum pconn_status pconn_statistics(pconn_link link,
                                   const char *catalog,
                                   const char *schema,
                                   const char *table,
                                   int unique,
                                   int reserved,
                                   pconn_result *out_result);

enum pconn_status pconn_table_privileges(pconn_link link,
                                         const char *catalog,
                                         const char *schema,
                                         const char *table,
                                         pconn_result *out_result);

enum pconn_status pconn_column_privileges(pconn_link link,
                                          const char *catalog,
                                          const char *schema,
                                          const char *table,
                                          const char *column,
                                          pconn_result *out_result);

enum pconn_status pconn_fetch_php_serialized(pconn_result result,
                                             uint32_t max_rows,
                                             size_t max_bytes,
                                             int flags,
                                             const char **out_data,
                                             size_t *out_len,
                                             uint32_t *out_rows);

enum pconn_status pconn_php_exec(pconn_link link,
                                 const char *sql,
                                 size_t len,
                                 pconn_result *out_result,
                                 uint16_t *out_columns,
                                 uint32_t *out_long_columns);

struct pconn_php_cells *pconn_php_worker(uint32_t set_flags);
