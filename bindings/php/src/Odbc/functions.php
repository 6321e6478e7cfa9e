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

use Pconn\Exception;
use Pconn\Library;
use Pconn\Metadata;
use Pconn\Raw;
use Pconn\Status;


/** @internal */
function _connect(string $function, string $kind, string $dsn, ?string $user, ?string $password): Link|false
{
    State::begin();
    try {
        $handle = Raw::connect($kind, $dsn, $user, $password);
    } catch (Exception $e) {
        State::fail($function, $e, null, 'SQLConnect');
        return false;
    }
    $link = State::$links[$handle] ?? null;
    if ($link === null || $link->closed) {
        $link = State::$links[$handle] = new Link($handle, $kind === Raw::PERSISTENT, $dsn);
    }
    return $link;
}

/** @internal */
function _live(string $function, Link $link): bool
{
    State::begin($link);
    if ($link->closed) {
        State::warn($function, 'ODBC link has already been closed');
        return false;
    }
    return true;
}

/** @internal */
function _result(string $function, Result $result): bool
{
    State::begin($result->link);
    if ($result->freed || $result->link->closed || ($result->handle === 0 && $result->stmt === 0)) {
        State::warn($function, 'ODBC result has already been closed');
        return false;
    }
    return true;
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
    if (isset(Metadata::BINARY_TYPES[$type])) {
        if ($result->binMode <= 0) {
            return '';
        }
        if ($result->binMode >= 2) {
            // what a driver's conversion of binary to SQL_C_CHAR gives: two hex digits a byte
            $value = strtoupper(bin2hex($value));
        }
    }
    if ($result->longReadLen > 0 && strlen($value) > $result->longReadLen) {
        $value = substr($value, 0, $result->longReadLen);
    }
    return $value;
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
        $handle = Raw::exec($link->handle, $sql);
    } catch (Exception $e) {
        State::fail($function, $e, $link, 'SQLExecDirect');
        return false;
    }
    $result = new Result($link);
    $result->attach($handle);
    return $result;
}

function odbc_connect(string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): Link|false
{
    return _connect('odbc_connect', Raw::REQUEST, $dsn, $user, $password);
}

function odbc_pconnect(string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): Link|false
{
    return _connect('odbc_pconnect', Raw::PERSISTENT, $dsn, $user, $password);
}

function odbc_close(Link $odbc): void
{
    State::begin($odbc);
    if ($odbc->closed) {
        return;
    }
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

function odbc_exec(Link $odbc, string $query): Result|false
{
    if (!_live('odbc_exec', $odbc)) {
        return false;
    }
    return _run('odbc_exec', $odbc, $query);
}

function odbc_do(Link $odbc, string $query): Result|false
{
    if (!_live('odbc_do', $odbc)) {
        return false;
    }
    return _run('odbc_do', $odbc, $query);
}

/** Prepares a statement with `?` parameters on the server (pconn_prepare). */
function odbc_prepare(Link $odbc, string $query): Result|false
{
    if (!_live('odbc_prepare', $odbc)) {
        return false;
    }
    try {
        $stmt = Raw::prepare($odbc->handle, $query);
        $count = Raw::paramCount($odbc->handle, $stmt);
    } catch (Exception $e) {
        if (isset($stmt)) {
            Raw::freeStatement($stmt);
        }
        State::fail('odbc_prepare', $e, $odbc, 'SQLPrepare');
        return false;
    }
    $result = new Result($odbc);
    $result->stmt = $stmt;
    $result->paramCount = $count;
    return $result;
}

/**
 * Executes a prepared statement. As ext/odbc: the values are taken in array order and passed as
 * strings (null as SQL NULL; true "1", false ""), values beyond the statement's parameters are
 * ignored, too few are an error. Unlike ext/odbc, a value written '...' (in single quotes) is
 * that text, not the contents of the file it would name there. A string that is not UTF-8 text
 * (invalid UTF-8 or a NUL byte) is passed as binary.
 */
function odbc_execute(Result $statement, array $params = []): bool
{
    if (!_result('odbc_execute', $statement)) {
        return false;
    }
    if ($statement->stmt === 0) {
        State::warn('odbc_execute', 'the result was not made by odbc_prepare');
        return false;
    }
    $link = $statement->link;
    try {
        if (count($params) < $statement->paramCount) {
            throw new Exception(sprintf('Not enough parameters (%d should be %d) given', count($params), $statement->paramCount),
                '07002', 0, Status::INVALID_ARGUMENT);
        }
        $index = 0;
        foreach ($params as $value) {
            if (++$index > $statement->paramCount) {
                break;
            }
            Raw::check($link->handle, $value === null
                ? Library::ffi()->pconn_stmt_bind_null($statement->stmt, $index)
                : Raw::bindString($statement->stmt, $index, (string) $value));
        }
        $handle = Raw::execute($link->handle, $statement->stmt);
    } catch (Exception $e) {
        State::fail('odbc_execute', $e, $link, 'SQLExecute');
        return false;
    }
    $statement->attach($handle);
    return true;
}

function odbc_fetch_row(Result $statement, ?int $row = null): bool
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end
        && $link->errorState === '' && State::$state === '' && !$link->closed) {
        $rows->next++;
        return true;
    }
    // end of fast path
    if (!_result('odbc_fetch_row', $statement)) {
        return false;
    }
    return _fetch('odbc_fetch_row', $statement, $row);
}

