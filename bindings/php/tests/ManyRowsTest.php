<?php
declare(strict_types=1);

use Pconn\Connection;
use Pconn\Tests\DropInTestCase;

use function Pconn\Odbc\odbc_connect;
use function Pconn\Odbc\odbc_exec;
use function Pconn\Odbc\odbc_fetch_array;
use function Pconn\Odbc\odbc_fetch_into;
use function Pconn\Odbc\odbc_fetch_object;
use function Pconn\Odbc\odbc_fetch_row;
use function Pconn\Odbc\odbc_num_rows;
use function Pconn\Odbc\odbc_result;

/**
 * A result larger than the batches rows are read in (1000 rows and less), with the values that
 * break naive decoding: NULL, empty strings, non-ASCII text, binary bytes (NUL, 0xFF, quotes and
 * semicolons of the serialized format), and 1 MiB values.
 */
final class ManyRowsTest extends DropInTestCase
{
    private const ROWS = 2503;
    private const LARGE_TEXT_ROW = 1234;
    private const LARGE_BINARY_ROW = 2001;

    /** @return array{id: string, t: ?string, b: ?string, v: string} row $id as the database returns it */
    private static function row(int $id): array
    {
        $t = match (true) {
            $id === self::LARGE_TEXT_ROW => str_repeat("0123456789abcdé\n", 65536),
            $id % 7 === 0 => null,
            $id % 5 === 0 => '',
            $id % 3 === 0 => "Grüße ✓ 𝄞 \"quoted\"; i:$id;",
            default => "row $id",
        };
        $b = match (true) {
            $id === self::LARGE_BINARY_ROW => str_repeat("\0\x01\xfe\xff", 262144),
            $id % 11 === 0 => null,
            default => pack('N', $id) . "\0\xff\";}" . chr($id % 256),
        };
        return ['id' => (string) $id, 't' => $t, 'b' => $b, 'v' => $id % 4 === 0 ? '' : "v$id"];
    }

    private static function create(Connection $db, string $backend): void
    {
        $db->execute('DROP TABLE IF EXISTS php_many');
        $db->execute('CREATE TABLE php_many (id integer PRIMARY KEY, t text, b ' . ($backend === 'postgresql' ? 'bytea' : 'blob')
            . ', v varchar(20))');
        $insert = $db->prepare('INSERT INTO php_many (id, t, b, v) VALUES (?, ?, ?, ?)');
        $db->transaction(function () use ($insert): void {
            for ($id = 1; $id <= self::ROWS; $id++) {
                $row = self::row($id);
                $insert->execute([$id, $row['t'], $row['b'], $row['v']]);
            }
        });
    }

    /** @dataProvider backends */
    public function testEveryRowAndValueArrivesThroughTheDropIn(string $dsn, ?string $user, ?string $password, string $backend): void
    {
        self::create(Connection::connect($dsn, $user, $password), $backend);
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        $r = odbc_exec($c, 'SELECT id, t, b, v FROM php_many ORDER BY id');
        $numRows = odbc_num_rows($r);
        // The row functions take turns on one result: they share what was read ahead. The
        // function that needs the next batch chooses its form (by name for odbc_fetch_array and
        // odbc_fetch_object, lists for the others); shifting the turns by one every 1000 rows
        // makes each kind of function start a batch (at rows 1, 1001, 2001 and after the 1 MiB
        // values, where batches end early).
        for ($id = 1; $id <= self::ROWS; $id++) {
            $expected = self::row($id);
            switch (($id + intdiv($id, 1000)) % 4) {
                case 0:
                    $this->assertSame($expected, odbc_fetch_array($r), "row $id");
                    break;
                case 1:
                    $this->assertSame(4, odbc_fetch_into($r, $into));
                    $this->assertSame(array_values($expected), $into, "row $id");
                    break;
                case 2:
                    $this->assertEquals((object) $expected, odbc_fetch_object($r), "row $id");
                    break;
                case 3:
                    $this->assertTrue(odbc_fetch_row($r));
                    $this->assertSame($expected['id'], odbc_result($r, 1), "row $id");
                    $this->assertSame($expected['t'], odbc_result($r, 't'), "row $id");
                    $this->assertSame($expected['b'], odbc_result($r, 'B'), "row $id");
                    $this->assertSame($expected['v'], odbc_result($r, 4), "row $id");
                    break;
            }
        }
        $this->assertFalse(odbc_fetch_array($r));
        $this->assertFalse(odbc_fetch_row($r));
        $this->assertSame($numRows, odbc_num_rows($r), 'reading ahead does not change the row count');
        $this->assertSame([], $this->warnings);
    }

