<?php
// One benchmark request: get a link + SELECT 1. ?how=pconnect|connect. Uses the global odbc_*
// names: ext/odbc's in the native pool, pconn's drop-in in the pconn pools (ext/odbc not loaded).
$fn = ($_GET['how'] ?? 'pconnect') === 'connect' ? 'odbc_connect' : 'odbc_pconnect';
$c = $fn(getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
$r = odbc_exec($c, 'SELECT 1');
echo odbc_result($r, 1);
