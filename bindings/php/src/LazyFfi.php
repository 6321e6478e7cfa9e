<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * The library as ffi.enable=true loads it: FFI::cdef runs in every request there (an FFI object
 * cannot outlive its request without preloading), and its cost grows with the declarations it
 * parses. So a request parses only what it calls (see FfiCore): the hot functions first, the warm
 * ones on its first call of one, the whole header on its first call of any other function. Calls
 * go to the one that declares them; their C data is interchangeable (plain C types).
 *
 * @internal
 */
final class LazyFfi
{
    private ?FFI $warm = null;
    private ?FFI $whole = null;

    public function __construct(private readonly FFI $core, private readonly string $lib)
    {
    }

    /** Calls C function $name (or FFI's own new/cast/type, on the hot declarations). */
    public function __call(string $name, array $args): mixed
    {
        if (isset(FfiCore::FUNCTIONS[$name]) || !str_starts_with($name, 'pconn_')) {
            return $this->core->$name(...$args);
        }
        if (isset(FfiCore::WARM_FUNCTIONS[$name])) {
            $this->warm ??= FFI::cdef(FfiCore::WARM_DECLARATIONS, $this->lib);
            return $this->warm->$name(...$args);
        }
        $this->whole ??= FFI::cdef((string) file_get_contents(Library::headerPath()), $this->lib);
        return $this->whole->$name(...$args);
    }
}
