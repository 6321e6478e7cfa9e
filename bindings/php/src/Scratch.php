<?php
declare(strict_types=1);

namespace Pconn;

use FFI;
use FFI\CData;

/**
 * The output parameters of C API calls, one cell of each C type, made once per loaded library
 * and reused by every call: a call writes its out-parameter through a *Ptr, the caller reads the
 * cell right after (nothing keeps a value across calls). Making the pointers here, once, saves
 * an FFI::addr per call.
 *
 * $link, $result and $stmt are one cell (all three are uint64_t): the cells are made in every
 * request, each for an FFI::new and an FFI::addr, and no call writes two handles. A call that
 * does (say, one returning a statement and its result) needs a cell of its own for the second.
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
    public readonly CData $linkPtr;
    public readonly CData $resultPtr;
    public readonly CData $stmtPtr;
    public readonly CData $textPtr;
    public readonly CData $lenPtr;
    public readonly CData $intPtr;
    public readonly CData $u16Ptr;
    public readonly CData $u32Ptr;
    public readonly CData $i64Ptr;

    public function __construct(FFI|LazyFfi $ffi)
    {
        // one cell for the three handle types (see above)
        $this->linkPtr = $this->resultPtr = $this->stmtPtr = FFI::addr($this->link = $this->result = $this->stmt = $ffi->new('uint64_t'));
        $this->textPtr = FFI::addr($this->text = $ffi->new('const char *'));
        $this->lenPtr = FFI::addr($this->len = $ffi->new('size_t'));
        $this->intPtr = FFI::addr($this->int = $ffi->new('int'));
        $this->u16Ptr = FFI::addr($this->u16 = $ffi->new('uint16_t'));
        $this->u32Ptr = FFI::addr($this->u32 = $ffi->new('uint32_t'));
        $this->i64Ptr = FFI::addr($this->i64 = $ffi->new('int64_t'));
    }

    /** The text the last call left in $text (a C string the library owns until its next call). */
    public function string(): string
    {
        return FFI::string($this->text);
    }
}
