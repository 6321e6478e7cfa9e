<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * The rows of one result set, read from the library in batches: one pconn_fetch_php_serialized
 * call and one unserialize() bring many rows as PHP arrays (lists of strings and nulls), where
 * reading value by value would cost an FFI call per value. Callers hand out $batch[$next++]
 * while $next < $end and call fill() when the batch is used up.
 *
 * Batch sizes: a batch ends where the library's block-cursor fetch ends (its fetch_batch option,
 * 1000 rows), so with drivers the library reads in blocks (psqlODBC) reading ahead never makes it
 * fetch a block early, and a row that fails fails with the same rows before it as row-by-row
 * reading. A row that fails ends its batch: the rows before it arrive, and the library reports
 * the error on the next call.
 * Results with long or binary columns (text, bytea, BLOBs) start with one row, and every batch
 * is sized from the bytes per row of the one before, so large values do not pile up in memory
 * by the thousand (the C call has no byte limit: a batch of small rows followed by large ones
 * still reads up to the end of the library's block).
 *
 * The row handed out last is $batch[$next - 1] ($next is 0 after the last row, or a failure).
 *
 * @internal
 */
final class Rows
{
    /** Bytes of serialized rows one batch aims at. */
    private const BATCH_BYTES = 1 << 20;
    /**
     * The first batch of a result with long or binary columns: one row, as ext/odbc reads, since
     * such rows may be megabytes each; later batches follow the size of the rows read.
     */
    private const FIRST_BATCH_WITH_LARGE_VALUES = 1;

    /** @var list<list<string|null>> the rows read ahead */
    public array $batch = [];
    /** Index in $batch of the next row to hand out. */
    public int $next = 0;
    /** count($batch). */
    public int $end = 0;
    /** Rows of the batches before this one: $before + $next rows were handed out (or skipped). */
    public int $before = 0;

    /** Rows the library has handed over for this result set (batches align with its blocks). */
    private int $delivered = 0;
    /** The library said there are no more rows. */
    private bool $exhausted = false;
    /** Upper bound for the next batch, from the size of the rows so far. */
    private int $wanted = 0;

    public function __construct(private int $link, private int $result, private int $columns)
    {
    }

    /**
     * Reads the next batch into $batch: true when it has rows, false after the last.
     *
     * @throws Exception the library's error (a failing row's error comes on the call after the
     *                   batch with the rows before it)
     */
    public function fill(): bool
    {
        $this->before += $this->end;
        $this->batch = [];
        $this->next = 0;
        $this->end = 0;
        if ($this->exhausted) {
            return false;
        }
        $ffi = Library::ffi();
        if ($this->wanted === 0) {
            $this->wanted = $this->mayHoldLargeValues() ? self::FIRST_BATCH_WITH_LARGE_VALUES : PHP_INT_MAX;
        }
        $block = Library::fetchBatch();
        $max = min($this->wanted, $block - $this->delivered % $block);
        $rc = $ffi->pconn_fetch_php_serialized($this->result, $max, 0, 0, Library::$textPtr, Library::$lenPtr, Library::$u32Ptr);
        if ($rc === 100) {
            $this->exhausted = true;
            return false;
        }
        if ($rc !== 0) {
            throw Exception::fromLink($this->link, $rc);
        }
        $count = Library::$u32->cdata;
        $bytes = Library::$len->cdata;
        $batch = unserialize(FFI::string(Library::$text, $bytes), ['allowed_classes' => false]);
        if (!is_array($batch) || count($batch) !== $count) {
            throw new Exception('pconn: a batch of rows could not be decoded', 'HY000', 0, 1);
        }
        $this->batch = $batch;
        $this->end = $count;
        $this->delivered += $count;
        // Fewer rows than asked for does not mean the end: the library also ends a batch before
        // a failing row (reporting its error on the next call), so only PCONN_NO_DATA ends it.
        $this->wanted = max(1, intdiv(self::BATCH_BYTES, max(1, intdiv($bytes, max(1, $count)))));
        return $count > 0;
    }

    /** Whether a column is long or binary (SQLite's BLOBs say 255 bytes and hold any size). */
    private function mayHoldLargeValues(): bool
    {
        foreach (Metadata::types($this->link, $this->result, $this->columns) as $type) {
            if (isset(Metadata::LONG_TYPES[$type]) || isset(Metadata::BINARY_TYPES[$type])) {
                return true;
            }
        }
        return false;
    }
}
