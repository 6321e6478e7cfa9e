<?php
// The global odbc_* drop-in, generated from src/Odbc/functions.php by tools/gen-global: do not edit.
// autoload.php requires this file only when odbc_connect does not exist (ext/odbc not loaded).
declare(strict_types=1);

function odbc_connect(?string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, ?int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): \Pconn\Odbc\Link|false
{
    if (func_num_args() > 4) {
        throw new \ArgumentCountError('odbc_connect() expects at most 4 arguments, ' . func_num_args() . ' given');
    }
    if ($dsn === null) {
        \Pconn\Odbc\_nullArgument('odbc_connect', 1, 'dsn', 'string');
        $dsn = '';
    }
    if (func_num_args() >= 2 && $user === null) {
        \Pconn\Odbc\_nullArgument('odbc_connect', 2, 'user', 'string');
        $user = '';
    }
    if (func_num_args() >= 3 && $password === null) {
        \Pconn\Odbc\_nullArgument('odbc_connect', 3, 'password', 'string');
        $password = '';
    }
    if ($cursor_option === null) {
        \Pconn\Odbc\_nullArgument('odbc_connect', 4, 'cursor_option', 'int');
        $cursor_option = 0;
    }
    return \Pconn\Odbc\odbc_connect($dsn, $user, $password, $cursor_option);
}

function odbc_pconnect(?string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, ?int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): \Pconn\Odbc\Link|false
{
    if (func_num_args() > 4) {
        throw new \ArgumentCountError('odbc_pconnect() expects at most 4 arguments, ' . func_num_args() . ' given');
    }
    if ($dsn === null) {
        \Pconn\Odbc\_nullArgument('odbc_pconnect', 1, 'dsn', 'string');
        $dsn = '';
    }
    if (func_num_args() >= 2 && $user === null) {
        \Pconn\Odbc\_nullArgument('odbc_pconnect', 2, 'user', 'string');
        $user = '';
    }
    if (func_num_args() >= 3 && $password === null) {
        \Pconn\Odbc\_nullArgument('odbc_pconnect', 3, 'password', 'string');
        $password = '';
    }
    if ($cursor_option === null) {
        \Pconn\Odbc\_nullArgument('odbc_pconnect', 4, 'cursor_option', 'int');
        $cursor_option = 0;
    }
    return \Pconn\Odbc\odbc_pconnect($dsn, $user, $password, $cursor_option);
}

function odbc_close($odbc): void
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_close() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    \Pconn\Odbc\odbc_close($odbc);
}

function odbc_close_all(): void
{
    if (func_num_args() > 0) {
        throw new \ArgumentCountError('odbc_close_all() expects exactly 0 arguments, ' . func_num_args() . ' given');
    }
    \Pconn\Odbc\odbc_close_all();
}

function odbc_exec($odbc, ?string $query): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_exec() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($query === null) {
        \Pconn\Odbc\_nullArgument('odbc_exec', 2, 'query', 'string');
        $query = '';
    }
    return \Pconn\Odbc\odbc_exec($odbc, $query);
}

function odbc_do($odbc, ?string $query): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_do() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($query === null) {
        \Pconn\Odbc\_nullArgument('odbc_do', 2, 'query', 'string');
        $query = '';
    }
    return \Pconn\Odbc\odbc_do($odbc, $query);
}

function odbc_prepare($odbc, ?string $query): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_prepare() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($query === null) {
        \Pconn\Odbc\_nullArgument('odbc_prepare', 2, 'query', 'string');
        $query = '';
    }
    return \Pconn\Odbc\odbc_prepare($odbc, $query);
}

function odbc_execute($statement, array $params = []): bool
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_execute() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_execute($statement, $params);
}

function odbc_fetch_row($statement, ?int $row = null): bool
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_fetch_row() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        $rows->next++;
        return true;
    }
    return \Pconn\Odbc\odbc_fetch_row($statement, $row);
}

function odbc_fetch_array($statement, ?int $row = null): array|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_fetch_array() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && $rows->byName && $statement->asRead
        && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        return $rows->batch[$rows->next++];
    }
    return \Pconn\Odbc\odbc_fetch_array($statement, $row);
}

function odbc_fetch_object($statement, ?int $row = null): \stdClass|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_fetch_object() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && $rows->byName && $statement->asRead
        && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        return (object) $rows->batch[$rows->next++];
    }
    return \Pconn\Odbc\odbc_fetch_object($statement, $row);
}

