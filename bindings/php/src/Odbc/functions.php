<?php
// The ext/odbc API on pconn, as Pconn\Odbc\odbc_*. src/odbc_global.php defines the global names
// when ext/odbc is not loaded.
//
// Conventions kept from ext/odbc: false plus a warning on failure; links and results are objects;
// values come back as strings (NULL as null). Differences, on purpose: an error is cleared by the
// next call (odbc_errormsg() never reports an earlier success's predecessor), nothing survives the
// request (pconn cleans every link at request end), long values are never cut at odbc.defaultlrl,
// and warnings are E_USER_WARNING (userland cannot raise E_WARNING).
//
// Rows are read from the library in batches (Pconn\Rows) and handed out from the batch: the row
// functions start with a short path for the common case (the next row is read already and in the
// form the function returns, no error to clear, no odbc_binmode/odbc_longreadlen setting) because
// they run once per row. The function that finds its batch used up picks the next batch's form:
// odbc_fetch_array/odbc_fetch_object by name (the row is then returned as it is), the others
// lists; a row of the other form is converted (Result::current(), Result::currentByName()).
declare(strict_types=1);

namespace Pconn\Odbc;

use FFI;
use Pconn\Exception;
use Pconn\Library;
use Pconn\Metadata;
use Pconn\Raw;
use Pconn\Status;


/**
 * @internal what ext/odbc 8.2 connects with: a bare data source name is SQLConnect'ed with the
 * user and password as given; a connection string (it has a "=") gets ";UID=user;PWD=password"
 * appended only when both are non-empty and the string has none of "uid=", "UID=", "pwd=",
 * "PWD=" (exactly these spellings). Otherwise the arguments are dropped: the string's own
 * UID/PWD win, and an empty password drops the user too (the driver then logs in as it would
 * without one).
 *
 * @return array{string, ?string, ?string} connection string, user, password for the library
 */
function _connection(string $dsn, ?string $user, ?string $password): array
{
    if (!str_contains($dsn, '=')) {
        return ['DSN=' . $dsn, $user, $password];
    }
    if ($user === null || $user === '' || $password === null || $password === ''
        || str_contains($dsn, 'uid=') || str_contains($dsn, 'UID=')
        || str_contains($dsn, 'pwd=') || str_contains($dsn, 'PWD=')) {
        return [$dsn, null, null];
    }
    if (_plain($user) && _plain($password)) {
        // The library appends these same attributes (UID=user;PWD=password;) after the string's
        // own; passed apart, the string it parses (and caches, once per worker) holds no password.
        return [$dsn, $user, $password];
    }
    $quote = static fn (string $v): string => odbc_connection_string_is_quoted($v) || !odbc_connection_string_should_quote($v)
        ? $v : odbc_connection_string_quote($v);
    return [(str_ends_with($dsn, ';') ? substr($dsn, 0, -1) : $dsn) . ';UID=' . $quote($user) . ';PWD=' . $quote($password) . ';', null, null];
}

/** @internal a value ext/odbc appends unquoted and the library appends unbraced: the same text either way */
function _plain(string $value): bool
{
    return strpbrk($value, '[]{}(),;?*=!@') === false && trim($value, ' ') === $value;
}

/** @internal */
function _connect(string $function, string $kind, string $dsn, ?string $user, ?string $password): Link|false
{
    State::begin();
    [$connectionString, $user, $password] = _connection($dsn, $user, $password);
    try {
        $handle = Raw::connect($kind, $connectionString, $user, $password);
    } catch (Exception $e) {
        State::fail($function, $e, null, 'SQLConnect');
        return false;
    }
    $link = State::$links[$handle] ?? null;
    if ($link === null || $link->closed) {
        // whether the driver is SQLite's: asked when first needed, unless the library cannot say
        // (then the driver the connection string names)
        $link = State::$links[$handle] = new Link($handle, $kind === Raw::PERSISTENT, $dsn,
            Library::has('pconn_dbms_name') ? null : stripos(_driver($connectionString), 'sqlite') !== false);
    }
    return $link;
}

/**
 * @internal $e as an internal function's error: its file, line and trace those of the
 * application's call of the global odbc_* function (the first frame outside the binding), so an
 * uncaught one reads as ext/odbc's
 */
function _atCaller(\Error $e): \Error
{
    $frames = $e->getTrace();
    $binding = dirname(__DIR__) . '/';
    $i = 0;
    while (isset($frames[$i]['file']) && str_starts_with($frames[$i]['file'], $binding)) {
        $i++;
    }
    if (!isset($frames[$i]['file'])) {
        return $e;
    }
    foreach (['file' => $frames[$i]['file'], 'line' => $frames[$i]['line'] ?? 0, 'trace' => array_slice($frames, $i)] as $name => $value) {
        (new \ReflectionProperty(\Error::class, $name))->setValue($e, $value);
    }
    return $e;
}

/**
 * @internal null given to a scalar parameter of a global odbc_* function (tools/gen-global lets
 * it in): as for an internal function, PHP's deprecation when the calling file has no
 * strict_types (the value then is the type's zero), else its TypeError
 * @throws \TypeError
 */
