<?php
// The C API's status codes (enum pconn_status), generated from pconn_ffi.h by tools/gen-status:
// do not edit.
declare(strict_types=1);

namespace Pconn;

/** @internal */
final class Status
{
    public const OK = 0;
    public const ERROR = 1;
    public const INVALID_HANDLE = 2;
    public const NULL_ARGUMENT = 3;
    public const INVALID_UTF8 = 4;
    public const LIMIT = 5;
    public const PANIC = 6;
    public const INVALID_ARGUMENT = 7;
    public const WRONG_STATE = 8;
    public const TOO_LONG = 9;
    public const BROKEN_LINK = 10;
    public const NO_DATA = 100;
}
