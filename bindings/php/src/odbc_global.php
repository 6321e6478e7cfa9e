<?php
// The global odbc_* drop-in, generated from src/Odbc/functions.php by tools/gen-global: do not edit.
// autoload.php requires this file only when odbc_connect does not exist (ext/odbc not loaded).
declare(strict_types=1);

function odbc_connect(string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): \Pconn\Odbc\Link|false
{
    return \Pconn\Odbc\odbc_connect($dsn, $user, $password, $cursor_option);
}

function odbc_pconnect(string $dsn, ?string $user = null, #[\SensitiveParameter] ?string $password = null, int $cursor_option = 2 /* SQL_CUR_USE_DRIVER */): \Pconn\Odbc\Link|false
{
    return \Pconn\Odbc\odbc_pconnect($dsn, $user, $password, $cursor_option);
}

function odbc_close(\Pconn\Odbc\Link $odbc): void
{
    \Pconn\Odbc\odbc_close($odbc);
}

function odbc_close_all(): void
{
    \Pconn\Odbc\odbc_close_all();
}

function odbc_exec(\Pconn\Odbc\Link $odbc, string $query): \Pconn\Odbc\Result|false
{
    return \Pconn\Odbc\odbc_exec($odbc, $query);
}

function odbc_do(\Pconn\Odbc\Link $odbc, string $query): \Pconn\Odbc\Result|false
{
    return \Pconn\Odbc\odbc_do($odbc, $query);
}

function odbc_prepare(\Pconn\Odbc\Link $odbc, string $query): \Pconn\Odbc\Result|false
{
    return \Pconn\Odbc\odbc_prepare($odbc, $query);
}

function odbc_execute(\Pconn\Odbc\Result $statement, array $params = []): bool
{
    return \Pconn\Odbc\odbc_execute($statement, $params);
}

function odbc_fetch_row(\Pconn\Odbc\Result $statement, ?int $row = null): bool
{
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end
        && $link->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        $rows->next++;
        return true;
    }
    return \Pconn\Odbc\odbc_fetch_row($statement, $row);
}

function odbc_fetch_array(\Pconn\Odbc\Result $statement, ?int $row = null): array|false
{
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end && $rows->byName && $statement->asRead
        && $link->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        return $rows->batch[$rows->next++];
    }
    return \Pconn\Odbc\odbc_fetch_array($statement, $row);
}

function odbc_fetch_object(\Pconn\Odbc\Result $statement, ?int $row = null): \stdClass|false
{
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end && $rows->byName && $statement->asRead
        && $link->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        return (object) $rows->batch[$rows->next++];
    }
    return \Pconn\Odbc\odbc_fetch_object($statement, $row);
}

function odbc_fetch_into(\Pconn\Odbc\Result $statement, &$array, ?int $row = null): int|false
{
    $rows = $statement->rows;
    $link = $statement->link;
    if ($row === null && $rows !== null && $rows->next < $rows->end && !$rows->byName && $statement->asRead
        && $link->errorState === '' && \Pconn\Odbc\State::$state === '' && !$link->closed) {
        $array = $rows->batch[$rows->next++];
        return $statement->columns;
    }
    return \Pconn\Odbc\odbc_fetch_into($statement, $array, $row);
}

function odbc_result(\Pconn\Odbc\Result $statement, string|int $field): string|bool|null
{
    return \Pconn\Odbc\odbc_result($statement, $field);
}

function odbc_result_all(\Pconn\Odbc\Result $statement, string $format = ''): int|false
{
    return \Pconn\Odbc\odbc_result_all($statement, $format);
}

function odbc_num_rows(\Pconn\Odbc\Result $statement): int
{
    return \Pconn\Odbc\odbc_num_rows($statement);
}

function odbc_num_fields(\Pconn\Odbc\Result $statement): int
{
    return \Pconn\Odbc\odbc_num_fields($statement);
}

function odbc_field_name(\Pconn\Odbc\Result $statement, int $field): string|false
{
    return \Pconn\Odbc\odbc_field_name($statement, $field);
}

function odbc_field_num(\Pconn\Odbc\Result $statement, string $field): int|false
{
    return \Pconn\Odbc\odbc_field_num($statement, $field);
}

function odbc_field_type(\Pconn\Odbc\Result $statement, int $field): string|false
{
    return \Pconn\Odbc\odbc_field_type($statement, $field);
}

function odbc_field_len(\Pconn\Odbc\Result $statement, int $field): int|false
{
    return \Pconn\Odbc\odbc_field_len($statement, $field);
}

function odbc_field_precision(\Pconn\Odbc\Result $statement, int $field): int|false
{
    return \Pconn\Odbc\odbc_field_precision($statement, $field);
}

function odbc_field_scale(\Pconn\Odbc\Result $statement, int $field): int|false
{
    return \Pconn\Odbc\odbc_field_scale($statement, $field);
}

function odbc_free_result(\Pconn\Odbc\Result $statement): bool
{
    return \Pconn\Odbc\odbc_free_result($statement);
}

function odbc_next_result(\Pconn\Odbc\Result $statement): bool
{
    return \Pconn\Odbc\odbc_next_result($statement);
}

function odbc_autocommit(\Pconn\Odbc\Link $odbc, ?bool $enable = null): int|bool
{
    return \Pconn\Odbc\odbc_autocommit($odbc, $enable);
}

function odbc_commit(\Pconn\Odbc\Link $odbc): bool
{
    return \Pconn\Odbc\odbc_commit($odbc);
}

function odbc_rollback(\Pconn\Odbc\Link $odbc): bool
{
    return \Pconn\Odbc\odbc_rollback($odbc);
}

function odbc_error(?\Pconn\Odbc\Link $odbc = null): string
{
    return \Pconn\Odbc\odbc_error($odbc);
}

function odbc_errormsg(?\Pconn\Odbc\Link $odbc = null): string
{
    return \Pconn\Odbc\odbc_errormsg($odbc);
}

function odbc_longreadlen(\Pconn\Odbc\Result $statement, int $length): bool
{
    return \Pconn\Odbc\odbc_longreadlen($statement, $length);
}

function odbc_binmode(\Pconn\Odbc\Result $statement, int $mode): bool
{
    return \Pconn\Odbc\odbc_binmode($statement, $mode);
}

function odbc_cursor(\Pconn\Odbc\Result $statement): string|false
{
    return \Pconn\Odbc\odbc_cursor($statement);
}

function odbc_tables(\Pconn\Odbc\Link $odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $types = null): \Pconn\Odbc\Result|false
{
    return \Pconn\Odbc\odbc_tables($odbc, $catalog, $schema, $table, $types);
}

function odbc_columns(\Pconn\Odbc\Link $odbc, ?string $catalog = null, ?string $schema = null, ?string $table = null, ?string $column = null): \Pconn\Odbc\Result|false
{
    return \Pconn\Odbc\odbc_columns($odbc, $catalog, $schema, $table, $column);
}

function odbc_primarykeys(\Pconn\Odbc\Link $odbc, ?string $catalog, string $schema, string $table): \Pconn\Odbc\Result|false
{
    return \Pconn\Odbc\odbc_primarykeys($odbc, $catalog, $schema, $table);
}

function odbc_data_source(\Pconn\Odbc\Link $odbc, int $fetch_type): array|null|false
{
    return \Pconn\Odbc\odbc_data_source($odbc, $fetch_type);
}

function odbc_setoption(\Pconn\Odbc\Link|\Pconn\Odbc\Result $odbc, int $which, int $option, int $value): bool
{
    return \Pconn\Odbc\odbc_setoption($odbc, $which, $option, $value);
}
