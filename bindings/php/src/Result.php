<?php
declare(strict_types=1);

namespace Pconn;

/**
 * The result of one statement: iterate it for rows as arrays keyed by column name. Rows are read
 * from the library in batches (see Rows); values are strings, SQL NULL is null.
 *
 * @implements \IteratorAggregate<int, array<string, string|null>>
 */
final class Result implements \IteratorAggregate
{
    private int $columns;
    /** @var list<string>|null */
    private ?array $names = null;
    /** Rows can be read keyed by name (no two columns share a name), so iteration hands them out as read. */
    private bool $byName = false;
    /** The rows read ahead; null when there is nothing (more) to read. */
    private ?Rows $rows;
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
        $this->rows = $this->columns > 0 ? new Rows($link, $result) : null;
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
        if ($this->names === null) {
            $this->names = $this->columns === 0 ? [] : Raw::columnNames($this->link, $this->result, $this->columns);
            $this->byName = Rows::namesAreKeys($this->names);
        }
        return $this->names;
    }

    /**
     * Column $column (from 1): name, ODBC SQL type code and name, the driver's type name
     * (PostgreSQL: "int4", "text"), precision (column size), scale, nullable (1, 0, or -1 when
     * unknown).
     *
     * @return array{name: string, sqlType: int, type: string, typeName: string, precision: int, scale: int, nullable: int}
     */
    public function column(int $column): array
    {
        return Metadata::column($this->link, $this->result, $column);
    }

    /**
     * Rows changed by the INSERT/UPDATE/DELETE; for a SELECT what the driver says: its number of
     * rows where the driver knows it before they are read (psqlODBC), else -1 or 0 (SQLite's).
     */
    public function affectedRows(): int
    {
        return Raw::affectedRows($this->result);
    }

    /** The next row keyed by column name, or null after the last. @return array<string, string|null>|null */
    public function fetch(): ?array
    {
        $names = $this->names ?? $this->columnNames();
        $row = $this->nextRow($this->byName);
        return $row === null || $this->rows->byName ? $row : array_combine($names, $row);
    }

    /** The next row as a list, or null after the last. @return list<string|null>|null */
    public function fetchNumeric(): ?array
    {
        $row = $this->nextRow(false);
        return $row === null || !$this->rows->byName ? $row : array_values($row);
    }

    /** The remaining rows. @return list<array<string, string|null>> */
    public function fetchAll(): array
    {
        $all = [];
        foreach ($this as $row) {
            $all[] = $row;
        }
        return $all;
    }

    public function getIterator(): \Generator
    {
        $names = $this->columnNames();
        // Batches filled here come keyed by name (unless names repeat): the rows go out as read.
        // A batch a fetchNumeric() call filled comes as lists and gets its keys here.
        while (($rows = $this->rows) !== null && ($row = $rows->take($this->byName)) !== null) {
            yield $rows->byName ? $row : array_combine($names, $row);
        }
        $this->checkNotSuperseded();
        $this->free();
    }

    /**
     * Moves to the next result set of SQL with several statements: true when there is one (read
     * its rows as usual), false after the last. Rows of the current set not read are dropped.
     */
    public function nextResult(): bool
    {
        $this->checkNotSuperseded();
        if ($this->freed) {
            return false;
        }
        $more = Raw::nextResult($this->link, $this->result);
        $this->columns = $more ? Raw::columns($this->result) : 0;
        $this->names = null;
        $this->byName = false;
        $this->rows = $this->columns > 0 ? new Rows($this->link, $this->result) : null;
        return $more;
    }

    public function free(): void
    {
        if (!$this->freed) {
            $this->freed = true;
            $this->rows = null;
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
        $this->rows = null;
        $this->statement = null;
    }

    /**
     * The next row in the form of its batch ($this->rows->byName says which), or null after the
     * last; a batch read here is keyed by name when $byName.
     *
     * @return array<string|int, string|null>|null
     */
    private function nextRow(bool $byName): ?array
    {
        $row = $this->rows?->take($byName);
        if ($row === null) {
            $this->checkNotSuperseded();
        }
        return $row;
    }

    private function checkNotSuperseded(): void
    {
        if ($this->superseded) {
            throw new Exception('this result ended when its prepared statement was executed again', 'HY010', 0, Status::WRONG_STATE);
        }
    }
}
