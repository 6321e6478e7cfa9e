<?php
declare(strict_types=1);

namespace Pconn\Tests;

/**
 * Debian's Apache 2.4, prefork MPM with mod_php 8.2, on a free loopback port with a config of its
 * own in a temp dir (ServerRoot, PidFile, ErrorLog, php.ini; no system conf.d), serving
 * tests/apache with the drop-in prepended. Started as root, so children run as www-data.
 *
 * Modes: "cdef" (ffi.enable=true) and "preload" (ffi.enable=preload with the three settings a
 * root parent needs: ffi.preload, opcache.preload, opcache.preload_user).
 */
final class Apache
{
    public const BINARY = '/usr/sbin/apache2';
    public const MODULES = '/usr/lib/apache2/modules';
    public const USER = 'www-data';

    public string $dir;
    public int $port;
    /** @var resource|null the parent, run in the foreground */
    private $proc = null;
    /** The copy of the library the children load (null: the system's, found by the loader). */
    private ?string $lib = null;

    /**
     * @param array<string, string> $env SetEnv lines (what PHP's getenv sees, not the process environment)
     * @param array<string, string> $ini extra php settings
     */
    public function __construct(
        public string $mode,
        private int $children = 2,
        private int $maxConnectionsPerChild = 0,
        private array $env = [],
        private array $ini = [],
    ) {
    }

    public static function available(): bool
    {
        return is_executable(self::BINARY) && is_file(self::MODULES . '/libphp8.2.so');
    }

    public function start(): void
    {
        $this->dir = sys_get_temp_dir() . '/pconn-apache-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
        // the children (www-data) write PHP's error log here
        chmod($this->dir, 0777);
        $this->copySite();
        DropInIni::write($this->mode, $this->dir, $this->user(), $this->ini, "{$this->dir}/site", $this->lib);

        for ($attempt = 0; $attempt < 5; $attempt++) {
            $this->port = Fpm::freePort();
            file_put_contents("{$this->dir}/httpd.conf", $this->config("{$this->dir}/site/tests/apache"));
            // no PHP_INI_SCAN_DIR: the system's conf.d (ext/odbc among them) stays out
            // In the foreground, so that a parent failing at PHP's startup is seen at once; in a
            // session of its own, since prefork's shutdown signals its whole process group.
            $cmd = 'exec setsid ' . $this->command('start') . ' -DFOREGROUND >>' . escapeshellarg("{$this->dir}/error.log") . ' 2>&1';
            $this->proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r']], $pipes);
            if ($this->waitReady()) {
                return;
            }
            $this->stop();
            if (!str_contains($this->logs(), 'Address already in use')) {
                break;
            }
        }
        throw new \RuntimeException("apache2 did not start:\n" . $this->logs());
    }

    /**
     * Copies what the children run (the binding, the test application, the library) into the
     * temp dir: they run as www-data, which may not read the checkout (under /root, say).
     */
    private function copySite(): void
    {
        $php = dirname(__DIR__, 2);
        $site = "{$this->dir}/site";
        mkdir("$site/tests", 0755, true);
        $parts = ['autoload.php', 'preload.php', 'pconn_ffi.h', 'src', 'tools', 'tests/apache', 'tests/fpm'];
        foreach ($parts as $part) {
            exec('cp -R ' . escapeshellarg("$php/$part") . ' ' . escapeshellarg("$site/$part") . ' 2>&1', $out, $rc);
            if ($rc !== 0) {
                throw new \RuntimeException("copying $part for Apache: " . implode("\n", $out));
            }
        }
        $lib = \Pconn\Library::findLibrary();
        if (is_file($lib)) {
            $this->lib = "$site/libpconn.so";
            copy($lib, $this->lib);
        }
        exec('chmod -R a+rX ' . escapeshellarg($site));
    }

