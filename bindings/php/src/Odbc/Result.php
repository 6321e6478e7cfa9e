<?php
declare(strict_types=1);

namespace Pconn\Odbc;

use Pconn\Raw;

/** A result (or a prepared statement) of the drop-in, as ext/odbc's Odbc\Result. */
final class Result
{
    /** @internal */ public int $handle = 0;
    /** @internal */ public int $columns = 0;
    /** @var list<string>|null @internal */ public ?array $names = null;
    /** @var list<string|null>|null @internal the current row */ public ?array $row = null;
    /** @internal */ public int $fetched = 0;
    /** @internal */ public bool $freed = false;
    /** @internal */ public int $longReadLen = 0;
    /** @internal */ public int $binMode = 1;
    /** @internal */ public bool $done = false;

    /** @internal */
    public function __construct(public readonly Link $link, public readonly ?string $preparedSql = null)
    {
    }

    /** @internal */
    public function attach(int $handle, ?array $names = null): void
    {
        if ($this->handle !== 0) {
            Raw::free($this->handle);
        }
        $this->handle = $handle;
        $this->columns = Raw::columns($handle);
        $this->names = $names;
        $this->row = null;
        $this->fetched = 0;
        $this->done = false;
        $this->freed = false;
    }

    /** @internal @return list<string> */
    public function names(): array
    {
        return $this->names ??= Raw::columnNames($this->handle, $this->columns);
    }

    public function __destruct()
    {
        if (!$this->freed && $this->handle !== 0 && !$this->link->closed) {
            Raw::free($this->handle);
        }
    }
}
