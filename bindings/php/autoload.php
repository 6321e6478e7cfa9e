<?php
// pconn for PHP without Composer: `require 'bindings/php/autoload.php';`
//
// Registers a PSR-4 autoloader for Pconn\ (src/), defines the Pconn\Odbc\odbc_* functions and,
// when ext/odbc is not loaded, the global odbc_* functions and ext/odbc's constants. Nothing
// touches the library (or FFI) until the first database call, so requiring this file is cheap and
// safe in every request.
//
// Under opcache.preload it runs in every request (auto_prepend_file, or the application's
// require) while the classes and functions are preloaded already: then it only declares the
// constants, which PHP never preloads.
declare(strict_types=1);

// Preloaded classes need no autoloader (preload.php loads every one).
if (!defined('PCONN_PHP_DIR') && !class_exists('Pconn\\Library', false)) {
    define('PCONN_PHP_DIR', __DIR__);
    spl_autoload_register(static function (string $class): void {
        if (strncmp($class, 'Pconn\\', 6) !== 0) {
            return;
        }
        // no is_file(): a stat per class in every request (ffi.enable=true); opcache finds the
        // file without one, and a class of no file of src/ fails the include quietly
        @include __DIR__ . '/src/' . strtr(substr($class, 6), '\\', '/') . '.php';
    });
}
// Under opcache.preload these functions already exist (preload.php declared them): skip the files.
if (!function_exists('Pconn\\Odbc\\odbc_connect')) {
    require __DIR__ . '/src/Odbc/functions.php';
}
// The drop-in: only when neither ext/odbc nor an earlier load defined odbc_connect, ODBC_TYPE.
if (!function_exists('odbc_connect')) {
    require __DIR__ . '/src/odbc_global.php';
}
if (!defined('ODBC_TYPE')) {
    require __DIR__ . '/src/constants.php';
}
