<?php
declare(strict_types=1);

namespace Pconn\Tests;

/**
 * A php.ini for a server SAPI with the drop-in prepended and nothing from the system's conf.d
 * (ext/odbc stays out), in one of the two FFI modes: "cdef" (ffi.enable=true) or "preload"
 * (ffi.enable=preload; under a root parent all three of ffi.preload, opcache.preload and
 * opcache.preload_user are needed, see preload.php).
 */
final class DropInIni
{
    public const EXTENSIONS = '/usr/lib/php/20220829';

    /**
     * Writes $dir/php.ini (and, for preload, $dir/pconn-ffi.h) for the binding in $binding (this
     * one by default) and the library $lib (the one the binding finds by default).
     *
     * @param array<string, string> $extra
     */
    public static function write(string $mode, string $dir, string $user, array $extra = [], ?string $binding = null, ?string $lib = null): void
    {
        $php = $binding ?? dirname(__DIR__, 2);
        $ext = self::EXTENSIONS;
        $ini = ['error_reporting=E_ALL', 'display_errors=0', 'log_errors=1', "error_log=$dir/php-error.log",
            "extension=$ext/ffi.so", "auto_prepend_file=$php/autoload.php"];
        if ($mode === 'preload') {
            passthru(($lib === null ? '' : 'env PCONN_LIB=' . escapeshellarg($lib) . ' ') . 'php ' . escapeshellarg("$php/tools/preload-header") . ' ' . escapeshellarg("$dir/pconn-ffi.h") . ' 2>/dev/null');
            array_push($ini, "zend_extension=$ext/opcache.so", 'opcache.enable=1', 'ffi.enable=preload',
                "ffi.preload=$dir/pconn-ffi.h", "opcache.preload=$php/preload.php", "opcache.preload_user=$user");
        } else {
            $ini[] = 'ffi.enable=true';
        }
        foreach ($extra as $k => $v) {
            $ini[] = "$k=$v";
        }
        file_put_contents("$dir/php.ini", implode("\n", $ini) . "\n");
    }
}
