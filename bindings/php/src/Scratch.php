<?php
declare(strict_types=1);

namespace Pconn;

use FFI;
use FFI\CData;

/**
 * The output parameters of C API calls: the calling thread's cells, one of each C type, which
 * the library owns (pconn_php_worker returns them, see pconn_php_cells) and every call reuses.
 * A call writes its out-parameter to a cell (passed as it is: each cell is a C array of one,
 * which FFI passes where the C function wants a pointer), the caller reads it right after
 * ($out->link[0]; nothing keeps a value across calls). The binding makes no cell of its own:
 * FFI::new parses its C type, about as costly as a C call, and a request would make them all
 * again.
 *
 * $link, $result and $stmt are one cell (all three are uint64_t): no call writes two handles. A
 * call that does (say, one returning a statement and its result) needs a cell of its own for
 * the second.
 *
 * @internal
 */
final class Scratch
{
    public readonly CData $link;
    public readonly CData $result;
    public readonly CData $stmt;
    public readonly CData $text;
    public readonly CData $len;
    public readonly CData $int;
    public readonly CData $u16;
    public readonly CData $u32;
    public readonly CData $i64;

    /** @param CData $cells the pconn_php_cells * of pconn_php_worker */
    public function __construct(CData $cells)
    {
        $this->link = $this->result = $this->stmt = $cells->handle;
        $this->text = $cells->text;
        $this->len = $cells->len;
        $this->int = $cells->int_value;
        $this->u16 = $cells->u16_value;
        $this->u32 = $cells->u32_value;
        $this->i64 = $cells->i64_value;
    }

    /** The text the last call left in $text (a C string the library owns until its next call). */
    public function string(): string
    {
        return FFI::string($this->text[0]);
    }
}
