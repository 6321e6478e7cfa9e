<?php
declare(strict_types=1);

use Pconn\Connection;
use Pconn\Tests\Backends;
use Pconn\Tests\Fpm;
use Pconn\Tests\FpmTestCase;

/**
 * A host-wide cap under real php-fpm: 8 workers keep persistent links, at most 3 of them open at
 * once across the workers (PCONN_HOST_MAX_PER_KEY=3), and with a bounded wait (PCONN_HOST_WAIT)
 * no request fails under load: a worker waits for a slot, which another worker gives back by
 * closing its idle link.
 */
final class HostCapTest extends FpmTestCase
{
    private string $slotDir = '';

    private const WORKERS = 8;
    private const CAP = 3;
    private const CLIENTS = 12;
    private const REQUESTS_EACH = 15;

    protected function tearDown(): void
    {
        parent::tearDown();
        foreach (glob("{$this->slotDir}/{,.}*", GLOB_BRACE) ?: [] as $file) {
            if (is_file($file)) {
                unlink($file);
            }
        }
        if ($this->slotDir !== '' && is_dir($this->slotDir)) {
            rmdir($this->slotDir);
        }
        Connection::requestEnd();
    }

    /** Starts php-fpm with the host cap in its environment (its workers inherit it: clear_env = no). */
    private function startFpm(array $options): void
    {
        foreach ($options as $name => $value) {
            putenv("$name=$value");
        }
        try {
            $this->fpm = new Fpm('cdef', self::WORKERS);
            $this->fpm->start();
        } finally {
            foreach (array_keys($options) as $name) {
                putenv($name);
            }
        }
    }

    public function testEightWorkersUnderLoadNeverHoldMoreThanThreeBackendsAndNoRequestFails(): void
    {
        [$dsn, $user, $password] = Backends::pg();
        $watch = Connection::fresh($dsn, $user, $password);
        $backends = fn (): array => array_filter(explode(',', (string) $watch->fetchValue(
            "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            [$user])));
        $before = $backends();

        $this->slotDir = sys_get_temp_dir() . '/pconn-hostcap-php-' . getmypid();
        $this->startFpm([
            'PCONN_HOST_MAX_PER_KEY' => (string) self::CAP,
            'PCONN_HOST_WAIT' => '20',
            'PCONN_HOST_SLOT_DIR' => $this->slotDir,
        ]);

        $clients = [];
        for ($i = 0; $i < self::CLIENTS; $i++) {
            $cmd = [PHP_BINARY, __DIR__ . '/fpm/load.php', (string) $this->fpm->port, __DIR__ . '/fpm/hostcap.php', (string) self::REQUESTS_EACH];
            $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            stream_set_blocking($pipes[1], false);
            $clients[] = [$proc, $pipes, ''];
        }
        $most = 0;
        $running = count($clients);
        while ($running > 0) {
            $most = max($most, count(array_diff($backends(), $before)));
            $running = 0;
            foreach ($clients as &$client) {
                $client[2] .= (string) stream_get_contents($client[1][1]);
                if (proc_get_status($client[0])['running']) {
                    $running++;
                }
            }
            unset($client);
            usleep(10000);
        }
        $responses = [];
        foreach ($clients as [$proc, $pipes, $out]) {
            stream_set_blocking($pipes[1], true);
            $out .= (string) stream_get_contents($pipes[1]);
            $err = (string) stream_get_contents($pipes[2]);
            proc_close($proc);
            $this->assertSame('', $err, 'load client');
            foreach (array_filter(explode("\n", $out)) as $line) {
                $responses[] = json_decode($line, true) ?? ['ok' => false, 'error' => $line];
            }
        }
        $most = max($most, count(array_diff($backends(), $before)));

        $this->assertCount(self::CLIENTS * self::REQUESTS_EACH, $responses);
        $failed = array_values(array_filter($responses, fn (array $r): bool => $r['ok'] !== true));
        $this->assertSame([], array_slice($failed, 0, 3), count($failed) . ' requests failed; logs: ' . $this->fpm->logs());
        $this->assertGreaterThan(0, $most, 'the workers held backends while the load ran');
        $this->assertLessThanOrEqual(self::CAP, $most, 'backends of the identity at once');
        $workers = array_unique(array_column($responses, 'worker'));
        $this->assertGreaterThan(self::CAP, count($workers), 'more workers than slots served requests');
        $watch->close();
    }

    public function testWithoutAWaitAWorkerOverTheCapGetsALimitError(): void
    {
        $this->slotDir = sys_get_temp_dir() . '/pconn-hostcap-php-nowait-' . getmypid();
        $this->startFpm([
            'PCONN_HOST_MAX_PER_KEY' => '0',
            'PCONN_HOST_SLOT_DIR' => $this->slotDir,
        ]);
        [, $body] = $this->fpm->client()->request(__DIR__ . '/fpm/hostcap.php', '', false);
        $response = json_decode($body, true);
        $this->assertIsArray($response, "response: $body; logs: " . $this->fpm->logs());
        $this->assertFalse($response['ok']);
        $this->assertStringContainsString('host_max_per_key (0) reached', $response['error']);
    }
}
