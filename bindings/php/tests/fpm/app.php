<?php
// An ext/odbc application, unchanged: run under php-fpm by FpmTest with pconn's drop-in.
// ?step=dirty leaves everything behind; ?step=check reports what the next request sees.
$c = odbc_pconnect(getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
$one = static function ($sql) use ($c) {
    $r = odbc_exec($c, $sql);
    return $r === false ? false : odbc_result($r, 1);
};
$out = ['loaded' => \Pconn\Library::loadedHow(), 'worker' => getmypid(), 'pid' => $one('SELECT pg_backend_pid()')];
switch ($_GET['step'] ?? '') {
    case 'dirty':
        odbc_autocommit($c, false);
        odbc_exec($c, 'CREATE TEMP TABLE leak(x int)');
        odbc_exec($c, 'INSERT INTO leak VALUES (1)');
        odbc_exec($c, "SET application_name = 'leaky'");
        odbc_exec($c, "SET myapp.tenant = '42'");
        $out['failed'] = @odbc_exec($c, 'SELECT * FROM no_such_table') === false;
        $out['error'] = odbc_error($c);
        $out['errormsg'] = odbc_errormsg($c);
        break;
    case 'check':
        $out['errormsg'] = odbc_errormsg($c);
        $out['error'] = odbc_error($c);
        $out['errormsg_global'] = odbc_errormsg();
        $out['error_global'] = odbc_error();
        $out['autocommit'] = odbc_autocommit($c);
        $out['application_name'] = $one("SELECT current_setting('application_name')");
        $out['tenant'] = $one("SELECT current_setting('myapp.tenant', true)");
        $out['temp_table'] = $one("SELECT to_regclass('pg_temp.leak')");
        $out['in_transaction'] = $one('SELECT now() <> statement_timestamp()');
        break;
}
header('Content-Type: application/json');
echo json_encode($out);
