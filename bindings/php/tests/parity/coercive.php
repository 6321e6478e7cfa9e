<?php
// No strict_types here, on purpose: calls from this file run in PHP's coercive mode, as in most
// applications, where ext/odbc (an internal function) takes null for a scalar parameter with a
// deprecation and the type's zero value (scenarios.php, which is strict, gets the TypeError).

/** @return array<string, callable> label => call, for show() */
function parity_coercive_nulls($c, string $dsn, string $user, string $password): array
{
    return [
        'null query (coercive)' => fn () => odbc_exec($c, null),
        'null autocommit (coercive) sets it off' => fn () => [odbc_autocommit($c, null), odbc_autocommit($c), odbc_autocommit($c, true)],
        'null field (coercive)' => fn () => odbc_field_name(odbc_exec($c, 'SELECT 1 AS a'), null),
        'null fetch type (coercive)' => fn () => odbc_data_source($c, null),
        'null user and password (coercive)' => fn () => odbc_connect($dsn, $user === '' ? null : $user, $password === '' ? null : $password) !== false,
        'int query (coercive)' => fn () => odbc_exec($c, 1),
    ];
}
