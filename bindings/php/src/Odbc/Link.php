<?php
declare(strict_types=1);

namespace Pconn\Odbc;

/** A link returned by the drop-in odbc_connect/odbc_pconnect (ext/odbc 8.4 calls it Odbc\Connection). */
final class Link
{
    public string $errorState = '';
    public string $errorMessage = '';
    public bool $closed = false;

    /**
     * @internal
     * @param bool|null $sqlite the driver is SQLite's; null: asked when first needed (see
     *                          sqlite()), which most requests never need
     */
    public function __construct(
        public readonly int $handle,
        public readonly bool $persistent,
        public readonly string $dsn,
        private ?bool $sqlite = null,
    ) {
    }

    /**
     * @internal the driver shows ext/odbc long and binary columns, which ext/odbc reads in pieces
     * (odbc_longreadlen, odbc_binmode). SQLite's driver, in the ODBC 2 mode ext/odbc runs in,
     * shows every column as text: ext/odbc then returns whole values, on every odbc_result call.
     */
    public function longColumns(): bool
    {
        return !$this->sqlite();
    }

    /**
     * @internal the driver names the columns of SQLForeignKeys, SQLProcedures and
     * SQLProcedureColumns the ODBC 2 way in ext/odbc's ODBC 2 mode (PKTABLE_QUALIFIER,
     * PROCEDURE_OWNER: SQLite's driver); psqlODBC keeps the ODBC 3 names there
     */
    public function odbc2CatalogNames(): bool
    {
        return $this->sqlite();
    }

    /** The driver is SQLite's: asks the library what DBMS the link is on, once per link and request. */
    private function sqlite(): bool
    {
        return $this->sqlite ??= stripos(_dbmsName($this->handle), 'sqlite') !== false;
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
}