function _nullArgument(string $function, int $position, string $name, string $type): void
{
    static $strictFiles = [];
    $file = debug_backtrace(DEBUG_BACKTRACE_IGNORE_ARGS, 2)[1]['file'] ?? '';
    if (!isset($strictFiles[$file])) {
        // declare(strict_types=1) is a file's first statement: only its open tag and comments come before it
        $strictFiles[$file] = is_file($file) && preg_match('~^<\?php(?:\s+|/\*.*?\*/|(?://|#)[^\n]*)*declare\s*\(\s*strict_types\s*=\s*1\s*\)~is',
            (string) file_get_contents($file, false, null, 0, 8192)) === 1;
    }
    if ($strictFiles[$file]) {
        throw new \TypeError("$function(): Argument #$position (\$$name) must be of type $type, null given");
    }
    trigger_error("$function(): Passing null to parameter #$position (\$$name) of type $type is deprecated", E_USER_DEPRECATED);
}

/**
 * @internal the TypeError ext/odbc throws for an argument that is not the handle it wants: a
 * closed link, a freed result or a handle of the other kind are "not a valid" resource; a value
 * that is no handle at all is named by its type
 */
function _notValid(string $function, mixed $value, string $what, int $position, string $name): \TypeError
{
    if ($value instanceof Link || $value instanceof Result || is_resource($value) || get_debug_type($value) === 'resource (closed)') {
        return new \TypeError("$function(): supplied resource is not a valid $what resource");
    }
    return new \TypeError("$function(): Argument #$position (\$$name) must be of type resource, " . get_debug_type($value) . ' given');
}

/**
 * @internal $odbc as an open link, else ext/odbc's TypeError
 * @throws \TypeError
 */
function _link(string $function, mixed $odbc, int $position = 1, string $name = 'odbc'): Link
{
    if ($odbc instanceof Link && !$odbc->closed) {
        return $odbc;
    }
    throw _notValid($function, $odbc, 'ODBC-Link', $position, $name);
}

/** @internal starts a call on link $odbc: the link, else ext/odbc's TypeError */
function _live(string $function, mixed $odbc): Link
{
    $link = _link($function, $odbc);
    State::begin($link);
    return $link;
}

/**
 * @internal starts a call on result $statement: the result (a prepared statement not executed
 * yet too), else ext/odbc's TypeError for a freed result, a closed link's, or no result
 */
function _result(string $function, mixed $statement, int $position = 1, string $name = 'statement'): Result
{
    if (!$statement instanceof Result || $statement->freed || $statement->link->closed) {
        throw _notValid($function, $statement, 'ODBC result', $position, $name);
    }
    State::begin($statement->link);
    return $statement;
}

/**
 * @internal moves to the next row, or to row $row (from 1; 0 or null: the next row, as ext/odbc),
 * forward only; false when there is none. Batches read on the way come keyed by name when
 * $byName and the names allow it.
 */
function _fetch(string $function, Result $result, ?int $row, bool $byName = false): bool
{
    $rows = $result->rows;
    if ($rows === null) {
        State::warn($function, 'No tuples available at this result index');
        return false;
    }
    try {
        $byName = $byName && $result->canFetchByName();
        if ($row !== null && $row > 0) {
            $fetched = $rows->fetched();
            if ($row <= $fetched) {
                if ($row > $rows->before) {
                    // ext/odbc fetches a row number absolutely (its cursors are static): a row
                    // of the batch read ahead is still here, so that one is handed out again
                    $rows->next = $row - $rows->before;
                    $result->piecesRow = -1;
                    return true;
                }
                State::warn($function, 'Argument #2 ($row) must be greater than ' . $fetched
                    . ': pconn results are forward-only');
                return false;
            }
            if (!$rows->skip($row - 1 - $fetched, $byName)) {
                return false;
            }
        }
        return $rows->advance($byName);
    } catch (Exception $e) {
        State::fail($function, $e, $result->link, 'SQLFetch');
        return false;
    }
}

/**
 * @internal a value as odbc_binmode and odbc_longreadlen make it (ext/odbc's rules: binary
 * columns empty in ODBC_BINMODE_PASSTHRU, hex in ODBC_BINMODE_CONVERT; binary and long columns
 * cut at a longreadlen set above 0)
 */
function _shape(Result $result, int $type, string $value): string
{
    $value = _binary($result, $type, $value);
    if ($result->longReadLen > 0 && strlen($value) > $result->longReadLen) {
        $value = substr($value, 0, $result->longReadLen);
    }
    return $value;
}

/**
 * @internal a value of a binary column as odbc_binmode makes it: "" in ODBC_BINMODE_PASSTHRU,
 * hex in ODBC_BINMODE_CONVERT; other columns' values as they are
 */
function _binary(Result $result, int $type, string $value): string
{
    if (isset(Metadata::BINARY_TYPES[$type])) {
        if ($result->binMode <= 0) {
            return '';
        }
        if ($result->binMode >= 2) {
            // what a driver's conversion of binary to SQL_C_CHAR gives: two hex digits a byte
            return strtoupper(bin2hex($value));
        }
    }
    return $value;
}

/**
 * @internal the next piece of long or binary column $i of the current row for odbc_result, as
 * ext/odbc reads these columns with SQLGetData: odbc_longreadlen bytes a call (the whole value
 * while it is 0), then false with ext/odbc's warning, so that the usual loop
 * `while (($chunk = odbc_result($r, 1)) !== false)` ends. A binary column in
 * ODBC_BINMODE_PASSTHRU is printed and true returned instead.
 */
