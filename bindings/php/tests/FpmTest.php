<?php
declare(strict_types=1);

use Pconn\Connection;
use Pconn\Tests\Backends;
use Pconn\Tests\Fpm;
use Pconn\Tests\FpmTestCase;

/**
 * End to end under real php-fpm (one worker): an unchanged ext/odbc application on pconn's
 * drop-in, with the library loaded per request (ffi.enable=true) and once per worker (preload).
 */
final class FpmTest extends FpmTestCase
{
    protected function tearDown(): void
    {
        parent::tearDown();
        Connection::requestEnd();
    }

    public static function modes(): array
    {
        return ['ffi.enable=true' => ['cdef', 'cdef:'], 'ffi.enable=preload' => ['preload', 'scope']];
    }

    private function get(string $query): array
    {
        [, $body, $stderr] = $this->fpm->client()->request(__DIR__ . '/fpm/app.php', $query, false);
        $data = json_decode($body, true);
        $this->assertIsArray($data, "response: $body\nstderr: $stderr\nlogs: " . $this->fpm->logs());
        return $data;
    }

    /** @dataProvider modes */
    public function testNextRequestGetsTheSameSessionWithNothingLeft(string $mode, string $loaded): void
    {
        $this->fpm = new Fpm($mode);
        $this->fpm->start();
        $one = $this->get('step=dirty');
        $this->assertStringStartsWith($loaded, $one['loaded']);
        $this->assertTrue($one['failed']);
        $this->assertSame('42P01', $one['error']);
        $this->assertStringContainsString('no_such_table', $one['errormsg']);

        $two = $this->get('step=check');
        $this->assertSame($one['worker'], $two['worker'], 'one worker');
        $this->assertSame($one['pid'], $two['pid'], 'the same server session (backend pid)');
        $this->assertSame('', $two['errormsg']);
        $this->assertSame('', $two['error']);
        $this->assertSame('', $two['errormsg_global']);
        $this->assertSame('', $two['error_global']);
        $this->assertSame(1, $two['autocommit']);
        $this->assertSame('', $two['application_name']);
        $this->assertContains($two['tenant'], [null, ''], 'custom setting reset');
        $this->assertNull($two['temp_table'], 'temp table dropped');
        $this->assertSame('0', $two['in_transaction'], 'no transaction left open');

        $three = $this->get('step=check');
        $this->assertSame($one['pid'], $three['pid']);
    }

    /** @dataProvider modes */
    public function testWorkerRecycledByMaxRequestsDisconnectsCleanly(string $mode): void
    {
        [$dsn, $user, $password] = Backends::pg();
        $watch = Connection::fresh($dsn, $user, $password);
        $count = fn (): int => (int) $watch->fetchValue(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'", [$user]);
        $before = $count();
        $logFile = getenv('PG_TMP_DIR') ? getenv('PG_TMP_DIR') . '/log' : null;
        $logBefore = $logFile && is_readable($logFile) ? filesize($logFile) : 0;

        $this->fpm = new Fpm($mode, 1, 2);
        $this->fpm->start();
        $a = $this->get('step=check');
        $this->assertSame($before + 1, $count(), 'the worker holds one backend');
        $b = $this->get('step=check');   // the second request: the worker exits after it
        $this->assertSame($a['pid'], $b['pid']);
        $gone = false;
        for ($i = 0; $i < 100 && !$gone; $i++) {
            usleep(50000);
            $gone = (int) $watch->fetchValue('SELECT count(*) FROM pg_stat_activity WHERE pid = ?', [(int) $a['pid']]) === 0;
        }
        $this->assertTrue($gone, 'the recycled worker\'s backend is gone');
        $c = $this->get('step=check');
        $this->assertNotSame($a['worker'], $c['worker'], 'a new worker');
        $this->assertNotSame($a['pid'], $c['pid']);
        if ($logFile && is_readable($logFile)) {
            $log = (string) file_get_contents($logFile, false, null, $logBefore);
            $this->assertStringNotContainsString('unexpected EOF', $log, 'the worker said goodbye to the server');
        }
        $watch->close();
    }
}
