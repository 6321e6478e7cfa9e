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
 *  2. FFI::cdef(declarations, path) — ffi.enable=true (or the CLI), in every request: FfiCore's
 *     part of pconn_ffi.h, the rest when first called (LazyFfi). PHP dlcloses the library at
 *     request end; libpconn is linked with -z nodelete, so its pool survives.
 *
 * Library path: see findLibrary().
 */
final class Library
{
    public const SCOPE = 'pconn';

    private static FFI|LazyFfi|null $ffi = null;
    private static bool $shutdownRegistered = false;
    private static string $how = '';

    /** The C calls' output cells (see Scratch), made when the library is loaded. */
    public static Scratch $out;
    /** The library's options => PCONN_<OPTION>, the variable each is read from (see applyEnvironmentSettings()). */
    private const ENV_OPTIONS = ['reset' => 'PCONN_RESET', 'ping_interval' => 'PCONN_PING_INTERVAL',
        'ping_sql' => 'PCONN_PING_SQL', 'max_persistent' => 'PCONN_MAX_PERSISTENT', 'max_links' => 'PCONN_MAX_LINKS',
        'max_per_key' => 'PCONN_MAX_PER_KEY', 'on_limit' => 'PCONN_ON_LIMIT', 'idle_timeout' => 'PCONN_IDLE_TIMEOUT',
        'max_lifetime' => 'PCONN_MAX_LIFETIME', 'max_uses' => 'PCONN_MAX_USES', 'fetch_batch' => 'PCONN_FETCH_BATCH',
        'login_timeout' => 'PCONN_LOGIN_TIMEOUT', 'background_reset' => 'PCONN_BACKGROUND_RESET',
        'host_max_per_key' => 'PCONN_HOST_MAX_PER_KEY', 'host_max_links' => 'PCONN_HOST_MAX_LINKS',
        'host_wait' => 'PCONN_HOST_WAIT', 'host_slot_dir' => 'PCONN_HOST_SLOT_DIR', 'pooler' => 'PCONN_POOLER',
        'reset_timeout' => 'PCONN_RESET_TIMEOUT'];
    /** pconn_php_worker's flag: this worker's settings were applied (see applyEnvironmentSettings()). */
    private const SETTINGS_APPLIED = 1;
    /** pconn's fetch_batch option, read when the library is loaded in a request (see fetchBatch()). */
    private static ?int $fetchBatch = null;

    /** The FFI object; on the first use in a request, arranges for the request to end at shutdown. */
    public static function ffi(): FFI|LazyFfi
    {
        if (!self::$shutdownRegistered) {
            self::$shutdownRegistered = true;
            register_shutdown_function([self::class, 'shutdown']);
        }
        return self::$ffi ?? self::load();
    }

    /** The FFI object if already loaded this request, without registering anything (for destructors). */
    public static function loaded(): FFI|LazyFfi|null
    {
        return self::$shutdownRegistered ? self::$ffi : null;
    }

    /** How the library was loaded this request: "scope" or "cdef:<path>" (for tests and diagnostics). */
    public static function loadedHow(): string
    {
        self::ffi();
        return self::$how;
    }

    /**
     * The registered shutdown function: ends this request's pconn request (cleans every link).
     * Under plain CGI the process ends with its one request: its links are disconnected instead,
     * which implies the rollback, without the reset's round trip for a session nobody reuses.
     */
    public static function shutdown(): void
    {
        self::$shutdownRegistered = false;
        if (self::$ffi !== null) {
            if (self::oneRequestPerProcess()) {
                self::$ffi->pconn_close_all();
            } else {
                self::$ffi->pconn_request_end();
            }
        }
        Odbc\State::reset();
    }

