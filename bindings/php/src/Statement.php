<?php
declare(strict_types=1);

namespace Pconn;

/**
 * A prepared statement with positional `?` parameters, executed as often as needed.
 *
 * With a library that has no prepared statements yet (no pconn_prepare in pconn_ffi.h), the
 * parameters are filled in as SQL literals on the PHP side (see Sql), with the same checks:
 * a wrong number of parameters is an error (SQLSTATE 07002).
 */
final class Statement
{
    private int $paramCount;

    public function __construct(private int $link, private string $sql)
    {
        $this->paramCount = count(Sql::placeholders($sql));
    }

    /** Whether the library prepares statements itself. */
    public static function native(): bool
    {
        return false; // the C API of this version has no pconn_prepare: parameters are bound in PHP
    }

    public function paramCount(): int
    {
        return $this->paramCount;
    }

    /** @param list<mixed> $params */
    public function execute(array $params = []): Result
    {
        return new Result($this->link, Raw::exec($this->link, Sql::bind($this->sql, $params)));
    }
}
