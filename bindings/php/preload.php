<?php
// opcache.preload script for the default ffi.enable=preload (php-fpm, mod_php). php.ini:
//
//   extension=ffi
//   zend_extension=opcache
//   opcache.enable=1
//   ffi.preload=/etc/php/pconn-ffi.h      ; written by: php bindings/php/tools/preload-header /etc/php/pconn-ffi.h
//   opcache.preload=/path/to/pconn/bindings/php/preload.php
//   opcache.preload_user=www-data
//
// The library: ffi.preload loads it in the master before the workers fork, as scope "pconn"
// (FFI::load cannot run here when opcache runs this script in a child for opcache.preload_user,
// i.e. whenever the master runs as root). Without ffi.preload, this script loads it itself with
// FFI::load (possible when the master is not root), from a header written to a temp file.
// Either way it stays loaded for the life of every worker.
//
// The binding: every class and function is compiled into the preloaded set, which FFI's
// preload restriction requires of code calling FFI::addr/FFI::string. Scripts then
// `require 'bindings/php/autoload.php'` (or use Composer) as usual; it finds the scope.
declare(strict_types=1);

require __DIR__ . '/autoload.php';

(static function (): void {
    try {
        \FFI::scope(\Pconn\Library::SCOPE);
    } catch (\FFI\Exception) {
        $lib = \Pconn\Library::findLibrary();
        $tmp = tempnam(sys_get_temp_dir(), 'pconn-ffi-');
        if ($tmp === false) {
            throw new \RuntimeException('pconn preload: cannot create a temporary file');
        }
        try {
            file_put_contents($tmp, \Pconn\Library::preloadHeader($lib));
            \FFI::load($tmp);
        } finally {
            @unlink($tmp);
        }
    }
    // autoload.php declared the functions; classes are preloaded once loaded: load every one (the
    // files of src/ named as their class, PSR-4), for autoload.php registers no autoloader in
    // requests that find them preloaded
    $src = __DIR__ . '/src/';
    foreach (array_merge(glob($src . '[A-Z]*.php') ?: [], glob($src . '*/[A-Z]*.php') ?: []) as $file) {
        class_exists('Pconn\\' . str_replace('/', '\\', substr($file, strlen($src), -4)));
    }
})();