function odbc_fetch_into($statement, &$array, ?int $row = null): int|false
{
    if (func_num_args() > 3) {
        throw new \ArgumentCountError('odbc_fetch_into() expects at most 3 arguments, ' . func_num_args() . ' given');
    }
    if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
        && !$rows->byName && $statement->asRead
        && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        $array = $rows->batch[$rows->next++];
        return $statement->columns;
    }
    return \Pconn\Odbc\odbc_fetch_into($statement, $array, $row);
}

function odbc_result($statement, string|int $field): string|bool|null
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_result() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_result($statement, $field);
}

function odbc_result_all($statement, ?string $format = ''): int|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_result_all() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    if ($format === null) {
        \Pconn\Odbc\_nullArgument('odbc_result_all', 2, 'format', 'string');
        $format = '';
    }
    return \Pconn\Odbc\odbc_result_all($statement, $format);
}

function odbc_num_rows($statement): int
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_num_rows() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_num_rows($statement);
}

function odbc_num_fields($statement): int
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_num_fields() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_num_fields($statement);
}

function odbc_field_name($statement, ?int $field): string|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_field_name() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($field === null) {
        \Pconn\Odbc\_nullArgument('odbc_field_name', 2, 'field', 'int');
        $field = 0;
    }
    return \Pconn\Odbc\odbc_field_name($statement, $field);
}

function odbc_field_num($statement, ?string $field): int|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_field_num() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($field === null) {
        \Pconn\Odbc\_nullArgument('odbc_field_num', 2, 'field', 'string');
        $field = '';
    }
    return \Pconn\Odbc\odbc_field_num($statement, $field);
}

function odbc_field_type($statement, ?int $field): string|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_field_type() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($field === null) {
        \Pconn\Odbc\_nullArgument('odbc_field_type', 2, 'field', 'int');
        $field = 0;
    }
    return \Pconn\Odbc\odbc_field_type($statement, $field);
}

function odbc_field_len($statement, ?int $field): int|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_field_len() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($field === null) {
        \Pconn\Odbc\_nullArgument('odbc_field_len', 2, 'field', 'int');
        $field = 0;
    }
    return \Pconn\Odbc\odbc_field_len($statement, $field);
}

function odbc_field_precision($statement, ?int $field): int|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_field_precision() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($field === null) {
        \Pconn\Odbc\_nullArgument('odbc_field_precision', 2, 'field', 'int');
        $field = 0;
    }
    return \Pconn\Odbc\odbc_field_precision($statement, $field);
}

function odbc_field_scale($statement, ?int $field): int|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_field_scale() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($field === null) {
        \Pconn\Odbc\_nullArgument('odbc_field_scale', 2, 'field', 'int');
        $field = 0;
    }
    return \Pconn\Odbc\odbc_field_scale($statement, $field);
}

function odbc_free_result($statement): bool
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_free_result() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_free_result($statement);
}

function odbc_next_result($statement): bool
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_next_result() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_next_result($statement);
}

function odbc_autocommit($odbc, ?bool $enable = null): int|bool
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_autocommit() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    if (func_num_args() >= 2 && $enable === null) {
        \Pconn\Odbc\_nullArgument('odbc_autocommit', 2, 'enable', 'bool');
        $enable = false;
    }
    return \Pconn\Odbc\odbc_autocommit($odbc, $enable);
}

function odbc_commit($odbc): bool
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_commit() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_commit($odbc);
}

function odbc_rollback($odbc): bool
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_rollback() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_rollback($odbc);
}

function odbc_error($odbc = null): string
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_error() expects at most 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_error($odbc);
}

function odbc_errormsg($odbc = null): string
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_errormsg() expects at most 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_errormsg($odbc);
}

function odbc_longreadlen($statement, ?int $length): bool
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_longreadlen() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($length === null) {
        \Pconn\Odbc\_nullArgument('odbc_longreadlen', 2, 'length', 'int');
        $length = 0;
    }
    return \Pconn\Odbc\odbc_longreadlen($statement, $length);
}

function odbc_binmode($statement, ?int $mode): bool
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_binmode() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($mode === null) {
        \Pconn\Odbc\_nullArgument('odbc_binmode', 2, 'mode', 'int');
        $mode = 0;
    }
    return \Pconn\Odbc\odbc_binmode($statement, $mode);
}

function odbc_cursor($statement): string|false
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_cursor() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_cursor($statement);
}

