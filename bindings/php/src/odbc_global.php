<?php
// The global odbc_* drop-in, generated from src/Odbc/functions.php by tools/gen-global: do not edit.
// autoload.php requires this file only when odbc_connect does not exist (ext/odbc not loaded).
declare(strict_types=1);

function odbc_connect(?string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, ?int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): \Pconn\Odbc\Link|false
{
    try {
        if (func_num_args() > 4) {
            throw new \ArgumentCountError('odbc_connect() expects at most 4 arguments, ' . func_num_args() . ' given');
        }
        if ($dsn === null) {
            \Pconn\Odbc\_nullArgument('odbc_connect', 1, 'dsn', 'string');
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
        }
        return \Pconn\Odbc\odbc_connect($dsn ?? '', $user, $password, $cursor_option ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_pconnect(?string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, ?int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): \Pconn\Odbc\Link|false
{
    try {
        if (func_num_args() > 4) {
            throw new \ArgumentCountError('odbc_pconnect() expects at most 4 arguments, ' . func_num_args() . ' given');
        }
        if ($dsn === null) {
            \Pconn\Odbc\_nullArgument('odbc_pconnect', 1, 'dsn', 'string');
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
        }
        return \Pconn\Odbc\odbc_pconnect($dsn ?? '', $user, $password, $cursor_option ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_close($odbc): void
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_close() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        \Pconn\Odbc\odbc_close($odbc);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_close_all(): void
{
    try {
        if (func_num_args() > 0) {
            throw new \ArgumentCountError('odbc_close_all() expects exactly 0 arguments, ' . func_num_args() . ' given');
        }
        \Pconn\Odbc\odbc_close_all();
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_exec($odbc, ?string $query): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_exec() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($query === null) {
            \Pconn\Odbc\_nullArgument('odbc_exec', 2, 'query', 'string');
        }
        return \Pconn\Odbc\odbc_exec($odbc, $query ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_do($odbc, ?string $query): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_do() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($query === null) {
            \Pconn\Odbc\_nullArgument('odbc_do', 2, 'query', 'string');
        }
        return \Pconn\Odbc\odbc_do($odbc, $query ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_prepare($odbc, ?string $query): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_prepare() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($query === null) {
            \Pconn\Odbc\_nullArgument('odbc_prepare', 2, 'query', 'string');
        }
        return \Pconn\Odbc\odbc_prepare($odbc, $query ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_execute($statement, array $params = []): bool
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_execute() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_execute($statement, $params);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_fetch_row($statement, ?int $row = null): bool
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_fetch_row() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
            && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
            $rows->next++;
            return true;
        }
        return \Pconn\Odbc\odbc_fetch_row($statement, $row);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_fetch_array($statement, ?int $row = null): array|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_fetch_array() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
            && $rows->byName && $statement->asRead
            && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
            return $rows->batch[$rows->next++];
        }
        return \Pconn\Odbc\odbc_fetch_array($statement, $row);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_fetch_object($statement, ?int $row = null): \stdClass|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_fetch_object() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        if ($row === null && $statement instanceof \Pconn\Odbc\Result && ($rows = $statement->rows) !== null && $rows->next < $rows->end
            && $rows->byName && $statement->asRead
            && ($link = $statement->link)->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
            return (object) $rows->batch[$rows->next++];
        }
        return \Pconn\Odbc\odbc_fetch_object($statement, $row);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_fetch_into($statement, &$array, ?int $row = null): int|false
{
    try {
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
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_result($statement, string|int $field): string|bool|null
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_result() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_result($statement, $field);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_result_all($statement, ?string $format = ''): int|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_result_all() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        if ($format === null) {
            \Pconn\Odbc\_nullArgument('odbc_result_all', 2, 'format', 'string');
        }
        return \Pconn\Odbc\odbc_result_all($statement, $format ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_num_rows($statement): int
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_num_rows() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_num_rows($statement);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_num_fields($statement): int
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_num_fields() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_num_fields($statement);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_field_name($statement, ?int $field): string|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_field_name() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($field === null) {
            \Pconn\Odbc\_nullArgument('odbc_field_name', 2, 'field', 'int');
        }
        return \Pconn\Odbc\odbc_field_name($statement, $field ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_field_num($statement, ?string $field): int|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_field_num() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($field === null) {
            \Pconn\Odbc\_nullArgument('odbc_field_num', 2, 'field', 'string');
        }
        return \Pconn\Odbc\odbc_field_num($statement, $field ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_field_type($statement, ?int $field): string|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_field_type() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($field === null) {
            \Pconn\Odbc\_nullArgument('odbc_field_type', 2, 'field', 'int');
        }
        return \Pconn\Odbc\odbc_field_type($statement, $field ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_field_len($statement, ?int $field): int|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_field_len() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($field === null) {
            \Pconn\Odbc\_nullArgument('odbc_field_len', 2, 'field', 'int');
        }
        return \Pconn\Odbc\odbc_field_len($statement, $field ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_field_precision($statement, ?int $field): int|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_field_precision() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($field === null) {
            \Pconn\Odbc\_nullArgument('odbc_field_precision', 2, 'field', 'int');
        }
        return \Pconn\Odbc\odbc_field_precision($statement, $field ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_field_scale($statement, ?int $field): int|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_field_scale() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($field === null) {
            \Pconn\Odbc\_nullArgument('odbc_field_scale', 2, 'field', 'int');
        }
        return \Pconn\Odbc\odbc_field_scale($statement, $field ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_free_result($statement): bool
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_free_result() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_free_result($statement);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_next_result($statement): bool
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_next_result() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_next_result($statement);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_autocommit($odbc, ?bool $enable = null): int|bool
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_autocommit() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        if (func_num_args() >= 2 && $enable === null) {
            \Pconn\Odbc\_nullArgument('odbc_autocommit', 2, 'enable', 'bool');
            $enable = false;
        }
        return \Pconn\Odbc\odbc_autocommit($odbc, $enable);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_commit($odbc): bool
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_commit() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_commit($odbc);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_rollback($odbc): bool
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_rollback() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_rollback($odbc);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_error($odbc = null): string
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_error() expects at most 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_error($odbc);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_errormsg($odbc = null): string
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_errormsg() expects at most 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_errormsg($odbc);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_longreadlen($statement, ?int $length): bool
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_longreadlen() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($length === null) {
            \Pconn\Odbc\_nullArgument('odbc_longreadlen', 2, 'length', 'int');
        }
        return \Pconn\Odbc\odbc_longreadlen($statement, $length ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_binmode($statement, ?int $mode): bool
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_binmode() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($mode === null) {
            \Pconn\Odbc\_nullArgument('odbc_binmode', 2, 'mode', 'int');
        }
        return \Pconn\Odbc\odbc_binmode($statement, $mode ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_cursor($statement): string|false
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_cursor() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_cursor($statement);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_tables($odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $types = null): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 5) {
            throw new \ArgumentCountError('odbc_tables() expects at most 5 arguments, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_tables($odbc, $catalog, $schema, $table, $types);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_columns($odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $column = null): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 5) {
            throw new \ArgumentCountError('odbc_columns() expects at most 5 arguments, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_columns($odbc, $catalog, $schema, $table, $column);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_primarykeys($odbc, ?string $catalog, ?string $schema, ?string $table): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 4) {
            throw new \ArgumentCountError('odbc_primarykeys() expects exactly 4 arguments, ' . func_num_args() . ' given');
        }
        if ($schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_primarykeys', 3, 'schema', 'string');
        }
        if ($table === null) {
            \Pconn\Odbc\_nullArgument('odbc_primarykeys', 4, 'table', 'string');
        }
        return \Pconn\Odbc\odbc_primarykeys($odbc, $catalog, $schema ?? '', $table ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_data_source($odbc, ?int $fetch_type): array|null|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_data_source() expects exactly 2 arguments, ' . func_num_args() . ' given');
        }
        if ($fetch_type === null) {
            \Pconn\Odbc\_nullArgument('odbc_data_source', 2, 'fetch_type', 'int');
        }
        return \Pconn\Odbc\odbc_data_source($odbc, $fetch_type ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_setoption($odbc, ?int $which, ?int $option, ?int $value): bool
{
    try {
        if (func_num_args() > 4) {
            throw new \ArgumentCountError('odbc_setoption() expects exactly 4 arguments, ' . func_num_args() . ' given');
        }
        if ($which === null) {
            \Pconn\Odbc\_nullArgument('odbc_setoption', 2, 'which', 'int');
        }
        if ($option === null) {
            \Pconn\Odbc\_nullArgument('odbc_setoption', 3, 'option', 'int');
        }
        if ($value === null) {
            \Pconn\Odbc\_nullArgument('odbc_setoption', 4, 'value', 'int');
        }
        return \Pconn\Odbc\odbc_setoption($odbc, $which ?? 0, $option ?? 0, $value ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_gettypeinfo($odbc, ?int $data_type = 0): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 2) {
            throw new \ArgumentCountError('odbc_gettypeinfo() expects at most 2 arguments, ' . func_num_args() . ' given');
        }
        if ($data_type === null) {
            \Pconn\Odbc\_nullArgument('odbc_gettypeinfo', 2, 'data_type', 'int');
        }
        return \Pconn\Odbc\odbc_gettypeinfo($odbc, $data_type ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_procedures($odbc, ?string $catalog = null, ?string $schema = null, ?string $procedure = null): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 4) {
            throw new \ArgumentCountError('odbc_procedures() expects at most 4 arguments, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_procedures($odbc, $catalog, $schema, $procedure);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_procedurecolumns($odbc, ?string $catalog = null, ?string $schema = null, ?string $procedure = null, ?string $column = null): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 5) {
            throw new \ArgumentCountError('odbc_procedurecolumns() expects at most 5 arguments, ' . func_num_args() . ' given');
        }
        return \Pconn\Odbc\odbc_procedurecolumns($odbc, $catalog, $schema, $procedure, $column);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_foreignkeys($odbc, ?string $pk_catalog, ?string $pk_schema, ?string $pk_table, ?string $fk_catalog, ?string $fk_schema, ?string $fk_table): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 7) {
            throw new \ArgumentCountError('odbc_foreignkeys() expects exactly 7 arguments, ' . func_num_args() . ' given');
        }
        if ($pk_schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 3, 'pk_schema', 'string');
        }
        if ($pk_table === null) {
            \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 4, 'pk_table', 'string');
        }
        if ($fk_catalog === null) {
            \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 5, 'fk_catalog', 'string');
        }
        if ($fk_schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 6, 'fk_schema', 'string');
        }
        if ($fk_table === null) {
            \Pconn\Odbc\_nullArgument('odbc_foreignkeys', 7, 'fk_table', 'string');
        }
        return \Pconn\Odbc\odbc_foreignkeys($odbc, $pk_catalog, $pk_schema ?? '', $pk_table ?? '', $fk_catalog ?? '', $fk_schema ?? '', $fk_table ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_specialcolumns($odbc, ?int $type, ?string $catalog, ?string $schema, ?string $table, ?int $scope, ?int $nullable): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 7) {
            throw new \ArgumentCountError('odbc_specialcolumns() expects exactly 7 arguments, ' . func_num_args() . ' given');
        }
        if ($type === null) {
            \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 2, 'type', 'int');
        }
        if ($schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 4, 'schema', 'string');
        }
        if ($table === null) {
            \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 5, 'table', 'string');
        }
        if ($scope === null) {
            \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 6, 'scope', 'int');
        }
        if ($nullable === null) {
            \Pconn\Odbc\_nullArgument('odbc_specialcolumns', 7, 'nullable', 'int');
        }
        return \Pconn\Odbc\odbc_specialcolumns($odbc, $type ?? 0, $catalog, $schema ?? '', $table ?? '', $scope ?? 0, $nullable ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_statistics($odbc, ?string $catalog, ?string $schema, ?string $table, ?int $unique, ?int $accuracy): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 6) {
            throw new \ArgumentCountError('odbc_statistics() expects exactly 6 arguments, ' . func_num_args() . ' given');
        }
        if ($schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_statistics', 3, 'schema', 'string');
        }
        if ($table === null) {
            \Pconn\Odbc\_nullArgument('odbc_statistics', 4, 'table', 'string');
        }
        if ($unique === null) {
            \Pconn\Odbc\_nullArgument('odbc_statistics', 5, 'unique', 'int');
        }
        if ($accuracy === null) {
            \Pconn\Odbc\_nullArgument('odbc_statistics', 6, 'accuracy', 'int');
        }
        return \Pconn\Odbc\odbc_statistics($odbc, $catalog, $schema ?? '', $table ?? '', $unique ?? 0, $accuracy ?? 0);
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_tableprivileges($odbc, ?string $catalog, ?string $schema, ?string $table): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 4) {
            throw new \ArgumentCountError('odbc_tableprivileges() expects exactly 4 arguments, ' . func_num_args() . ' given');
        }
        if ($schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_tableprivileges', 3, 'schema', 'string');
        }
        if ($table === null) {
            \Pconn\Odbc\_nullArgument('odbc_tableprivileges', 4, 'table', 'string');
        }
        return \Pconn\Odbc\odbc_tableprivileges($odbc, $catalog, $schema ?? '', $table ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_columnprivileges($odbc, ?string $catalog, ?string $schema, ?string $table, ?string $column): \Pconn\Odbc\Result|false
{
    try {
        if (func_num_args() > 5) {
            throw new \ArgumentCountError('odbc_columnprivileges() expects exactly 5 arguments, ' . func_num_args() . ' given');
        }
        if ($schema === null) {
            \Pconn\Odbc\_nullArgument('odbc_columnprivileges', 3, 'schema', 'string');
        }
        if ($table === null) {
            \Pconn\Odbc\_nullArgument('odbc_columnprivileges', 4, 'table', 'string');
        }
        if ($column === null) {
            \Pconn\Odbc\_nullArgument('odbc_columnprivileges', 5, 'column', 'string');
        }
        return \Pconn\Odbc\odbc_columnprivileges($odbc, $catalog, $schema ?? '', $table ?? '', $column ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_connection_string_is_quoted(?string $str): bool
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_connection_string_is_quoted() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        if ($str === null) {
            \Pconn\Odbc\_nullArgument('odbc_connection_string_is_quoted', 1, 'str', 'string');
        }
        return \Pconn\Odbc\odbc_connection_string_is_quoted($str ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_connection_string_should_quote(?string $str): bool
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_connection_string_should_quote() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        if ($str === null) {
            \Pconn\Odbc\_nullArgument('odbc_connection_string_should_quote', 1, 'str', 'string');
        }
        return \Pconn\Odbc\odbc_connection_string_should_quote($str ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}

function odbc_connection_string_quote(?string $str): string
{
    try {
        if (func_num_args() > 1) {
            throw new \ArgumentCountError('odbc_connection_string_quote() expects exactly 1 argument, ' . func_num_args() . ' given');
        }
        if ($str === null) {
            \Pconn\Odbc\_nullArgument('odbc_connection_string_quote', 1, 'str', 'string');
        }
        return \Pconn\Odbc\odbc_connection_string_quote($str ?? '');
    } catch (\Error $e) {
        throw \Pconn\Odbc\_atCaller($e);
    }
}
