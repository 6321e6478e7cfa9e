<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * Column metadata through the C API's metadata calls, used only when the loaded declarations
 * have them (older libraries do not: then names are "1", "2", … and types unknown).
 *
 * @internal
 */
final class Metadata
{
    /** @return array{name: string, type: string, size: int, precision: int, scale: int, nullable: int}|null */
    public static function column(int $result, int $column): ?array
    {
        if (!Library::has('pconn_result_column_name')) {
            return null;
        }
        $ffi = Library::ffi();
        if ($ffi->pconn_result_column_name($result, $column, Library::$textPtr) !== 0) {
            return null;
        }
        $name = FFI::string(Library::$text);
        $meta = ['name' => $name, 'type' => '', 'size' => 0, 'precision' => 0, 'scale' => 0, 'nullable' => 2];
        return $meta;
    }
}
