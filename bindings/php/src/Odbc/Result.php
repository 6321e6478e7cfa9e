<?php
declare(strict_types=1);

namespace Pconn\Odbc;

use Pconn\Metadata;
use Pconn\Raw;
use Pconn\Rows;

/**
 * A result (or a prepared statement) of the drop-in, as ext/odbc's Odbc\Result. The odbc_*
 * functions read and write these properties directly: the row functions run once per row, and
 * a method call each would cost more than the rest of their work.
 */
final class Result
{
    /** @internal the C result; 0 for a prepared statement not executed yet */
    public int $handle = 0;
    /** @internal the C prepared statement (odbc_prepare), else 0 */
    public int $stmt = 0;
    /** @internal the prepared statement's number of `?` parameters */
    public int $paramCount = 0;
    /** @internal */ public int $columns = 0;
    /** @var list<string>|null @internal column names, read when first needed */
    public ?array $names = null;
    /**
     * @var list<string>|null @internal the names once read, while rows go out as read: the row
     * functions' short path needs both and tests this one property
     */
    public ?array $keys = null;
    /** @var array<string, int>|null @internal lower-case column name => first index (odbc_result by name) */
    public ?array $nameIndex = null;
    /** @internal the rows read ahead (the current row is the last handed out); null when there is no result set */
    public ?Rows $rows = null;
    /** @internal */ public bool $freed = false;
    /** @internal odbc_longreadlen: 0 = whole values */
    public int $longReadLen = 0;
    /** @internal odbc_binmode: ODBC_BINMODE_RETURN by default, as ext/odbc's odbc.defaultbinmode */
    public int $binMode = 1;
    /** @internal rows go out as read (no odbc_longreadlen/odbc_binmode setting changes them) */
    public bool $asRead = true;
    /** @var array<int, int>|null @internal index => SQL type of the columns odbc_binmode/odbc_longreadlen act on */
    public ?array $shapedColumns = null;

    /** @internal */
    public function __construct(public readonly Link $link)
    {
    }

    /** @internal reads the result set of a fresh execution (or the next result set) from the start */
    public function attach(int $handle): void
    {
        if ($this->handle !== 0 && $this->handle !== $handle && $this->stmt === 0) {
            Raw::free($this->handle);
        }
        $this->handle = $handle;
        $this->columns = Raw::columns($handle);
        $this->rows = $this->columns > 0 ? new Rows($this->link->handle, $handle, $this->columns) : null;
        $this->names = null;
        $this->keys = null;
        $this->nameIndex = null;
        $this->shapedColumns = null;
        $this->freed = false;
    }

    /** @internal @return list<string> */
    public function names(): array
    {
        if ($this->names === null) {
            $this->useNames(Raw::columnNames($this->link->handle, $this->handle, $this->columns));
        }
        return $this->names;
    }

    /** @internal @param list<string> $names */
    public function useNames(array $names): void
    {
        $this->names = $names;
        $this->nameIndex = null;
        $this->keys = $this->asRead ? $names : null;
    }

    /** @internal @return list<string|null>|null the current row as the library gave it */
    public function current(): ?array
    {
        $rows = $this->rows;
        return $rows !== null && $rows->next > 0 ? $rows->batch[$rows->next - 1] : null;
    }

    /** @internal rows handed to the script or skipped (ext/odbc's result->fetched) */
    public function fetched(): int
    {
        return $this->rows === null ? 0 : $this->rows->before + $this->rows->next;
    }

    /** @internal the 0-based index of column $name (case-insensitive, the first of equal names, as ext/odbc), or null */
    public function indexOf(string $name): ?int
    {
        if ($this->nameIndex === null) {
            $this->nameIndex = [];
            foreach ($this->names() as $i => $n) {
                $this->nameIndex[strtolower($n)] ??= $i;
            }
        }
        return $this->nameIndex[strtolower($name)] ?? null;
    }

    /** @internal called when odbc_binmode/odbc_longreadlen change */
    public function settingsChanged(): void
    {
        $this->asRead = $this->longReadLen <= 0 && $this->binMode === 1;
        $this->keys = $this->asRead ? $this->names : null;
    }

    /**
     * @internal the columns odbc_binmode (binary ones) and odbc_longreadlen (long and binary
     * ones, as ext/odbc) act on
     * @return array<int, int>
     */
    public function shapedColumns(): array
    {
        if ($this->shapedColumns === null) {
            $this->shapedColumns = [];
            foreach (Metadata::types($this->link->handle, $this->handle, $this->columns) as $i => $type) {
                if (isset(Metadata::BINARY_TYPES[$type]) || isset(Metadata::LONG_TYPES[$type])) {
                    $this->shapedColumns[$i] = $type;
                }
            }
        }
        return $this->shapedColumns;
    }

    public function __destruct()
    {
        if ($this->freed || $this->link->closed) {
            return;   // freed, or gone with its link or request
        }
        if ($this->stmt !== 0) {
            Raw::freeStatement($this->stmt);
        } elseif ($this->handle !== 0) {
            Raw::free($this->handle);
        }
    }
}