function odbc_fetch_array(Result $statement, ?int $row = null): array|false
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end && $rows->byName && $statement->asRead
        && $link->errorState === '' && State::$state === '' && !$link->closed) {
        return $rows->batch[$rows->next++];
    }
    // end of fast path
    if (!_result('odbc_fetch_array', $statement) || !_fetch('odbc_fetch_array', $statement, $row, $statement->asRead)) {
        return false;
    }
    return $statement->asRead ? $statement->currentByName() : array_combine($statement->names(), _shaped($statement));
}

function odbc_fetch_object(Result $statement, ?int $row = null): \stdClass|false
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end && $rows->byName && $statement->asRead
        && $link->errorState === '' && State::$state === '' && !$link->closed) {
        return (object) $rows->batch[$rows->next++];
    }
    // end of fast path
    if (!_result('odbc_fetch_object', $statement) || !_fetch('odbc_fetch_object', $statement, $row, $statement->asRead)) {
        return false;
    }
    return (object) ($statement->asRead ? $statement->currentByName() : array_combine($statement->names(), _shaped($statement)));
}

function odbc_fetch_into(Result $statement, &$array, ?int $row = null): int|false
{
    // fast path (tools/gen-global copies it into the global function, saving a call per row)
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end && !$rows->byName && $statement->asRead
        && $link->errorState === '' && State::$state === '' && !$link->closed) {
        $array = $rows->batch[$rows->next++];
        return $statement->columns;
    }
    // end of fast path
    if (!_result('odbc_fetch_into', $statement)) {
        return false;
    }
    if ($statement->rows !== null) {
        $array = [];   // as ext/odbc: an array even when there is no row
    }
    if (!_fetch('odbc_fetch_into', $statement, $row)) {
        return false;
    }
    $array = _shaped($statement);
    return $statement->columns;
}

/** @internal column index (0-based) from a number (1-based), for the odbc_field_* functions */
function _field(string $function, Result $result, int $field): int|false
{
    if ($result->columns === 0) {
        State::warn($function, 'No tuples available at this result index');
        return false;
    }
    if ($field > $result->columns) {
        State::warn($function, 'Field index larger than number of fields');
        return false;
    }
    if ($field < 1) {
        State::warn($function, 'Field numbering starts at 1');
        return false;
    }
    return $field - 1;
}

/**
 * A value of the current row (fetching the first row when none was fetched yet), by column
 * number (from 1) or name (case-insensitive). A binary column in ODBC_BINMODE_PASSTHRU is
 * printed and true returned, as ext/odbc.
 */
function odbc_result(Result $statement, string|int $field): string|bool|null
{
    if (!_result('odbc_result', $statement)) {
        return false;
    }
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
    if ($statement->fetched() === 0 && !_fetch('odbc_result', $statement, null)) {
        return false;
    }
    $row = $statement->current();
    if ($row === null) {
        return false;
    }
    $v = $row[$i];
    if ($v === null || $statement->asRead || !isset($statement->shapedColumns()[$i])) {
        return $v;
    }
    $type = $statement->shapedColumns()[$i];
    if (isset(Metadata::BINARY_TYPES[$type]) && $statement->binMode <= 0) {
        echo $v;
        return true;
    }
    return _shape($statement, $type, $v);
}

