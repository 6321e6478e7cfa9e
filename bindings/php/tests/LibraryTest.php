<?php
declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use Pconn\Library;

final class LibraryTest extends TestCase
{
    public function testEveryDeclaredFunctionExistsInTheLoadedLibrary(): void
    {
        $names = Library::declaredFunctions();
        $this->assertContains('pconn_pconnect', $names);
        $this->assertContains('pconn_request_end', $names);
        $libc = FFI::cdef('void *dlopen(const char *file, int mode); void *dlsym(void *handle, const char *name); char *dlerror(void);', 'libc.so.6');
        $handle = $libc->dlopen(Library::findLibrary(), 2 /* RTLD_NOW */);
        $this->assertFalse(FFI::isNull($handle), 'dlopen: ' . $libc->dlerror());
        $missing = [];
        foreach ($names as $name) {
            if (FFI::isNull($libc->dlsym($handle, $name))) {
                $missing[] = $name;
            }
        }
        $this->assertSame([], $missing, 'declared in pconn_ffi.h but not exported by ' . Library::findLibrary());
    }

    public function testDeclarationsLoadThroughCdef(): void
    {
        $this->assertStringStartsWith('cdef:', Library::loadedHow());
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', Library::ffi()->pconn_version());
    }

    public function testFindsTheRepositoryBuildAndHonoursPconnLib(): void
    {
        $saved = getenv('PCONN_LIB');
        try {
            putenv('PCONN_LIB');
            $this->assertSame(realpath(dirname(__DIR__, 3) . '/target/release/libpconn.so'), realpath(Library::findLibrary()));
            putenv('PCONN_LIB=/nonexistent/libpconn.so');
            try {
                Library::findLibrary();
                $this->fail('a missing PCONN_LIB must be an error');
            } catch (Pconn\Exception $e) {
                $this->assertStringContainsString('PCONN_LIB', $e->getMessage());
            }
        } finally {
            $saved === false ? putenv('PCONN_LIB') : putenv("PCONN_LIB=$saved");
        }
    }

    public function testPreloadHeaderHasScopeAndLib(): void
    {
        $h = Library::preloadHeader('/x/libpconn.so');
        $this->assertStringContainsString('#define FFI_SCOPE "pconn"', $h);
        $this->assertStringContainsString('#define FFI_LIB "/x/libpconn.so"', $h);
    }

    public function testShutdownFunctionIsRegisteredOnFirstUse(): void
    {
        // run in a child: the shutdown function must end the request (links back to idle)
        $code = 'require ' . var_export(dirname(__DIR__) . '/autoload.php', true) . ';'
            . '$c = Pconn\Connection::persistent(' . var_export(Pconn\Tests\Backends::sqliteDsn(), true) . ');'
            . 'register_shutdown_function(function () { echo json_encode(Pconn\Connection::stats()["keys"]); });';
        $out = shell_exec(PHP_BINARY . ' -n -d extension=ffi -r ' . escapeshellarg($code));
        $keys = json_decode((string) $out, true);
        $this->assertIsArray($keys, (string) $out);
        $this->assertSame(1, $keys[0]['idle']);
        $this->assertSame(0, $keys[0]['in_use']);
    }
}
