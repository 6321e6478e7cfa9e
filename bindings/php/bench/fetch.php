<?php
// 100,000 rows x 4 columns (int, text, double, nullable text) into PHP arrays with odbc_fetch_array.
$c = odbc_pconnect(getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
$t = hrtime(true);
$r = odbc_exec($c, "SELECT g AS id, 'row ' || g AS label, g * 1.5::float8 AS price, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END AS note FROM generate_series(1, 100000) g");
$rows = [];
while ($row = odbc_fetch_array($r)) {
    $rows[] = $row;
}
echo json_encode(['rows' => count($rows), 'seconds' => (hrtime(true) - $t) / 1e9, 'sample' => $rows[2] ?? null]);
