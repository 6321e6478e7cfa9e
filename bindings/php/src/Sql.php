<?php
declare(strict_types=1);

namespace Pconn;

/**
 * SQL text the binding writes itself (the drop-in's catalog queries on information_schema and
 * SQLite's tables): string literals. Values of scripts are bound as parameters, never written
 * into SQL.
 *
 * @internal
 */
final class Sql
{
    /** $s as an SQL string literal ('' doubled). */
    public static function quote(string $s): string
    {
        if (str_contains($s, "\0")) {
            throw new Exception('a text value contains a NUL byte', '22024', 0, 7);
        }
        return "'" . str_replace("'", "''", $s) . "'";
    }
}
