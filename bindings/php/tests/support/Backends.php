<?php
declare(strict_types=1);

namespace Pconn\Tests;

/** The databases the tests run on: SQLite (a temp file) always, PostgreSQL when pg-tmp's env is set. */
final class Backends
{
    private static ?string $sqliteFile = null;

    /** @return array<string, array{string, ?string, ?string, string}> name => [dsn, user, password, name] */
    public static function all(): array
    {
        $out = ['sqlite' => [self::sqliteDsn(), null, null, 'sqlite']];
        if (getenv('PCONN_PG_CONNSTR')) {
            $out['postgresql'] = [getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER') ?: null, getenv('PCONN_PG_PASSWORD') ?: null, 'postgresql'];
        }
        return $out;
    }

    public static function sqliteDsn(): string
    {
        if (self::$sqliteFile === null) {
            self::$sqliteFile = sys_get_temp_dir() . '/pconn-php-test-' . getmypid() . '.db';
            @unlink(self::$sqliteFile);
            register_shutdown_function(static fn () => @unlink(self::$sqliteFile));
        }
        return 'Driver=SQLite3;Database=' . self::$sqliteFile;
    }

    public static function pg(): ?array
    {
        return self::all()['postgresql'] ?? null;
    }
}
