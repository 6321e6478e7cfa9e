<?php
// A load client for HostCapTest: `php load.php PORT SCRIPT REQUESTS` sends REQUESTS FastCGI
// requests one after another and prints each response body on a line of its own.
declare(strict_types=1);

require __DIR__ . '/../support/FastCgi.php';

[, $port, $script, $requests] = $argv;
$client = new Pconn\Tests\FastCgi('127.0.0.1', (int) $port);
for ($i = 0; $i < (int) $requests; $i++) {
    try {
        [, $body] = $client->request($script, '', false);
    } catch (Throwable $e) {
        $body = json_encode(['ok' => false, 'error' => $e->getMessage()]);
    }
    echo str_replace("\n", ' ', $body), "\n";
}
