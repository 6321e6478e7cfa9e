<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * Finds libpconn, loads it through FFI and ends the request at PHP shutdown.
 *
 * Loading, in order:
 *  1. FFI::scope('pconn') — the library was loaded once per worker by preload.php under
 *     opcache.preload (the only way FFI works with the default ffi.enable=preload);
 *  2. FFI::cdef(pconn_ffi.h, path) — ffi.enable=true (or the CLI). PHP dlcloses the library at
 *     request end; libpconn is linked with -z nodelete, so its pool survives.
 *
 * Library path: see findLibrary().
 */
final class Library
{
    public const SCOPE = 'pconn';

    private static ?FFI $ffi = null;
    /** @var array<string, true>|null */
    private static ?array $declared = null;
    private static bool $shutdownRegistered = false;
    private static string $how = '';

    /** Per-request scratch output parameters, reused by every call. */
    public static $link;
    public static $result;
    public static $text;
    public static $len;
    public static $isNull;
    public static $int;
    public static $u16;
    public static $i64;
    public static $u32;
    public static $stmt;
    /** Pointers to the scratch values above, made once (FFI::addr per call costs time). */
    public static $linkPtr;
    public static $resultPtr;
    public static $textPtr;
    public static $lenPtr;
    public static $isNullPtr;
    public static $intPtr;
    public static $u16Ptr;
    public static $i64Ptr;
    public static $u32Ptr;
    public static $stmtPtr;
    /** pconn's fetch_batch option, read once per request (see fetchBatch()). */
    private static ?int $fetchBatch = null;

    /** The FFI object; on the first use in a request, arranges for the request to end at shutdown. */
    public static function ffi(): FFI
    {
        if (!self::$shutdownRegistered) {
            self::$shutdownRegistered = true;
            register_shutdown_function([self::class, 'shutdown']);
        }
        return self::$ffi ?? self::load();
    }

    /** The FFI object if already loaded this request, without registering anything (for destructors). */
    public static function loaded(): ?FFI
    {
        return self::$shutdownRegistered ? self::$ffi : null;
    }

    /** How the library was loaded this request: "scope" or "cdef:<path>" (for tests and diagnostics). */
    public static function loadedHow(): string
    {
        self::ffi();
        return self::$how;
    }

    /** The registered shutdown function: ends this request's pconn request (cleans every link). */
    public static function shutdown(): void
    {
        self::$shutdownRegistered = false;
        if (self::$ffi !== null) {
            self::$ffi->pconn_request_end();
        }
        Odbc\State::reset();
    }

    /** Ends the request now, as the shutdown function would (for long-running CLI workers and tests). */
    public static function requestEnd(): void
    {
        if (self::$ffi !== null) {
            self::$ffi->pconn_request_end();
        }
        Odbc\State::reset();
    }

    /**
     * Rows per block-cursor fetch of the library (its fetch_batch option). Batches of rows read
     * into PHP end where the library's blocks end, so reading ahead never fetches a block the
     * script would not have needed yet.
     */
    public static function fetchBatch(): int
    {
        if (self::$fetchBatch === null) {
            $rc = self::ffi()->pconn_get_option('fetch_batch', self::$textPtr);
            self::$fetchBatch = $rc === 0 ? max(1, (int) FFI::string(self::$text)) : 1000;
        }
        return self::$fetchBatch;
    }

    /** Forgets values read from the library's options (after the script changed one). */
    public static function optionsChanged(): void
    {
        self::$fetchBatch = null;
    }

    /** Whether the loaded declarations contain function $name (APIs that newer libraries add). */
    public static function has(string $name): bool
    {
        if (self::$declared === null) {
            self::$declared = array_fill_keys(self::declaredFunctions(), true);
        }
        return isset(self::$declared[$name]);
    }

    /** @return list<string> the functions declared in pconn_ffi.h */
    public static function declaredFunctions(?string $header = null): array
    {
        $text = file_get_contents($header ?? self::headerPath());
        preg_match_all('/^[A-Za-z_][\w\s\*]*?\b(pconn_\w+)\s*\(/m', (string) $text, $m);
        return array_values(array_unique($m[1]));
    }

    public static function headerPath(): string
    {
        return dirname(__DIR__) . '/pconn_ffi.h';
    }

    /** The system library's name: its soname, what `make install` and the libpconn0 package provide. */
    public const SYSTEM_NAME = 'libpconn.so.0';

