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
            Library::$linkPtr,
        );
        if ($rc !== 0) {
            throw Exception::fromLink(0, $rc);
        }
        return Library::$link->cdata;
    }

    public static function exec(int $link, string $sql): int
    {
        $ffi = Library::ffi();
        $rc = $ffi->pconn_exec($link, $sql, Library::$resultPtr);
        if ($rc !== 0) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$result->cdata;
    }

    public static function check(int $link, int $rc): void
    {
        if ($rc !== 0) {
            throw Exception::fromLink($link, $rc);
        }
    }

    public static function columns(int $result): int
    {
        $rc = Library::ffi()->pconn_result_columns($result, Library::$u16Ptr);
        return $rc === 0 ? Library::$u16->cdata : 0;
    }

    public static function affectedRows(int $result): int
    {
        $rc = Library::ffi()->pconn_result_affected_rows($result, Library::$i64Ptr);
        return $rc === 0 ? Library::$i64->cdata : -1;
    }

    /** Moves to the next row: true on a row, false after the last; throws on an error. */
    public static function fetch(int $link, int $result): bool
    {
        $rc = Library::ffi()->pconn_fetch($result);
        if ($rc === 0) {
            return true;
        }
        if ($rc === 100) {
            return false;
        }
        throw Exception::fromLink($link, $rc);
    }

    /**
     * The current row's values as strings (null for SQL NULL), keyed by $names when given
     * (a list of column names), else 0-based.
     *
     * @param list<string>|null $names
     * @return array<int|string, string|null>
     */
    public static function row(int $result, int $columns, ?array $names = null): array
    {
        $ffi = Library::ffi();
        $t = Library::$textPtr;
        $l = Library::$lenPtr;
        $n = Library::$isNullPtr;
        $text = Library::$text;
        $len = Library::$len;
        $isNull = Library::$isNull;
        $row = [];
        for ($c = 1; $c <= $columns; $c++) {
            $ffi->pconn_result_text($result, $c, $t, $l, $n);
            $row[] = $isNull->cdata ? null : FFI::string($text, $len->cdata);
        }
        return $names === null ? $row : array_combine($names, $row);
    }

    /** One column of the current row (from 1). */
    public static function value(int $link, int $result, int $column): ?string
    {
        $rc = Library::ffi()->pconn_result_text($result, $column, Library::$textPtr, Library::$lenPtr, Library::$isNullPtr);
        if ($rc !== 0) {
            throw Exception::fromLink($link, $rc);
        }
        return Library::$isNull->cdata ? null : FFI::string(Library::$text, Library::$len->cdata);
    }

    public static function free(int $result): void
    {
        if ($result !== 0) {
            // after the request ended, its results are gone already: nothing to free
            Library::loaded()?->pconn_result_free($result);
        }
    }

    /**
     * Column metadata (name, type, size, precision, scale, nullable) when the library has the
     * statement API's metadata calls; null when it does not.
     *
     * @return array{name: string, type: string, size: int, precision: int, scale: int, nullable: int}|null
     */
    public static function columnMeta(int $result, int $column): ?array
    {
        return Metadata::column($result, $column);
    }

    /** @return list<string> column names ("1", "2", … when the library cannot name them) */
    public static function columnNames(int $result, int $columns): array
    {
        $names = [];
        for ($c = 1; $c <= $columns; $c++) {
            $meta = Metadata::column($result, $c);
            $names[] = $meta === null ? (string) $c : $meta['name'];
        }
        return $names;
    }
}
