<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Pconn\Connection;
use Pconn\Tests\Apache;
use Pconn\Tests\Backends;

/**
 * End to end under real Apache 2.4, prefork MPM with mod_php (2 children), the deployment the
 * PHP world knows best: an unchanged ext/odbc application (tests/apache/app.php) on pconn's
 * drop-in, with the library loaded per request (ffi.enable=true) and once per worker (preload).
 * A failure shows Apache's ErrorLog and PHP's error log, where a bad preload setting shows.
 */
final class ApacheTest extends TestCase
{
    private ?Apache $apache = null;
    private ?Connection $watch = null;

    protected function setUp(): void
    {
        $this->assertTrue(Apache::available(), 'needs ' . Apache::BINARY . ' and libapache2-mod-php8.2 (scripts/install-deps)');
        $this->assertNotNull(Backends::pg(), 'needs PostgreSQL (run-tests starts one)');
    }

    protected function tearDown(): void
    {
        $this->apache?->cleanup();
        $this->watch?->close();
        Connection::requestEnd();
    }

    public static function modes(): array
    {
        return ['ffi.enable=true' => ['cdef', 'cdef:'], 'ffi.enable=preload' => ['preload', 'scope']];
    }

    private function start(Apache $apache): void
    {
        $this->apache = $apache;
        $apache->start();
    }

    /** GET app.php?$query on $client (a new connection when null): the decoded JSON answer. */
    private function get(string $query, ?\Pconn\Tests\Http $client = null): array
    {
        $one = $client ?? $this->apache->client();
        [$status, $body] = $one->get("/app.php?$query");
        if ($client === null) {
            $one->close();
        }
        $data = json_decode($body, true);
        $this->assertIsArray($data, "HTTP $status: $body\n" . $this->apache->logs());
        return $data;
    }

    /** A session of the test's own for watching the server. */
    private function watch(): Connection
    {
        [$dsn, $user, $password] = Backends::pg();
        return $this->watch ??= Connection::fresh($dsn, $user, $password);
    }

    private function sessionAlive(int $backendPid): bool
    {
        return (int) $this->watch()->fetchValue('SELECT count(*) FROM pg_stat_activity WHERE pid = ?', [$backendPid]) > 0;
    }

    /** Waits up to $seconds for every one of $backendPids to be gone from the server. */
    private function assertSessionsEnd(array $backendPids, float $seconds, string $what): void
    {
        $deadline = microtime(true) + $seconds;
        do {
            $alive = array_values(array_filter($backendPids, fn ($pid) => $this->sessionAlive((int) $pid)));
        } while ($alive !== [] && microtime(true) < $deadline && usleep(50000) === null);
        $this->assertSame([], $alive, $what);
    }

    /** The server log from $offset: the PostgreSQL of run-tests logs to PG_TMP_DIR/log. */
    private static function serverLog(int $offset = 0): string
    {
        $file = getenv('PG_TMP_DIR') . '/log';
        clearstatcache();
        return is_readable($file) ? (string) file_get_contents($file, false, null, min($offset, filesize($file))) : '';
    }

    private static function serverLogSize(): int
    {
        clearstatcache();
        return (int) @filesize(getenv('PG_TMP_DIR') . '/log');
    }

    /** Has new sessions log their end ("disconnection: ..."), to count clean disconnects. */
    private static function logDisconnections(): void
    {
        $psql = dirname(__DIR__, 3) . '/scripts/pg-tmp psql ' . escapeshellarg((string) getenv('PG_TMP_DIR'));
        exec("$psql -qAt -c 'ALTER SYSTEM SET log_disconnections = on' -c 'SELECT pg_reload_conf()' 2>&1", $out, $rc);
        if ($rc !== 0) {
            throw new \RuntimeException("could not turn on log_disconnections:\n" . implode("\n", $out));
        }
    }

    /** @dataProvider modes */
    public function testEachChildKeepsOneBackendAcrossRequests(string $mode, string $loaded): void
    {
        $this->start(new Apache($mode));
        $backends = [];
        for ($i = 0; $i < 12; $i++) {
            $answer = $this->get('step=check');
            $this->assertStringStartsWith($loaded, $answer['loaded']);
            $backends[$answer['worker']][$answer['pid']] = true;
        }
        foreach ($backends as $worker => $pids) {
            $this->assertCount(1, $pids, "child $worker used one backend for all its requests");
        }
        $all = array_merge(...array_map('array_keys', array_values($backends)));
        $this->assertSame(count($all), count(array_unique($all)), 'no two children share a backend');
        $this->assertLessThanOrEqual(2, count($backends), 'two children');
        $this->assertStringNotContainsString('PHP Warning', $this->apache->logs());
    }

