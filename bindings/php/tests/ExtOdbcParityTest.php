<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Pconn\Tests\Backends;

/**
 * The drop-in behaves as ext/odbc 8.2, call for call: tests/parity/scenarios.php runs once under
 * native ext/odbc and once under the drop-in (each in a PHP of its own, without the CLI's ini
 * files), and what a script observes (return values, exceptions with their messages, warnings,
 * printed output) must be the same, on SQLite and on PostgreSQL.
 */
final class ExtOdbcParityTest extends TestCase
{
    public static function backends(): array
    {
        return Backends::all();
    }

    /** @dataProvider backends */
    public function testDropInObservesWhatExtOdbcObserves(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $native = $this->run_('-d extension=odbc', $name, $dsn, $user, $password);
        $dropIn = $this->run_('-d extension=ffi -d auto_prepend_file=' . escapeshellarg(dirname(__DIR__) . '/autoload.php'),
            $name, $dsn, $user, $password);
        $this->assertStringContainsString('ODBC_TYPE: "unixODBC"', $native, 'native ext/odbc ran the scenarios');
        $this->assertSame($native, $dropIn);
    }

    private function run_(string $ini, string $name, string $dsn, ?string $user, ?string $password): string
    {
        $command = PHP_BINARY . " -n $ini " . escapeshellarg(__DIR__ . '/parity/scenarios.php') . ' '
            . implode(' ', array_map('escapeshellarg', [$name, $dsn, (string) $user, (string) $password])) . ' 2>&1';
        return (string) shell_exec($command);
    }
}
