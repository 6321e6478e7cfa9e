<?php
// Drives the php-fpm pools of bench/run. Prints requests/s side by side and the ratios.
declare(strict_types=1);

require dirname(__DIR__) . '/tests/support/FastCgi.php';
require dirname(__DIR__) . '/tests/support/Fpm.php';

use Pconn\Tests\Fpm;

$seconds = (float) (getenv('BENCH_SECONDS') ?: 3);
$select1 = __DIR__ . '/select1.php';
$fetch = __DIR__ . '/fetch.php';

/**
 * Requests per second of each run, measured in slices of 0.25 s that the runs take in turn for
 * $seconds each in all, so that a noisy neighbour (this machine has many) slows all of them
 * alike; returns name => requests/s over all of a run's slices.
 *
 * @param array<string, array{Fpm, string}> $runs name => [pool, query string]
 * @return array<string, float>
 */
function rates(array $runs, string $script, float $seconds): array
{
    // One client at a time per pool: a pool has one worker, which serves one connection.
    foreach ($runs as $name => [$fpm, $query]) {
        $client = $fpm->client();
        for ($i = 0; $i < 50; $i++) {          // warm up: links opened, opcache filled
            $client->request($script, $query);
        }
        $client->close();
    }
    $slice = 0.25;
    $count = array_fill_keys(array_keys($runs), 0);
    $time = array_fill_keys(array_keys($runs), 0);
    for ($round = 0; $round < max(1, (int) round($seconds / $slice)); $round++) {
        foreach ($runs as $name => [$fpm, $query]) {
            $client = $fpm->client();
            $t0 = hrtime(true);
            $end = $t0 + (int) ($slice * 1e9);
            do {
                [, $body] = $client->request($script, $query);
                if ($body !== '1') {
                    throw new RuntimeException("unexpected response: $body\n" . $fpm->logs());
                }
                $count[$name]++;
            } while (hrtime(true) < $end);
            $time[$name] += hrtime(true) - $t0;
            $client->close();
        }
    }
    $rates = [];
    foreach ($runs as $name => $_) {
        $rates[$name] = $count[$name] / ($time[$name] / 1e9);
    }
    return $rates;
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

$pools = [];
try {
    foreach (['native' => 'native', 'pconn (preload)' => 'preload', 'pconn (ffi.enable=true)' => 'cdef'] as $name => $mode) {
        $pools[$name] = new Fpm($mode, 1, 0, ['memory_limit' => '1G']);
        $pools[$name]->start();
    }
    printf("php-fpm, 1 worker each, one request = get a link + SELECT 1 on PostgreSQL (%.0f s per figure, in turns)\n", $seconds);
    $r = rates([
        'native' => [$pools['native'], 'how=pconnect'],
        'native connect' => [$pools['native'], 'how=connect'],
        'preload' => [$pools['pconn (preload)'], 'how=pconnect'],
        'preload connect' => [$pools['pconn (preload)'], 'how=connect'],
        'cdef' => [$pools['pconn (ffi.enable=true)'], 'how=pconnect'],
    ], $select1, $seconds);
    [$native, $nativeConnect, $pp, $pc, $cp] = [$r['native'], $r['native connect'], $r['preload'], $r['preload connect'], $r['cdef']];
    printf("  %-44s %9.0f req/s\n", 'native ext/odbc odbc_pconnect (no cleanup)', $native);
    printf("  %-44s %9.0f req/s\n", 'native ext/odbc odbc_connect', $nativeConnect);
    printf("  %-44s %9.0f req/s  = %.2fx native pconnect\n", 'pconn odbc_pconnect, preload', $pp, $pp / $native);
    printf("  %-44s %9.0f req/s  = %.2fx native pconnect\n", 'pconn odbc_pconnect, ffi.enable=true', $cp, $cp / $native);
    printf("  %-44s %9.0f req/s\n", 'pconn odbc_connect (new link each request)', $pc);
    printf("  pconn pconnect / pconn connect: %.1fx (preload)\n", $pp / $pc);

    $rounds = (int) (getenv('BENCH_FETCH_ROUNDS') ?: 5);
    $fetched = fetchSeconds([
        'native ext/odbc, odbc_fetch_array' => [$pools['native'], 'api=odbc'],
        'pconn drop-in, odbc_fetch_array' => [$pools['pconn (preload)'], 'api=odbc'],
        'pconn object API, foreach' => [$pools['pconn (preload)'], 'api=object'],
    ], $fetch, $rounds);
    [$rows, $native] = $fetched['native ext/odbc, odbc_fetch_array'];
    printf("\n%d rows x 4 columns into a PHP array of rows keyed by column name, query included (preload; best of %d)\n", $rows, $rounds);
    foreach ($fetched as $name => [$n, $seconds]) {
        if ($n !== $rows) {
            throw new RuntimeException("$name fetched $n rows, not $rows");
        }
        printf("  %-44s %7.3f s  %9.0f rows/s  = %.2fx native\n", $name, $seconds, $n / $seconds, $native / $seconds);
    }
} finally {
    foreach ($pools as $fpm) {
        $fpm->cleanup();
    }
}