    /** @dataProvider modes */
    public function testDirtyThenCheckOnOneKeepAliveConnection(string $mode): void
    {
        $this->start(new Apache($mode));
        $client = $this->apache->client();
        $one = $this->get('step=dirty', $client);
        $this->assertTrue($one['failed']);
        $this->assertSame('42P01', $one['error']);

        $two = $this->get('step=check', $client);
        $this->assertSame($one['worker'], $two['worker'], 'one keep-alive connection, one child');
        $this->assertSame($one['pid'], $two['pid'], 'the same server session (backend pid)');
        $this->assertSame('', $two['errormsg']);
        $this->assertSame('', $two['error']);
        $this->assertSame('', $two['errormsg_global']);
        $this->assertSame(1, $two['autocommit']);
        $this->assertSame('', $two['application_name']);
        $this->assertContains($two['tenant'], [null, ''], 'custom setting reset');
        $this->assertNull($two['temp_table'], 'temp table dropped');
        $this->assertSame('0', $two['in_transaction'], 'no transaction left open');
        $client->close();
    }

    /** @dataProvider modes */
    public function testRecyclingByMaxConnectionsPerChildDisconnectsCleanly(string $mode): void
    {
        self::logDisconnections();
        $logFrom = self::serverLogSize();
        $this->start(new Apache($mode, 2, 2));
        $backends = [];
        for ($i = 0; $i < 10; $i++) {
            $answer = $this->get('step=check');
            $backends[$answer['worker']] = (int) $answer['pid'];
        }
        $this->assertGreaterThan(2, count($backends), 'children were recycled: ' . json_encode($backends));
        $gone = array_filter($backends, static fn ($worker) => !posix_kill((int) $worker, 0), ARRAY_FILTER_USE_KEY);
        $this->assertNotEmpty($gone, 'some children have exited');
        $this->assertSessionsEnd(array_values($gone), 10, 'the recycled children\'s sessions ended');
        $log = self::serverLog($logFrom);
        foreach ($gone as $backend) {
            $this->assertMatchesRegularExpression("/\\[$backend\\] \\S+ LOG:  disconnection:/", $log, "session $backend logged its end");
        }
        $this->assertStringNotContainsString('unexpected EOF', $log, 'every recycled child said goodbye to the server');
        $this->assertStringNotContainsString('PHP Warning', $this->apache->logs());
    }

    /** @dataProvider modes */
    public function testGracefulRestartKeepsServingAndEndsOldSessionsCleanly(string $mode): void
    {
        $logFrom = self::serverLogSize();
        $this->start(new Apache($mode));
        $before = [];
        for ($i = 0; $i < 4; $i++) {
            $answer = $this->get('step=check');
            $before[$answer['worker']] = (int) $answer['pid'];
        }
        $this->apache->signal('graceful');
        $this->assertSessionsEnd(array_values($before), 10, 'the old children\'s sessions ended');
        $after = $this->get('step=check');
        $this->assertArrayNotHasKey($after['worker'], $before, 'a new child answers');
        $this->assertNotContains((int) $after['pid'], $before);
        $this->assertStringNotContainsString('unexpected EOF', self::serverLog($logFrom));
        $this->assertStringNotContainsString('PHP Warning', $this->apache->logs());
    }

    /** How long the query held in flight by startSleep() runs on the server. */
    private const SLEEP = 5;

    /**
     * Has one child run SELECT pg_sleep(SLEEP) and waits until the server runs it; returns the
     * connection that waits for the answer.
     */
    private function startSleep(): \Pconn\Tests\Http
    {
        $sleep = self::SLEEP;
        // an earlier test's abandoned query may still be sleeping on the server: only a new one counts
        $sleeping = fn (): array => array_column($this->watch()->fetchAll(
            "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep($sleep)%'"), 'pid');
        $earlier = $sleeping();
        $client = $this->apache->client();
        $client->send("/app.php?step=sleep&seconds=$sleep");
        for ($i = 0; $i < 100 && array_diff($sleeping(), $earlier) === []; $i++) {
            usleep(50000);
        }
        $this->assertCount(1, array_diff($sleeping(), $earlier), "the query is in flight\n" . $this->apache->logs());
        return $client;
    }

