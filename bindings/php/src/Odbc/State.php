<?php
declare(strict_types=1);

namespace Pconn\Odbc;

/**
 * Error state of the drop-in. Unlike ext/odbc, an error lives only until the next odbc_* call
 * (on that link, or any call for the global odbc_error()), and never into the next request.
 *
 * @internal
 */
final class State
{
    public static string $state = '';
    public static string $message = '';
    /** @var array<int, Link> links handed out in this request, by handle */
    public static array $links = [];

    /** Starts a call: clears the global error and $link's. */
    public static function begin(?Link $link = null): void
    {
        self::$state = '';
        self::$message = '';
        if ($link !== null) {
            $link->errorState = '';
            $link->errorMessage = '';
        }
    }

    /** Records a failure on $link (and globally) and raises ext/odbc's warning. */
    public static function fail(string $function, \Throwable $e, ?Link $link = null, string $odbcCall = ''): void
    {
        $sqlState = $e instanceof \Pconn\Exception ? $e->getSqlState() : '';
        if ($sqlState === '') {
            $sqlState = 'HY000';
        }
        self::$state = $sqlState;
        self::$message = $e->getMessage();
        if ($link !== null) {
            $link->errorState = $sqlState;
            $link->errorMessage = $e->getMessage();
        }
        self::warn($function, 'SQL error: ' . $e->getMessage() . ', SQL state ' . $sqlState
            . ($odbcCall !== '' ? ' in ' . $odbcCall : ''));
    }

    /** ext/odbc warns with E_WARNING; userland can only raise E_USER_WARNING (shown as "Warning"). */
    public static function warn(string $function, string $message): void
    {
        trigger_error($function . '(): ' . $message, E_USER_WARNING);
    }

    /** Request end: nothing of this request's errors or links survives. */
    public static function reset(): void
    {
        self::$state = '';
        self::$message = '';
        foreach (self::$links as $link) {
            $link->closed = true;
        }
        self::$links = [];
    }
}