function _piece(Result $result, int $i, int $type, ?string $value): string|bool|null
{
    $row = $result->fetched();
    if ($result->piecesRow !== $row) {
        $result->piecesRow = $row;
        $result->pieces = [];
    }
    if ($value === null) {
        return null;   // on every call, as ext/odbc (SQLGetData reports SQL_NULL_DATA again)
    }
    $offset = $result->pieces[$i] ?? 0;
    if ($offset < 0) {
        State::warn('odbc_result', 'Cannot get data of column #' . ($i + 1) . ' (retcode 100)');
        return false;
    }
    if (isset(Metadata::BINARY_TYPES[$type]) && $result->binMode <= 0) {
        $result->pieces[$i] = -1;
        echo $value;
        return true;
    }
    $value = _binary($result, $type, $value);
    $piece = $result->longReadLen > 0 ? substr($value, $offset, $result->longReadLen) : substr($value, $offset);
    $offset += strlen($piece);
    $result->pieces[$i] = $offset >= strlen($value) ? -1 : $offset;
    return $piece;
}

/** @internal the current row as the script gets it */
function _shaped(Result $result): array
{
    $row = $result->current();
    if (!$result->asRead) {
        foreach ($result->shapedColumns() as $i => $type) {
            if ($row[$i] !== null) {
                $row[$i] = _shape($result, $type, $row[$i]);
            }
        }
    }
    return $row;
}

/** @internal runs SQL on a link into a new result */
function _run(string $function, Link $link, string $sql): Result|false
{
    try {
        $handle = Raw::execDescribed($link->handle, $sql, $columns, $longColumns);
    } catch (Exception $e) {
        State::fail($function, $e, $link, 'SQLExecDirect');
        return false;
    }
    $result = new Result($link);
    $result->attach($handle, $columns, $longColumns);
    return $result;
}

function odbc_connect(string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): Link|false
{
    return _connect('odbc_connect', Raw::FRESH, $dsn, $user, $password);
}

function odbc_pconnect(string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): Link|false
{
    return _connect('odbc_pconnect', Raw::PERSISTENT, $dsn, $user, $password);
}

function odbc_close($odbc): void
{
    $odbc = _live('odbc_close', $odbc);
    $odbc->closed = true;
    unset(State::$links[$odbc->handle]);
    Library::ffi()->pconn_close($odbc->handle);
}

function odbc_close_all(): void
{
    State::begin();
    foreach (State::$links as $link) {
        $link->closed = true;
    }
    State::$links = [];
    Library::ffi()->pconn_close_all();
}

function odbc_exec($odbc, string $query): Result|false
{
    $odbc = _live('odbc_exec', $odbc);
    return _run('odbc_exec', $odbc, $query);
}

function odbc_do($odbc, string $query): Result|false
{
    $odbc = _live('odbc_do', $odbc);
    return _run('odbc_do', $odbc, $query);
}

/** @internal SQL_BINARY, SQL_VARBINARY, SQL_LONGVARBINARY: parameters ext/odbc binds as SQL_C_BINARY */
const BINARY_PARAMETERS = [-2 => true, -3 => true, -4 => true];

/** Prepares a statement with `?` parameters on the server (pconn_prepare). */
function odbc_prepare($odbc, string $query): Result|false
{
    $odbc = _live('odbc_prepare', $odbc);
    try {
        // ext/odbc's cursor (odbc.default_cursortype): drivers answer some executions of it
        // with an info ext/odbc warns (psqlODBC's 01S02 for a statement without rows)
        $stmt = Raw::prepareBytes($odbc->handle, $query, 3 /* SQL_CURSOR_STATIC */);
        $info = Raw::firstInfo($odbc->handle);
        $count = Raw::paramCount($odbc->handle, $stmt);
        $call = 'SQLDescribeParameter';
        $types = [];
        for ($i = 1; $i <= $count; $i++) {
            // as ext/odbc: drivers that parse late (psqlODBC) find invalid SQL here
            $types[] = Raw::describeParam($odbc->handle, $stmt, $i);
        }
    } catch (Exception $e) {
        if (isset($stmt)) {
            Raw::freeStatement($stmt);
        }
        State::fail('odbc_prepare', $e, $odbc, $call ?? 'SQLPrepare');
        return false;
    }
    if ($info !== null) {
        State::fail('odbc_prepare', new Exception($info[1], $info[0], 0, Status::OK), $odbc, 'SQLPrepare');
    }
    $result = new Result($odbc);
    $result->stmt = $stmt;
    $result->paramCount = $count;
    $result->paramTypes = $types;
    return $result;
}

/**
 * Executes a prepared statement. As ext/odbc: the values are taken in array order and passed as
 * strings (null as SQL NULL; true "1", false ""), values beyond the statement's parameters are
 * ignored, too few are an error. Unlike ext/odbc, a value written '...' (in single quotes) is
 * that text, not the contents of the file it would name there. Strings go to the driver as
 * character data, byte for byte (UTF-8 or not), as ext/odbc passes them; as binary data to a
 * parameter the driver describes as binary (as ext/odbc), and when they hold a NUL byte. A driver's
 * info message (a PostgreSQL notice) is warned, as ext/odbc does.
 */
