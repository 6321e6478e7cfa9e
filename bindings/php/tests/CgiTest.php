<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Pconn\Connection;
use Pconn\Tests\Backends;
use Pconn\Tests\DropInIni;

/**
 * Plain CGI (php-cgi, one process per request), where persistence cannot help: the same
 * ext/odbc application on the drop-in leaves no server session behind and prints no warning.
 */
final class CgiTest extends TestCase
{
    public const BINARY = '/usr/bin/php-cgi8.2';

    private string $dir;
    private ?Connection $watch = null;

    protected function setUp(): void
    {
        $this->assertTrue(is_executable(self::BINARY), 'needs ' . self::BINARY . ' (php-cgi, scripts/install-deps)');
        $this->assertNotNull(Backends::pg(), 'needs PostgreSQL (run-tests starts one)');
        $this->dir = sys_get_temp_dir() . '/pconn-cgi-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir("{$this->dir}/conf.d", 0777, true);
    }

    protected function tearDown(): void
    {
        array_map('unlink', array_filter(glob("{$this->dir}/*") ?: [], 'is_file'));
        @rmdir("{$this->dir}/conf.d");
        @rmdir($this->dir);
        $this->watch?->close();
        Connection::requestEnd();
    }

    /** Runs one CGI request: [stdout (headers and body), stderr, exit code]. */
    private function request(string $query): array
    {
        $script = __DIR__ . '/apache/app.php';
        $env = array_merge(getenv(), [
            'GATEWAY_INTERFACE' => 'CGI/1.1', 'REQUEST_METHOD' => 'GET', 'QUERY_STRING' => $query,
            'SCRIPT_FILENAME' => $script, 'SCRIPT_NAME' => '/app.php', 'REDIRECT_STATUS' => '200',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            // an empty directory: the system's conf.d (ext/odbc among them) stays out; an empty
            // value would not do, proc_open drops it
            'PHP_INI_SCAN_DIR' => "{$this->dir}/conf.d",
        ]);
        $proc = proc_open([self::BINARY, '-c', "{$this->dir}/php.ini"], [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [$out, $err, proc_close($proc)];
    }

    /** The test user's server sessions other than this test's own, by backend pid. */
    private function sessions(): array
    {
        [$dsn, $user, $password] = Backends::pg();
        $this->watch ??= Connection::fresh($dsn, $user, $password);
        $rows = $this->watch->fetchAll(
            "SELECT pid FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            [$user]);
        return array_map(static fn ($row) => (int) reset($row), $rows);
    }

    /**
     * The sessions opened since $before that are still there, after waiting up to 5 s for them
     * to go. Sessions that were there before (an earlier test's query still running on the
     * server after its client went) do not count, whether they end meanwhile or not.
     */
    private function newSessionsLeft(array $before): array
    {
        for ($i = 0; $i < 100 && array_diff($this->sessions(), $before) !== []; $i++) {
            usleep(50000);
        }
        return array_values(array_diff($this->sessions(), $before));
    }

    public static function modes(): array
    {
        return ['ffi.enable=true' => ['cdef'], 'ffi.enable=preload' => ['preload']];
    }

    /** @dataProvider modes */
    public function testRequestsLeaveNoSessionAndNoWarning(string $mode): void
    {
        DropInIni::write($mode, $this->dir, 'root');
        $before = $this->sessions();
        $backends = [];
        foreach (['step=dirty', 'step=check', 'step=check'] as $query) {
            [$out, $err, $rc] = $this->request($query);
            $log = (string) @file_get_contents("{$this->dir}/php-error.log");
            [, $body] = explode("\r\n\r\n", $out, 2) + [1 => ''];
            $data = json_decode($body, true);
            $this->assertIsArray($data, "php-cgi ($query), exit $rc:\n$out\n$err\n$log");
            $this->assertSame(0, $rc);
            $this->assertSame('', $err, 'nothing on stderr');
            $this->assertStringNotContainsString('Warning', $out . $log, 'no warning');
            $backends[] = (int) $data['pid'];
            // the process has exited: its session is gone, not waiting for a timeout
            $this->assertSame([], $this->newSessionsLeft($before), "the CGI process ($query) left no server session");
        }
        $this->assertCount(3, array_unique($backends), 'one session per process');
        $this->assertSame('0', $data['in_transaction']);
    }

    /**
     * At the end of a CGI process its link is disconnected without the reset: a session nobody
     * will reuse gets no DISCARD ALL (the disconnect implies the rollback).
     *
     * @dataProvider modes
     */
    public function testTheProcessEndSendsNoReset(string $mode): void
    {
        DropInIni::write($mode, $this->dir, 'root');
        $log = getenv('PG_TMP_DIR') . '/log';
        $this->setServerLogStatements('all');
        try {
            clearstatcache();
            $from = (int) @filesize($log);
            $before = $this->sessions();
            [$out, $err, $rc] = $this->request('step=dirty');
            [, $body] = explode("\r\n\r\n", $out, 2) + [1 => ''];
            $data = json_decode($body, true);
            $this->assertIsArray($data, "php-cgi, exit $rc:\n$out\n$err");
            $backend = (int) $data['pid'];
            // the session's end is logged once the process has gone
            $this->assertSame([], $this->newSessionsLeft($before), 'the CGI process left no server session');
            clearstatcache();
            $lines = preg_grep("/\\[$backend\\]/", explode("\n", (string) file_get_contents($log, false, null, $from)));
            $this->assertNotEmpty(preg_grep('/CREATE TEMP TABLE leak/', $lines), "the server logged the request's statements:\n" . implode("\n", $lines));
            $this->assertEmpty(preg_grep('/DISCARD ALL/', $lines), "no reset before the disconnect:\n" . implode("\n", $lines));
        } finally {
            $this->setServerLogStatements('none');
        }
    }

    /** Sets the server's log_statement (run-tests' PostgreSQL logs to PG_TMP_DIR/log). */
    private function setServerLogStatements(string $which): void
    {
        $psql = dirname(__DIR__, 3) . '/scripts/pg-tmp psql ' . escapeshellarg((string) getenv('PG_TMP_DIR'));
        exec("$psql -qAt -c \"ALTER SYSTEM SET log_statement = '$which'\" -c 'SELECT pg_reload_conf()' 2>&1", $out, $rc);
        $this->assertSame(0, $rc, "log_statement = $which:\n" . implode("\n", $out));
    }
}
