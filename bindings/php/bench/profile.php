<?php
// Drives bench/profile: per pool, instructions of one request (get a link + SELECT 1) in php-fpm's
// worker, counted by callgrind. Arguments: pool names to run (default all): native, preload,
// preload-none (PCONN_RESET=none), cdef (ffi.enable=true with opcache), cdef-none, cdef-noopcache.
declare(strict_types=1);

require dirname(__DIR__) . '/tests/support/FastCgi.php';
require dirname(__DIR__) . '/tests/support/Fpm.php';

use Pconn\Tests\Fpm;

$requests = (int) (getenv('PROFILE_REQUESTS') ?: 50);
$query = getenv('PROFILE_QUERY') ?: 'how=pconnect';   // e.g. how=pconnect&connect_only=1
$keep = getenv('PROFILE_KEEP') ?: '';
$script = __DIR__ . '/select1.php';
$opcache = ['zend_extension' => '/usr/lib/php/20220829/opcache.so', 'opcache.enable' => '1'];
// name => [mode, extra ini, PCONN_RESET]
$pools = [
    'native' => ['native', $opcache, ''],   // with opcache, as deployed (else it compiles select1.php every request)
    'preload' => ['preload', [], ''],
    'preload-none' => ['preload', [], 'none'],
    'cdef' => ['cdef', $opcache, ''],
    'cdef-none' => ['cdef', $opcache, 'none'],
    'cdef-noopcache' => ['cdef', [], 'none'],
];
$only = array_slice($argv, 1);
$counts = [];
foreach ($pools as $name => [$mode, $ini, $reset]) {
    if ($only !== [] && !in_array($name, $only, true)) {
        continue;
    }
    putenv($reset === '' ? 'PCONN_RESET' : "PCONN_RESET=$reset");
    $fpm = new Fpm($mode, 1, 0, $ini);
    $out = sys_get_temp_dir() . '/pconn-profile-' . getmypid() . "-$name";
    @mkdir($out);
    chmod($out, 0777); // opcache preloads in a child running as opcache.preload_user
    $fpm->wrapper = 'valgrind --tool=callgrind --callgrind-out-file=' . escapeshellarg("$out/cg.%p")
        . ' --dump-after=php_request_shutdown';
    try {
        $fpm->start();
        $client = $fpm->client();
        for ($i = 0; $i < 10; $i++) {
            [, $body] = $client->request($script, $query);
            if ($body !== '1') {
                throw new RuntimeException("$name: unexpected response: $body\n" . $fpm->logs());
            }
        }
        for ($i = 0; $i < $requests; $i++) {
            $client->request($script, $query);
        }
        $client->close();
        $fpm->stop();
        // --dump-after writes one file per request of the worker (cg.PID.N, N from 1); the last
        // $requests of them are measured (the master's and the exit's files have no .N)
        $parts = [];
        foreach (glob("$out/cg.*.*") ?: [] as $file) {
            if (preg_match('/\.(\d+)\.(\d+)$/', $file, $m)) {
                $parts[(int) $m[1]][(int) $m[2]] = $file;
            }
        }
        usort($parts, fn ($a, $b) => count($b) <=> count($a));
        $files = $parts[0] ?? [];
        ksort($files);
        $files = array_slice(array_values($files), -$requests);
        $total = 0;
        foreach ($files as $file) {
            if (!preg_match('/^(?:summary|totals):\s+(\d+)/m', (string) file_get_contents($file), $m)) {
                throw new RuntimeException("$name: no counts in $file");
            }
            $total += (int) $m[1];
        }
        if (count($files) < $requests) {
            throw new RuntimeException("$name: " . count($files) . " callgrind dumps in $out, wanted $requests\n" . $fpm->logs());
        }
        $counts[$name] = $total / $requests;
        printf("  %-16s %10.0f instructions per request\n", $name, $counts[$name]);
        if ($keep !== '') {
            @mkdir($keep, 0777, true);
            copy($files[intdiv(count($files), 2)], "$keep/$name.callgrind");
        }
    } finally {
        $fpm->cleanup();
        array_map('unlink', glob("$out/*") ?: []);
        @rmdir($out);
    }
}
if (isset($counts['native'])) {
    foreach ($counts as $name => $n) {
        printf("  %-16s %6.2fx native's instructions\n", $name, $n / $counts['native']);
    }
}