function odbc_tables($odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $types = null): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 5) {
        throw new \ArgumentCountError('odbc_tables() expects at most 5 arguments, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_tables($odbc, $catalog, $schema, $table, $types);
}

function odbc_columns($odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $column = null): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 5) {
        throw new \ArgumentCountError('odbc_columns() expects at most 5 arguments, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_columns($odbc, $catalog, $schema, $table, $column);
}

function odbc_primarykeys($odbc, ?string $catalog, ?string $schema, ?string $table): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 4) {
        throw new \ArgumentCountError('odbc_primarykeys() expects exactly 4 arguments, ' . func_num_args() . ' given');
    }
    if ($schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_primarykeys', 3, 'schema', 'string');
        $schema = '';
    }
    if ($table === null) {
        \Pconn\Odbc\_nullArgument('odbc_primarykeys', 4, 'table', 'string');
        $table = '';
    }
    return \Pconn\Odbc\odbc_primarykeys($odbc, $catalog, $schema, $table);
}

function odbc_data_source($odbc, ?int $fetch_type): array|null|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_data_source() expects exactly 2 arguments, ' . func_num_args() . ' given');
    }
    if ($fetch_type === null) {
        \Pconn\Odbc\_nullArgument('odbc_data_source', 2, 'fetch_type', 'int');
        $fetch_type = 0;
    }
    return \Pconn\Odbc\odbc_data_source($odbc, $fetch_type);
}

function odbc_setoption($odbc, ?int $which, ?int $option, ?int $value): bool
{
    if (func_num_args() > 4) {
        throw new \ArgumentCountError('odbc_setoption() expects exactly 4 arguments, ' . func_num_args() . ' given');
    }
    if ($which === null) {
        \Pconn\Odbc\_nullArgument('odbc_setoption', 2, 'which', 'int');
        $which = 0;
    }
    if ($option === null) {
        \Pconn\Odbc\_nullArgument('odbc_setoption', 3, 'option', 'int');
        $option = 0;
    }
    if ($value === null) {
        \Pconn\Odbc\_nullArgument('odbc_setoption', 4, 'value', 'int');
        $value = 0;
    }
    return \Pconn\Odbc\odbc_setoption($odbc, $which, $option, $value);
}

function odbc_gettypeinfo($odbc, ?int $data_type = 0): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 2) {
        throw new \ArgumentCountError('odbc_gettypeinfo() expects at most 2 arguments, ' . func_num_args() . ' given');
    }
    if ($data_type === null) {
        \Pconn\Odbc\_nullArgument('odbc_gettypeinfo', 2, 'data_type', 'int');
        $data_type = 0;
    }
    return \Pconn\Odbc\odbc_gettypeinfo($odbc, $data_type);
}

function odbc_procedures($odbc, ?string $catalog = null, ?string $schema = null, ?string $procedure = null): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 4) {
        throw new \ArgumentCountError('odbc_procedures() expects at most 4 arguments, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_procedures($odbc, $catalog, $schema, $procedure);
}

function odbc_procedurecolumns($odbc, ?string $catalog = null, ?string $schema = null, ?string $procedure = null, ?string $column = null): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 5) {
        throw new \ArgumentCountError('odbc_procedurecolumns() expects at most 5 arguments, ' . func_num_args() . ' given');
    }
    return \Pconn\Odbc\odbc_procedurecolumns($odbc, $catalog, $schema, $procedure, $column);
}

function odbc_foreignkeys($odbc, ?string $pk_catalog, ?string $pk_schema, ?string $pk_table, ?string $fk_catalog, ?string $fk_schema, ?string $fk_table): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 7) {
        throw new \ArgumentCountError('odbc_foreignkeys() expects exactly 7 arguments, ' . func_num_args() . ' given');
    }
    if ($pk_schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 3, 'pk_schema', 'string');
        $pk_schema = '';
    }
    if ($pk_table === null) {
        \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 4, 'pk_table', 'string');
        $pk_table = '';
    }
    if ($fk_catalog === null) {
        \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 5, 'fk_catalog', 'string');
        $fk_catalog = '';
    }
    if ($fk_schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 6, 'fk_schema', 'string');
        $fk_schema = '';
    }
    if ($fk_table === null) {
        \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 7, 'fk_table', 'string');
        $fk_table = '';
    }
    return \Pconn\Odbc\odbc_foreignkeys($odbc, $pk_catalog, $pk_schema, $pk_table, $fk_catalog, $fk_schema, $fk_table);
}

