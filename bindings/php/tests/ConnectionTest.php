<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Pconn\Connection;
use Pconn\Tests\Backends;

final class ConnectionTest extends TestCase
{
    public static function backends(): array
    {
        return Backends::all();
    }

    protected function tearDown(): void
    {
        Connection::requestEnd();
    }

    /** @dataProvider backends */
    public function testQueryWithParametersAndIteration(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $db = Connection::persistent($dsn, $user, $password);
        $this->assertTrue($db->isPersistent());
        $db->execute('DROP TABLE IF EXISTS php_items');
        $db->execute('CREATE TABLE php_items (id integer, label varchar(100), price float, note varchar(100))');
        $this->assertSame(1, $db->execute('INSERT INTO php_items VALUES (?, ?, ?, ?)', [1, "it's a ? mark", 2.5, null]));
        $this->assertSame(1, $db->execute('INSERT INTO php_items VALUES (?, ?, ?, ?)', [2, 'Grüße', -1.25, 'n']));
        $rows = [];
        foreach ($db->query('SELECT id, label, price, note FROM php_items WHERE id >= ? ORDER BY id', [1]) as $row) {
            $rows[] = array_values($row);
        }
        $this->assertSame([['1', "it's a ? mark", '2.5', null], ['2', 'Grüße', '-1.25', 'n']], $rows);
        $this->assertSame('2', $db->fetchValue('SELECT count(*) FROM php_items'));
        $this->assertNull($db->fetchValue('SELECT id FROM php_items WHERE id = ?', [99]));
        $this->assertSame(2, $db->execute('UPDATE php_items SET note = ?', ['x']));
        $db->execute('DROP TABLE php_items');
    }

    /** @dataProvider backends */
    public function testRowsAreKeyedByColumnName(string $dsn, ?string $user, ?string $password): void
    {
        $db = Connection::connect($dsn, $user, $password);
        $result = $db->query("SELECT 1 AS one, 'b' AS two");
        $this->assertSame(['one', 'two'], $result->columnNames());
        $this->assertSame('two', $result->column(2)['name']);
        $this->assertSame(['one' => '1', 'two' => 'b'], $result->fetch());
        $this->assertNull($result->fetch());
    }

    /** @dataProvider backends */
    public function testPreparedStatementReExecutes(string $dsn, ?string $user, ?string $password): void
    {
        $db = Connection::connect($dsn, $user, $password);
        $stmt = $db->prepare('SELECT ? || ?');
        $this->assertSame(2, $stmt->paramCount());
        $this->assertSame(['ab'], $stmt->execute(['a', 'b'])->fetchNumeric());
        $this->assertSame(['cd'], $stmt->execute(['c', 'd'])->fetchNumeric());
        try {
            $stmt->execute(['only one']);
            $this->fail('a wrong parameter count must fail');
        } catch (Pconn\Exception $e) {
            $this->assertSame('07002', $e->getSqlState());
        }
        $first = $stmt->execute(['e', 'f']);
        $second = $stmt->execute(['g', 'h']);
        $this->assertSame(['gh'], $second->fetchNumeric());
        try {
            $first->fetchNumeric();
            $this->fail('the first result ended when the statement ran again');
        } catch (Pconn\Exception $e) {
            $this->assertStringContainsString('executed again', $e->getMessage());
        }
    }

    /** @dataProvider backends */
    public function testParametersAreBoundByTheirPhpType(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $db = Connection::connect($dsn, $user, $password);
        $db->execute('DROP TABLE IF EXISTS php_typed');
        $db->execute('CREATE TABLE php_typed (i bigint, f ' . ($name === 'postgresql' ? 'float8' : 'float') . ', t varchar(20), b '
            . ($name === 'postgresql' ? 'bytea' : 'blob') . ', flag integer, n varchar(5))');
        $insert = $db->prepare('INSERT INTO php_typed VALUES (?, ?, ?, ?, ?, ?)');
        $this->assertSame(1, $insert->execute([PHP_INT_MAX, 0.1, 'Grüße', "\0\xff\x80", true, null])->affectedRows());
        $this->assertSame(1, $insert->execute([-1, -2.5e-300, '', '', false, 'x'])->affectedRows());
        $this->assertSame([
            ['i' => (string) PHP_INT_MAX, 'f' => '0.1', 't' => 'Grüße', 'b' => "\0\xff\x80", 'flag' => '1', 'n' => null],
            ['i' => '-1', 'f' => '-2.5e-300', 't' => '', 'b' => '', 'flag' => '0', 'n' => 'x'],
        ], $db->fetchAll('SELECT i, f, t, b, flag, n FROM php_typed ORDER BY i DESC'));
        $this->assertSame('1', $db->fetchValue('SELECT count(*) FROM php_typed WHERE b = ?', ["\0\xff\x80"]), 'binary strings compare as binary');
        try {
            $insert->execute([[], 1, 'x', 'y', 1, null]);
            $this->fail('an array is no parameter value');
        } catch (Pconn\Exception $e) {
            $this->assertSame('HY105', $e->getSqlState());
        }
        $db->execute('DROP TABLE php_typed');
    }

