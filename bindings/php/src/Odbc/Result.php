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
    /** @var list<int> @internal the SQL type of each parameter (SQLDescribeParam), as ext/odbc keeps it */
    public array $paramTypes = [];
    /** @internal */ public int $columns = 0;
    /** @var list<string>|null @internal column names, read when first needed */
    public ?array $names = null;
    /**
     * @internal no two columns share a name (known once the names are read): odbc_fetch_array
     * and odbc_fetch_object then read batches keyed by name and hand their rows out as they are
     */
    public bool $byName = false;
    /** @var array<string, string>|null @internal driver's column name => the name shown instead (see rename()) */
    public ?array $renames = null;
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
    /** @internal fetched() of the row whose long values odbc_result hands out in $pieces */
    public int $piecesRow = -1;
    /** @var array<int, int> @internal column index => bytes of its value odbc_result handed out (-1: all) */
    public array $pieces = [];
    /** @var array<int, int>|null @internal index => SQL type of the columns odbc_binmode/odbc_longreadlen act on */
    public ?array $shapedColumns = null;

    /** @internal */
    public function __construct(public readonly Link $link)
    {
    }

    /**
     * var_dump() and print_r() show no properties, as of ext/odbc 8.4's objects (8.2 shows a
     * resource): the internals are no one's business, and a link's connection string may hold
     * a password
     */
    public function __debugInfo(): array
    {
        return [];
    }

    /**
     * @internal reads the result set of a fresh execution (or the next result set) from the start;
     * $columns and $longColumns when the execution told them (Raw::execDescribed()), else asked
     */
    public function attach(int $handle, ?int $columns = null, ?int $longColumns = null): void
    {
        if ($this->handle !== 0 && $this->handle !== $handle && $this->stmt === 0) {
            Raw::free($this->handle);
        }
        $this->handle = $handle;
        $this->columns = $columns ?? Raw::columns($handle);
        // values as ext/odbc shows them: the driver's text (SQL_C_CHAR), doubles too
        $this->rows = $this->columns > 0 ? new Rows($this->link->handle, $handle, Rows::DRIVER_TEXT) : null;
        $this->names = null;
        $this->byName = false;
        $this->nameIndex = null;
        // no long or binary column: none to shape, without asking each column's type
        $this->shapedColumns = $longColumns === 0 ? [] : null;
        $this->piecesRow = -1;
        $this->pieces = [];
        $this->freed = false;
    }

    /** @internal @return list<string> */
    public function names(): array
    {
        if ($this->names === null) {
            $names = Raw::columnNames($this->link->handle, $this->handle, $this->columns);
            if ($this->renames === null) {
                $this->byName = Rows::namesAreKeys($names);
            } else {
                foreach ($names as $i => $name) {
                    $names[$i] = $this->renames[$name] ?? $name;
                }
                $this->byName = false;   // the library keys rows by the driver's names: lists get these
            }
            $this->names = $names;
        }
        return $this->names;
    }

    /**
     * @internal shows columns under other names (driver's name => name), for every result set of
     * this result; the rows then come as lists and are keyed by these names here
     * @param array<string, string> $renames
     */
    public function rename(array $renames): void
    {
        $this->renames = $renames;
        $this->names = null;
        $this->nameIndex = null;
    }

    /** @internal whether rows can be read keyed by name (see $byName) */
    public function canFetchByName(): bool
    {
        $this->names();
        return $this->byName;
    }

    /**
     * @internal the current row as a list of the library's values, whichever form its batch has
     * @return list<string|null>|null
     */
    public function current(): ?array
    {
        return $this->rows?->current();
    }

    /**
     * @internal the current row keyed by column name (a later column of the same name wins, as
     * ext/odbc), whichever form its batch has; null when there is none
     * @return array<string|int, string|null>|null
     */
    public function currentByName(): ?array
    {
        $rows = $this->rows;
        return $rows === null || $rows->next === 0 ? null : $rows->currentByName($rows->byName ? [] : $this->names());
    }

    /** @internal rows handed to the script or skipped (ext/odbc's result->fetched) */
    public function fetched(): int
    {
        return $this->rows?->fetched() ?? 0;
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
            if ($this->shapedColumns !== [] && !$this->link->longColumns()) {
                $this->shapedColumns = [];   // see Link::longColumns(); asked only when it matters
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