/** Prints the remaining rows as an HTML table (as ext/odbc, values are not escaped); returns the rows fetched. */
function odbc_result_all(Result $statement, string $format = ''): int|false
{
    if (!_result('odbc_result_all', $statement)) {
        return false;
    }
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
function odbc_num_rows(Result $statement): int
{
    if (!_result('odbc_num_rows', $statement) || $statement->handle === 0) {
        return -1;
    }
    return Raw::affectedRows($statement->handle);
}

function odbc_num_fields(Result $statement): int
{
    if (!_result('odbc_num_fields', $statement)) {
        return -1;
    }
    return $statement->columns;
}

function odbc_field_name(Result $statement, int $field): string|false
{
    if (!_result('odbc_field_name', $statement)) {
        return false;
    }
    $i = _field('odbc_field_name', $statement, $field);
    return $i === false ? false : $statement->names()[$i];
}

/** The number (from 1) of the column named $field (case-insensitive; the last of equal names, as ext/odbc). */
function odbc_field_num(Result $statement, string $field): int|false
{
    if (!_result('odbc_field_num', $statement)) {
        return false;
    }
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

/** @internal */
function _meta(string $function, Result $statement, int $field, string $what): string|int|false
{
    if (!_result($function, $statement)) {
        return false;
    }
    $i = _field($function, $statement, $field);
    if ($i === false) {
        return false;
    }
    try {
        return Metadata::column($statement->link->handle, $statement->handle, $i + 1)[$what];
    } catch (Exception $e) {
        State::fail($function, $e, $statement->link, 'SQLColAttributes');
        return false;
    }
}

/** The driver's name for the column's type, as ext/odbc (psqlODBC: "int4", "varchar", "text"). */
function odbc_field_type(Result $statement, int $field): string|false
{
    if (!_result('odbc_field_type', $statement)) {
        return false;
    }
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

/** The column size (characters for text, digits for numbers), as ext/odbc: the same as odbc_field_precision. */
function odbc_field_len(Result $statement, int $field): int|false
{
    return _meta('odbc_field_len', $statement, $field, 'precision');
}

function odbc_field_precision(Result $statement, int $field): int|false
{
    return _meta('odbc_field_precision', $statement, $field, 'precision');
}

function odbc_field_scale(Result $statement, int $field): int|false
{
    return _meta('odbc_field_scale', $statement, $field, 'scale');
}

function odbc_free_result(Result $statement): bool
{
    State::begin($statement->link);
    if (!$statement->freed && !$statement->link->closed) {
        if ($statement->stmt !== 0) {
            Raw::freeStatement($statement->stmt);
        } else {
            Raw::free($statement->handle);
        }
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
function odbc_next_result(Result $statement): bool
{
    if (!_result('odbc_next_result', $statement) || $statement->handle === 0) {
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

function odbc_autocommit(Link $odbc, ?bool $enable = null): int|bool
{
    if (!_live('odbc_autocommit', $odbc)) {
        return false;
    }
    $ffi = Library::ffi();
    try {
        if ($enable === null) {
            Raw::check($odbc->handle, $ffi->pconn_autocommit_get($odbc->handle, Library::$out->intPtr));
            return Library::$out->int->cdata;
        }
        Raw::check($odbc->handle, $ffi->pconn_autocommit_set($odbc->handle, $enable ? 1 : 0));
        return true;
    } catch (Exception $e) {
        State::fail('odbc_autocommit', $e, $odbc, 'SQLSetConnectOption');
        return false;
    }
}

function odbc_commit(Link $odbc): bool
{
    if (!_live('odbc_commit', $odbc)) {
        return false;
    }
    try {
        Raw::check($odbc->handle, Library::ffi()->pconn_commit($odbc->handle));
        return true;
    } catch (Exception $e) {
        State::fail('odbc_commit', $e, $odbc, 'SQLTransact');
        return false;
    }
}

function odbc_rollback(Link $odbc): bool
{
    if (!_live('odbc_rollback', $odbc)) {
        return false;
    }
    try {
        Raw::check($odbc->handle, Library::ffi()->pconn_rollback($odbc->handle));
        return true;
    } catch (Exception $e) {
        State::fail('odbc_rollback', $e, $odbc, 'SQLTransact');
        return false;
    }
}

/** The SQLSTATE of the last call on $odbc (or of the last call at all); "" when it succeeded. */
function odbc_error(?Link $odbc = null): string
{
    return $odbc === null ? State::$state : $odbc->errorState;
}

/** The message of the last call on $odbc (or of the last call at all); "" when it succeeded. */
function odbc_errormsg(?Link $odbc = null): string
{
    return $odbc === null ? State::$message : $odbc->errorMessage;
}

/**
 * Sets the length at which values of long and binary columns are cut, as ext/odbc; 0 (the
 * default here, unlike ext/odbc's odbc.defaultlrl) returns them whole.
 */
function odbc_longreadlen(Result $statement, int $length): bool
{
    if (!_result('odbc_longreadlen', $statement)) {
        return false;
    }
    $statement->longReadLen = max(0, $length);
    $statement->settingsChanged();
    return true;
}

/**
 * How values of binary columns come back, as ext/odbc: ODBC_BINMODE_RETURN (1, the default) as
 * bytes, ODBC_BINMODE_CONVERT (2) as hex, ODBC_BINMODE_PASSTHRU (0) printed by odbc_result and
 * "" from the fetch functions.
 */
function odbc_binmode(Result $statement, int $mode): bool
{
    if (!_result('odbc_binmode', $statement)) {
        return false;
    }
    $statement->binMode = $mode;
    $statement->settingsChanged();
    return true;
}

function odbc_cursor(Result $statement): string|false
{
    if (!_result('odbc_cursor', $statement)) {
        return false;
    }
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
function _catalog(string $function, Link $link, string $call, string $odbcCall, ?string ...$args): Result|false
{
    try {
        Raw::check($link->handle, Library::ffi()->$call($link->handle, ...[...$args, Library::$out->resultPtr]));
    } catch (Exception $e) {
        State::fail($function, $e, $link, $odbcCall);
        return false;
    }
    $result = new Result($link);
    $result->rename(CATALOG_NAMES);
    $result->attach(Library::$out->result->cdata);
    return $result;
}

/** Tables (SQLTables): arguments are search patterns (`%`, `_`), null for any; $types e.g. "'TABLE','VIEW'". */
function odbc_tables(Link $odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $types = null): Result|false
{
    if (!_live('odbc_tables', $odbc)) {
        return false;
    }
    if ($schema === '' && $table !== null && $table !== '') {
        $schema = null;   // as ext/odbc (for MS Access): an empty schema with a table name means any schema
    }
    return _catalog('odbc_tables', $odbc, 'pconn_tables', 'SQLTables', $catalog, $schema, $table, $types);
}

/** Columns (SQLColumns): arguments are search patterns (`%`, `_`), null for any. */
function odbc_columns(Link $odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $column = null): Result|false
{
    if (!_live('odbc_columns', $odbc)) {
        return false;
    }
    if ($schema === '' && $table !== null && $table !== '') {
        $schema = null;   // as ext/odbc, see odbc_tables
    }
    return _catalog('odbc_columns', $odbc, 'pconn_columns', 'SQLColumns', $catalog, $schema, $table, $column);
}

/** The primary key columns of table $table (SQLPrimaryKeys; not patterns). */
function odbc_primarykeys(Link $odbc, ?string $catalog, string $schema, string $table): Result|false
{
    if (!_live('odbc_primarykeys', $odbc)) {
        return false;
    }
    return _catalog('odbc_primarykeys', $odbc, 'pconn_primary_keys', 'SQLPrimaryKeys', $catalog, $schema, $table);
}

/**
 * The data sources of odbc.ini (user file first, as unixODBC lists them): ['server' => name,
 * 'description' => driver description]; null after the last.
 */
function odbc_data_source(Link $odbc, int $fetch_type): array|null|false
{
    static $list = null, $pos = 0;
    if (!_live('odbc_data_source', $odbc)) {
        return false;
    }
    if ($fetch_type !== 2 && $fetch_type !== 1) {
        State::warn('odbc_data_source', 'Argument #2 ($fetch_type) must be either SQL_FETCH_FIRST or SQL_FETCH_NEXT');
        return false;
    }
    if ($fetch_type === 2 /* SQL_FETCH_FIRST */ || $list === null) {
        $list = [];
        $pos = 0;
        $home = getenv('HOME');
        $files = [getenv('ODBCINI') ?: (($home ?: '') . '/.odbc.ini'), (getenv('ODBCSYSINI') ?: '/etc') . '/odbc.ini'];
        foreach ($files as $file) {
            $ini = is_readable($file) ? @parse_ini_file($file, true, INI_SCANNER_RAW) : false;
            foreach ($ini ?: [] as $name => $section) {
                if (is_array($section) && $name !== 'ODBC' && !isset($list[$name])) {
                    $list[$name] = ['server' => (string) $name, 'description' => (string) ($section['Driver'] ?? $section['Description'] ?? '')];
                }
            }
        }
        $list = array_values($list);
    }
    return $list[$pos++] ?? null;
}

/**
 * Sets an ODBC option: on a link ($which = 1) SQL_AUTOCOMMIT (102) through pconn, so request
 * end restores it; other options are refused (pconn could not restore them).
 */
function odbc_setoption(Link|Result $odbc, int $which, int $option, int $value): bool
{
    $link = $odbc instanceof Link ? $odbc : $odbc->link;
    if (!_live('odbc_setoption', $link)) {
        return false;
    }
    if ($which === 1 && $option === 102 /* SQL_AUTOCOMMIT */) {
        return odbc_autocommit($link, $value !== 0) === true;
    }
    State::warn('odbc_setoption', "option $option (which = $which) is not supported by pconn");
    return false;
}
