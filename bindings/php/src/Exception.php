<?php
declare(strict_types=1);

namespace Pconn;

/**
 * A failed pconn call: the message of every diagnostic record, the first record's SQLSTATE and
 * the driver's native error code, and pconn's status code (see pconn.h's pconn_status).
 */
class Exception extends \RuntimeException
{
    public function __construct(
        string $message,
        private string $sqlState = '',
        private int $nativeCode = 0,
        private int $status = Status::ERROR,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $nativeCode, $previous);
    }

    /** The five-character SQLSTATE ("" when pconn itself refused the call before the driver). */
    public function getSqlState(): string
    {
        return $this->sqlState;
    }

    /** The driver's native error code (0 if none). */
    public function getNativeCode(): int
    {
        return $this->nativeCode;
    }

    /** pconn's status code (PCONN_ERROR = 1, PCONN_INVALID_HANDLE = 2, …). */
    public function getStatus(): int
    {
        return $this->status;
    }

    /** Builds the exception from the last call on $link (0: the calling thread's last call). */
    public static function fromLink(int $link, int $status): self
    {
        $ffi = Library::ffi();
        $msg = (string) $ffi->pconn_errmsg($link);
        if ($msg === '') {
            $msg = (string) $ffi->pconn_errstr($status);
        }
        return new self($msg, (string) $ffi->pconn_sqlstate($link), (int) $ffi->pconn_native_error($link), $status);
    }
}
