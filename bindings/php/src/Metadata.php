<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * Column metadata of a result through the C API's pconn_column_* calls.
 *
 * @internal
 */
final class Metadata
{
    /**
     * ODBC's names of its SQL type codes, the driver-independent 'type' of column(); the driver's
     * own name ("int4", "varchar" on PostgreSQL) is typeName(), as ext/odbc's odbc_field_type.
     */
    public const TYPE_NAMES = [
        1 => 'CHAR', 12 => 'VARCHAR', -1 => 'LONGVARCHAR', -8 => 'WCHAR', -9 => 'WVARCHAR',
        -10 => 'WLONGVARCHAR', 2 => 'NUMERIC', 3 => 'DECIMAL', 4 => 'INTEGER', 5 => 'SMALLINT',
        6 => 'FLOAT', 7 => 'REAL', 8 => 'DOUBLE', -5 => 'BIGINT', -6 => 'TINYINT', -7 => 'BIT',
        -2 => 'BINARY', -3 => 'VARBINARY', -4 => 'LONGVARBINARY', 9 => 'DATE', 10 => 'TIME',
        11 => 'TIMESTAMP', 91 => 'DATE', 92 => 'TIME', 93 => 'TIMESTAMP', -11 => 'GUID',
    ];

    /** SQL_BINARY, SQL_VARBINARY, SQL_LONGVARBINARY: the columns odbc_binmode is about. */
    public const BINARY_TYPES = [-2 => true, -3 => true, -4 => true];
    /** SQL_LONGVARCHAR, SQL_WLONGVARCHAR, SQL_LONGVARBINARY: ext/odbc's "long" columns (odbc_longreadlen). */
    public const LONG_TYPES = [-1 => true, -10 => true, -4 => true];

    /** @return list<string> the names of columns 1..$columns */
    public static function names(int $link, int $result, int $columns): array
    {
        $ffi = Library::ffi();
        $names = [];
        for ($c = 1; $c <= $columns; $c++) {
            Raw::check($link, $ffi->pconn_column_name($result, $c, Library::$out->text));
            $names[] = FFI::string(Library::$out->text[0]);
        }
        return $names;
    }

    /** @return list<int> the ODBC SQL type codes of columns 1..$columns */
    public static function types(int $link, int $result, int $columns): array
    {
        $ffi = Library::ffi();
        $types = [];
        for ($c = 1; $c <= $columns; $c++) {
            Raw::check($link, $ffi->pconn_column_type($result, $c, Library::$out->int));
            $types[] = Library::$out->int[0];
        }
        return $types;
    }

    /** The driver's name for the type of column $column (from 1): psqlODBC says "int4", "text". */
    public static function typeName(int $link, int $result, int $column): string
    {
        Raw::check($link, Library::ffi()->pconn_column_type_name($result, $column, Library::$out->text));
        return FFI::string(Library::$out->text[0]);
    }

    /**
     * Everything known about column $column (from 1). precision is the column size (characters
     * for text, digits for numbers; 0 when unknown), which is also what ext/odbc's
     * odbc_field_len returns; nullable is 1, 0 or -1 (unknown).
     *
     * @return array{name: string, sqlType: int, type: string, typeName: string, precision: int, scale: int, nullable: int}
     */
    public static function column(int $link, int $result, int $column): array
    {
        $ffi = Library::ffi();
        Raw::check($link, $ffi->pconn_column_name($result, $column, Library::$out->text));
        $name = FFI::string(Library::$out->text[0]);
        Raw::check($link, $ffi->pconn_column_type($result, $column, Library::$out->int));
        $sqlType = Library::$out->int[0];
        Raw::check($link, $ffi->pconn_column_precision($result, $column, Library::$out->i64));
        $precision = Library::$out->i64[0];
        Raw::check($link, $ffi->pconn_column_scale($result, $column, Library::$out->int));
        $scale = Library::$out->int[0];
        Raw::check($link, $ffi->pconn_column_nullable($result, $column, Library::$out->int));
        $nullable = Library::$out->int[0];
        return [
            'name' => $name,
            'sqlType' => $sqlType,
            'type' => self::TYPE_NAMES[$sqlType] ?? "SQL_TYPE($sqlType)",
            'typeName' => self::typeName($link, $result, $column),
            'precision' => $precision,
            'scale' => $scale,
            'nullable' => $nullable,
        ];
    }
}