    /** @dataProvider backends */
    public function testFetchRowWithARowNumberSkipsAcrossBatches(string $dsn, ?string $user, ?string $password, string $backend): void
    {
        self::create(Connection::connect($dsn, $user, $password), $backend);
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        $r = odbc_exec($c, 'SELECT id, t, b, v FROM php_many ORDER BY id');
        $this->assertTrue(odbc_fetch_row($r, 999));
        $this->assertSame('999', odbc_result($r, 'id'));
        $this->assertTrue(odbc_fetch_row($r, 2001));
        $this->assertSame(self::row(2001)['b'], odbc_result($r, 'b'));
        $this->assertSame(self::row(2002), odbc_fetch_array($r));
        $this->assertTrue(odbc_fetch_row($r, self::ROWS));
        $this->assertSame((string) self::ROWS, odbc_result($r, 1));
        $this->assertFalse(odbc_fetch_row($r, self::ROWS + 1));
        $this->assertSame([], $this->warnings);
    }

    /**
     * Rows are read ahead, but never more than about 1 MiB of values at a time: many small rows
     * followed by large ones do not bring the large ones into memory by the dozen.
     *
     * @dataProvider backends
     */
    public function testLargeRowsAfterSmallOnesAreNotAllHeldAtOnce(string $dsn, ?string $user, ?string $password): void
    {
        $db = Connection::connect($dsn, $user, $password);
        $db->execute('DROP TABLE IF EXISTS php_big');
        $db->execute('CREATE TABLE php_big (id integer PRIMARY KEY, t text)');
        $insert = $db->prepare('INSERT INTO php_big (id, t) VALUES (?, ?)');
        $large = str_repeat('0123456789abcdef', 65536);   // 1 MiB
        $db->transaction(function () use ($insert, $large): void {
            for ($id = 1; $id <= 120; $id++) {
                $insert->execute([$id, $id <= 100 ? "small $id" : $large]);
            }
        });
        unset($insert);
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        $r = odbc_exec($c, 'SELECT id, t FROM php_big ORDER BY id');
        $before = memory_get_usage();
        $peak = 0;
        $ids = 0;
        while ($row = odbc_fetch_array($r)) {
            $this->assertSame($row['id'] <= 100 ? "small {$row['id']}" : $large, $row['t']);
            $ids++;
            $peak = max($peak, memory_get_usage() - $before);
        }
        $this->assertSame(120, $ids);
        // one batch of at most 1 MiB plus one row, its serialized text and the current row: about
        // 4 MiB; reading ahead by row count alone would hold the 20 large rows (20 MiB)
        $this->assertLessThan(8 << 20, $peak);
        $this->assertSame([], $this->warnings);
        $db->execute('DROP TABLE php_big');
    }

    /** @dataProvider backends */
    public function testEveryRowAndValueArrivesThroughTheObjectApi(string $dsn, ?string $user, ?string $password, string $backend): void
    {
        $db = Connection::connect($dsn, $user, $password);
        self::create($db, $backend);
        $id = 0;
        foreach ($db->query('SELECT id, t, b, v FROM php_many WHERE id > ? ORDER BY id', [0]) as $row) {
            $id++;
            $this->assertSame(self::row($id), $row, "row $id");
        }
        $this->assertSame(self::ROWS, $id);
        $result = $db->query('SELECT id, v FROM php_many ORDER BY id');
        $this->assertSame(['1', 'v1'], $result->fetchNumeric());
        $rest = $result->fetchAll();
        $this->assertCount(self::ROWS - 1, $rest);
        $this->assertSame(['id' => (string) self::ROWS, 'v' => 'v' . self::ROWS], end($rest));
    }
}
