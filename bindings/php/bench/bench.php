<?php
// Drives the php-fpm pools of bench/run. Prints requests/s side by side and the ratios.
declare(strict_types=1);

require dirname(__DIR__) . '/tests/support/FastCgi.php';
require dirname(__DIR__) . '/tests/support/Fpm.php';

use Pconn\Tests\Fpm;

$seconds = (float) (getenv('BENCH_SECONDS') ?: 3);
$select1 = __DIR__ . '/select1.php';
$fetch = __DIR__ . '/fetch.php';

function rate(Fpm $fpm, string $script, string $query, float $seconds): float
{
    $c = $fpm->client();
    for ($i = 0; $i < 50; $i++) {              // warm up: links opened, opcache filled
        $c->request($script, $query);
    }
    $n = 0;
    $t0 = hrtime(true);
    $end = $t0 + (int) ($seconds * 1e9);
    do {
        [, $body] = $c->request($script, $query);
        if ($body !== '1') {
            throw new RuntimeException("unexpected response: $body\n" . $fpm->logs());
        }
        $n++;
    } while (hrtime(true) < $end);
    $c->close();
    return $n / ((hrtime(true) - $t0) / 1e9);
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
    printf("php-fpm, 1 worker each, one request = get a link + SELECT 1 on PostgreSQL (%.0f s per figure)\n", $seconds);
    $native = rate($pools['native'], $select1, 'how=pconnect', $seconds);
    $nativeConnect = rate($pools['native'], $select1, 'how=connect', $seconds);
    $pp = rate($pools['pconn (preload)'], $select1, 'how=pconnect', $seconds);
    $pc = rate($pools['pconn (preload)'], $select1, 'how=connect', $seconds);
    $cp = rate($pools['pconn (ffi.enable=true)'], $select1, 'how=pconnect', $seconds);
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
