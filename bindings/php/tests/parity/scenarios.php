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
