<?php
// One request of an ext/odbc application under a host-wide cap: run under php-fpm by HostCapTest.
// Holds its persistent link for a moment, so that requests overlap.
$c = @odbc_pconnect(getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
$out = ['worker' => getmypid(), 'ok' => $c !== false];
if ($c === false) {
    $out['error'] = odbc_errormsg();
} else {
    $r = odbc_exec($c, 'SELECT pg_backend_pid() FROM pg_sleep(0.02)');
    $out['pid'] = $r === false ? null : odbc_result($r, 1);
    $out['ok'] = $r !== false;
}
header('Content-Type: application/json');
echo json_encode($out);
