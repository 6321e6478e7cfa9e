<?php
declare(strict_types=1);

use Pconn\Connection;
use Pconn\Tests\Backends;
use Pconn\Tests\DropInTestCase;

use function Pconn\Odbc\odbc_autocommit;
use function Pconn\Odbc\odbc_binmode;
use function Pconn\Odbc\odbc_close;
use function Pconn\Odbc\odbc_columns;
use function Pconn\Odbc\odbc_commit;
use function Pconn\Odbc\odbc_connect;
use function Pconn\Odbc\odbc_cursor;
use function Pconn\Odbc\odbc_error;
use function Pconn\Odbc\odbc_errormsg;
use function Pconn\Odbc\odbc_exec;
use function Pconn\Odbc\odbc_execute;
use function Pconn\Odbc\odbc_fetch_array;
use function Pconn\Odbc\odbc_fetch_into;
use function Pconn\Odbc\odbc_fetch_object;
use function Pconn\Odbc\odbc_fetch_row;
use function Pconn\Odbc\odbc_field_len;
use function Pconn\Odbc\odbc_field_name;
use function Pconn\Odbc\odbc_field_num;
use function Pconn\Odbc\odbc_field_precision;
use function Pconn\Odbc\odbc_field_scale;
use function Pconn\Odbc\odbc_field_type;
use function Pconn\Odbc\odbc_free_result;
use function Pconn\Odbc\odbc_longreadlen;
use function Pconn\Odbc\odbc_next_result;
use function Pconn\Odbc\odbc_num_fields;
use function Pconn\Odbc\odbc_num_rows;
use function Pconn\Odbc\odbc_pconnect;
use function Pconn\Odbc\odbc_prepare;
use function Pconn\Odbc\odbc_primarykeys;
use function Pconn\Odbc\odbc_result;
use function Pconn\Odbc\odbc_result_all;
use function Pconn\Odbc\odbc_rollback;
use function Pconn\Odbc\odbc_setoption;
use function Pconn\Odbc\odbc_tables;

/** The ext/odbc drop-in, as Pconn\Odbc\odbc_* (the same code the global names call). */
final class OdbcTest extends DropInTestCase
{
    public function testGlobalDropInIsDefinedOnlyWithoutExtOdbc(): void
    {
        $this->assertTrue(function_exists('odbc_connect'));
        $f = new ReflectionFunction('odbc_connect');
        if (extension_loaded('odbc')) {
            $this->assertTrue($f->isInternal(), 'ext/odbc loaded: its functions stay');
        } else {
            $this->assertTrue($f->isUserDefined());
            $this->assertStringEndsWith('odbc_global.php', $f->getFileName());
            foreach (['odbc_do', 'odbc_fetch_into', 'odbc_data_source', 'odbc_setoption', 'odbc_field_scale'] as $fn) {
                $this->assertTrue(function_exists($fn), $fn);
            }
            $this->assertSame(2, SQL_FETCH_FIRST);
        }
    }