function odbc_execute($statement, array $params = []): bool
{
    $statement = _result('odbc_execute', $statement);
    if ($statement->stmt === 0) {
        State::warn('odbc_execute', 'the result was not made by odbc_prepare');
        return false;
    }
    $link = $statement->link;
    if (count($params) < $statement->paramCount) {
        // ext/odbc's own check, before any ODBC call: a plain warning, no SQLSTATE
        State::warn('odbc_execute', sprintf('Not enough parameters (%d should be %d) given', count($params), $statement->paramCount));
        return false;
    }
    try {
        $index = 0;
        foreach ($params as $value) {
            if (++$index > $statement->paramCount) {
                break;
            }
            $value = $value === null ? null : (string) $value;
            $binary = isset(BINARY_PARAMETERS[$statement->paramTypes[$index - 1] ?? 0]) || ($value !== null && str_contains($value, "\0"));
            Raw::check($link->handle, match (true) {
                $value === null => Library::ffi()->pconn_stmt_bind_null($statement->stmt, $index),
                $binary => Library::ffi()->pconn_stmt_bind_binary($statement->stmt, $index, $value, strlen($value)),
                default => Library::ffi()->pconn_stmt_bind_text_bytes($statement->stmt, $index, $value, strlen($value)),
            });
        }
        $handle = Raw::execute($link->handle, $statement->stmt);
    } catch (Exception $e) {
        State::fail('odbc_execute', $e, $link, 'SQLExecute');
        return false;
    }
    State::info('odbc_execute', $link, 'SQLExecute');
    $statement->attach($handle);
    return true;
}

function odbc_fetch_row($statement, ?int $row = null): bool
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    if ($row === null && $statement instanceof Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && ($link = $statement->link)->errorState === '' && State::$state === '' && !$link->closed) {
        $rows->next++;
        return true;
    }
    // end of fast path
    $statement = _result('odbc_fetch_row', $statement);
    if ($row === 0) {
        // ext/odbc fetches row 0 absolutely: before the first row, no row and false; a
        // forward-only result stays where it is
        return false;
    }
    return _fetch('odbc_fetch_row', $statement, $row);
}

function odbc_fetch_array($statement, ?int $row = null): array|false
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    if ($row === null && $statement instanceof Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && $rows->byName && $statement->asRead
        && ($link = $statement->link)->errorState === '' && State::$state === '' && !$link->closed) {
        return $rows->batch[$rows->next++];
    }
    // end of fast path
    $statement = _result('odbc_fetch_array', $statement);
    if (!_fetch('odbc_fetch_array', $statement, $row, $statement->asRead)) {
        return false;
    }
    return $statement->asRead ? $statement->currentByName() : array_combine($statement->names(), _shaped($statement));
}

function odbc_fetch_object($statement, ?int $row = null): \stdClass|false
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    if ($row === null && $statement instanceof Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && $rows->byName && $statement->asRead
        && ($link = $statement->link)->errorState === '' && State::$state === '' && !$link->closed) {
        return (object) $rows->batch[$rows->next++];
    }
    // end of fast path
    $statement = _result('odbc_fetch_object', $statement);
    if (!_fetch('odbc_fetch_object', $statement, $row, $statement->asRead)) {
        return false;
    }
    return (object) ($statement->asRead ? $statement->currentByName() : array_combine($statement->names(), _shaped($statement)));
}

function odbc_fetch_into($statement, &$array, ?int $row = null): int|false
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    if ($row === null && $statement instanceof Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && !$rows->byName && $statement->asRead
        && ($link = $statement->link)->errorState === '' && State::$state === '' && !$link->closed) {
        $array = $rows->batch[$rows->next++];
        return $statement->columns;
    }
    // end of fast path
    $statement = _result('odbc_fetch_into', $statement);
    if ($statement->rows !== null) {
        $array = [];   // as ext/odbc: an array even when there is no row
    }
    if (!_fetch('odbc_fetch_into', $statement, $row)) {
        return false;
    }
    $array = _shaped($statement);
    return $statement->columns;
}

/**
 * @internal column index (0-based) from a number (1-based), for the odbc_field_* functions;
 * ext/odbc's ValueError for a number below 1, its warnings for a number past the last column
 */
function _field(string $function, Result $result, int $field): int|false
{
    if ($field < 1) {
        throw new \ValueError("$function(): Argument #2 (\$field) must be greater than 0");
    }
    if ($result->columns === 0) {
        State::warn($function, 'No tuples available at this result index');
        return false;
    }
    if ($field > $result->columns) {
        State::warn($function, 'Field index larger than number of fields');
        return false;
    }
    return $field - 1;
}

/**
 * A value of the current row (fetching the first row when none was fetched yet), by column
 * number (from 1) or name (case-insensitive). Long and binary columns come in pieces, then
 * false (see _piece()), as ext/odbc.
 */
function odbc_result($statement, string|int $field): string|bool|null
{
    $statement = _result('odbc_result', $statement);
    if ($statement->columns === 0) {
        State::warn('odbc_result', 'No tuples available at this result index');
        return false;
    }
    if (is_int($field)) {
        $i = $field - 1;
        if ($i < 0 || $i >= $statement->columns) {
            State::warn('odbc_result', 'Field index is larger than the number of fields');
            return false;
        }
    } else {
        $i = $statement->indexOf($field);
        if ($i === null) {
            State::warn('odbc_result', 'Field ' . $field . ' not found');
            return false;
        }
    }
    // a result with columns has its rows (see Result::attach()): read directly, for this runs
    // in nearly every request, where each method call costs more than its work
    $rows = $statement->rows;
    if ($rows->before + $rows->next === 0 && !_fetch('odbc_result', $statement, null)) {
        return false;
    }
    $row = $rows->current();
    if ($row === null) {
        return false;
    }
    $type = ($statement->shapedColumns ?? $statement->shapedColumns())[$i] ?? null;
    // the other columns ext/odbc binds: their value on every call
    return $type === null ? $row[$i] : _piece($statement, $i, $type, $row[$i]);
}

