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
    /**
     * ODBC 3 SQLSTATE => the ODBC 2 one. ext/odbc opens its environment with SQLAllocEnv, so
     * unixODBC reports ODBC 2 states to it; pconn works in ODBC 3, and the drop-in translates
     * back with unixODBC's own table (DriverManager/__info.c, state_mapping_3_2; the first ODBC
     * 2 state where two map to one ODBC 3 state, as unixODBC's search finds it).
     */
    public const ODBC2_STATES = [
        '01001' => '01S03', 'HY019' => '22003', '22018' => '22005', '22007' => '22008', '07005' => '24000',
        '42000' => '37000', 'HY018' => '70100', '42S01' => 'S0001', '42S02' => 'S0002', '42S11' => 'S0011',
        '42S12' => 'S0012', '42S21' => 'S0021', '42S22' => 'S0022', '42S23' => 'S0023', 'HY000' => 'S1000',
        'HY001' => 'S1001', '07009' => 'S1002', 'HY003' => 'S1003', 'HY004' => 'S1004', 'HY007' => 'S1007',
        'HY008' => 'S1008', 'HY009' => 'S1009', 'HY010' => 'S1010', 'HY011' => 'S1011', 'HY012' => 'S1012',
        'HY090' => 'S1090', 'HY091' => 'S1091', 'HY092' => 'S1092', 'HY096' => 'S1096', 'HY097' => 'S1097',
        'HY098' => 'S1098', 'HY099' => 'S1099', 'HY100' => 'S1100', 'HY101' => 'S1101', 'HY103' => 'S1103',
        'HY104' => 'S1104', 'HY105' => 'S1105', 'HY106' => 'S1106', 'HY107' => 'S1107', 'HY108' => 'S1108',
        'HY109' => 'S1109', 'HY110' => 'S1110', 'HY111' => 'S1111', 'HYC00' => 'S1C00', 'HYT00' => 'S1T00',
    ];

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
        $sqlState = self::ODBC2_STATES[$sqlState] ?? $sqlState;
        self::$state = $sqlState;
        self::$message = $e->getMessage();
        if ($link !== null) {
            $link->errorState = $sqlState;
            $link->errorMessage = $e->getMessage();
        }
        self::warn($function, 'SQL error: ' . $e->getMessage() . ', SQL state ' . $sqlState
            . ($odbcCall !== '' ? ' in ' . $odbcCall : ''));
    }

    /**
     * ext/odbc's warning for a driver's info message (SQL_SUCCESS_WITH_INFO: a PostgreSQL notice,
     * "cursor updatability changed"…) at the ODBC call $odbcCall of $function, which succeeded:
     * as ext/odbc, the first record is warned and kept as the error state of $link and globally.
     * Only what this call got: the library drops the info of earlier calls.
     */
    public static function info(string $function, Link $link, string $odbcCall): void
    {
        $info = \Pconn\Raw::firstInfo($link->handle);
        if ($info !== null) {
            self::fail($function, new \Pconn\Exception($info[1], $info[0], 0, \Pconn\Status::OK), $link, $odbcCall);
        }
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
