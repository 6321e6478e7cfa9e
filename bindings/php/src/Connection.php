<?php
declare(strict_types=1);

namespace Pconn;

/**
 * A link to a database through pconn.
 *
 *   $db = Pconn\Connection::persistent('Driver={PostgreSQL Unicode};Server=…', 'user', 'secret');
 *   foreach ($db->query('SELECT id, name FROM t WHERE id > ?', [10]) as $row) { … }
 *
 * Every link ends with the request (the binding registers the shutdown function): its transaction
 * is rolled back, its session reset and, for a persistent link, the server session kept for the
 * next request of this process.
 */
final class Connection
{
    private bool $closed = false;

    private function __construct(private int $link)
    {
    }

    /** A persistent link (like odbc_pconnect): the server session outlives the request, cleaned. */
    public static function persistent(string $dsn, ?string $user = null, ?string $password = null): self
    {
        return new self(Raw::connect(Raw::PERSISTENT, $dsn, $user, $password));
    }

    /** A request-scoped link: identical calls in one request share it; disconnected at request end. */
    public static function connect(string $dsn, ?string $user = null, ?string $password = null): self
    {
        return new self(Raw::connect(Raw::REQUEST, $dsn, $user, $password));
    }

    /** A new link of its own, never shared; disconnected at close() or request end. */
    public static function fresh(string $dsn, ?string $user = null, ?string $password = null): self
    {
        return new self(Raw::connect(Raw::FRESH, $dsn, $user, $password));
    }

    /** The C handle (for the C API through Library::ffi()). */
    public function handle(): int
    {
        return $this->link;
    }

    public function isPersistent(): bool
    {
        return Library::ffi()->pconn_link_is_persistent($this->link) === 1;
    }

    /**
     * Runs SQL with positional `?` parameters and returns its result (rows to iterate, or the
     * affected-row count of a statement without rows).
     *
     * @param list<mixed> $params
     */
    public function query(string $sql, array $params = []): Result
    {
        if ($params !== []) {
            return $this->prepare($sql)->execute($params);
        }
        return new Result($this->link, Raw::exec($this->link, $sql));
    }

    /** Runs a statement and returns the number of rows it changed (-1 when unknown). */
    public function execute(string $sql, array $params = []): int
    {
        $result = $this->query($sql, $params);
        $n = $result->affectedRows();
        $result->free();
        return $n;
    }

    /** @return list<array<string, string|null>> */
    public function fetchAll(string $sql, array $params = []): array
    {
        return $this->query($sql, $params)->fetchAll();
    }

    /** The first column of the first row, or null when there is no row. */
    public function fetchValue(string $sql, array $params = []): ?string
    {
        $result = $this->query($sql, $params);
        $row = $result->fetchNumeric();
        $result->free();
        return $row === null ? null : $row[0];
    }

    /** Prepares $sql (positional `?` parameters) to execute repeatedly. */
    public function prepare(string $sql): Statement
    {
        return new Statement($this->link, $sql);
    }

    /** Turns autocommit off: the statements up to commit() or rollback() are one transaction. */
    public function begin(): void
    {
        $this->autocommit(false);
    }

    public function commit(): void
    {
        Raw::check($this->link, Library::ffi()->pconn_commit($this->link));
        $this->autocommit(true);
    }

    public function rollback(): void
    {
        Raw::check($this->link, Library::ffi()->pconn_rollback($this->link));
        $this->autocommit(true);
    }

    /**
     * Runs $work in a transaction: commits when it returns, rolls back and rethrows when it throws.
     *
     * @template T
     * @param callable(self): T $work
     * @return T
     */
    public function transaction(callable $work): mixed
    {
        $this->begin();
        try {
            $value = $work($this);
        } catch (\Throwable $e) {
            try {
                $this->rollback();
            } catch (Exception) {
                // the original error matters more; request end rolls back anyway
            }
            throw $e;
        }
        $this->commit();
        return $value;
    }

    /** Sets autocommit when $on is given; returns the current setting. */
    public function autocommit(?bool $on = null): bool
    {
        $ffi = Library::ffi();
        if ($on !== null) {
            Raw::check($this->link, $ffi->pconn_autocommit_set($this->link, $on ? 1 : 0));
            return $on;
        }
        Raw::check($this->link, $ffi->pconn_autocommit_get($this->link, Library::$out->int));
        return Library::$out->int[0] === 1;
    }

    /** The last call's error on this link ("" after a success). */
    public function errorMessage(): string
    {
        return (string) Library::ffi()->pconn_errmsg($this->link);
    }

    public function sqlState(): string
    {
        return (string) Library::ffi()->pconn_sqlstate($this->link);
    }

    /** Gives the link back: persistent links go to the idle pool (cleaned), others disconnect. */
    public function close(): void
    {
        if (!$this->closed) {
            $this->closed = true;
            Library::ffi()->pconn_close($this->link);
        }
    }

    /** Disconnects the link for good, even a persistent one. */
    public function drop(): void
    {
        if (!$this->closed) {
            $this->closed = true;
            Library::ffi()->pconn_drop($this->link);
        }
    }

    /** The process's pool statistics (pconn_stats_json, decoded). */
    public static function stats(): array
    {
        return json_decode((string) Library::ffi()->pconn_stats_json(), true, 512, JSON_THROW_ON_ERROR);
    }

    /** Sets a process-wide option (ping_interval, max_persistent, reset, …: see the README). */
    public static function setOption(string $name, string $value): void
    {
        Raw::check(0, Library::ffi()->pconn_set_option($name, $value));
        Library::optionsChanged();
    }

    public static function getOption(string $name): string
    {
        $ffi = Library::ffi();
        Raw::check(0, $ffi->pconn_get_option($name, Library::$out->text));
        return \FFI::string(Library::$out->text[0]);
    }

    /** Ends the request now (what the shutdown function does): for long-running CLI workers. */
    public static function requestEnd(): void
    {
        Library::requestEnd();
    }

    /** Disconnects every link of this request and every idle persistent link of the process. */
    public static function closeAll(): void
    {
        Library::ffi()->pconn_close_all();
    }
}