/** Prints the remaining rows as an HTML table (as ext/odbc, values are not escaped); returns the rows fetched. */
function odbc_result_all($statement, string $format = ''): int|false
{
    // PHP 8.1 deprecated it; userland can only raise E_USER_DEPRECATED
    trigger_error('Function odbc_result_all() is deprecated', E_USER_DEPRECATED);
    $statement = _result('odbc_result_all', $statement);
    if ($statement->columns === 0) {
        State::warn('odbc_result_all', 'No tuples available at this result index');
        return false;
    }
    if (!_fetch('odbc_result_all', $statement, null)) {
        echo "<h2>No rows found</h2>\n";
        return 0;
    }
    $names = $statement->names();
    $shaped = $statement->asRead ? [] : $statement->shapedColumns();
    echo $format === '' ? '<table><tr>' : "<table $format ><tr>";
    foreach ($names as $name) {
        echo '<th>' . $name . '</th>';
    }
    echo "</tr>\n";
    do {
        echo '<tr>';
        foreach ($statement->current() as $i => $v) {
            if ($v !== null && isset($shaped[$i])) {
                if (isset(Metadata::BINARY_TYPES[$shaped[$i]]) && $statement->binMode <= 0) {
                    echo '<td>Not printable</td>';
                    continue;
                }
                $v = _shape($statement, $shaped[$i], $v);
            }
            echo $v === null ? '<td>NULL</td>' : '<td>' . $v . '</td>';
        }
        echo "</tr>\n";
    } while (_fetch('odbc_result_all', $statement, null));
    echo "</table>\n";
    return $statement->fetched();
}

/**
 * Rows changed by an INSERT, UPDATE or DELETE; for a SELECT what the driver says, as ext/odbc: its
 * number of rows where the driver knows it before they are fetched (psqlODBC), else -1 or 0 (SQLite's).
 */
function odbc_num_rows($statement): int
{
    $statement = _result('odbc_num_rows', $statement);
    if ($statement->handle === 0) {
        return -1;
    }
    return Raw::affectedRows($statement->handle);
}

function odbc_num_fields($statement): int
{
    $statement = _result('odbc_num_fields', $statement);
    return $statement->columns;
}

function odbc_field_name($statement, int $field): string|false
{
    $statement = _result('odbc_field_name', $statement);
    $i = _field('odbc_field_name', $statement, $field);
    return $i === false ? false : $statement->names()[$i];
}

/** The number (from 1) of the column named $field (case-insensitive; the last of equal names, as ext/odbc). */
function odbc_field_num($statement, string $field): int|false
{
    $statement = _result('odbc_field_num', $statement);
    if ($statement->columns === 0) {
        State::warn('odbc_field_num', 'No tuples available at this result index');
        return false;
    }
    $found = false;
    foreach ($statement->names() as $i => $name) {
        if (strcasecmp($name, $field) === 0) {
            $found = $i + 1;
        }
    }
    return $found;
}

/** The driver's name for the column's type, as ext/odbc (psqlODBC: "int4", "varchar", "text"). */
function odbc_field_type($statement, int $field): string|false
{
    $statement = _result('odbc_field_type', $statement);
    $i = _field('odbc_field_type', $statement, $field);
    if ($i === false) {
        return false;
    }
    try {
        return Metadata::typeName($statement->link->handle, $statement->handle, $i + 1);
    } catch (Exception $e) {
        State::fail('odbc_field_type', $e, $statement->link, 'SQLColAttributes');
        return false;
    }
}

/**
 * @internal SQLColAttribute's numeric field $attribute of column $field, as ext/odbc asks it
 * (the ODBC 2 SQL_COLUMN_PRECISION 4 and SQL_COLUMN_SCALE 5, which drivers answer with ODBC 2
 * sizes: timestamptz 26, float4 9, SQLite TEXT 0)
 */
function _attribute(string $function, mixed $statement, int $field, int $attribute): int|false
{
    $statement = _result($function, $statement);
    $i = _field($function, $statement, $field);
    if ($i === false) {
        return false;
    }
    try {
        Raw::check($statement->link->handle,
            Library::ffi()->pconn_column_attribute($statement->handle, $i + 1, $attribute, Library::$out->i64));
        return Library::$out->i64[0];
    } catch (Exception $e) {
        State::fail($function, $e, $statement->link, 'SQLColAttributes');
        return false;
    }
}

/** The column size (characters for text, digits for numbers), as ext/odbc: the same as odbc_field_precision. */
function odbc_field_len($statement, int $field): int|false
{
    return _attribute('odbc_field_len', $statement, $field, 4 /* SQL_COLUMN_PRECISION */);
}

function odbc_field_precision($statement, int $field): int|false
{
    return _attribute('odbc_field_precision', $statement, $field, 4 /* SQL_COLUMN_PRECISION */);
}

function odbc_field_scale($statement, int $field): int|false
{
    return _attribute('odbc_field_scale', $statement, $field, 5 /* SQL_COLUMN_SCALE */);
}

function odbc_free_result($statement): bool
{
    $statement = _result('odbc_free_result', $statement);
    if ($statement->stmt !== 0) {
        Raw::freeStatement($statement->stmt);
    } else {
        Raw::free($statement->handle);
    }
    $statement->freed = true;
    $statement->rows = null;
    return true;
}

/**
 * Moves to the next result set of SQL with several statements (pconn_result_next): true when
 * there is one (its rows, columns and row count are then read as usual), false after the last.
 * Rows of the current set not fetched yet are dropped.
 */
function odbc_next_result($statement): bool
{
    $statement = _result('odbc_next_result', $statement);
    if ($statement->handle === 0) {
        return false;
    }
    try {
        $more = Raw::nextResult($statement->link->handle, $statement->handle);
    } catch (Exception $e) {
        State::fail('odbc_next_result', $e, $statement->link, 'SQLMoreResults');
        return false;
    }
    $statement->attach($statement->handle);
    return $more;
}