    /** @dataProvider backends */
    public function testExecFetchAndResult(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $c = odbc_pconnect($dsn, (string) $user, (string) $password);
        $this->assertInstanceOf(Pconn\Odbc\Link::class, $c);
        odbc_exec($c, 'DROP TABLE IF EXISTS php_odbc');
        $this->assertNotFalse(odbc_exec($c, 'CREATE TABLE php_odbc (id integer PRIMARY KEY, name varchar(50), v varchar(10))'));
        $r = odbc_exec($c, "INSERT INTO php_odbc VALUES (1, 'one', NULL), (2, 'two', 'b'), (3, 'three', 'c')");
        $this->assertSame(3, odbc_num_rows($r));
        $r = odbc_exec($c, 'SELECT id, name, v FROM php_odbc ORDER BY id');
        $this->assertSame(3, odbc_num_fields($r));
        // as ext/odbc: the row count of a SELECT where the driver knows it before the rows are read
        // (psqlODBC); SQLite's driver says 0 there, with ext/odbc too
        $this->assertSame($name === 'postgresql' ? 3 : 0, odbc_num_rows($r));
        $this->assertSame('1', odbc_result($r, 1), 'odbc_result fetches the first row itself');
        $this->assertTrue(odbc_fetch_row($r));
        $this->assertSame('two', odbc_result($r, 2));
        $this->assertSame(3, odbc_fetch_into($r, $into));
        $this->assertSame(['3', 'three', 'c'], $into);
        $this->assertFalse(odbc_fetch_row($r));
        $this->assertTrue(odbc_free_result($r));

        $r = odbc_exec($c, 'SELECT id, name, v FROM php_odbc ORDER BY id');
        $row = odbc_fetch_array($r);
        $this->assertSame(['id' => '1', 'name' => 'one', 'v' => null], $row);
        $obj = odbc_fetch_object($r, 3);
        $this->assertEquals((object) ['id' => '3', 'name' => 'three', 'v' => 'c'], $obj, 'row 3, skipping row 2');
        $this->assertFalse(odbc_fetch_array($r));
        $this->assertSame('name', odbc_field_name($r, 2));
        $this->assertSame(2, odbc_field_num($r, 'name'));
        $this->assertSame(2, odbc_field_num($r, 'NAME'), 'case-insensitive, as ext/odbc');
        $this->assertFalse(odbc_next_result($r));
        $this->assertSame('one', odbc_result(odbc_exec($c, 'SELECT name FROM php_odbc WHERE id = 1'), 'name'));
        $this->assertStringStartsWith('SQL_CUR', odbc_cursor($r));
        $this->assertSame([], $this->warnings);
    }

    /**
     * Rows are read ahead keyed by name for odbc_fetch_array/odbc_fetch_object and as lists for
     * the others, chosen by the function that needs the next batch: whichever function comes
     * next on the same result still gets its own form of the row.
     *
     * @dataProvider backends
     */
    public function testRowFunctionsMixOnOneResultWhicheverReadTheRowsAhead(string $dsn, ?string $user, ?string $password): void
    {
        $this->assertRowFunctionsMix('Pconn\\Odbc\\', $dsn, $user, $password);
    }

    /**
     * The same through the global odbc_* functions, which hand out rows read ahead themselves
     * (a copy of the row functions' common case, see tools/gen-global).
     *
     * @dataProvider backends
     */
    public function testGlobalRowFunctionsMixOnOneResult(string $dsn, ?string $user, ?string $password): void
    {
        if (extension_loaded('odbc')) {
            $this->markTestSkipped('the global odbc_* functions are ext/odbc\'s');
        }
        $this->assertRowFunctionsMix('', $dsn, $user, $password);
    }

    /** @param string $ns the namespace of the odbc_* functions to call ('' for the global ones) */
    private function assertRowFunctionsMix(string $ns, string $dsn, ?string $user, ?string $password): void
    {
        [$fetchArray, $fetchInto, $fetchObject, $fetchRow, $result] = array_map(fn (string $f): string => $ns . $f,
            ['odbc_fetch_array', 'odbc_fetch_into', 'odbc_fetch_object', 'odbc_fetch_row', 'odbc_result']);
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        $sql = "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y' UNION ALL SELECT 3, 'z' UNION ALL SELECT 4, 'w' ORDER BY 1";

        $r = odbc_exec($c, $sql);
        $this->assertSame(['a' => '1', 'b' => 'x'], $fetchArray($r), 'reads the rows ahead keyed by name');
        $this->assertSame('1', $result($r, 1));
        $this->assertSame('x', $result($r, 'B'));
        $this->assertSame(2, $fetchInto($r, $into));
        $this->assertSame(['2', 'y'], $into);
        $this->assertTrue($fetchRow($r));
        $this->assertSame(['3', 'z'], [$result($r, 1), $result($r, 'b')]);
        $this->assertEquals((object) ['a' => '4', 'b' => 'w'], $fetchObject($r));
        $this->assertFalse($fetchArray($r));

        $r = odbc_exec($c, $sql);
        $this->assertSame(2, $fetchInto($r, $into), 'reads the rows ahead as lists');
        $this->assertSame(['1', 'x'], $into);
        $this->assertSame(['a' => '2', 'b' => 'y'], $fetchArray($r));
        $this->assertEquals((object) ['a' => '3', 'b' => 'z'], $fetchObject($r));
        $this->assertTrue($fetchRow($r));
        $this->assertSame('w', $result($r, 2));
        $this->assertFalse($fetchInto($r, $into));

        $r = odbc_exec($c, $sql);
        $rows = [];
        while ($row = $fetchArray($r)) {
            $rows[] = $row['a'] . $row['b'];
        }
        $this->assertSame(['1x', '2y', '3z', '4w'], $rows);

        // two columns of one name: odbc_fetch_array keeps the later one (as ext/odbc), and the
        // other functions still see both
        $r = odbc_exec($c, 'SELECT 1 AS a, 2 AS a, 3 AS b UNION ALL SELECT 4, 5, 6');
        $this->assertSame(['a' => '2', 'b' => '3'], $fetchArray($r));
        $this->assertSame(3, $fetchInto($r, $into));
        $this->assertSame(['4', '5', '6'], $into);
        $this->assertSame('4', $result($r, 'a'), 'by name: the first of equal names, as ext/odbc');
        $this->assertSame([], $this->warnings);
    }

