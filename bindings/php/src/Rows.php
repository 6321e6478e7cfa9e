<?php
declare(strict_types=1);

namespace Pconn;

use FFI;

/**
 * The rows of one result set, read from the library in batches: one pconn_fetch_php_serialized
 * call and one unserialize() bring many rows as PHP arrays, where reading value by value would
 * cost an FFI call per value. Callers hand out $batch[$next++] while $next < $end and call fill()
 * when the batch is used up.
 *
 * A batch comes in one of two forms, chosen by whoever fills it: rows keyed by column name
 * (PCONN_PHP_ROWS_BY_NAME: what odbc_fetch_array and the object API's iteration return, handed
 * out as they are) or lists keyed 0..n-1 (odbc_fetch_into, odbc_result). A reader wanting the
 * other form converts the row ($byName says which form the batch has); asking by name is only
 * right when the column names are unique, since a later column of the same name replaces an
 * earlier one and a list could not be rebuilt from the row.
 *
 * Batch sizes: a batch ends where the library's block-cursor fetch ends (its fetch_batch option,
 * 1000 rows), so with drivers the library reads in blocks (psqlODBC) reading ahead never makes it
 * fetch a block early, and a row that fails fails with the same rows before it as row-by-row
 * reading. It also ends once its text reaches BATCH_BYTES (the library's max_bytes), so rows of
 * long or binary values (text, bytea, BLOBs: megabytes each) never pile up by the thousand, even
 * when they follow many small ones. A row that fails ends its batch: the rows before it arrive,
 * and the library reports the error on the next call.
 *
 * This is the one cursor of both APIs: take() hands out the next row, advance() and skip() move
 * without handing one out, current() is the row handed out last ($batch[$next - 1]; none after
 * the last row or a failure, where $next is 0). The row functions of the drop-in read $batch,
 * $next and $end directly on their common path (the next row is read already).
 *
 * @internal
 */
final class Rows
{
    /** pconn_php_rows: rows keyed by column name instead of 0..n-1. */
    public const BY_NAME = 1;
    /**
     * pconn_php_rows: every non-binary value as the driver's text (SQL_C_CHAR), doubles too, as
     * ext/odbc shows them ("1.0", "1e+20", "Infinity"); the object API keeps exact doubles.
     */
    public const DRIVER_TEXT = 2;
    /** Bytes of serialized rows after which a batch ends (one row more at most). */
    private const BATCH_BYTES = 1 << 20;

    /** @var list<array<string|int, string|null>> the rows read ahead */
    public array $batch = [];
    /** Index in $batch of the next row to hand out. */
    public int $next = 0;
    /** count($batch). */
    public int $end = 0;
    /** Rows of the batches before this one: $before + $next rows were handed out (or skipped). */
    public int $before = 0;
    /** The rows of $batch are keyed by column name (else they are lists). */
    public bool $byName = false;

    /** Rows the library has handed over for this result set (batches align with its blocks). */
    private int $delivered = 0;
    /** The library said there are no more rows. */
    private bool $exhausted = false;

    /** @param int $flags pconn_php_rows bits besides BY_NAME, the same for every batch (DRIVER_TEXT) */
    public function __construct(private int $link, private int $result, private int $flags = 0)
    {
    }

    /**
     * Reads the next batch into $batch, keyed by column name when $byName: true when it has rows,
     * false after the last.
     *
     * @throws Exception the library's error (a failing row's error comes on the call after the
     *                   batch with the rows before it)
     */
    public function fill(bool $byName = false): bool
    {
        $this->before += $this->end;
        $this->batch = [];
        $this->next = 0;
        $this->end = 0;
        if ($this->exhausted) {
            return false;
        }
        $block = Library::fetchBatch();
        $out = Library::$out;
        $rc = Library::ffi()->pconn_fetch_php_serialized($this->result, $block - $this->delivered % $block, self::BATCH_BYTES,
            ($byName ? self::BY_NAME : 0) | $this->flags, $out->text, $out->len, $out->u32);
        if ($rc === Status::NO_DATA) {
            $this->exhausted = true;
            return false;
        }
        if ($rc !== Status::OK) {
            throw Exception::fromLink($this->link, $rc);
        }
        $count = $out->u32[0];
        $batch = unserialize(FFI::string($out->text[0], $out->len[0]), ['allowed_classes' => false]);
        if (!is_array($batch) || count($batch) !== $count) {
            throw new Exception('pconn: a batch of rows could not be decoded', 'HY000', 0, Status::ERROR);
        }
        $this->batch = $batch;
        $this->end = $count;
        $this->byName = $byName;
        $this->delivered += $count;
        // Fewer rows than asked for does not mean the end: the library also ends a batch at
        // max_bytes and before a failing row (reporting its error on the next call), so only
        // PCONN_NO_DATA ends it.
        return $count > 0;
    }

    /**
     * The next row, reading the next batch (keyed by name when $byName) when this one is used
     * up; null after the last. The row has its batch's form ($this->byName).
     *
     * @return array<string|int, string|null>|null
     * @throws Exception see fill()
     */
    public function take(bool $byName): ?array
    {
        if ($this->next >= $this->end && !$this->fill($byName)) {
            return null;
        }
        return $this->batch[$this->next++];
    }

    /** Moves to the next row without handing it out (see take()): false after the last. */
    public function advance(bool $byName): bool
    {
        if ($this->next >= $this->end && !$this->fill($byName)) {
            return false;
        }
        $this->next++;
        return true;
    }

    /**
     * Moves past $count rows without handing them out (reading batches keyed by name when
     * $byName): false when the rows ended first.
     */
    public function skip(int $count, bool $byName): bool
    {
        while ($count > 0) {
            if ($this->next >= $this->end && !$this->fill($byName)) {
                return false;
            }
            $step = min($this->end - $this->next, $count);
            $this->next += $step;
            $count -= $step;
        }
        return true;
    }

    /** Rows handed out or skipped so far (ext/odbc's result->fetched). */
    public function fetched(): int
    {
        return $this->before + $this->next;
    }

    /**
     * The row handed out last as a list, whichever form its batch has; null when there is none.
     *
     * @return list<string|null>|null
     */
    public function current(): ?array
    {
        if ($this->next === 0) {
            return null;
        }
        $row = $this->batch[$this->next - 1];
        return $this->byName ? array_values($row) : $row;
    }

    /**
     * The row handed out last keyed by $names (a later column of the same name wins), whichever
     * form its batch has; null when there is none.
     *
     * @param list<string> $names
     * @return array<string|int, string|null>|null
     */
    public function currentByName(array $names): ?array
    {
        if ($this->next === 0) {
            return null;
        }
        $row = $this->batch[$this->next - 1];
        return $this->byName ? $row : array_combine($names, $row);
    }

    /** Whether rows may be asked for by name: no two of $names are equal (as PHP array keys). */
    public static function namesAreKeys(array $names): bool
    {
        return count(array_flip($names)) === count($names);
    }
}