function odbc_autocommit($odbc, ?bool $enable = null): int|bool
{
    $odbc = _live('odbc_autocommit', $odbc);
    $ffi = Library::ffi();
    try {
        if ($enable === null) {
            Raw::check($odbc->handle, $ffi->pconn_autocommit_get($odbc->handle, Library::$out->int));
            return Library::$out->int[0];
        }
        Raw::check($odbc->handle, $ffi->pconn_autocommit_set($odbc->handle, $enable ? 1 : 0));
        return true;
    } catch (Exception $e) {
        State::fail('odbc_autocommit', $e, $odbc, 'SQLSetConnectOption');
        return false;
    }
}

function odbc_commit($odbc): bool
{
    $odbc = _live('odbc_commit', $odbc);
    try {
        Raw::check($odbc->handle, Library::ffi()->pconn_commit($odbc->handle));
        return true;
    } catch (Exception $e) {
        State::fail('odbc_commit', $e, $odbc, 'SQLTransact');
        return false;
    }
}

function odbc_rollback($odbc): bool
{
    $odbc = _live('odbc_rollback', $odbc);
    try {
        Raw::check($odbc->handle, Library::ffi()->pconn_rollback($odbc->handle));
        return true;
    } catch (Exception $e) {
        State::fail('odbc_rollback', $e, $odbc, 'SQLTransact');
        return false;
    }
}

/** The SQLSTATE of the last call on $odbc (or of the last call at all); "" when it succeeded. */
function odbc_error($odbc = null): string
{
    return $odbc === null ? State::$state : _link('odbc_error', $odbc)->errorState;
}

/** The message of the last call on $odbc (or of the last call at all); "" when it succeeded. */
function odbc_errormsg($odbc = null): string
{
    return $odbc === null ? State::$message : _link('odbc_errormsg', $odbc)->errorMessage;
}

/**
 * Sets the length at which values of long and binary columns are cut, as ext/odbc; 0 (the
 * default here, unlike ext/odbc's odbc.defaultlrl) returns them whole.
 */
function odbc_longreadlen($statement, int $length): bool
{
    $statement = _result('odbc_longreadlen', $statement);
    $statement->longReadLen = max(0, $length);
    $statement->settingsChanged();
    return true;
}

/**
 * How values of binary columns come back, as ext/odbc: ODBC_BINMODE_RETURN (1, the default) as
 * bytes, ODBC_BINMODE_CONVERT (2) as hex, ODBC_BINMODE_PASSTHRU (0) printed by odbc_result and
 * "" from the fetch functions.
 */
function odbc_binmode($statement, int $mode): bool
{
    $statement = _result('odbc_binmode', $statement);
    $statement->binMode = $mode;
    $statement->settingsChanged();
    return true;
}

function odbc_cursor($statement): string|false
{
    $statement = _result('odbc_cursor', $statement);
    return 'SQL_CUR' . $statement->handle;
}

/**
 * @internal ext/odbc runs in ODBC 2 mode (SQLAllocEnv), so drivers name the catalog functions'
 * columns as ODBC 2 did; pconn runs in ODBC 3 mode. Scripts written for ext/odbc read
 * $row['TABLE_OWNER'], so the drop-in shows ext/odbc's names (ODBC 3 name => ODBC 2 name).
 */
const CATALOG_NAMES = [
    'TABLE_CAT' => 'TABLE_QUALIFIER', 'TABLE_SCHEM' => 'TABLE_OWNER', 'COLUMN_SIZE' => 'PRECISION',
    'BUFFER_LENGTH' => 'LENGTH', 'DECIMAL_DIGITS' => 'SCALE', 'NUM_PREC_RADIX' => 'RADIX',
];

/**
 * @internal runs one of the library's catalog functions ($call: pconn_tables, pconn_columns or
 * pconn_primary_keys, with $args after the link) into a new result: the driver's own answer, with
 * its columns (ODBC's and any of the driver's own) named as ext/odbc shows them (CATALOG_NAMES)
 */
function _catalog(string $function, Link $link, string $call, string $odbcCall, string|int|null ...$args): Result|false
{
    return _catalogRenamed($function, $link, $call, $odbcCall, [], ...$args);
}

/**
 * @internal _catalog() with the ODBC 2 names of columns that only one catalog function has
 * (ODBC 3 name => ODBC 2 name), on top of CATALOG_NAMES
 * @param array<string, string> $renames
 */
function _catalogRenamed(string $function, Link $link, string $call, string $odbcCall, array $renames, string|int|null ...$args): Result|false
{
    if (!Library::has($call)) {
        State::fail($function, new Exception("$function needs $call, which this libpconn does not have", 'IM001', 0, Status::ERROR),
            $link, $odbcCall);
        return false;
    }
    try {
        Raw::check($link->handle, Library::ffi()->$call($link->handle, ...[...$args, Library::$out->result]));
    } catch (Exception $e) {
        State::fail($function, $e, $link, $odbcCall);
        return false;
    }
    $result = new Result($link);
    $result->rename($renames + CATALOG_NAMES);
    $result->attach(Library::$out->result[0]);
    return $result;
}

/** Tables (SQLTables): arguments are search patterns (`%`, `_`), null for any; $types e.g. "'TABLE','VIEW'". */
function odbc_tables($odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $types = null): Result|false
{
    $odbc = _live('odbc_tables', $odbc);
    if ($schema === '' && $table !== null && $table !== '') {
        $schema = null;   // as ext/odbc (for MS Access): an empty schema with a table name means any schema
    }
    return _catalog('odbc_tables', $odbc, 'pconn_tables', 'SQLTables', $catalog, $schema, $table, $types);
}