    /** @dataProvider backends */
    public function testPrepareExecute(string $dsn, ?string $user, ?string $password): void
    {
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        $s = odbc_prepare($c, 'SELECT ?, ?');
        $this->assertTrue(odbc_execute($s, ["O'Reilly", 7]));
        $this->assertTrue(odbc_fetch_into($s, $row) === 2);
        $this->assertSame(["O'Reilly", '7'], $row);
        $this->assertTrue(odbc_execute($s, [null, 'x']));
        odbc_fetch_into($s, $row);
        $this->assertSame([null, 'x'], $row);
        $this->assertFalse(odbc_execute($s, [1]));
        $this->assertSame(['odbc_execute(): Not enough parameters (1 should be 2) given'], $this->warnings);
    }

    /** @dataProvider backends */
    public function testPreparedStatementTakesEveryKindOfValueAsExtOdbcDoes(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        odbc_exec($c, 'DROP TABLE IF EXISTS php_params');
        odbc_exec($c, 'CREATE TABLE php_params (i integer, f ' . ($name === 'postgresql' ? 'float8' : 'float')
            . ', t varchar(50), b ' . ($name === 'postgresql' ? 'bytea' : 'blob') . ', n varchar(10))');
        $insert = odbc_prepare($c, 'INSERT INTO php_params (i, f, t, b, n) VALUES (?, ?, ?, ?, ?)');
        $this->assertInstanceOf(Pconn\Odbc\Result::class, $insert);
        $this->assertTrue(odbc_execute($insert, [7, 2.5, "'not/a/file'", "\0\x01\xff", null]));
        $this->assertSame(1, odbc_num_rows($insert));
        $this->assertTrue(odbc_execute($insert, ['8', '-0.125', 'Grüße ✓', 'plain', true]), 'executed again with new values');
        $this->assertTrue(odbc_execute($insert, [9, 1.5, '', '', false, 'a value too many is ignored']));

        $select = odbc_prepare($c, 'SELECT i, f, t, b, n FROM php_params WHERE i >= ? ORDER BY i');
        $this->assertTrue(odbc_execute($select, [7]));
        $rows = [];
        while (odbc_fetch_into($select, $row)) {
            $rows[] = $row;
        }
        $this->assertSame([
            ['7', '2.5', "'not/a/file'", "\0\x01\xff", null],
            ['8', '-0.125', 'Grüße ✓', 'plain', '1'],
            ['9', '1.5', '', '', ''],
        ], $rows, 'values as strings, a quoted string stays text (ext/odbc would read that file), null is NULL');
        $this->assertTrue(odbc_execute($select, ['9']));
        $this->assertSame(['i' => '9', 'f' => '1.5', 't' => '', 'b' => '', 'n' => ''], odbc_fetch_array($select));
        $this->assertFalse(odbc_fetch_array($select));
        // ext/odbc's static cursor meets an INSERT: psqlODBC says so, ext/odbc warns it
        $this->assertSame($name === 'postgresql' ? array_fill(0, 3, 'odbc_execute(): SQL error: cursor updatability changed, SQL state 01S02 in SQLExecute') : [],
            $this->warnings);
        $this->warnings = [];

        $this->assertFalse(odbc_execute($select, []));
        $this->assertSame('', odbc_error($c), 'as ext/odbc: its own check, no SQLSTATE');
        $this->assertSame(['odbc_execute(): Not enough parameters (0 should be 1) given'], $this->warnings);
        $missing = odbc_prepare($c, 'SELECT * FROM php_no_such_table WHERE x = ?');
        $this->assertFalse($missing === false ? false : odbc_execute($missing, [1]), 'the driver finds it at prepare (SQLite) or at execute (PostgreSQL)');
        $this->assertStringContainsString('php_no_such_table', odbc_errormsg($c));
        odbc_exec($c, 'DROP TABLE php_params');
    }

