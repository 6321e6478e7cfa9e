<?php
// ext/odbc 8.2's constants, every one with its value, under their global names, for code using the
// drop-in: autoload.php requires this file when ext/odbc (or an earlier load) did not define them.
// ODBC_TYPE says "unixODBC" as ext/odbc built on unixODBC does: applications test it, and the
// driver manager underneath is that. Code calling Pconn\Odbc\odbc_* with ext/odbc loaded uses
// ext/odbc's own (the same values).
//
// PHP never preloads constants: these are declared in every request. Declarations (const), one
// opcode each, and only under the global names, which cost less to register than namespaced ones.
declare(strict_types=1);

const ODBC_TYPE = 'unixODBC';
const ODBC_BINMODE_PASSTHRU = 0;
const ODBC_BINMODE_RETURN = 1;
const ODBC_BINMODE_CONVERT = 2;
const SQL_ODBC_CURSORS = 110;
const SQL_CUR_USE_DRIVER = 2;
const SQL_CUR_USE_IF_NEEDED = 0;
const SQL_CUR_USE_ODBC = 1;
const SQL_CONCURRENCY = 7;
const SQL_CONCUR_READ_ONLY = 1;
const SQL_CONCUR_LOCK = 2;
const SQL_CONCUR_ROWVER = 3;
const SQL_CONCUR_VALUES = 4;
const SQL_CURSOR_TYPE = 6;
const SQL_CURSOR_FORWARD_ONLY = 0;
const SQL_CURSOR_KEYSET_DRIVEN = 1;
const SQL_CURSOR_DYNAMIC = 2;
const SQL_CURSOR_STATIC = 3;
const SQL_KEYSET_SIZE = 8;
const SQL_FETCH_FIRST = 2;
const SQL_FETCH_NEXT = 1;
const SQL_CHAR = 1;
const SQL_VARCHAR = 12;
const SQL_LONGVARCHAR = -1;
const SQL_DECIMAL = 3;
const SQL_NUMERIC = 2;
const SQL_BIT = -7;
const SQL_TINYINT = -6;
const SQL_SMALLINT = 5;
const SQL_INTEGER = 4;
const SQL_BIGINT = -5;
const SQL_REAL = 7;
const SQL_FLOAT = 6;
const SQL_DOUBLE = 8;
const SQL_BINARY = -2;
const SQL_VARBINARY = -3;
const SQL_LONGVARBINARY = -4;
const SQL_DATE = 9;
const SQL_TIME = 10;
const SQL_TIMESTAMP = 11;
const SQL_TYPE_DATE = 91;
const SQL_TYPE_TIME = 92;
const SQL_TYPE_TIMESTAMP = 93;
const SQL_WCHAR = -8;
const SQL_WVARCHAR = -9;
const SQL_WLONGVARCHAR = -10;
const SQL_BEST_ROWID = 1;
const SQL_ROWVER = 2;
const SQL_SCOPE_CURROW = 0;
const SQL_SCOPE_TRANSACTION = 1;
const SQL_SCOPE_SESSION = 2;
const SQL_NO_NULLS = 0;
const SQL_NULLABLE = 1;
const SQL_INDEX_UNIQUE = 0;
const SQL_INDEX_ALL = 1;
const SQL_ENSURE = 1;
const SQL_QUICK = 0;
