<?php
declare(strict_types=1);

namespace Pconn\Tests;

use PHPUnit\Framework\TestCase;

/**
 * A test against a real php-fpm on the throwaway PostgreSQL: skipped where either is missing
 * (the test runner always starts the PostgreSQL), and the pool it started is stopped and its
 * files removed after each test.
 */
abstract class FpmTestCase extends TestCase
{
    protected ?Fpm $fpm = null;

    protected function setUp(): void
    {
        if (!Fpm::available()) {
            $this->markTestSkipped('needs ' . Fpm::BINARY);
        }
        if (Backends::pg() === null) {
            $this->markTestSkipped('needs PostgreSQL (PCONN_PG_CONNSTR)');
        }
    }

    protected function tearDown(): void
    {
        $this->fpm?->cleanup();
    }
}