    public function testNextResultMovesToTheSecondStatementsRows(): void
    {
        [$dsn, $user, $password] = Backends::pg() ?? $this->markTestSkipped('needs PostgreSQL (SQLite runs one statement per call)');
        $c = odbc_connect($dsn, $user, $password);
        $r = odbc_exec($c, 'SELECT g AS first FROM generate_series(1, 2500) g; SELECT 2 AS b, 3 AS c UNION ALL SELECT 4, 5');
        $this->assertSame(['first' => '1'], odbc_fetch_array($r));
        $this->assertTrue(odbc_next_result($r), 'the unread rows of the first set are dropped');
        $this->assertSame(2, odbc_num_fields($r));
        $this->assertSame('c', odbc_field_name($r, 2));
        $this->assertSame(['b' => '2', 'c' => '3'], odbc_fetch_array($r));
        $this->assertSame(['b' => '4', 'c' => '5'], odbc_fetch_array($r));
        $this->assertFalse(odbc_fetch_array($r));
        $this->assertFalse(odbc_next_result($r));
        $this->assertSame([], $this->warnings);
    }

    /** @dataProvider backends */
    public function testFieldMetadata(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        odbc_exec($c, 'DROP TABLE IF EXISTS php_meta');
        odbc_exec($c, 'CREATE TABLE php_meta (i integer, v varchar(20), n numeric(10,2))');
        $r = odbc_exec($c, 'SELECT i, v, n FROM php_meta');
        $this->assertSame(3, odbc_num_fields($r));
        $this->assertSame(['i', 'v', 'n'], [odbc_field_name($r, 1), odbc_field_name($r, 2), odbc_field_name($r, 3)]);
        // the driver's own type names, as ext/odbc shows them
        $this->assertSame($name === 'postgresql' ? 'int4' : 'INTEGER', odbc_field_type($r, 1));
        $this->assertSame('varchar', odbc_field_type($r, 2));
        $this->assertSame('numeric', odbc_field_type($r, 3));
        $this->assertSame(20, odbc_field_len($r, 2));
        $this->assertSame(20, odbc_field_precision($r, 2));
        if ($name === 'postgresql') {
            $this->assertSame('text', odbc_field_type(odbc_exec($c, "SELECT 'a'::text"), 1));
            $this->assertSame('int8', odbc_field_type(odbc_exec($c, 'SELECT 1::int8'), 1));
            $this->assertSame(10, odbc_field_precision($r, 3));
            $this->assertSame(2, odbc_field_scale($r, 3));
        }
        $this->assertSame([], $this->warnings);
        $this->assertFalse(odbc_field_type($r, 4));
        $this->assertSame(['odbc_field_type(): Field index larger than number of fields'], $this->warnings);
        odbc_exec($c, 'DROP TABLE php_meta');
    }

