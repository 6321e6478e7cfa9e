<?php
declare(strict_types=1);

namespace Pconn;

/**
 * The result of one statement: iterate it for rows as arrays keyed by column name.
 *
 * @implements \IteratorAggregate<int, array<string, string|null>>
 */
final class Result implements \IteratorAggregate
{
    private int $columns;
    /** @var list<string>|null */
    private ?array $names = null;
    private bool $freed = false;
    /** Its statement was executed again, which ended this result. */
    private bool $superseded = false;

    /**
     * @param Statement|null $statement the prepared statement this result is an execution of: kept
     *                                  alive with it, since freeing the statement ends the result
     */
    public function __construct(private int $link, private int $result, private ?Statement $statement = null)
    {
        $this->columns = Raw::columns($result);
    }

    public function __destruct()
    {
        $this->free();
    }

    public function columnCount(): int
    {
        return $this->columns;
    }

    /** @return list<string> */
    public function columnNames(): array
    {
        return $this->names ??= Raw::columnNames($this->result, $this->columns);
    }

    /** Rows changed by the INSERT/UPDATE/DELETE (-1 when unknown or for a SELECT). */
    public function affectedRows(): int
    {
        return Raw::affectedRows($this->result);
    }

    /** The next row keyed by column name, or null after the last. @return array<string, string|null>|null */
    public function fetch(): ?array
    {
        $this->checkNotSuperseded();
        if ($this->freed || $this->columns === 0 || !Raw::fetch($this->link, $this->result)) {
            return null;
        }
        return Raw::row($this->result, $this->columns, $this->names ??= Raw::columnNames($this->result, $this->columns));
    }

    /** The next row as a list, or null after the last. @return list<string|null>|null */
    public function fetchNumeric(): ?array
    {
        $this->checkNotSuperseded();
        if ($this->freed || $this->columns === 0 || !Raw::fetch($this->link, $this->result)) {
            return null;
        }
        return Raw::row($this->result, $this->columns);
    }

    /** @return list<array<string, string|null>> */
    public function fetchAll(): array
    {
        $rows = [];
        while (($row = $this->fetch()) !== null) {
            $rows[] = $row;
        }
        $this->free();
        return $rows;
    }

    public function getIterator(): \Generator
    {
        while (($row = $this->fetch()) !== null) {
            yield $row;
        }
        $this->free();
    }

    public function free(): void
    {
        if (!$this->freed) {
            $this->freed = true;
            if (!$this->superseded) {
                Raw::free($this->result);
            }
            $this->statement = null;
        }
    }

    /** The C handle. */
    public function handle(): int
    {
        return $this->result;
    }

    /** @internal its statement is being executed again: this result ends */
    public function supersede(): void
    {
        $this->superseded = true;
        $this->freed = true;
        $this->statement = null;
    }

    private function checkNotSuperseded(): void
    {
        if ($this->superseded) {
            throw new Exception('this result ended when its prepared statement was executed again', 'HY010', 0, 8);
        }
    }
}
