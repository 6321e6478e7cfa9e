<?php
// Drives the php-fpm pools of bench/run. Prints requests/s and latencies side by side, and the
// ratios against native ext/odbc. Every figure of a table comes from rounds the pools take in
// turn, so that a noisy neighbour (this machine has many) slows all of them alike.
declare(strict_types=1);

require dirname(__DIR__) . '/tests/support/FastCgi.php';
require dirname(__DIR__) . '/tests/support/Fpm.php';

use Pconn\Tests\Fpm;

$seconds = (float) (getenv('BENCH_SECONDS') ?: 3);
$slice = 0.25;
$select1 = __DIR__ . '/select1.php';
$fetch = __DIR__ . '/fetch.php';
$opcache = ['zend_extension' => '/usr/lib/php/20220829/opcache.so', 'opcache.enable' => '1'];

/**
 * Runs one client against $fpm until $until (hrtime ns), sending $script?$query; $keep keeps
 * the FastCGI connection (one worker then serves this client only). Returns the latencies in µs.
 *
 * @return list<float>
 */
function drive(Fpm $fpm, string $script, string $query, int $until, bool $keep): array
{
    $client = $fpm->client();
    $latencies = [];
    do {
        $t0 = hrtime(true);
        [, $body] = $client->request($script, $query, $keep);
        $latencies[] = (hrtime(true) - $t0) / 1e3;
        if ($body !== '1') {
            throw new RuntimeException("unexpected response: $body\n" . $fpm->logs());
        }
    } while (hrtime(true) < $until);
    $client->close();
    return $latencies;
}

/**
 * Requests/s and latencies of each run with $clients clients at once (forked processes when more
 * than one; each opens a FastCGI connection per request then, as a web server does, so that
 * clients share the workers), measured in slices of $slice s that the runs take in turn for
 * $seconds each in all.
 *
 * @param array<string, array{Fpm, string}> $runs name => [pool, query string]
 * @return array<string, array{rate: float, p50: float, p99: float}>
 */
function measure(array $runs, string $script, float $seconds, float $slice, int $clients): array
{
    foreach ($runs as [$fpm, $query]) {       // warm up: links opened, opcache filled
        drive($fpm, $script, $query, hrtime(true) + (int) 0.2e9, $clients === 1);
    }
    $latencies = array_fill_keys(array_keys($runs), []);
    $time = array_fill_keys(array_keys($runs), 0);
    for ($round = 0; $round < max(1, (int) round($seconds / $slice)); $round++) {
        foreach ($runs as $name => [$fpm, $query]) {
            $t0 = hrtime(true);
            $until = $t0 + (int) ($slice * 1e9);
            if ($clients === 1) {
                array_push($latencies[$name], ...drive($fpm, $script, $query, $until, true));
            } else {
                array_push($latencies[$name], ...concurrently($fpm, $script, $query, $until, $clients));
            }
            $time[$name] += hrtime(true) - $t0;
        }
    }
    $out = [];
    foreach ($runs as $name => $_) {
        $l = $latencies[$name];
        sort($l);
        $out[$name] = ['rate' => count($l) / ($time[$name] / 1e9), 'p50' => $l[intdiv(count($l), 2)],
            'p99' => $l[min(count($l) - 1, (int) floor(count($l) * 0.99))]];
    }
    return $out;
}

/** @return list<float> the latencies of $clients forked clients */
function concurrently(Fpm $fpm, string $script, string $query, int $until, int $clients): array
{
    $files = [];
    $pids = [];
    for ($i = 0; $i < $clients; $i++) {
        $files[$i] = tempnam(sys_get_temp_dir(), 'pconn-bench-');
        $pid = pcntl_fork();
        if ($pid === 0) {
            $code = 0;
            try {
                file_put_contents($files[$i], pack('d*', ...drive($fpm, $script, $query, $until, false)));
            } catch (Throwable $e) {
                fwrite(STDERR, $e->getMessage() . "\n");
                $code = 1;
            }
            posix_kill(getmypid(), 9); // no destructors: the pools belong to the parent
            exit($code);
        }
        $pids[] = $pid;
    }
    foreach ($pids as $pid) {
        pcntl_waitpid($pid, $status);
    }
    $latencies = [];
    foreach ($files as $file) {
        $data = (string) file_get_contents($file);
        unlink($file);
        if ($data === '') {
            throw new RuntimeException("a benchmark client failed\n" . $fpm->logs());
        }
        array_push($latencies, ...array_values(unpack('d*', $data)));
    }
    return $latencies;
}

/** Prints a table of measure()'s figures with each run's ratio to $base. */
function report(array $figures, string $base, array $labels): void
{
    printf("  %-52s %9s %8s %8s  %s\n", '', 'req/s', 'p50 µs', 'p99 µs', 'throughput vs native');
    foreach ($labels as $name => $label) {
        $f = $figures[$name];
        printf("  %-52s %9.0f %8.0f %8.0f  %s\n", $label, $f['rate'], $f['p50'], $f['p99'],
            $name === $base ? '' : sprintf('%.2fx', $f['rate'] / $figures[$base]['rate']));
    }
}

/**
 * Seconds of one fetch request (the script times itself: query + rows into an array), best of
 * $runs. The pools take turns, one request each, so a noisy neighbour slows all of them alike.
 *
 * @param array<string, array{Fpm, string}> $runs name => [pool, query string]
 * @return array<string, array{int, float}> name => [rows, best seconds]
 */
