<?php
// The ext/odbc application of the php-fpm tests (../fpm/app.php), served by Apache with mod_php,
// plus what only ApacheTest asks: ?step=sleep holds a query in flight, ?step=settings reports the
// library's options next to what PHP sees of the PCONN_* variables.
switch ($_GET['step'] ?? '') {
    case 'sleep':
        $c = odbc_pconnect(getenv('PCONN_PG_CONNSTR'), getenv('PCONN_PG_USER'), getenv('PCONN_PG_PASSWORD'));
        odbc_exec($c, 'SELECT pg_sleep(' . (int) ($_GET['seconds'] ?? 5) . ')');
        echo json_encode(['slept' => true]);
        return;
    case 'settings':
        $out = ['worker' => getmypid(), 'getenv' => getenv('PCONN_MAX_PERSISTENT')];
        try {
            foreach (['max_persistent', 'ping_interval'] as $name) {
                $out[$name] = \Pconn\Connection::getOption($name);
            }
        } catch (\Pconn\Exception $e) {
            $out['error'] = $e->getMessage();
        }
        header('Content-Type: application/json');
        echo json_encode($out);
        return;
}
require dirname(__DIR__) . '/fpm/app.php';
