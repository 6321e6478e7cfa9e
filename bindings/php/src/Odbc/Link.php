<?php
declare(strict_types=1);

namespace Pconn\Odbc;

/** A link returned by the drop-in odbc_connect/odbc_pconnect (ext/odbc 8.4 calls it Odbc\Connection). */
final class Link
{
    public string $errorState = '';
    public string $errorMessage = '';
    public bool $closed = false;

    /** @internal */
    public function __construct(public readonly int $handle, public readonly bool $persistent, public readonly string $dsn)
    {
    }
}
