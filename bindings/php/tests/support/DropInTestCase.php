<?php
declare(strict_types=1);

namespace Pconn\Tests;

use PHPUnit\Framework\TestCase;
use Pconn\Connection;

/**
 * A test of the ext/odbc drop-in: collects the warnings its functions raise (ext/odbc's way of
 * reporting failure) instead of failing on them, runs on every backend, and ends the request
 * after each test as a web request would.
 */
abstract class DropInTestCase extends TestCase
{
    /** @var list<string> */
    protected array $warnings = [];
    /** @var list<string> deprecation notices (odbc_result_all's, as ext/odbc 8.1+) */
    protected array $deprecations = [];

    public static function backends(): array
    {
        return Backends::all();
    }

    protected function setUp(): void
    {
        $this->warnings = [];
        $this->deprecations = [];
        set_error_handler(function (int $no, string $msg): bool {
            if ($no === E_USER_DEPRECATED || $no === E_DEPRECATED) {
                $this->deprecations[] = $msg;
            } else {
                $this->warnings[] = $msg;
            }
            return true;
        }, E_USER_WARNING | E_WARNING | E_USER_DEPRECATED | E_DEPRECATED);
    }

    protected function tearDown(): void
    {
        restore_error_handler();
        Connection::requestEnd();
    }
}