    /**
     * The library path to load: $PCONN_LIB; else the release build of the checkout the binding
     * sits in (bindings/php of a pconn repository, not a copy in vendor/); else the installed library, libpconn.so.0, in
     * the directories `make install` and the Debian package use; else just its name, for the
     * dynamic loader's own search (ld.so.cache, LD_LIBRARY_PATH). Throws when $PCONN_LIB names a
     * missing file.
     */
    public static function findLibrary(): string
    {
        $env = getenv('PCONN_LIB');
        if ($env !== false && $env !== '') {
            if (!is_file($env)) {
                throw new Exception("PCONN_LIB is set to '$env', but there is no such file", 'HY000', 0, 0);
            }
            return $env;
        }
        foreach (self::candidates() as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        return self::SYSTEM_NAME;
    }

    /** @return list<string> the files findLibrary() looks for, in order (without $PCONN_LIB) */
    public static function candidates(): array
    {
        $found = [];
        $checkout = dirname(__DIR__, 3);
        if (is_file("$checkout/Cargo.toml")) {
            $found[] = "$checkout/target/release/libpconn.so";
        }
        foreach (glob('/usr/lib/*-linux-gnu', GLOB_ONLYDIR) ?: [] as $multiarch) {
            $found[] = "$multiarch/" . self::SYSTEM_NAME;
        }
        $found[] = '/usr/local/lib/' . self::SYSTEM_NAME;
        $found[] = '/usr/lib/' . self::SYSTEM_NAME;
        return $found;
    }

    /** Declarations with FFI_SCOPE/FFI_LIB for FFI::load (preload.php writes them to a temp file). */
    public static function preloadHeader(string $lib): string
    {
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n#define FFI_LIB \"" . addcslashes($lib, "\"\\") . "\"\n"
            . file_get_contents(self::headerPath());
    }

    private static function load(): FFI
    {
        try {
            $ffi = FFI::scope(self::SCOPE);
            self::$how = 'scope';
        } catch (\Throwable $e) {
            $ffi = self::cdef();
        }
        self::$ffi = $ffi;
        self::$link = $ffi->new('pconn_link');
        self::$result = $ffi->new('pconn_result');
        self::$text = $ffi->new('const char *');
        self::$len = $ffi->new('size_t');
        self::$isNull = $ffi->new('int');
        self::$int = $ffi->new('int');
        self::$u16 = $ffi->new('uint16_t');
        self::$i64 = $ffi->new('int64_t');
        self::$u32 = $ffi->new('uint32_t');
        self::$stmt = $ffi->new('pconn_stmt');
        self::$linkPtr = FFI::addr(self::$link);
        self::$resultPtr = FFI::addr(self::$result);
        self::$textPtr = FFI::addr(self::$text);
        self::$lenPtr = FFI::addr(self::$len);
        self::$isNullPtr = FFI::addr(self::$isNull);
        self::$intPtr = FFI::addr(self::$int);
        self::$u16Ptr = FFI::addr(self::$u16);
        self::$i64Ptr = FFI::addr(self::$i64);
        self::$u32Ptr = FFI::addr(self::$u32);
        self::$stmtPtr = FFI::addr(self::$stmt);
        return $ffi;
    }

    private static function cdef(): FFI
    {
        if (!extension_loaded('ffi')) {
            throw new Exception('pconn needs the FFI extension (extension=ffi in php.ini)', 'HY000', 0, 0);
        }
        $enable = (string) ini_get('ffi.enable');
        if (PHP_SAPI !== 'cli' && !in_array(strtolower($enable), ['1', 'true', 'on', 'yes'], true)) {
            throw new Exception(self::restrictedAdvice($enable), 'HY000', 0, 0);
        }
        $lib = self::findLibrary();
        try {
            $ffi = FFI::cdef((string) file_get_contents(self::headerPath()), $lib);
        } catch (\FFI\Exception $e) {
            throw new Exception(
                "pconn: could not load the library '$lib' (" . $e->getMessage() . '). '
                . (getenv('PCONN_LIB') ? 'It is what PCONN_LIB names. ' : 'PCONN_LIB is not set; looked for '
                    . implode(', ', self::candidates()) . ' and ' . self::SYSTEM_NAME . ' on the loader\'s path. ')
                . 'Install it (`make install`, or the libpconn0 package), or set PCONN_LIB to the full path of '
                . 'libpconn.so (under php-fpm, in the pool: env[PCONN_LIB] = /path/to/libpconn.so)',
                'HY000', 0, 0, $e);
        }
        self::$how = 'cdef:' . $lib;
        return $ffi;
    }

    /**
     * What to put in php.ini when FFI is restricted (ffi.enable=preload) and nothing preloaded
     * the library. With ffi.preload the library is loaded by the master itself, which works
     * whether or not it runs as root; preload.php alone loads it with FFI::load, which PHP refuses
     * under opcache.preload_user, i.e. whenever the master is root (php-fpm's and Apache's usual
     * setup).
     */
    public static function restrictedAdvice(string $enable): string
    {
        $dir = dirname(__DIR__);
        return "pconn: FFI is restricted by ffi.enable=$enable and the library was not preloaded. "
            . "Either set ffi.enable=true, or preload it: write the declarations once with "
            . "`php $dir/tools/preload-header /etc/php/pconn-ffi.h`, then set ffi.preload=/etc/php/pconn-ffi.h, "
            . "opcache.enable=1, opcache.preload=$dir/preload.php and, when the master runs as root, "
            . 'opcache.preload_user=www-data (the workers\' user). A master that is not root needs only '
            . "opcache.preload (preload.php loads the library itself then)";
    }
}
