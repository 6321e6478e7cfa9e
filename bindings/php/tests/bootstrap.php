<?php
declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';
require __DIR__ . '/support/FastCgi.php';
require __DIR__ . '/support/Fpm.php';
require __DIR__ . '/support/FpmTestCase.php';
require __DIR__ . '/support/Backends.php';
require __DIR__ . '/support/DropInTestCase.php';
require __DIR__ . '/support/Http.php';
require __DIR__ . '/support/Apache.php';
require __DIR__ . '/support/DropInIni.php';
