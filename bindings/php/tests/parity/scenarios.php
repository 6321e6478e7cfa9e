<?php
// Runs the same calls under native ext/odbc and under the drop-in (ExtOdbcParityTest starts it
// once each way) and prints what a script observes: return values, exceptions and warnings.
// Lines that would differ only by the userland limits the binding's README lists (warning
// levels, "called in" suffixes) are printed in a form both share.
declare(strict_types=1);

[, $backend, $dsn, $user, $password] = $argv + [4 => ''];

set_error_handler(static function (int $level, string $message): bool {
    $kind = match ($level) {
        E_WARNING, E_USER_WARNING => 'warning',
        E_DEPRECATED, E_USER_DEPRECATED => 'deprecated',
        default => "level $level",
    };
    echo "  [$kind] $message\n";
    return true;
});

function show(string $label, callable $call): void
{
    try {
        $value = $call();
        $text = is_object($value) ? get_class($value) === 'stdClass' ? 'object ' . json_encode($value) : 'handle' : json_encode($value);
        echo "$label: $text\n";
    } catch (Throwable $e) {
        echo "$label: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}

$c = odbc_connect($dsn, $user, $password);
$pid = $backend === 'postgresql' ? 'SELECT pg_backend_pid()' : 'SELECT 1';

// 1: every odbc_connect opens its own connection; closing one leaves the other open
$c2 = odbc_connect($dsn, $user, $password);
show('two connects are two links', fn () => $c !== $c2);
if ($backend === 'postgresql') {
    show('two server sessions', fn () => odbc_result(odbc_exec($c, $pid), 1) !== odbc_result(odbc_exec($c2, $pid), 1));
}
odbc_close($c2);
show('the other still works', fn () => odbc_result(odbc_exec($c, 'SELECT 7'), 1));

// 2: closed, freed and wrong-kind handles
$r = odbc_exec($c, 'SELECT 1');
odbc_free_result($r);
show('freed num_rows', fn () => odbc_num_rows($r));
show('freed fetch_row', fn () => odbc_fetch_row($r));
show('freed free', fn () => odbc_free_result($r));
show('link as result', fn () => odbc_num_fields($c));
show('result as link', fn () => odbc_exec(odbc_exec($c, 'SELECT 1'), 'SELECT 1'));
show('close STDIN', fn () => odbc_close(STDIN));
show('false as link', fn () => odbc_exec(false, 'SELECT 1'));
show('closed exec', fn () => odbc_exec($c2, 'SELECT 1'));
show('closed close', fn () => odbc_close($c2));
show('closed error', fn () => odbc_error($c2));
show('closed autocommit', fn () => odbc_autocommit($c2));

// 3: row 0 is the next row (odbc_fetch_row: before the first row, false)
$r = odbc_exec($c, 'SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 ORDER BY 1');
show('fetch_array 0', fn () => odbc_fetch_array($r, 0));
show('fetch_object 0', fn () => odbc_fetch_object($r, 0));
show('fetch_into 0', fn () => [odbc_fetch_into($r, $into, 0), $into]);
show('fetch_array next', fn () => odbc_fetch_array($r));

// 4: field 0 and below
$r = odbc_exec($c, 'SELECT 1 AS a');
foreach (['odbc_field_name', 'odbc_field_len', 'odbc_field_type', 'odbc_field_precision', 'odbc_field_scale'] as $f) {
    show("$f 0", fn () => $f($r, 0));
}
show('field_name -1', fn () => odbc_field_name($r, -1));
show('field_name 9', fn () => odbc_field_name($r, 9));
show('result 0', fn () => odbc_result($r, 0));

// 5: options on a persistent link are refused
$p = odbc_pconnect($dsn, $user, $password);
show('setoption persistent', fn () => odbc_setoption($p, 1, 102, 0));
show('setoption', fn () => odbc_setoption($c, 1, 102, 1));
show('setoption which 3', fn () => odbc_setoption($c, 3, 102, 1));

// 7: long values in odbc_longreadlen pieces, then false: the usual loop ends
$long = $backend === 'postgresql'
    ? "SELECT repeat('abcdefghi', 1111) || 'Z' AS t, decode(repeat('00ff', 3000), 'hex') AS b, NULL::text AS n"
    : null;
if ($long !== null) {
    foreach ([ODBC_BINMODE_RETURN, ODBC_BINMODE_PASSTHRU] as $mode) {
        $r = odbc_exec($c, $long);
        odbc_longreadlen($r, 4000);
        odbc_binmode($r, $mode);
        odbc_fetch_row($r);
        foreach ([1 => 'text', 2 => 'bytea', 3 => 'null'] as $i => $what) {
            $pieces = [];
            ob_start();
            while (count($pieces) < 20 && ($piece = odbc_result($r, $i)) !== false) {
                $pieces[] = $piece;
            }
            $printed = ob_get_clean();
            // ext/odbc ends each piece of text with the C string's NUL: not part of the value
            $value = implode('', array_map(fn ($p) => is_string($p) ? str_replace("\0", '', $p) : '', $pieces));
            echo "binmode $mode $what: ", count($pieces), ' pieces, ', strlen($value), ' bytes, ', strlen($printed), " printed, ends with false\n";
        }
    }
}

if ($backend === 'sqlite') {
    // SQLite's driver shows ext/odbc (in ODBC 2 mode) every column as text: whole values, every call
    odbc_exec($c, 'DROP TABLE IF EXISTS parity_long');
    odbc_exec($c, "CREATE TABLE parity_long (t TEXT)");
    odbc_exec($c, "INSERT INTO parity_long VALUES ('abcdefghij')");
    $r = odbc_exec($c, 'SELECT t FROM parity_long');
    odbc_longreadlen($r, 4);
    odbc_fetch_row($r);
    show('TEXT, odbc_longreadlen 4, three calls', fn () => [odbc_result($r, 1), odbc_result($r, 1), odbc_result($r, 'T')]);
    $r = odbc_exec($c, 'SELECT t FROM parity_long');
    odbc_longreadlen($r, 4);
    show('TEXT, odbc_longreadlen 4, fetch_array', fn () => odbc_fetch_array($r));
    odbc_exec($c, 'DROP TABLE parity_long');
}

// 8, 16: constants
show('ODBC_TYPE', fn () => ODBC_TYPE);
show('constants', fn () => [SQL_TYPE_TIMESTAMP, SQL_WLONGVARCHAR, SQL_BEST_ROWID, SQL_SCOPE_SESSION, SQL_NULLABLE, SQL_INDEX_ALL, SQL_ENSURE, SQL_QUICK]);

// 9: argument errors
show('extra argument', fn () => odbc_num_rows(odbc_exec($c, 'SELECT 1'), 2));
show('extra arguments', fn () => odbc_fetch_row(odbc_exec($c, 'SELECT 1'), 1, 2));

// 10: UID=/PWD= in the connection string win over the arguments
if ($backend === 'postgresql') {
    show('string UID/PWD win', fn () => odbc_connect("$dsn;UID=$user;PWD=$password", 'nosuchuser', 'wrong') !== false);
    show('string uid/pwd win', fn () => odbc_connect("$dsn;uid=$user;pwd=$password", 'nosuchuser', 'wrong') !== false);
    show('arguments appended', fn () => odbc_connect($dsn, $user, $password) !== false);
    show('empty password drops the user', fn () => odbc_connect($dsn, $user, '') !== false);
    show('state', fn () => odbc_error());
}

// 12: ODBC 2 SQLSTATEs
show('bad SQL', fn () => [odbc_exec($c, 'SELEC 1'), odbc_error($c), odbc_error()]);
show('no such table', fn () => [odbc_exec($c, 'SELECT * FROM no_such_table'), odbc_error($c)]);

show('connect failure', fn () => [odbc_connect('Driver=NoSuchDriver', '', ''), odbc_error()]);
$prepared = odbc_prepare($c, 'SELECT ?');
show('too few parameters', fn () => odbc_execute($prepared, []));

// 15: connection string quoting
foreach (['abc', '{abc}', '{a}b}', '{a}}b}', 'a;b', 'p@ss', '', 'a}b'] as $v) {
    show("quote $v", fn () => [odbc_connection_string_is_quoted($v), odbc_connection_string_should_quote($v), odbc_connection_string_quote($v)]);
}

// 17: odbc_result_all is deprecated
ob_start();
show('result_all', fn () => odbc_result_all(odbc_exec($c, 'SELECT 1 AS a')));
echo ob_get_clean();

// 6: values as the driver's text (with a binary column, which makes the library read row by row)
$values = $backend === 'postgresql'
    ? "SELECT 1e20::float8 AS d, 'Infinity'::float8 AS i, '1.50'::money AS m, 1.0::float8 AS o, '\\x01ff'::bytea AS b"
    : "SELECT 1.0 AS d, 2.5e10 AS e, 'x' AS t";
show('driver text, fetch_array', fn () => array_map('bin2hex', odbc_fetch_array(odbc_exec($c, $values))));
show('driver text, no binary column', fn () => odbc_fetch_array(odbc_exec($c, $backend === 'postgresql'
    ? "SELECT 1e20::float8 AS d, 'Infinity'::float8 AS i, 1.0::float8 AS o" : 'SELECT 1.0 AS d, 2.5e10 AS e')));
$r = odbc_exec($c, $values);
odbc_fetch_row($r);
show('driver text, odbc_result', fn () => odbc_result($r, 1));

// 11: column sizes as SQLColAttribute(SQL_COLUMN_PRECISION / SQL_COLUMN_SCALE) gives them
if ($backend === 'postgresql') {
    $r = odbc_exec($c, 'SELECT now() AS tz, now()::timestamp(3) AS ts, now()::time AS t, current_date AS d, 1::float4 AS f, 1::int4 AS i, 1::numeric(10,2) AS n');
} else {
    odbc_exec($c, 'DROP TABLE IF EXISTS parity_sizes');
    odbc_exec($c, 'CREATE TABLE parity_sizes (t TEXT, b BLOB, d DATE, ts TIMESTAMP, r REAL, v VARCHAR(20))');
    $r = odbc_exec($c, 'SELECT * FROM parity_sizes');
}
for ($i = 1; $i <= odbc_num_fields($r); $i++) {
    show('sizes of ' . odbc_field_name($r, $i), fn () => [odbc_field_len($r, $i), odbc_field_precision($r, $i), odbc_field_scale($r, $i)]);
}

// 13: SQL and parameters as bytes (Latin-1)
if ($backend === 'sqlite') {
    show('Latin-1 SQL', fn () => bin2hex(odbc_result(odbc_exec($c, "SELECT 'caf\xe9' AS v"), 1)));
    $p = odbc_prepare($c, "SELECT ? || '\xe9' AS v");
    show('Latin-1 parameter', fn () => [odbc_execute($p, ["caf\xe9"]), bin2hex(odbc_result($p, 1))]);
} else {
    show('Latin-1 SQL in a UTF-8 database', fn () => [odbc_exec($c, "SELECT 'caf\xe9' AS v"), odbc_error($c)]);
}

// 14: invalid SQL fails at odbc_prepare where the driver finds it then (psqlODBC, when it
// describes the parameters). The message and state are the driver's: psqlODBC in ODBC 2 mode
// says "couldn't get this paramater's info" (S1000), in ODBC 3 mode it passes the server's error
// on, so only the function and the ODBC call are compared.
set_error_handler(static function (int $level, string $message): bool {
    echo '  [warning] ', preg_replace('/SQL error: .*, SQL state \S+ in/s', 'SQL error: ..., SQL state ... in', $message), "\n";
    return true;
});
show('prepare invalid SQL with a parameter', fn () => odbc_prepare($c, 'SELEC ? FROM') !== false);
restore_error_handler();
show('prepare invalid SQL', fn () => odbc_prepare($c, 'SELEC 1 FROM') !== false);
show('prepare valid SQL', fn () => odbc_prepare($c, 'SELECT ? AS a') !== false);

// 15: catalog functions, with ext/odbc's column names
odbc_exec($c, 'DROP TABLE IF EXISTS parity_child');
odbc_exec($c, 'DROP TABLE IF EXISTS parity_parent');
odbc_exec($c, 'CREATE TABLE parity_parent (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20))');
odbc_exec($c, 'CREATE TABLE parity_child (id INTEGER NOT NULL PRIMARY KEY, parent_id INTEGER REFERENCES parity_parent (id))');
odbc_exec($c, 'CREATE INDEX parity_child_parent ON parity_child (parent_id)');
$schema = $backend === 'postgresql' ? 'public' : '';
$catalog = [
    'gettypeinfo' => fn () => odbc_gettypeinfo($c, SQL_INTEGER),
    'procedures' => fn () => odbc_procedures($c, null, null, 'parity_%'),
    'procedurecolumns' => fn () => odbc_procedurecolumns($c, null, null, 'parity_%', null),
    'foreignkeys' => fn () => odbc_foreignkeys($c, null, $schema, 'parity_parent', '', $schema, 'parity_child'),
    'specialcolumns' => fn () => odbc_specialcolumns($c, SQL_BEST_ROWID, null, $schema, 'parity_child', SQL_SCOPE_SESSION, SQL_NULLABLE),
    'statistics' => fn () => odbc_statistics($c, null, $schema, 'parity_child', SQL_INDEX_ALL, SQL_QUICK),
    'tableprivileges' => fn () => odbc_tableprivileges($c, null, $schema, 'parity_parent'),
    'columnprivileges' => fn () => odbc_columnprivileges($c, null, $schema, 'parity_parent', 'name'),
];
// Column names: the ODBC 2 names where both drivers use them in ODBC 2 mode; where a driver
// names its columns its own way there (psqlODBC's "RECISION" and TABLE_CAT in
// SQLTablePrivileges, SQLite's DECIMAL_DIGITS in SQLSpecialColumns) or returns other values
// (psqlODBC's COLLATION "\0"), the binding's README lists it and only the values that agree
// are compared.
$sameNames = ['foreignkeys' => true, 'statistics' => true, 'procedures' => true];
$sameValues = ['gettypeinfo' => [0, 1], 'statistics' => [2, 3, 5, 6, 8], 'tableprivileges' => [2, 5], 'specialcolumns' => [1, 2, 3]];
foreach ($catalog as $name => $call) {
    show("catalog $name", function () use ($call, $c, $name, $sameNames, $sameValues) {
        $r = $call();
        if ($r === false) {
            return [false, odbc_error($c)];
        }
        $names = [];
        for ($i = 1; $i <= odbc_num_fields($r); $i++) {
            $names[] = odbc_field_name($r, $i);
        }
        $rows = [];
        while (count($rows) < 5 && odbc_fetch_into($r, $row)) {
            $rows[] = isset($sameValues[$name]) ? array_map(fn ($i) => $row[$i], $sameValues[$name]) : $row;
        }
        return isset($sameNames[$name]) ? [$names, $rows] : $rows;
    });
}

// 18: a driver's info message is warned by the call that got it, and by no other
// (ext/odbc keeps the info's state as the link's error, as the drop-in does; it keeps an error
// after later successes too, which the drop-in does not: so the state is shown right after.)
$p = odbc_prepare($c, 'DROP TABLE IF EXISTS parity_no_such_table');
show('execute with a notice', fn () => odbc_execute($p));
if ($backend === 'postgresql') {
    show('its state', fn () => [odbc_error($c), odbc_errormsg($c)]);
}
show('exec with a notice (ext/odbc does not warn there)', fn () => odbc_exec($c, 'DROP TABLE IF EXISTS parity_no_such_table') !== false);
$p = odbc_prepare($c, 'SELECT 1 AS a');
show('the next execute', fn () => odbc_execute($p));
show('execute again with a notice', fn () => odbc_execute(odbc_prepare($c, 'DROP TABLE IF EXISTS parity_no_such_table')));

// 19: null for a scalar parameter: ext/odbc's TypeError for a strict caller (this file), PHP's
// deprecation and the type's zero value for a coercive one (coercive.php). Empty SQL (null's
// zero value) reaches the driver; psqlODBC's message for it can be an earlier error's in ODBC 3
// mode (the drop-in's) where ODBC 2 mode (ext/odbc's) says "Error while executing the query":
// on PostgreSQL only the states of 19 to 21 are compared
if ($backend === 'postgresql') {
    set_error_handler(static function (int $level, string $message): bool {
        echo '  [', $level === E_WARNING || $level === E_USER_WARNING ? 'warning' : 'deprecated', '] ',
            preg_replace('/SQL error: .*, SQL state/s', 'SQL error: ..., SQL state', $message), "\n";
        return true;
    });
}
show('null query (strict)', fn () => odbc_exec($c, null));
show('null autocommit (strict)', fn () => odbc_autocommit($c, null));
require __DIR__ . '/coercive.php';
foreach (parity_coercive_nulls($c, $dsn, $user, $password) as $label => $call) {
    show($label, $call);
}
show('invalid fetch type', fn () => odbc_data_source($c, 0));

// 20: a row number at or before the current row: ext/odbc fetches it absolutely (its cursors
// are static); the drop-in hands it out again while its read-ahead batch holds it
$r = odbc_exec($c, 'SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1');
show('fetch_row, fetch_row, fetch_row 2', fn () => [odbc_fetch_row($r), odbc_fetch_row($r), odbc_fetch_row($r, 2), odbc_result($r, 1)]);
show('fetch_array 1', fn () => odbc_fetch_array($r, 1));
show('then the next row', fn () => [odbc_fetch_row($r), odbc_result($r, 'a')]);
show('fetch_into 3, then past the end', fn () => [odbc_fetch_into($r, $into, 3), $into, odbc_fetch_row($r, 5), odbc_fetch_row($r)]);

// 21: empty SQL reaches the driver (ext/odbc passes SQL_NTS), whose answer is the warning
show('empty SQL', fn () => [odbc_exec($c, ''), odbc_error($c)]);
show('empty SQL prepared', fn () => odbc_prepare($c, '') !== false);

// 22: the drop-in's errors are thrown at the application's call, with its trace, as an internal
// function's (an uncaught one then reads the same)
foreach (['wrong handle' => fn () => odbc_close(STDIN), 'invalid value' => fn () => odbc_data_source($c, 0),
          'extra argument' => fn () => odbc_commit($c, 1)] as $label => $call) {
    show("$label: where", function () use ($call) {
        try {
            $line = __LINE__ + 1;
            $call();
        } catch (Error $e) {
            return [get_class($e), basename($e->getFile()), $e->getLine() - $line, array_column($e->getTrace(), 'function')];
        }
    });
}

// 23: ext/odbc prepares with a static cursor (odbc.default_cursortype); psqlODBC answers the
// execution of a statement without rows with 01S02 "cursor updatability changed", which ext/odbc
// warns. Not compared: a searched UPDATE or DELETE of no row, which psqlODBC answers with
// SQL_NO_DATA in ODBC 3 mode (the drop-in's), and so without the 01S02 ext/odbc gets.
odbc_exec($c, 'DROP TABLE IF EXISTS parity_cursor');
odbc_exec($c, 'CREATE TABLE parity_cursor (a INTEGER, b VARCHAR(10))');
foreach (['INSERT INTO parity_cursor VALUES (?, ?)', 'UPDATE parity_cursor SET b = ? WHERE a = ?',
          'SELECT a FROM parity_cursor WHERE b = ? OR a = ?',
          'DELETE FROM parity_cursor WHERE b = ? OR a = ?'] as $sql) {
    $p = odbc_prepare($c, $sql);
    show("static cursor: $sql", fn () => [odbc_execute($p, ['1', '1']), odbc_num_fields($p)]);
}
odbc_exec($c, 'DROP TABLE parity_cursor');

// 24: odbc_gettypeinfo's column names, but the third (psqlODBC's ODBC 2 "RECISION", not copied),
// of the columns both have (SQLite's driver gives ext/odbc 15, the drop-in ODBC 3's 19)
show('gettypeinfo names', function () use ($c) {
    $r = odbc_gettypeinfo($c, SQL_INTEGER);
    $native = $GLOBALS['backend'] === 'sqlite' ? 15 : odbc_num_fields($r);
    return array_map(fn ($i) => $i === 3 ? '' : odbc_field_name($r, $i), range(1, min($native, odbc_num_fields($r))));
});