    /**
     * The defect of a child stopped inside a pconn call: Apache's SIGTERM handler calls exit()
     * while the query runs, and exit used to wait for that link's own lock until Apache's SIGKILL
     * 10 s later. Now the busy link is abandoned and the child exits at once.
     *
     * @dataProvider modes
     */
    public function testStopWithAQueryInFlightEndsBeforeTheQueryWould(string $mode): void
    {
        $this->start(new Apache($mode));
        $this->get('step=check');   // the other child, if it gets this, holds an idle link
        $client = $this->startSleep();
        $parent = $this->apache->parentPid();
        $started = microtime(true);
        $this->apache->signal('stop');
        $this->assertTrue($this->apache->waitGone(30), "apache2 (pid $parent) stopped\n" . $this->apache->logs());
        $took = microtime(true) - $started;
        $client->close();
        $this->assertLessThan(self::SLEEP, $took, sprintf('stopped in %.2f s, not after the %d s query', $took, self::SLEEP));
    }

    /**
     * -k restart with a query in flight: the new children answer before the query would have
     * finished (the first answer used to come 10 s later, after Apache's SIGKILL).
     *
     * @dataProvider modes
     */
    public function testRestartWithAQueryInFlightAnswersBeforeTheQueryWould(string $mode): void
    {
        $this->start(new Apache($mode));
        $old = $this->get('step=check');
        $client = $this->startSleep();
        $started = microtime(true);
        $this->apache->signal('restart');
        $answer = null;
        while ($answer === null && microtime(true) - $started < 30) {
            try {
                $answer = $this->get('step=check');
            } catch (\RuntimeException) {
                usleep(20000);   // the parent is between generations
            }
        }
        $took = microtime(true) - $started;
        $client->close();
        $this->assertNotNull($answer, "no answer after the restart\n" . $this->apache->logs());
        $this->assertNotSame($old['worker'], $answer['worker'], 'a child of the new generation');
        $this->assertLessThan(self::SLEEP, $took, sprintf('first answer %.2f s after the restart, not after the %d s query', $took, self::SLEEP));
        $this->assertStringNotContainsString('PHP Warning', $this->apache->logs());
    }

    /**
     * Under a root parent, preload needs all three of ffi.preload, opcache.preload and
     * opcache.preload_user; without one Apache does not start, and only its logs say why.
     */
    public function testAMissingPreloadSettingStopsApacheWithTheReasonInTheLogs(): void
    {
        foreach (['opcache.preload_user' => 'opcache.preload_user', 'ffi.preload' => 'Use "ffi.preload"'] as $setting => $reason) {
            $apache = new Apache('preload', 2, 0, [], [$setting => '']);
            try {
                $apache->start();
                $this->fail("apache2 started without $setting");
            } catch (\RuntimeException $e) {
                $this->assertStringContainsString('apache2 did not start', $e->getMessage());
                $this->assertStringContainsString($reason, $e->getMessage(), "without $setting");
            } finally {
                $apache->cleanup();
            }
        }
    }

    /**
     * SetEnv PCONN_* (what PHP's getenv sees, not the process environment) reaches the library,
     * and a bad value is reported naming the variable.
     *
     * @dataProvider modes
     */
    public function testSetEnvSettingsReachTheLibrary(string $mode): void
    {
        $this->start(new Apache($mode, 2, 0, ['PCONN_MAX_PERSISTENT' => '1', 'PCONN_PING_INTERVAL' => '7']));
        for ($i = 0; $i < 3; $i++) {
            $answer = $this->get('step=settings');
            $this->assertSame('1', $answer['getenv']);
            $this->assertSame('1', $answer['max_persistent'], 'the library got SetEnv PCONN_MAX_PERSISTENT');
            $this->assertSame('7', $answer['ping_interval']);
        }
        $this->apache->cleanup();

        $this->start(new Apache($mode, 2, 0, ['PCONN_MAX_PERSISTENT' => 'lots']));
        $answer = $this->get('step=settings');
        $this->assertStringContainsString('PCONN_MAX_PERSISTENT', $answer['error'] ?? '', json_encode($answer));
        $this->assertStringContainsString('lots', $answer['error']);
    }
}
