<?php
// ext/odbc 8.2's constants, every one with its value, for code using the drop-in (constants are
// not preloaded: autoload.php requires this file in every request). Global ones only when
// ext/odbc did not define them. ODBC_TYPE says "unixODBC" as ext/odbc built on unixODBC does:
// applications test it, and the driver manager underneath is that.
declare(strict_types=1);

(static function (): void {
foreach ([
    'ODBC_TYPE' => 'unixODBC', 'ODBC_BINMODE_PASSTHRU' => 0, 'ODBC_BINMODE_RETURN' => 1,
    'ODBC_BINMODE_CONVERT' => 2, 'SQL_ODBC_CURSORS' => 110, 'SQL_CUR_USE_DRIVER' => 2,
    'SQL_CUR_USE_IF_NEEDED' => 0, 'SQL_CUR_USE_ODBC' => 1, 'SQL_CONCURRENCY' => 7,
    'SQL_CONCUR_READ_ONLY' => 1, 'SQL_CONCUR_LOCK' => 2, 'SQL_CONCUR_ROWVER' => 3, 'SQL_CONCUR_VALUES' => 4,
    'SQL_CURSOR_TYPE' => 6, 'SQL_CURSOR_FORWARD_ONLY' => 0, 'SQL_CURSOR_KEYSET_DRIVEN' => 1,
    'SQL_CURSOR_DYNAMIC' => 2, 'SQL_CURSOR_STATIC' => 3, 'SQL_KEYSET_SIZE' => 8, 'SQL_FETCH_FIRST' => 2,
    'SQL_FETCH_NEXT' => 1, 'SQL_CHAR' => 1, 'SQL_VARCHAR' => 12, 'SQL_LONGVARCHAR' => -1, 'SQL_DECIMAL' => 3,
    'SQL_NUMERIC' => 2, 'SQL_BIT' => -7, 'SQL_TINYINT' => -6, 'SQL_SMALLINT' => 5, 'SQL_INTEGER' => 4,
    'SQL_BIGINT' => -5, 'SQL_REAL' => 7, 'SQL_FLOAT' => 6, 'SQL_DOUBLE' => 8, 'SQL_BINARY' => -2,
    'SQL_VARBINARY' => -3, 'SQL_LONGVARBINARY' => -4, 'SQL_DATE' => 9, 'SQL_TIME' => 10,
    'SQL_TIMESTAMP' => 11, 'SQL_TYPE_DATE' => 91, 'SQL_TYPE_TIME' => 92, 'SQL_TYPE_TIMESTAMP' => 93,
    'SQL_WCHAR' => -8, 'SQL_WVARCHAR' => -9, 'SQL_WLONGVARCHAR' => -10, 'SQL_BEST_ROWID' => 1,
    'SQL_ROWVER' => 2, 'SQL_SCOPE_CURROW' => 0, 'SQL_SCOPE_TRANSACTION' => 1, 'SQL_SCOPE_SESSION' => 2,
    'SQL_NO_NULLS' => 0, 'SQL_NULLABLE' => 1, 'SQL_INDEX_UNIQUE' => 0, 'SQL_INDEX_ALL' => 1,
    'SQL_ENSURE' => 1, 'SQL_QUICK' => 0,
] as $name => $value) {
    if (!defined('Pconn\\Odbc\\' . $name)) {
        define('Pconn\\Odbc\\' . $name, $value);
    }
    if (!extension_loaded('odbc') && !defined($name)) {
        define($name, $value);
    }
}
})();
