<?php
// pconn example page: counts its visits in a database through a persistent link, and shows that
// the link is the worker's, reused from request to request, with nothing of the last request left.
//
// The binding: Composer's autoloader, the Debian package's (/usr/share/php is on include_path),
// or the checkout's. The database: $PCONN_EXAMPLE_DSN (under php-fpm set it in the pool with
// env[PCONN_EXAMPLE_DSN] = ..., as php-fpm clears the environment), else SQLite in the temp dir.
declare(strict_types=1);

if (!class_exists(Pconn\Connection::class)) {
    foreach ([__DIR__ . '/vendor/autoload.php', 'Pconn/autoload.php', dirname(__DIR__, 2) . '/bindings/php/autoload.php'] as $autoload) {
        if (stream_resolve_include_path($autoload) !== false) {
            require_once $autoload;
            break;
        }
    }
}

use Pconn\Connection;

$dsn = getenv('PCONN_EXAMPLE_DSN') ?: 'Driver=SQLite3;Database=' . sys_get_temp_dir() . '/pconn-example.db';
header('Content-Type: text/plain; charset=utf-8');

$db = Connection::persistent($dsn);
$db->execute('CREATE TABLE IF NOT EXISTS visits (at TEXT NOT NULL)');
$visit = $db->transaction(function (Connection $db): int {
    $db->execute("INSERT INTO visits (at) VALUES (datetime('now'))");
    return (int) $db->fetchValue('SELECT COUNT(*) FROM visits');
});
// Left behind on purpose: the next request on this link starts with none of it.
$db->autocommit(false);
$db->execute("INSERT INTO visits (at) VALUES ('never committed')");
try {
    $db->query('SELECT * FROM no_such_table');
} catch (Pconn\Exception $e) {
    // the link's error, cleared at request end
}

$stats = Connection::stats();   // an array, decoded from pconn_stats_json()
printf("visit %d (worker %d)\n", $visit, getmypid());
printf("loaded by: %s\n", Pconn\Library::loadedHow());
printf("links opened: %d, reused: %d\n", $stats['opened'], $stats['reused']);