/** Columns (SQLColumns): arguments are search patterns (`%`, `_`), null for any. */
function odbc_columns($odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $column = null): Result|false
{
    $odbc = _live('odbc_columns', $odbc);
    if ($schema === '' && $table !== null && $table !== '') {
        $schema = null;   // as ext/odbc, see odbc_tables
    }
    return _catalog('odbc_columns', $odbc, 'pconn_columns', 'SQLColumns', $catalog, $schema, $table, $column);
}

/** The primary key columns of table $table (SQLPrimaryKeys; not patterns). */
function odbc_primarykeys($odbc, ?string $catalog, string $schema, string $table): Result|false
{
    $odbc = _live('odbc_primarykeys', $odbc);
    return _catalog('odbc_primarykeys', $odbc, 'pconn_primary_keys', 'SQLPrimaryKeys', $catalog, $schema, $table);
}

/**
 * @internal the data sources of odbc.ini, as unixODBC finds them: the user's file first, then the
 * system's; name => its settings
 * @return array<string, array<string, string>>
 */
function _dataSources(): array
{
    $home = getenv('HOME');
    $sources = [];
    foreach ([getenv('ODBCINI') ?: (($home ?: '') . '/.odbc.ini'), (getenv('ODBCSYSINI') ?: '/etc') . '/odbc.ini'] as $file) {
        $ini = is_readable($file) ? @parse_ini_file($file, true, INI_SCANNER_RAW) : false;
        foreach ($ini ?: [] as $name => $section) {
            if (is_array($section) && $name !== 'ODBC') {
                $sources[(string) $name] ??= $section;
            }
        }
    }
    return $sources;
}

/** @internal what link $handle's driver calls its DBMS (pconn_dbms_name: "SQLite", "PostgreSQL"), else "" */
function _dbmsName(int $handle): string
{
    return Library::ffi()->pconn_dbms_name($handle, Library::$out->text) === Status::OK
        ? FFI::string(Library::$out->text[0]) : '';
}

/**
 * @internal the driver a connection string names: its Driver=, else its DSN='s Driver in odbc.ini
 * ("" when neither says)
 */
function _driver(string $connectionString): string
{
    $driver = preg_match('/(?:^|;)\s*Driver\s*=\s*(\{[^}]*\}|[^;]*)/i', $connectionString, $m) ? trim($m[1], '{} ') : '';
    if ($driver === '' && preg_match('/(?:^|;)\s*DSN\s*=\s*(\{[^}]*\}|[^;]*)/i', $connectionString, $m)) {
        $driver = (string) (_dataSources()[trim($m[1], '{} ')]['Driver'] ?? '');
    }
    return $driver;
}

/**
 * The data sources of odbc.ini (user file first, as unixODBC lists them): ['server' => name,
 * 'description' => driver description]; null after the last.
 */
function odbc_data_source($odbc, int $fetch_type): array|null|false
{
    static $list = null, $pos = 0;
    $odbc = _live('odbc_data_source', $odbc);
    if ($fetch_type !== 2 && $fetch_type !== 1) {
        throw new \ValueError('odbc_data_source(): Argument #2 ($fetch_type) must be either SQL_FETCH_FIRST or SQL_FETCH_NEXT');
    }
    if ($fetch_type === 2 /* SQL_FETCH_FIRST */ || $list === null) {
        $list = [];
        $pos = 0;
        foreach (_dataSources() as $name => $section) {
            $list[] = ['server' => (string) $name, 'description' => (string) ($section['Driver'] ?? $section['Description'] ?? '')];
        }
    }
    return $list[$pos++] ?? null;
}

/**
 * Sets an ODBC option: on a link ($which = 1) SQL_AUTOCOMMIT (102) through pconn, so request
 * end restores it; other options are refused (pconn could not restore them).
 */
function odbc_setoption($odbc, int $which, int $option, int $value): bool
{
    if ($which === 1) {
        $link = _live('odbc_setoption', $odbc);
        if ($link->persistent) {
            // as ext/odbc: a persistent link's options would outlive the request
            State::warn('odbc_setoption', 'Unable to set option for persistent connection');
            return false;
        }
        if ($option === 102 /* SQL_AUTOCOMMIT */) {
            return odbc_autocommit($link, $value !== 0) === true;
        }
    } elseif ($which === 2) {
        _result('odbc_setoption', $odbc, 1, 'odbc');
    } else {
        throw new \ValueError('odbc_setoption(): Argument #2 ($which) must be 1 for SQLSetConnectOption(), or 2 for SQLSetStmtOption()');
    }
    State::warn('odbc_setoption', "option $option (which = $which) is not supported by pconn");
    return false;
}

/** Data types the data source supports (SQLGetTypeInfo); 0 (SQL_ALL_TYPES) for all. */
function odbc_gettypeinfo($odbc, int $data_type = 0): Result|false
{
    $odbc = _live('odbc_gettypeinfo', $odbc);
    // NUM_PREC_RADIX keeps its name: psqlODBC's ODBC 2 SQLGetTypeInfo has it so (RADIX is
    // SQLColumns' ODBC 2 name), SQLite's has no such column there
    return _catalogRenamed('odbc_gettypeinfo', $odbc, 'pconn_type_info', 'SQLGetTypeInfo',
        ['FIXED_PREC_SCALE' => 'MONEY', 'AUTO_UNIQUE_VALUE' => 'AUTO_INCREMENT', 'NUM_PREC_RADIX' => 'NUM_PREC_RADIX'], $data_type);
}

