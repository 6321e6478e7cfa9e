<?php
// One benchmark request: get a link + SELECT 1. ?how=pconnect|connect. Uses the global odbc_*
// names: ext/odbc's in the native pool, pconn's drop-in in the pconn pools (ext/odbc not loaded).
// ?extra=1 runs one more SELECT 1 first: native's latency plus one server round trip;
// ?connect_only=1 only gets the link.
$fn = ($_GET['how'] ?? 'pconnect') === 'connect' ? 'odbc_connect' : 'odbc_pconnect';
$c = $fn(getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
if (isset($_GET['connect_only'])) {   // the link alone (bench/profile: what a request costs without a query)
    echo $c === false ? 'no link' : '1';
    return;
}
if (isset($_GET['extra'])) {
    odbc_result(odbc_exec($c, 'SELECT 1'), 1);
}
$r = odbc_exec($c, 'SELECT 1');
echo odbc_result($r, 1);
