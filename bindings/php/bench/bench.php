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

function fetchSeconds(Fpm $fpm, string $script): array
{
    $best = INF;
    $rows = 0;
    for ($i = 0; $i < 3; $i++) {
        [, $body] = $fpm->client()->request($script, '', false);
        $d = json_decode($body, true);
        if (!is_array($d)) {
            throw new RuntimeException("unexpected response: $body\n" . $fpm->logs());
        }
        $best = min($best, $d['seconds']);
        $rows = $d['rows'];
    }
    return [$rows, $best];
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

    [$rows, $n] = fetchSeconds($pools['native'], $fetch);
    [$rows2, $p] = fetchSeconds($pools['pconn (preload)'], $fetch);
    printf("\nodbc_fetch_array of %d rows x 4 columns into a PHP array (best of 3)\n", $rows);
    printf("  %-44s %7.3f s  %9.0f rows/s\n", 'native ext/odbc', $n, $rows / $n);
    printf("  %-44s %7.3f s  %9.0f rows/s  = %.2fx native\n", 'pconn drop-in, preload', $p, $rows2 / $p, $n / $p);
} finally {
    foreach ($pools as $fpm) {
        $fpm->cleanup();
    }
}
