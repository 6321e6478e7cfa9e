<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * Thin calls on the C API shared by the object API and the ext/odbc drop-in: each checks the
 * status and throws Pconn\Exception with the link's (or thread's) diagnostics.
 *
 * @internal
 */
final class Raw
{
    public const PERSISTENT = 'pconn_pconnect';
    public const REQUEST = 'pconn_connect';
    public const FRESH = 'pconn_new_connect';

    /** A bare data source name becomes "DSN=name", as ext/odbc does; a connection string stays. */
    public static function connectionString(string $dsn): string
    {
        return str_contains($dsn, '=') ? $dsn : 'DSN=' . $dsn;
    }

    public static function connect(string $kind, string $dsn, ?string $user, ?string $password): int
    {
        $ffi = Library::ffi();
        $rc = $ffi->$kind(
            self::connectionString($dsn),
            ($user === null || $user === '') ? null : $user,
            ($password === null || $password === '') ? null : $password,
            Library::$out->link,
        );
        if ($rc !== Status::OK) {
            throw Exception::fromLink(0, $rc);
        }
        return Library::$out->link[0];
    }

    public static function exec(int $link, string $sql): int
    {
        $ffi = Library::ffi();
        $rc = $ffi->pconn_exec($link, $sql, Library::$out->result);
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$out->result[0];
    }

    /**
     * Executes SQL given as bytes (pconn_exec_bytes): no UTF-8 check, the bytes go to the driver
     * as they are, as ext/odbc passes them (for Latin-1 applications).
     */
    public static function execBytes(int $link, string $sql): int
    {
        $rc = Library::ffi()->pconn_exec_bytes($link, $sql, strlen($sql), Library::$out->result);
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$out->result[0];
    }

    /**
     * Executes SQL given as bytes, as execBytes(), and tells in the same C call (pconn_php_exec)
     * the result's number of columns and how many of them are long or binary (the columns the
     * drop-in reads in pieces): a query then costs one FFI call, not three.
     */
    public static function execDescribed(int $link, string $sql, ?int &$columns, ?int &$longColumns): int
    {
        $ffi = Library::ffi();
        $out = Library::$out;
        $rc = $ffi->pconn_php_exec($link, $sql, strlen($sql), $out->result, $out->u16, $out->u32);
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
        $columns = $out->u16[0];
        $longColumns = $out->u32[0];
        return $out->result[0];
    }

    /**
     * Prepares SQL given as bytes (pconn_prepare_bytes), as execBytes(); with $cursorType, the
     * statement's SQL_ATTR_CURSOR_TYPE (pconn_prepare_cursor).
     */
    public static function prepareBytes(int $link, string $sql, ?int $cursorType = null): int
    {
        $rc = $cursorType === null
            ? Library::ffi()->pconn_prepare_bytes($link, $sql, strlen($sql), Library::$out->stmt)
            : Library::ffi()->pconn_prepare_cursor($link, $sql, strlen($sql), $cursorType, Library::$out->stmt);
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$out->stmt[0];
    }

    /**
     * Describes parameter $index (from 1) of a prepared statement (pconn_stmt_describe_param):
     * psqlODBC parses the SQL only then, so invalid SQL fails here, as in ext/odbc's odbc_prepare.
     * Returns the parameter's SQL type (SQL_VARCHAR when the driver cannot tell).
     */
    public static function describeParam(int $link, int $stmt, int $index): int
    {
        self::check($link, Library::ffi()->pconn_stmt_describe_param($stmt, $index, Library::$out->int, null, null, null));
        return Library::$out->int[0];
    }

    /**
     * The first info record (the driver's SQL_SUCCESS_WITH_INFO message) of the last call on
     * $link, as [SQLSTATE, message]; null when it had none.
     *
     * @return array{string, string}|null
     */
    public static function firstInfo(int $link): ?array
    {
        $ffi = Library::ffi();
        $out = Library::$out;
        if ($ffi->pconn_info_count($link, $out->u32) !== Status::OK || $out->u32[0] === 0) {
            return null;
        }
        if ($ffi->pconn_info_record($link, 0, $out->text, null) !== Status::OK) {
            return null;
        }
        $state = FFI::string($out->text[0]);
        if ($ffi->pconn_info_record($link, 0, null, $out->text) !== Status::OK) {
            return null;
        }
        return [$state, FFI::string($out->text[0])];
    }

