<?php
declare(strict_types=1);

namespace Pconn\Tests;

/** A minimal FastCGI client (responder role) that keeps its connection for many requests. */
final class FastCgi
{
    /** @var resource|null */
    private $sock = null;
    private int $id = 0;

    public function __construct(private string $host, private int $port)
    {
    }

    /** Sends one request; returns [headers string, body string]. */
    public function request(string $script, string $query = '', bool $keep = true): array
    {
        if ($this->sock === null) {
            $s = @stream_socket_client("tcp://{$this->host}:{$this->port}", $errno, $errstr, 10);
            if ($s === false) {
                throw new \RuntimeException("FastCGI connect to {$this->host}:{$this->port}: $errstr");
            }
            stream_set_timeout($s, 30);
            $this->sock = $s;
        }
        $id = $this->id = ($this->id % 65535) + 1;
        $params = [
            'GATEWAY_INTERFACE' => 'FastCGI/1.0', 'REQUEST_METHOD' => 'GET', 'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/' . basename($script), 'QUERY_STRING' => $query, 'REQUEST_URI' => '/' . basename($script) . '?' . $query,
            'SERVER_SOFTWARE' => 'pconn-tests', 'REMOTE_ADDR' => '127.0.0.1', 'SERVER_NAME' => 'localhost',
            'SERVER_PORT' => '80', 'SERVER_PROTOCOL' => 'HTTP/1.1', 'CONTENT_LENGTH' => '0',
        ];
        $p = '';
        foreach ($params as $k => $v) {
            $p .= self::len(strlen($k)) . self::len(strlen($v)) . $k . $v;
        }
        $out = self::record(1, $id, pack('nCx5', 1, $keep ? 1 : 0))
            . self::record(4, $id, $p) . self::record(4, $id, '') . self::record(5, $id, '');
        fwrite($this->sock, $out);
        $stdout = '';
        $stderr = '';
        while (true) {
            $h = $this->read(8);
            $r = unpack('Cver/Ctype/nid/nlen/Cpad', $h);
            $body = $r['len'] > 0 ? $this->read($r['len']) : '';
            if ($r['pad'] > 0) {
                $this->read($r['pad']);
            }
            if ($r['type'] === 6) {
                $stdout .= $body;
            } elseif ($r['type'] === 7) {
                $stderr .= $body;
            } elseif ($r['type'] === 3) {
                break;
            }
        }
        if (!$keep) {
            $this->close();
        }
        $pos = strpos($stdout, "\r\n\r\n");
        return $pos === false ? ['', $stdout, $stderr] : [substr($stdout, 0, $pos), substr($stdout, $pos + 4), $stderr];
    }

    public function close(): void
    {
        if ($this->sock !== null) {
            fclose($this->sock);
            $this->sock = null;
        }
    }

    private function read(int $n): string
    {
        $buf = '';
        while (strlen($buf) < $n) {
            $chunk = fread($this->sock, $n - strlen($buf));
            if ($chunk === false || $chunk === '') {
                if (feof($this->sock) || stream_get_meta_data($this->sock)['timed_out']) {
                    $this->sock = null;
                    throw new \RuntimeException('FastCGI connection closed early');
                }
            }
            $buf .= $chunk;
        }
        return $buf;
    }

    private static function len(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    private static function record(int $type, int $id, string $content): string
    {
        return pack('CCnnCx', 1, $type, $id, strlen($content), 0) . $content;
    }
}
