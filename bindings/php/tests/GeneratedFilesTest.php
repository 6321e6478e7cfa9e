<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/**
 * The committed generated files match their sources, as the header's drift test does for
 * pconn_ffi.h: a change to src/Odbc/functions.php or to the header without rerunning the tool
 * fails here.
 */
final class GeneratedFilesTest extends TestCase
{
    /** @return array<string, array{string}> */
    public static function tools(): array
    {
        return ['odbc_global.php' => ['gen-global'], 'Status.php' => ['gen-status'],
            'FfiCore.php' => ['gen-ffi-core']];
    }

    /** @dataProvider tools */
    public function testGeneratedFileIsUpToDate(string $tool): void
    {
        exec(escapeshellarg(dirname(__DIR__) . '/tools/' . $tool) . ' --check 2>&1', $out, $rc);
        $this->assertSame(0, $rc, "the file tools/$tool writes has drifted: run bindings/php/tools/$tool and commit it "
            . implode("\n", $out));
    }

}
