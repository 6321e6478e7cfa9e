<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * The library as ffi.enable=true loads it: FFI::cdef runs in every request there (an FFI object
 * cannot outlive its request without preloading), and its cost grows with the declarations it
 * parses. So a request parses only FfiCore's (the common path's functions, every type) and the
 * whole header on its first call of another function. Calls go to the one that declares them;
 * their C data is interchangeable, since both declare the same types.
 *
 * @internal
 */
final class LazyFfi
{
    private ?FFI $whole = null;

    public function __construct(private readonly FFI $core, private readonly string $lib)
    {
    }

    /** Calls C function $name (or FFI's own new/cast/type, on the core declarations). */
    public function __call(string $name, array $args): mixed
    {
        if (isset(FfiCore::FUNCTIONS[$name]) || !str_starts_with($name, 'pconn_')) {
            return $this->core->$name(...$args);
        }
        $this->whole ??= FFI::cdef((string) file_get_contents(Library::headerPath()), $this->lib);
        return $this->whole->$name(...$args);
    }
}