/**
 * @internal the ODBC 2 names of SQLProcedures' and SQLProcedureColumns' first columns, for drivers
 * that use them in ext/odbc's ODBC 2 mode (see Link::odbc2CatalogNames())
 * @return array<string, string>
 */
function _procedureNames(Link $link): array
{
    return $link->odbc2CatalogNames() ? ['PROCEDURE_CAT' => 'PROCEDURE_QUALIFIER', 'PROCEDURE_SCHEM' => 'PROCEDURE_OWNER'] : [];
}

/** Procedures (SQLProcedures): arguments are search patterns, null for any. */
function odbc_procedures($odbc, ?string $catalog = null, ?string $schema = null, ?string $procedure = null): Result|false
{
    $odbc = _live('odbc_procedures', $odbc);
    return _catalogRenamed('odbc_procedures', $odbc, 'pconn_procedures', 'SQLProcedures', _procedureNames($odbc), $catalog, $schema, $procedure);
}

/** Parameters and result columns of procedures (SQLProcedureColumns): search patterns, null for any. */
function odbc_procedurecolumns($odbc, ?string $catalog = null, ?string $schema = null, ?string $procedure = null, ?string $column = null): Result|false
{
    $odbc = _live('odbc_procedurecolumns', $odbc);
    return _catalogRenamed('odbc_procedurecolumns', $odbc, 'pconn_procedure_columns', 'SQLProcedureColumns', _procedureNames($odbc),
        $catalog, $schema, $procedure, $column);
}

/** Foreign keys of a table, or those referring to a table's primary key (SQLForeignKeys). */
function odbc_foreignkeys($odbc, ?string $pk_catalog, string $pk_schema, string $pk_table, string $fk_catalog, string $fk_schema, string $fk_table): Result|false
{
    $odbc = _live('odbc_foreignkeys', $odbc);
    return _catalogRenamed('odbc_foreignkeys', $odbc, 'pconn_foreign_keys', 'SQLForeignKeys', $odbc->odbc2CatalogNames() ? [
        'PKTABLE_CAT' => 'PKTABLE_QUALIFIER', 'PKTABLE_SCHEM' => 'PKTABLE_OWNER',
        'FKTABLE_CAT' => 'FKTABLE_QUALIFIER', 'FKTABLE_SCHEM' => 'FKTABLE_OWNER',
    ] : [], $pk_catalog, $pk_schema, $pk_table, $fk_catalog, $fk_schema, $fk_table);
}

/** The columns that identify a row (SQL_BEST_ROWID) or change on update (SQL_ROWVER) (SQLSpecialColumns). */
function odbc_specialcolumns($odbc, int $type, ?string $catalog, string $schema, string $table, int $scope, int $nullable): Result|false
{
    $odbc = _live('odbc_specialcolumns', $odbc);
    return _catalog('odbc_specialcolumns', $odbc, 'pconn_special_columns', 'SQLSpecialColumns',
        $type, $catalog, $schema, $table, $scope, $nullable);
}

/** A table's statistics and indexes (SQLStatistics). */
function odbc_statistics($odbc, ?string $catalog, string $schema, string $table, int $unique, int $accuracy): Result|false
{
    $odbc = _live('odbc_statistics', $odbc);
    return _catalogRenamed('odbc_statistics', $odbc, 'pconn_statistics', 'SQLStatistics',
        ['ORDINAL_POSITION' => 'SEQ_IN_INDEX', 'ASC_OR_DESC' => 'COLLATION'], $catalog, $schema, $table, $unique, $accuracy);
}

/** Privileges on tables (SQLTablePrivileges): search patterns. */
function odbc_tableprivileges($odbc, ?string $catalog, string $schema, string $table): Result|false
{
    $odbc = _live('odbc_tableprivileges', $odbc);
    return _catalog('odbc_tableprivileges', $odbc, 'pconn_table_privileges', 'SQLTablePrivileges', $catalog, $schema, $table);
}

/** Privileges on a table's columns (SQLColumnPrivileges): $column is a search pattern. */
function odbc_columnprivileges($odbc, ?string $catalog, string $schema, string $table, string $column): Result|false
{
    $odbc = _live('odbc_columnprivileges', $odbc);
    return _catalog('odbc_columnprivileges', $odbc, 'pconn_column_privileges', 'SQLColumnPrivileges',
        $catalog, $schema, $table, $column);
}

/**
 * Whether $str is a quoted connection string value, as ext/odbc decides: it starts with "{" and
 * every "}" before the last character is doubled.
 */
function odbc_connection_string_is_quoted(string $str): bool
{
    if (!str_starts_with($str, '{')) {
        return false;
    }
    $length = strlen($str);
    for ($i = 0; $i < $length; $i++) {
        if ($str[$i] === '}') {
            if ($i + 1 < $length && $str[$i + 1] === '}') {
                $i++;
            } elseif ($i + 1 < $length) {
                return false;
            }
        }
    }
    return true;
}

/** Whether $str needs quoting as a connection string value: it has one of []{}(),;?*=!@. */
function odbc_connection_string_should_quote(string $str): bool
{
    return strpbrk($str, '[]{}(),;?*=!@') !== false;
}

/** $str quoted as a connection string value: in braces, with each "}" doubled. */
function odbc_connection_string_quote(string $str): string
{
    return '{' . str_replace('}', '}}', $str) . '}';
}