function odbc_specialcolumns($odbc, ?int $type, ?string $catalog, ?string $schema, ?string $table, ?int $scope, ?int $nullable): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 7) {
        throw new \ArgumentCountError('odbc_specialcolumns() expects exactly 7 arguments, ' . func_num_args() . ' given');
    }
    if ($type === null) {
        \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 2, 'type', 'int');
        $type = 0;
    }
    if ($schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 4, 'schema', 'string');
        $schema = '';
    }
    if ($table === null) {
        \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 5, 'table', 'string');
        $table = '';
    }
    if ($scope === null) {
        \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 6, 'scope', 'int');
        $scope = 0;
    }
    if ($nullable === null) {
        \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 7, 'nullable', 'int');
        $nullable = 0;
    }
    return \Pconn\Odbc\odbc_specialcolumns($odbc, $type, $catalog, $schema, $table, $scope, $nullable);
}

function odbc_statistics($odbc, ?string $catalog, ?string $schema, ?string $table, ?int $unique, ?int $accuracy): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 6) {
        throw new \ArgumentCountError('odbc_statistics() expects exactly 6 arguments, ' . func_num_args() . ' given');
    }
    if ($schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_statistics', 3, 'schema', 'string');
        $schema = '';
    }
    if ($table === null) {
        \Pconn\Odbc\_nullArgument('odbc_statistics', 4, 'table', 'string');
        $table = '';
    }
    if ($unique === null) {
        \Pconn\Odbc\_nullArgument('odbc_statistics', 5, 'unique', 'int');
        $unique = 0;
    }
    if ($accuracy === null) {
        \Pconn\Odbc\_nullArgument('odbc_statistics', 6, 'accuracy', 'int');
        $accuracy = 0;
    }
    return \Pconn\Odbc\odbc_statistics($odbc, $catalog, $schema, $table, $unique, $accuracy);
}

function odbc_tableprivileges($odbc, ?string $catalog, ?string $schema, ?string $table): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 4) {
        throw new \ArgumentCountError('odbc_tableprivileges() expects exactly 4 arguments, ' . func_num_args() . ' given');
    }
    if ($schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_tableprivileges', 3, 'schema', 'string');
        $schema = '';
    }
    if ($table === null) {
        \Pconn\Odbc\_nullArgument('odbc_tableprivileges', 4, 'table', 'string');
        $table = '';
    }
    return \Pconn\Odbc\odbc_tableprivileges($odbc, $catalog, $schema, $table);
}

function odbc_columnprivileges($odbc, ?string $catalog, ?string $schema, ?string $table, ?string $column): \Pconn\Odbc\Result|false
{
    if (func_num_args() > 5) {
        throw new \ArgumentCountError('odbc_columnprivileges() expects exactly 5 arguments, ' . func_num_args() . ' given');
    }
    if ($schema === null) {
        \Pconn\Odbc\_nullArgument('odbc_columnprivileges', 3, 'schema', 'string');
        $schema = '';
    }
    if ($table === null) {
        \Pconn\Odbc\_nullArgument('odbc_columnprivileges', 4, 'table', 'string');
        $table = '';
    }
    if ($column === null) {
        \Pconn\Odbc\_nullArgument('odbc_columnprivileges', 5, 'column', 'string');
        $column = '';
    }
    return \Pconn\Odbc\odbc_columnprivileges($odbc, $catalog, $schema, $table, $column);
}

function odbc_connection_string_is_quoted(?string $str): bool
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_connection_string_is_quoted() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    if ($str === null) {
        \Pconn\Odbc\_nullArgument('odbc_connection_string_is_quoted', 1, 'str', 'string');
        $str = '';
    }
    return \Pconn\Odbc\odbc_connection_string_is_quoted($str);
}

function odbc_connection_string_should_quote(?string $str): bool
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_connection_string_should_quote() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    if ($str === null) {
        \Pconn\Odbc\_nullArgument('odbc_connection_string_should_quote', 1, 'str', 'string');
        $str = '';
    }
    return \Pconn\Odbc\odbc_connection_string_should_quote($str);
}

function odbc_connection_string_quote(?string $str): string
{
    if (func_num_args() > 1) {
        throw new \ArgumentCountError('odbc_connection_string_quote() expects exactly 1 argument, ' . func_num_args() . ' given');
    }
    if ($str === null) {
        \Pconn\Odbc\_nullArgument('odbc_connection_string_quote', 1, 'str', 'string');
        $str = '';
    }
    return \Pconn\Odbc\odbc_connection_string_quote($str);
}
