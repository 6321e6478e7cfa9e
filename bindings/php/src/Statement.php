<?php
declare(strict_types=1);

namespace Pconn;

/**
 * A prepared statement with positional `?` parameters (pconn_prepare), executed as often as
 * needed with new values. Values are bound by their PHP type: null as SQL NULL, int and bool as
 * integers, float as a double, strings as text (binary when not UTF-8 text). Executing again
 * ends the previous execution's result.
 */
final class Statement
{
    private int $stmt;
    private int $paramCount;
    /** The result of the last execution, told when the next execution ends it. */
    private ?\WeakReference $lastResult = null;

    public function __construct(private int $link, string $sql)
    {
        $this->stmt = Raw::prepare($link, $sql);
        try {
            $this->paramCount = Raw::paramCount($link, $this->stmt);
        } catch (Exception $e) {
            Raw::freeStatement($this->stmt);
            throw $e;
        }
    }

    public function __destruct()
    {
        Raw::freeStatement($this->stmt);
    }

    public function paramCount(): int
    {
        return $this->paramCount;
    }

    /** @param list<mixed> $params one value per `?`, in order */
    public function execute(array $params = []): Result
    {
        if (count($params) !== $this->paramCount) {
            throw new Exception(sprintf('the statement has %d parameter(s), %d given', $this->paramCount, count($params)),
                '07002', 0, Status::INVALID_ARGUMENT);
        }
        $index = 0;
        foreach ($params as $value) {
            Raw::bind($this->link, $this->stmt, ++$index, $value);
        }
        $this->lastResult?->get()?->supersede();
        $result = new Result($this->link, Raw::execute($this->link, $this->stmt), $this);
        $this->lastResult = \WeakReference::create($result);
        return $result;
    }

    /** The C handle. */
    public function handle(): int
    {
        return $this->stmt;
    }
}