    private function config(string $docroot): string
    {
        $m = self::MODULES;
        $env = '';
        foreach ($this->env as $name => $value) {
            $env .= "SetEnv $name \"" . addcslashes($value, '"\\') . "\"\n";
        }
        return <<<CONF
            ServerRoot "{$this->dir}"
            ServerName 127.0.0.1
            Listen 127.0.0.1:{$this->port}
            PidFile "{$this->dir}/apache.pid"
            ErrorLog "{$this->dir}/error.log"
            LogLevel warn
            DefaultRuntimeDir "{$this->dir}"
            Mutex file:{$this->dir} default
            User {$this->user()}
            Group {$this->user()}
            LoadModule mpm_prefork_module $m/mod_mpm_prefork.so
            LoadModule authz_core_module $m/mod_authz_core.so
            LoadModule env_module $m/mod_env.so
            LoadModule php_module $m/libphp8.2.so
            PHPINIDir "{$this->dir}"
            StartServers {$this->children}
            MinSpareServers {$this->children}
            MaxSpareServers {$this->children}
            ServerLimit {$this->children}
            MaxRequestWorkers {$this->children}
            MaxConnectionsPerChild {$this->maxConnectionsPerChild}
            KeepAlive On
            MaxKeepAliveRequests 100
            KeepAliveTimeout 5
            DocumentRoot "$docroot"
            <Directory "$docroot">
                Require all granted
            </Directory>
            <FilesMatch "\.php$">
                SetHandler application/x-httpd-php
            </FilesMatch>
            $env
            CONF;
    }

    private function user(): string
    {
        return posix_getuid() === 0 ? self::USER : (posix_getpwuid(posix_getuid())['name'] ?? 'nobody');
    }

    /** apache2 -k $signal with this config, PHP's ini scan dir emptied. */
    private function command(string $signal): string
    {
        $lib = $this->lib === null ? '' : 'PCONN_LIB=' . escapeshellarg($this->lib) . ' ';
        return "env PHP_INI_SCAN_DIR= $lib" . self::BINARY . ' -f ' . escapeshellarg("{$this->dir}/httpd.conf") . ' -k ' . $signal;
    }

    /**
     * Whether the server came up: its children are running ("resuming normal operations") and
     * the port answers. `-k start` returns before PHP's startup, so a bad preload setting shows
     * only as the parent exiting with the reason in the ErrorLog (or PHP's error log).
     */
    private function waitReady(): bool
    {
        for ($i = 0; $i < 200; $i++) {
            if (str_contains((string) @file_get_contents("{$this->dir}/error.log"), 'AH00163')) {
                $s = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $e, $es, 1);
                if ($s !== false) {
                    fclose($s);
                    return true;
                }
            } elseif (!proc_get_status($this->proc)['running']) {
                return false;
            }
            usleep(50000);
        }
        return false;
    }

    /** The parent's pid (0 once it is gone). */
    public function parentPid(): int
    {
        return $this->proc !== null && proc_get_status($this->proc)['running'] ? proc_get_status($this->proc)['pid'] : 0;
    }

    /** apache2 -k graceful|restart|stop. */
    public function signal(string $signal): void
    {
        exec($this->command($signal) . ' 2>&1', $out, $rc);
        if ($rc !== 0) {
            throw new \RuntimeException("apache2 -k $signal failed:\n" . implode("\n", $out) . "\n" . $this->logs());
        }
    }

    /** Waits up to $seconds for the parent to be gone; whether it is. */
    public function waitGone(float $seconds): bool
    {
        $deadline = microtime(true) + $seconds;
        while ($this->parentPid() !== 0 && microtime(true) < $deadline) {
            usleep(20000);
        }
        return $this->parentPid() === 0;
    }

    /** Apache's ErrorLog and PHP's error log: where a failed start or a PHP warning shows. */
    public function logs(): string
    {
        $out = '';
        foreach (['error.log', 'php-error.log'] as $f) {
            $text = @file_get_contents("{$this->dir}/$f");
            if ($text) {
                $out .= "== $f\n$text";
            }
        }
        return $out;
    }

    /** A keep-alive HTTP/1.1 connection to this server. */
    public function client(): Http
    {
        return new Http('127.0.0.1', $this->port);
    }

    /** Stops the server (and, after 15 s, its parent by force). */
    public function stop(): void
    {
        if ($this->proc === null) {
            return;
        }
        if (proc_get_status($this->proc)['running']) {
            @exec($this->command('stop') . ' 2>&1');
            $pid = proc_get_status($this->proc)['pid'];
            for ($i = 0; $i < 300 && proc_get_status($this->proc)['running']; $i++) {
                usleep(50000);
            }
            if (proc_get_status($this->proc)['running']) {
                posix_kill($pid, 9);
            }
        }
        proc_close($this->proc);
        $this->proc = null;
    }

    public function cleanup(): void
    {
        $this->stop();
        if (isset($this->dir) && is_dir($this->dir)) {
            exec('rm -rf ' . escapeshellarg($this->dir));
        }
    }
}
