<?php
declare(strict_types=1);

namespace Pconn\Tests;

/**
 * A php-fpm8.2 master on a free loopback port with a temporary config, only the extensions and
 * settings given (no php.ini, no conf.d), as root with -R.
 *
 * Modes: "cdef" (ffi.enable=true, autoload.php prepended), "preload" (ffi.enable=preload,
 * opcache.preload=preload.php, autoload.php prepended), "native" (ext/odbc, no pconn).
 */
final class Fpm
{
    public const BINARY = '/usr/sbin/php-fpm8.2';

    public string $dir;
    public int $port;
    /** A command the master runs under (the profiler: valgrind --tool=callgrind ...), else ''. */
    public string $wrapper = '';
    private int $pid = 0;
    /** @var resource|null */
    private $proc = null;

    /** @param array<string, string> $ini extra php settings */
    public function __construct(public string $mode, private int $children = 1, private int $maxRequests = 0, private array $ini = [])
    {
    }

    public static function available(): bool
    {
        return is_executable(self::BINARY);
    }

    public static function freePort(): int
    {
        $s = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($s, false);
        fclose($s);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    public function start(): void
    {
        $php = dirname(__DIR__, 2);
        $this->dir = sys_get_temp_dir() . '/pconn-fpm-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
        $ext = '/usr/lib/php/20220829';
        $ini = ["error_reporting=E_ALL", 'display_errors=stderr', 'log_errors=1', "error_log={$this->dir}/php-error.log"];
        if ($this->mode === 'native') {
            $ini[] = "extension=$ext/odbc.so";
            $ini[] = 'odbc.allow_persistent=1';
            $ini[] = 'odbc.check_persistent=1';
        } else {
            $ini[] = "extension=$ext/ffi.so";
            $ini[] = "auto_prepend_file=$php/autoload.php";
            if ($this->mode === 'preload') {
                $ini[] = "zend_extension=$ext/opcache.so";
                $ini[] = 'ffi.enable=preload';
                $ini[] = 'opcache.enable=1';
                $ini[] = "opcache.preload=$php/preload.php";
                $ini[] = 'opcache.preload_user=' . ($this->ini['opcache.preload_user'] ?? 'www-data');
                // the library itself comes from ffi.preload (see preload.php)
                passthru('php ' . escapeshellarg("$php/tools/preload-header") . ' ' . escapeshellarg("{$this->dir}/pconn-ffi.h") . ' 2>/dev/null');
                $ini[] = "ffi.preload={$this->dir}/pconn-ffi.h";
            } else {
                $ini[] = 'ffi.enable=true';
            }
        }
        foreach ($this->ini as $k => $v) {
            $ini[] = "$k=$v";
        }
        file_put_contents("{$this->dir}/php.ini", implode("\n", $ini) . "\n");
        for ($attempt = 0; $attempt < 5; $attempt++) {
            $this->port = self::freePort();
            $conf = "[global]\npid = {$this->dir}/fpm.pid\nerror_log = {$this->dir}/fpm.log\ndaemonize = no\n"
                . "[pool]\nuser = root\ngroup = root\nlisten = 127.0.0.1:{$this->port}\npm = static\n"
                . "pm.max_children = {$this->children}\npm.max_requests = {$this->maxRequests}\n"
                . "clear_env = no\ncatch_workers_output = yes\n";
            file_put_contents("{$this->dir}/fpm.conf", $conf);
            $cmd = 'exec env PHP_INI_SCAN_DIR= ' . ($this->wrapper !== '' ? $this->wrapper . ' ' : '') . self::BINARY . ' -R -F -c ' . escapeshellarg("{$this->dir}/php.ini")
                . ' -y ' . escapeshellarg("{$this->dir}/fpm.conf") . ' >>' . escapeshellarg("{$this->dir}/stdout.log") . ' 2>&1';
            $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r']], $pipes);
            $this->proc = $proc;
            $this->pid = proc_get_status($proc)['pid'];
            for ($i = 0; $i < ($this->wrapper !== '' ? 1200 : 100); $i++) {
                $s = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $e, $es, 1);
                if ($s !== false) {
                    fclose($s);
                    return;
                }
                if (!proc_get_status($proc)['running']) {
                    break;
                }
                usleep(50000);
            }
            $this->stop();
        }
        throw new \RuntimeException("php-fpm did not start:\n" . @file_get_contents("{$this->dir}/fpm.log") . @file_get_contents("{$this->dir}/stdout.log"));
    }

    public function client(): FastCgi
    {
        return new FastCgi('127.0.0.1', $this->port);
    }

    /** @return list<int> the process ids of the master's workers */
    public function workerPids(): array
    {
        $children = @file_get_contents("/proc/{$this->pid}/task/{$this->pid}/children");
        return array_map('intval', preg_split('/\s+/', trim((string) $children), -1, PREG_SPLIT_NO_EMPTY));
    }

    /** Logs of the master, the workers and PHP. */
    public function logs(): string
    {
        $out = '';
        foreach (['fpm.log', 'stdout.log', 'php-error.log'] as $f) {
            $out .= @file_get_contents("{$this->dir}/$f") ?: '';
        }
        return $out;
    }

    public function stop(): void
    {
        if ($this->pid > 0) {
            posix_kill($this->pid, 3); // SIGQUIT: graceful
            for ($i = 0; $i < 100 && proc_get_status($this->proc)['running']; $i++) {
                usleep(50000);
            }
            if (proc_get_status($this->proc)['running']) {
                posix_kill($this->pid, 9);
            }
            proc_close($this->proc);
            $this->proc = null;
            $this->pid = 0;
        }
    }

    public function cleanup(): void
    {
        $this->stop();
        if (isset($this->dir) && is_dir($this->dir)) {
            array_map('unlink', glob("{$this->dir}/*") ?: []);
            @rmdir($this->dir);
        }
    }
}