    public static function check(int $link, int $rc): void
    {
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
    }

    public static function columns(int $result): int
    {
        $rc = Library::ffi()->pconn_result_columns($result, Library::$out->u16);
        return $rc === Status::OK ? Library::$out->u16[0] : 0;
    }

    public static function affectedRows(int $result): int
    {
        $rc = Library::ffi()->pconn_result_affected_rows($result, Library::$out->i64);
        return $rc === Status::OK ? Library::$out->i64[0] : -1;
    }

    /** Moves the result to its next result set (SQLMoreResults): true when there is one. */
    public static function nextResult(int $link, int $result): bool
    {
        $rc = Library::ffi()->pconn_result_next($result);
        if ($rc === Status::OK) {
            return true;
        }
        if ($rc === Status::NO_DATA) {
            return false;
        }
        throw Exception::fromLink($link, $rc);
    }

    public static function free(int $result): void
    {
        if ($result !== 0) {
            // after the request ended, its results are gone already: nothing to free
            Library::loaded()?->pconn_result_free($result);
        }
    }

    /** @return list<string> column names */
    public static function columnNames(int $link, int $result, int $columns): array
    {
        return Metadata::names($link, $result, $columns);
    }

    public static function prepare(int $link, string $sql): int
    {
        $rc = Library::ffi()->pconn_prepare($link, $sql, Library::$out->stmt);
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$out->stmt[0];
    }

    public static function paramCount(int $link, int $stmt): int
    {
        self::check($link, Library::ffi()->pconn_stmt_param_count($stmt, Library::$out->u16));
        return Library::$out->u16[0];
    }

    /**
     * Binds parameter $index (from 1) by the value's PHP type: null as SQL NULL, int and bool as
     * integers, float as a double, strings as text — or as binary when they are not UTF-8 text
     * (invalid UTF-8, or a NUL byte, which a C string would cut off).
     */
    public static function bind(int $link, int $stmt, int $index, mixed $value): void
    {
        $ffi = Library::ffi();
        $rc = match (true) {
            $value === null => $ffi->pconn_stmt_bind_null($stmt, $index),
            is_int($value) => $ffi->pconn_stmt_bind_int64($stmt, $index, $value),
            is_bool($value) => $ffi->pconn_stmt_bind_int64($stmt, $index, $value ? 1 : 0),
            is_float($value) => $ffi->pconn_stmt_bind_double($stmt, $index, $value),
            is_string($value), $value instanceof \Stringable => self::bindString($stmt, $index, (string) $value),
            default => throw new Exception('cannot bind a parameter of type ' . get_debug_type($value), 'HY105', 0, Status::INVALID_ARGUMENT),
        };
        self::check($link, $rc);
    }

    /** Binds a string as text, or as binary when it is not text a C string can carry. @return int status */
    public static function bindString(int $stmt, int $index, string $value): int
    {
        $ffi = Library::ffi();
        if (!str_contains($value, "\0")) {
            $rc = $ffi->pconn_stmt_bind_text($stmt, $index, $value);
            if ($rc !== Status::INVALID_UTF8) {
                return $rc;
            }
        }
        return $ffi->pconn_stmt_bind_binary($stmt, $index, $value, strlen($value));
    }

    /** Executes a prepared statement with its bound values; returns the result handle. */
    public static function execute(int $link, int $stmt): int
    {
        $rc = Library::ffi()->pconn_stmt_execute($stmt, Library::$out->result);
        if ($rc !== Status::OK) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$out->result[0];
    }

    /** Frees a prepared statement and the result of its last execution. */
    public static function freeStatement(int $stmt): void
    {
        if ($stmt !== 0) {
            // after the request ended, its statements are gone already
            Library::loaded()?->pconn_stmt_free($stmt);
        }
    }
}
