<?php
declare(strict_types=1);

namespace Pconn;

/**
 * Positional `?` parameters, filled in on the PHP side while the library has no prepared
 * statements: values become SQL literals (strings quoted with '' doubled, NULL, numbers as they
 * are, booleans as 1/0). `?` inside quotes, identifiers and comments is left alone.
 *
 * @internal
 */
final class Sql
{
    /** Byte offsets of the `?` placeholders of $sql. @return list<int> */
    public static function placeholders(string $sql): array
    {
        $out = [];
        $n = strlen($sql);
        for ($i = 0; $i < $n; $i++) {
            $ch = $sql[$i];
            if ($ch === '?') {
                $out[] = $i;
            } elseif ($ch === "'" || $ch === '"' || $ch === '`') {
                $end = strpos($sql, $ch, $i + 1);
                // a doubled quote inside continues the literal: the loop sees it as open/close pairs
                $i = $end === false ? $n : $end;
            } elseif ($ch === '-' && ($sql[$i + 1] ?? '') === '-') {
                $end = strpos($sql, "\n", $i);
                $i = $end === false ? $n : $end;
            } elseif ($ch === '/' && ($sql[$i + 1] ?? '') === '*') {
                $end = strpos($sql, '*/', $i + 2);
                $i = $end === false ? $n : $end + 1;
            }
        }
        return $out;
    }

    public static function literal(mixed $value): string
    {
        return match (true) {
            $value === null => 'NULL',
            is_bool($value) => $value ? '1' : '0',
            is_int($value) => (string) $value,
            is_float($value) => is_finite($value)
                ? (($s = var_export($value, true)) === '-0.0' ? '0' : $s)
                : throw new Exception('a parameter is not a finite number', '22003', 0, 7),
            $value instanceof \Stringable, is_string($value) => self::quote((string) $value),
            default => throw new Exception('cannot bind a parameter of type ' . get_debug_type($value), 'HY105', 0, 7),
        };
    }

    public static function quote(string $s): string
    {
        if (str_contains($s, "\0")) {
            throw new Exception('a text parameter contains a NUL byte', '22024', 0, 7);
        }
        return "'" . str_replace("'", "''", $s) . "'";
    }

    /** @param array<int|string, mixed> $params positional (list) */
    public static function bind(string $sql, array $params): string
    {
        $params = array_values($params);
        $marks = self::placeholders($sql);
        if (count($marks) !== count($params)) {
            throw new Exception(sprintf('the statement has %d parameter(s), %d given', count($marks), count($params)),
                '07002', 0, 7);
        }
        if ($marks === []) {
            return $sql;
        }
        $out = '';
        $pos = 0;
        foreach ($marks as $k => $at) {
            $out .= substr($sql, $pos, $at - $pos) . self::literal($params[$k]);
            $pos = $at + 1;
        }
        return $out . substr($sql, $pos);
    }
}