    public function testARowThatFailsMidResultEndsTheFetchWithAWarning(): void
    {
        // StepAPI=1: the SQLite driver evaluates each row as it is fetched, so row 2500 fails
        // only when fetched, after the statement itself succeeded
        $c = odbc_connect(Backends::sqliteDsn() . ';StepAPI=1');
        $r = odbc_exec($c, 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) '
            . 'SELECT x, CASE WHEN x = 2500 THEN abs(-9223372036854775807 - 1) ELSE x END FROM n');
        $this->assertNotFalse($r);
        $ids = [];
        while (odbc_fetch_into($r, $row)) {
            $ids[] = (int) $row[0];
        }
        $this->assertSame(range(1, 2499), $ids, 'every row before the failure, in order');
        $this->assertCount(1, $this->warnings);
        $this->assertStringStartsWith('odbc_fetch_into(): SQL error:', $this->warnings[0]);
        $this->assertStringContainsString('integer overflow', odbc_errormsg($c));
    }

    /** @dataProvider backends */
    public function testErrorsDoNotOutliveTheirCall(string $dsn, ?string $user, ?string $password): void
    {
        $c = odbc_pconnect($dsn, (string) $user, (string) $password);
        $this->assertFalse(odbc_exec($c, 'SELECT * FROM php_missing_table'));
        $this->assertCount(1, $this->warnings);
        $this->assertStringStartsWith('odbc_exec(): SQL error:', $this->warnings[0]);
        $this->assertNotSame('', odbc_error($c));
        $this->assertStringContainsString('php_missing_table', odbc_errormsg($c));
        $this->assertSame(odbc_error($c), odbc_error(), 'the global error is the last call\'s');
        // ext/odbc keeps reporting the old error after this success; pconn does not
        $this->assertNotFalse(odbc_exec($c, 'SELECT 1'));
        $this->assertSame('', odbc_error($c));
        $this->assertSame('', odbc_errormsg($c));
        $this->assertSame('', odbc_error());
        // and a failure does not survive the request
        odbc_exec($c, 'SELECT * FROM php_missing_table');
        Connection::requestEnd();
        $this->assertSame('', odbc_errormsg());
        $c2 = odbc_pconnect($dsn, (string) $user, (string) $password);
        $this->assertSame('', odbc_errormsg($c2));
    }

    /** As ext/odbc: each odbc_connect has a server session of its own, and request end closes it. */
    public function testEveryOdbcConnectIsItsOwnSessionClosedAtRequestEnd(): void
    {
        [$dsn, $user, $password] = Backends::pg() ?? $this->markTestSkipped('needs PostgreSQL');
        $pid = static fn ($c): string => odbc_result(odbc_exec($c, 'SELECT pg_backend_pid()'), 1);
        $a = odbc_connect($dsn, $user, $password);
        $b = odbc_connect($dsn, $user, $password);
        $this->assertNotSame($a, $b);
        $pids = [$pid($a), $pid($b)];
        $this->assertNotSame($pids[0], $pids[1]);
        odbc_close($a);
        $this->assertSame($pids[1], $pid($b), 'closing one leaves the other open');
        Connection::requestEnd();
        $watch = odbc_pconnect($dsn, $user, $password);
        $left = null;
        for ($i = 0; $i < 100 && $left !== '0'; $i++) {   // a backend takes a moment to go after the disconnect
            $left = odbc_result(odbc_exec($watch, 'SELECT count(*) FROM pg_stat_activity WHERE pid IN (' . implode(',', $pids) . ')'), 1);
            usleep(50_000);
        }
        $this->assertSame('0', $left, 'request end disconnected both');
    }

    /** @dataProvider backends */
    public function testTransactionsAndAutocommitRestoredAtRequestEnd(string $dsn, ?string $user, ?string $password): void
    {
        $c = odbc_pconnect($dsn, (string) $user, (string) $password);
        odbc_exec($c, 'DROP TABLE IF EXISTS php_otx');
        odbc_exec($c, 'CREATE TABLE php_otx (x integer)');
        $this->assertSame(1, odbc_autocommit($c));
        $this->assertTrue(odbc_autocommit($c, false));
        $this->assertSame(0, odbc_autocommit($c));
        odbc_exec($c, 'INSERT INTO php_otx VALUES (1)');
        $this->assertTrue(odbc_rollback($c));
        odbc_exec($c, 'INSERT INTO php_otx VALUES (2)');
        $this->assertTrue(odbc_commit($c));
        odbc_exec($c, 'INSERT INTO php_otx VALUES (3)');   // left open
        Connection::requestEnd();
        $c = odbc_pconnect($dsn, (string) $user, (string) $password);
        $this->assertSame(1, odbc_autocommit($c));
        $this->assertSame('1', odbc_result(odbc_exec($c, 'SELECT count(*) FROM php_otx'), 1));
        odbc_exec($c, 'DROP TABLE php_otx');
    }

    /** @dataProvider backends */
    public function testCatalogFunctionsAnswerAsExtOdbcWithItsColumnNames(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        odbc_exec($c, 'DROP VIEW IF EXISTS php_cat_view');
        odbc_exec($c, 'DROP TABLE IF EXISTS php_cat');
        odbc_exec($c, 'CREATE TABLE php_cat (id integer PRIMARY KEY, name varchar(20) NOT NULL, note varchar(5))');
        odbc_exec($c, 'CREATE VIEW php_cat_view AS SELECT id FROM php_cat');
        $schema = $name === 'postgresql' ? 'public' : null;   // SQLite has no schemas

        $r = odbc_tables($c, null, null, 'php_cat%');
        // ext/odbc works in ODBC 2 mode: its drivers name the first columns TABLE_QUALIFIER and TABLE_OWNER
        $this->assertSame(['TABLE_QUALIFIER', 'TABLE_OWNER', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS'],
            array_map(fn (int $i) => odbc_field_name($r, $i), range(1, 5)));
        $found = [];
        while ($row = odbc_fetch_array($r)) {
            $found[] = [$row['TABLE_OWNER'], $row['TABLE_NAME'], $row['TABLE_TYPE']];
        }
        $this->assertSame([[$schema, 'php_cat', 'TABLE'], [$schema, 'php_cat_view', 'VIEW']], $found);
        $r = odbc_tables($c, null, null, 'php_cat%', "'VIEW'");
        $this->assertSame('php_cat_view', odbc_fetch_array($r)['TABLE_NAME']);
        $this->assertFalse(odbc_fetch_array($r), 'only views');

        $cols = [];
        $r = odbc_columns($c, null, null, 'php_cat');
        while (odbc_fetch_into($r, $row)) {
            $cols[] = $row;
        }
        $this->assertSame(['id', 'name', 'note'], array_column($cols, 3), 'COLUMN_NAME, in order');
        $r = odbc_columns($c, null, null, 'php_cat', 'n%');
        $byName = [];
        while ($row = odbc_fetch_array($r)) {
            $byName[$row['COLUMN_NAME']] = [$row['PRECISION'], $row['NULLABLE'], $row['ORDINAL_POSITION'] !== null];
        }
        $this->assertSame(['name' => ['20', '0', true], 'note' => ['5', '1', true]], $byName);

        $r = odbc_primarykeys($c, null, '', 'php_cat');
        $pk = odbc_fetch_array($r);
        $this->assertSame(['TABLE_QUALIFIER', 'TABLE_OWNER', 'TABLE_NAME', 'COLUMN_NAME', 'KEY_SEQ', 'PK_NAME'], array_keys($pk));
        $this->assertSame(['php_cat', 'id', '1'], [$pk['TABLE_NAME'], $pk['COLUMN_NAME'], $pk['KEY_SEQ']]);
        $this->assertFalse(odbc_fetch_array($r));
        $this->assertSame([], $this->warnings);
        odbc_exec($c, 'DROP VIEW php_cat_view');
        odbc_exec($c, 'DROP TABLE php_cat');
    }

    /** @dataProvider backends */
    public function testLongReadLenBinModeAndResultAll(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $c = odbc_connect($dsn, (string) $user, (string) $password);
        odbc_exec($c, 'DROP TABLE IF EXISTS php_long');
        odbc_exec($c, 'CREATE TABLE php_long (t text, v varchar(20), b ' . ($name === 'postgresql' ? 'bytea' : 'blob') . ')');
        $this->assertTrue(odbc_execute(odbc_prepare($c, 'INSERT INTO php_long VALUES (?, ?, ?)'), [str_repeat('x', 10000), 'abcdef', "\x01\xab\xff"]));
        $select = 'SELECT t, v, b FROM php_long';

        $this->assertSame(10000, strlen(odbc_result(odbc_exec($c, $select), 't')), 'never cut at odbc.defaultlrl');
        $r = odbc_exec($c, $select);
        $this->assertTrue(odbc_longreadlen($r, 3));
        odbc_fetch_into($r, $row);
        if ($name === 'sqlite') {
            // SQLite's driver shows ext/odbc (ODBC 2 mode) every column as text: nothing is cut,
            // odbc_binmode changes nothing (ext/odbc's text for a BLOB is X'01ABFF'; the drop-in
            // keeps the bytes)
            $this->assertSame([str_repeat('x', 10000), 'abcdef', "\x01\xab\xff"], $row, 'SQLite: ext/odbc cuts nothing');
            $r = odbc_exec($c, $select);
            odbc_binmode($r, ODBC_BINMODE_PASSTHRU);
            $this->assertSame("\x01\xab\xff", odbc_result($r, 'b'));
            $this->assertSame("\x01\xab\xff", odbc_result($r, 'b'), 'SQLite: the same value on every call, as ext/odbc');
        } else {
            $this->assertSame(['xxx', 'abcdef', "\x01\xab\xff"], $row, 'long (text) and binary columns are cut, others not, as ext/odbc');

            $r = odbc_exec($c, $select);
            $this->assertTrue(odbc_binmode($r, ODBC_BINMODE_CONVERT));
            $this->assertSame('01ABFF', odbc_fetch_array($r)['b']);
            $r = odbc_exec($c, $select);
            odbc_binmode($r, ODBC_BINMODE_PASSTHRU);
            $this->assertSame('', odbc_fetch_array($r)['b'], 'passthru: the fetch functions give no binary data');
            $r = odbc_exec($c, $select);
            odbc_binmode($r, ODBC_BINMODE_PASSTHRU);
            ob_start();
            $returned = odbc_result($r, 'b');
            $this->assertSame("\x01\xab\xff", ob_get_clean(), 'passthru: odbc_result prints binary data');
            $this->assertTrue($returned);
            $this->assertSame('abcdef', odbc_result($r, 'v'), 'other columns are returned');
        }

        ob_start();
        $n = odbc_result_all(odbc_exec($c, "SELECT 'a' AS letter UNION ALL SELECT 'b'"));
        $html = ob_get_clean();
        $this->assertSame(2, $n);
        $this->assertSame("<table><tr><th>letter</th></tr>\n<tr><td>a</td></tr>\n<tr><td>b</td></tr>\n</table>\n", $html);
        ob_start();
        $this->assertSame(0, odbc_result_all(odbc_exec($c, $select . ' WHERE 1 = 0')));
        $this->assertSame("<h2>No rows found</h2>\n", ob_get_clean());
        // the prepared INSERT's, as ext/odbc's (see testPreparedStatementTakesEveryKindOfValueAsExtOdbcDoes)
        $this->assertSame($name === 'postgresql' ? ['odbc_execute(): SQL error: cursor updatability changed, SQL state 01S02 in SQLExecute'] : [],
            $this->warnings);
        $this->assertSame(array_fill(0, 2, 'Function odbc_result_all() is deprecated'), $this->deprecations);
        odbc_exec($c, 'DROP TABLE php_long');
    }

    public function testConnectFailureWarnsAndReturnsFalse(): void
    {
        $this->assertFalse(odbc_connect('Driver={No Such Driver}', 'u', 'p'));
        $this->assertCount(1, $this->warnings);
        $this->assertStringStartsWith('odbc_connect(): SQL error:', $this->warnings[0]);
        $this->assertNotSame('', odbc_error());
    }

    public function testClosedLinkThrowsTypeErrorAsExtOdbc(): void
    {
        $c = odbc_connect(Backends::sqliteDsn());
        odbc_close($c);
        $this->expectException(TypeError::class);
        $this->expectExceptionMessage('odbc_exec(): supplied resource is not a valid ODBC-Link resource');
        odbc_exec($c, 'SELECT 1');
    }

    public function testVarDumpShowsNoInternalsOfLinksAndResults(): void
    {
        // ext/odbc 8.4's objects dump empty; a connection string may hold a password
        $dsn = Backends::sqliteDsn() . ';PWD=not-for-var-dump';
        $c = odbc_connect($dsn);
        foreach ([$c, odbc_exec($c, 'SELECT 1')] as $handle) {
            ob_start();
            var_dump($handle);
            $dump = (string) ob_get_clean();
            $this->assertMatchesRegularExpression('/^object\(Pconn\\\\Odbc\\\\(Link|Result)\)#\d+ \(0\) \{\n\}\n$/', $dump);
            $this->assertStringNotContainsString('not-for-var-dump', print_r($handle, true));
        }
    }
}