function fetchSeconds(array $runs, string $script, int $rounds): array
{
    $best = [];
    for ($i = 0; $i < $rounds; $i++) {
        foreach ($runs as $name => [$fpm, $query]) {
            [, $body] = $fpm->client()->request($script, $query, false);
            $d = json_decode($body, true);
            if (!is_array($d)) {
                throw new RuntimeException("unexpected response: $body\n" . $fpm->logs());
            }
            $best[$name] = [$d['rows'], min($best[$name][1] ?? INF, $d['seconds'])];
        }
    }
    return $best;
}

/** A started pool; $reset is PCONN_RESET for its workers ('' = the default, full clean-up). */
function pool(string $mode, int $workers, string $reset = '', array $ini = []): Fpm
{
    putenv($reset === '' ? 'PCONN_RESET' : "PCONN_RESET=$reset");   // clear_env = no: the workers inherit it
    $fpm = new Fpm($mode, $workers, 0, $ini + ['memory_limit' => '1G']);
    try {
        $fpm->start();
    } finally {
        putenv('PCONN_RESET');
    }
    return $fpm;
}

$pools = [];
try {
    $concurrent = array_map('intval', explode('x', getenv('BENCH_CONCURRENT') ?: '4x8'));
    [$workers, $clients] = [$concurrent[0], $concurrent[1] ?? 2 * $concurrent[0]];
    $pools = [
        // opcache for native too, as deployed: else it compiles the script in every request
        'native' => pool('native', 1, '', $opcache),
        'preload' => pool('preload', 1),
        'preload none' => pool('preload', 1, 'none'),
        'cdef none' => pool('cdef', 1, 'none', $opcache),
        'cdef none, no opcache' => pool('cdef', 1, 'none'),
        'native N' => pool('native', $workers, '', $opcache),
        'preload N' => pool('preload', $workers),
        'preload none N' => pool('preload', $workers, 'none'),
    ];
    printf("php-fpm on PostgreSQL; one request = get a link + SELECT 1 (%.0f s per figure, in turns of %.2f s)\n", $seconds, $slice);
    printf("\n1 worker, 1 client (FastCGI connection kept)\n");
    $r = measure([
        'native' => [$pools['native'], 'how=pconnect'],
        'native + 1 round trip' => [$pools['native'], 'how=pconnect&extra=1'],
        'native connect' => [$pools['native'], 'how=connect'],
        'preload' => [$pools['preload'], 'how=pconnect'],
        'preload none' => [$pools['preload none'], 'how=pconnect'],
        'preload connect' => [$pools['preload'], 'how=connect'],
        'cdef none' => [$pools['cdef none'], 'how=pconnect'],
        'cdef none, no opcache' => [$pools['cdef none, no opcache'], 'how=pconnect'],
    ], $select1, $seconds, $slice, 1);
    report($r, 'native', [
        'native' => 'native ext/odbc odbc_pconnect (cleans nothing)',
        'native + 1 round trip' => 'native, one more SELECT 1 (+1 round trip)',
        'native connect' => 'native ext/odbc odbc_connect',
        'preload' => 'pconn preload, full clean-up',
        'preload none' => 'pconn preload, PCONN_RESET=none',
        'cdef none' => 'pconn ffi.enable=true + opcache, reset=none',
        'cdef none, no opcache' => 'pconn ffi.enable=true, no opcache, reset=none',
        'preload connect' => 'pconn odbc_connect (new link each request)',
    ]);
    printf("  p50 of pconn full clean-up - p50 of native + 1 round trip: %+.0f µs (goal: <= 0)\n",
        $r['preload']['p50'] - $r['native + 1 round trip']['p50']);
    printf("  pconn pconnect / pconn connect: %.1fx (preload, full clean-up)\n", $r['preload']['rate'] / $r['preload connect']['rate']);

    printf("\n%d workers, %d clients (a FastCGI connection per request)\n", $workers, $clients);
    $r = measure([
        'native' => [$pools['native N'], 'how=pconnect'],
        'preload' => [$pools['preload N'], 'how=pconnect'],
        'preload none' => [$pools['preload none N'], 'how=pconnect'],
    ], $select1, $seconds, $slice, $clients);
    report($r, 'native', [
        'native' => 'native ext/odbc odbc_pconnect (cleans nothing)',
        'preload' => 'pconn preload, full clean-up',
        'preload none' => 'pconn preload, PCONN_RESET=none',
    ]);

    $rounds = (int) (getenv('BENCH_FETCH_ROUNDS') ?: 5);
    $fetched = fetchSeconds([
        'native ext/odbc, odbc_fetch_array' => [$pools['native'], 'api=odbc'],
        'pconn drop-in, odbc_fetch_array' => [$pools['preload'], 'api=odbc'],
        'pconn object API, foreach' => [$pools['preload'], 'api=object'],
    ], $fetch, $rounds);
    [$rows, $native] = $fetched['native ext/odbc, odbc_fetch_array'];
    printf("\n%d rows x 4 columns into a PHP array of rows keyed by column name, query included (preload; best of %d)\n", $rows, $rounds);
    foreach ($fetched as $name => [$n, $s]) {
        if ($n !== $rows) {
            throw new RuntimeException("$name fetched $n rows, not $rows");
        }
        printf("  %-52s %7.3f s  %9.0f rows/s  = %.2fx native\n", $name, $s, $n / $s, $native / $s);
    }
} finally {
    foreach ($pools as $fpm) {
        $fpm->cleanup();
    }
}
