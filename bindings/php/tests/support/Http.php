<?php
declare(strict_types=1);

namespace Pconn\Tests;

/**
 * A minimal HTTP/1.1 client on one keep-alive connection (so consecutive requests reach the same
 * prefork child), reading Content-Length and chunked bodies.
 */
final class Http
{
    /** @var resource|null */
    private $sock = null;

    public function __construct(private string $host, private int $port)
    {
    }

    /** Sends GET $path without waiting for the answer (see response()). */
    public function send(string $path): void
    {
        if ($this->sock === null) {
            $s = @stream_socket_client("tcp://{$this->host}:{$this->port}", $errno, $errstr, 10);
            if ($s === false) {
                throw new \RuntimeException("HTTP connect to {$this->host}:{$this->port}: $errstr");
            }
            stream_set_timeout($s, 30);
            $this->sock = $s;
        }
        fwrite($this->sock, "GET $path HTTP/1.1\r\nHost: {$this->host}\r\nConnection: keep-alive\r\n\r\n");
    }

    /** Reads the answer to the request sent last: [status code, body]. */
    public function response(): array
    {
        $status = $this->line();
        if (!preg_match('#^HTTP/1\.[01] (\d{3})#', $status, $m)) {
            $this->close();
            throw new \RuntimeException("HTTP: no status line (got '$status')");
        }
        $headers = [];
        while (($line = $this->line()) !== '') {
            [$name, $value] = array_map('trim', explode(':', $line, 2)) + [1 => ''];
            $headers[strtolower($name)] = $value;
        }
        if (isset($headers['content-length'])) {
            $body = $this->read((int) $headers['content-length']);
        } elseif (strtolower($headers['transfer-encoding'] ?? '') === 'chunked') {
            $body = '';
            while (($size = hexdec($this->line())) > 0) {
                $body .= $this->read((int) $size);
                $this->line();
            }
            $this->line();
        } else {
            $body = stream_get_contents($this->sock);
            $this->close();
        }
        if (strtolower($headers['connection'] ?? '') === 'close') {
            $this->close();
        }
        return [(int) $m[1], $body];
    }

    /** GET $path and its answer. */
    public function get(string $path): array
    {
        $this->send($path);
        return $this->response();
    }

    public function close(): void
    {
        if ($this->sock !== null) {
            fclose($this->sock);
            $this->sock = null;
        }
    }

    private function line(): string
    {
        $line = fgets($this->sock);
        if ($line === false) {
            $this->close();
            throw new \RuntimeException('HTTP: connection closed');
        }
        return rtrim($line, "\r\n");
    }

    private function read(int $length): string
    {
        $data = '';
        while (strlen($data) < $length) {
            $chunk = fread($this->sock, $length - strlen($data));
            if ($chunk === false || $chunk === '') {
                $this->close();
                throw new \RuntimeException('HTTP: connection closed in the body');
            }
            $data .= $chunk;
        }
        return $data;
    }
}
