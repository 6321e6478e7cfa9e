<?php
// 100,000 rows x 4 columns (int, text, double, nullable text) into a PHP array of rows keyed by
// column name, query included. ?api=odbc: odbc_fetch_array (ext/odbc's in the native pool,
// pconn's drop-in otherwise); ?api=object: pconn's object API (foreach over Connection::query).
$sql = "SELECT g AS id, 'row ' || g AS label, g * 1.5::float8 AS price, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END AS note FROM generate_series(1, 100000) g";
$dsn = getenv('PCONN_PG_CONNSTR');
$rows = [];
if (($_GET['api'] ?? 'odbc') === 'object') {
    $db = Pconn\Connection::persistent($dsn, getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
    $t = hrtime(true);
    foreach ($db->query($sql) as $row) {
        $rows[] = $row;
    }
} else {
    $c = odbc_pconnect($dsn, getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
    $t = hrtime(true);
    $r = odbc_exec($c, $sql);
    while ($row = odbc_fetch_array($r)) {
        $rows[] = $row;
    }
}
echo json_encode(['rows' => count($rows), 'seconds' => (hrtime(true) - $t) / 1e9, 'sample' => $rows[2] ?? null]);
