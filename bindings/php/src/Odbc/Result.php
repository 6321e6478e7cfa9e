<?php
declare(strict_types=1);

namespace Pconn\Odbc;

use Pconn\Raw;

/** A result (or a prepared statement) of the drop-in, as ext/odbc's Odbc\Result. */
final class Result
{
    /** @internal the C result; 0 for a prepared statement not executed yet */
    public int $handle = 0;
    /** @internal the C prepared statement (odbc_prepare), else 0 */
    public int $stmt = 0;
    /** @internal the prepared statement's number of `?` parameters */
    public int $paramCount = 0;
    /** @internal */ public int $columns = 0;
    /** @var list<string>|null @internal */ public ?array $names = null;
    /** @var list<string|null>|null @internal the current row */ public ?array $row = null;
    /** @internal */ public int $fetched = 0;
    /** @internal */ public bool $freed = false;
    /** @internal */ public int $longReadLen = 0;
    /** @internal */ public int $binMode = 1;
    /** @internal */ public bool $done = false;

    /** @internal */
    public function __construct(public readonly Link $link)
    {
    }

    /** @internal */
    public function attach(int $handle, ?array $names = null): void
    {
        if ($this->handle !== 0 && $this->stmt === 0) {
            // a statement's previous result ended when it was executed again
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