    public function testNextResult(): void
    {
        [$dsn, $user, $password] = Backends::pg() ?? $this->markTestSkipped('needs PostgreSQL (SQLite runs one statement per call)');
        $db = Connection::connect($dsn, $user, $password);
        $result = $db->query('SELECT 1 AS a; SELECT 2 AS b, 3 AS c');
        $this->assertSame(['a' => '1'], $result->fetch());
        $this->assertTrue($result->nextResult());
        $this->assertSame(['b', 'c'], $result->columnNames());
        $this->assertSame(['b' => '2', 'c' => '3'], $result->fetch());
        $this->assertNull($result->fetch());
        $this->assertFalse($result->nextResult());
    }

    /** @dataProvider backends */
    public function testTransactions(string $dsn, ?string $user, ?string $password): void
    {
        $db = Connection::persistent($dsn, $user, $password);
        $db->execute('DROP TABLE IF EXISTS php_tx');
        $db->execute('CREATE TABLE php_tx (x integer)');
        $db->begin();
        $this->assertFalse($db->autocommit());
        $db->execute('INSERT INTO php_tx VALUES (1)');
        $db->rollback();
        $this->assertTrue($db->autocommit());
        $this->assertSame('0', $db->fetchValue('SELECT count(*) FROM php_tx'));
        $db->transaction(fn (Connection $c) => $c->execute('INSERT INTO php_tx VALUES (2)'));
        $this->assertSame('1', $db->fetchValue('SELECT count(*) FROM php_tx'));
        try {
            $db->transaction(function (Connection $c): void {
                $c->execute('INSERT INTO php_tx VALUES (3)');
                throw new RuntimeException('abort');
            });
        } catch (RuntimeException) {
        }
        $this->assertSame('1', $db->fetchValue('SELECT count(*) FROM php_tx'));
        // left open: request end rolls it back
        $db->begin();
        $db->execute('INSERT INTO php_tx VALUES (4)');
        Connection::requestEnd();
        $db = Connection::persistent($dsn, $user, $password);
        $this->assertTrue($db->autocommit(), 'autocommit restored at request end');
        $this->assertSame('1', $db->fetchValue('SELECT count(*) FROM php_tx'));
        $db->execute('DROP TABLE php_tx');
    }

    /** @dataProvider backends */
    public function testExceptionCarriesSqlstateAndClearsOnSuccess(string $dsn, ?string $user, ?string $password, string $name): void
    {
        $db = Connection::connect($dsn, $user, $password);
        try {
            $db->query('SELECT * FROM php_no_such_table');
            $this->fail('expected an exception');
        } catch (Pconn\Exception $e) {
            $this->assertNotSame('', $e->getSqlState());
            $this->assertSame(1, $e->getStatus());
            $this->assertStringContainsString('php_no_such_table', $e->getMessage());
            if ($name === 'postgresql') {
                $this->assertSame('42P01', $e->getSqlState());
            }
        }
        $this->assertNotSame('', $db->errorMessage());
        $db->fetchValue('SELECT 1');
        $this->assertSame('', $db->errorMessage());
        $this->assertSame('', $db->sqlState());
    }

    public function testConnectFailureAndPasswordNeverShown(): void
    {
        try {
            Connection::fresh('Driver={No Such Driver};Server=x', 'u', 'hunter2-secret');
            $this->fail('expected an exception');
        } catch (Pconn\Exception $e) {
            $this->assertNotSame('', $e->getSqlState());
            $this->assertStringNotContainsString('hunter2-secret', $e->getMessage());
        }
    }

    /** @dataProvider backends */
    public function testLinkKindsAndStats(string $dsn, ?string $user, ?string $password): void
    {
        $a = Connection::persistent($dsn, $user, $password);
        $this->assertSame($a->handle(), Connection::persistent($dsn, $user, $password)->handle(), 'same link within a request');
        $r = Connection::connect($dsn, $user, $password);
        $this->assertFalse($r->isPersistent());
        $this->assertSame($r->handle(), Connection::connect($dsn, $user, $password)->handle());
        $f = Connection::fresh($dsn, $user, $password);
        $this->assertNotSame($f->handle(), Connection::fresh($dsn, $user, $password)->handle());
        $f->close();
        $stats = Connection::stats();
        $this->assertSame(getmypid(), $stats['pid']);
        $this->assertArrayHasKey('keys', $stats);
        $json = json_encode($stats);
        if ($password !== null) {
            $this->assertStringNotContainsString($password, $json);
        }
    }

    public function testPersistentLinkKeepsServerSessionAcrossRequests(): void
    {
        $pg = Backends::pg() ?? $this->markTestSkipped('needs PostgreSQL');
        [$dsn, $user, $password] = $pg;
        $db = Connection::persistent($dsn, $user, $password);
        $pid = $db->fetchValue('SELECT pg_backend_pid()');
        $db->execute("SET application_name = 'leaky'");
        $db->execute('CREATE TEMP TABLE php_leak (x int)');
        Connection::requestEnd();
        $db = Connection::persistent($dsn, $user, $password);
        $this->assertSame($pid, $db->fetchValue('SELECT pg_backend_pid()'));
        $this->assertSame('', $db->fetchValue("SELECT current_setting('application_name')"));
        $this->assertNull($db->fetchValue("SELECT to_regclass('pg_temp.php_leak')"));
    }

    public function testOptions(): void
    {
        $old = Connection::getOption('ping_interval');
        Connection::setOption('ping_interval', '5');
        $this->assertSame('5', Connection::getOption('ping_interval'));
        Connection::setOption('ping_interval', $old);
        $this->expectException(Pconn\Exception::class);
        Connection::setOption('no_such_option', '1');
    }
}