    /**
     * Plain CGI: php-cgi serving one request, not FastCGI (which sets FCGI_ROLE for each request;
     * php-cgi's getenv() sees the request's FastCGI parameters). Not $_SERVER: opcache builds
     * every auto global a preloaded script names at the start of every request, a cost of about
     * half a native request's under php-fpm.
     */
    private static function oneRequestPerProcess(): bool
    {
        return (PHP_SAPI === 'cgi-fcgi' || PHP_SAPI === 'cgi') && getenv('FCGI_ROLE') === false;
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
            $rc = self::ffi()->pconn_get_option('fetch_batch', self::$out->text);
            self::$fetchBatch = $rc === Status::OK ? max(1, (int) self::$out->string()) : 1000;
        }
        return self::$fetchBatch;
    }

    /** Forgets values read from the library's options (after the script changed one). */
    public static function optionsChanged(): void
    {
        self::$fetchBatch = null;
    }

    /** Whether the binding's declarations (pconn_ffi.h) contain function $name (APIs that newer libraries add). */
    public static function has(string $name): bool
    {
        return isset(FfiCore::DECLARED[$name]);
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
        foreach (self::candidatePaths() as $path) {
            if (is_file($path)) {
                return $path;
            }
        }
        return self::SYSTEM_NAME;
    }

    /** @return list<string> the files findLibrary() looks for, in order (without $PCONN_LIB) */
    public static function candidates(): array
    {
        return array_values(array_unique(iterator_to_array(self::candidatePaths(), false)));
    }

    /**
     * The candidates, made as they are looked at: with ffi.enable=true findLibrary() runs in every
     * request, and the usual answer (the checkout's build, or this machine's own multiarch
     * directory) comes before the directory listing of /usr/lib, which cost more than the rest
     * of the look-up.
     *
     * @return \Generator<int, string>
     */
    private static function candidatePaths(): \Generator
    {
        $checkout = dirname(__DIR__, 3);
        if (is_file("$checkout/Cargo.toml")) {
            yield "$checkout/target/release/libpconn.so";
        }
        yield '/usr/lib/' . php_uname('m') . '-linux-gnu/' . self::SYSTEM_NAME;
        foreach (glob('/usr/lib/*-linux-gnu', GLOB_ONLYDIR) ?: [] as $multiarch) {
            yield "$multiarch/" . self::SYSTEM_NAME;
        }
        yield '/usr/local/lib/' . self::SYSTEM_NAME;
        yield '/usr/lib/' . self::SYSTEM_NAME;
    }

    /** Declarations with FFI_SCOPE/FFI_LIB for FFI::load (preload.php writes them to a temp file). */
    public static function preloadHeader(string $lib): string
    {
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n#define FFI_LIB \"" . addcslashes($lib, "\"\\") . "\"\n"
            . file_get_contents(self::headerPath());
    }

    private static function load(): FFI|LazyFfi
    {
        try {
            $ffi = FFI::scope(self::SCOPE);
            self::$how = 'scope';
        } catch (\Throwable $e) {
            $ffi = self::cdef();
        }
        // one call: the output cells, whether an earlier request of this worker applied the
        // settings, and fetch_batch
        $worker = $ffi->pconn_php_worker(0);
        if ($worker === null) {
            throw new Exception('pconn: pconn_php_worker gave no output cells', 'HY000', 0, Status::ERROR);
        }
        self::$ffi = $ffi;
        self::$out = new Scratch($worker);
        if (($worker->worker_flags & self::SETTINGS_APPLIED) === 0) {
            self::applyEnvironmentSettings($ffi);
            $ffi->pconn_php_worker(self::SETTINGS_APPLIED);   // reads fetch_batch again: a setting may change it
        }
        self::$fetchBatch = $worker->fetch_batch;
        return $ffi;
    }

    /**
     * The library reads PCONN_<OPTION> from the process environment; PHP also sees the web
     * server's variables (Apache's SetEnv, FastCGI parameters), which the process environment
     * does not hold. Those are handed to the library here, once per worker: at its first request
     * that uses the library (pconn_php_worker remembers it for the worker's life, as the library
     * keeps its options), and again after a bad value failed it. Each is set only when PHP's
     * value differs from the library's. An option the library does not know (an older build) is
     * left alone; a bad value throws, naming the variable.
     */
    private static function applyEnvironmentSettings(FFI|LazyFfi $ffi): void
    {
        foreach (self::ENV_OPTIONS as $option => $var) {
            $value = getenv($var);
            if ($value === false || $ffi->pconn_get_option($option, self::$out->text) !== Status::OK
                || FFI::string(self::$out->text[0]) === $value) {
                continue;
            }
            $rc = $ffi->pconn_set_option($option, $value);
            if ($rc !== 0) {
                self::$ffi = null; // reported again on the next call, not taken as loaded
                throw new Exception("$var (set for PHP by the web server or the environment): "
                    . (string) $ffi->pconn_errmsg(0), 'HY000', 0, $rc);
            }
        }
    }

    private static function cdef(): LazyFfi
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
            // the common path's declarations; LazyFfi parses the rest when a request needs them
            $ffi = new LazyFfi(FFI::cdef(FfiCore::DECLARATIONS, $lib), $lib);
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
