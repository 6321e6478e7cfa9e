# pconn — the two commands a new user needs are `make demo` and `make test`; both set up what they need.
CARGO ?= cargo
OUT_HEADER = $(shell ls -t target/*/build/pconn-*/out/pconn.h 2>/dev/null | head -1)

# Where `make install` puts things (GNU conventions; DESTDIR stages them for a package).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# gdb looks for separate debug info under /usr/lib/debug plus the library's directory.
DEBUGDIR ?= /usr/lib/debug$(LIBDIR)
DESTDIR ?=

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
RELEASE_DIR = target/release
# What a static link of a Rust staticlib needs beyond unixODBC (rustc --print native-static-libs).
NATIVE_STATIC_LIBS = -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

.PHONY: all deps build release header demo test test-rust test-php bench clean valgrind clippy fuzz \
	install install-debug uninstall deb test-deb docs composer-dist stress

# The release build: what the demo, the PHP binding and `make install` use.
all: release

deps:
	scripts/install-deps

build: deps
	$(CARGO) build

release: deps
	$(CARGO) build --release

# Regenerates the committed header (and PHP's FFI declarations, and the API reference made from
# the header, and the part of the PHP declarations parsed in every request) from the Rust source.
header: build
	cp "$$(ls -t target/*/build/pconn-*/out/pconn.h | head -1)" include/pconn.h
	cp "$$(ls -t target/*/build/pconn-*/out/pconn_ffi.h | head -1)" bindings/php/pconn_ffi.h
	bindings/php/tools/gen-ffi-core
	$(MAKE) --no-print-directory docs

# A short C program on embedded SQLite: serves requests with pconnect, shows reuse, rollback, clean errors.
demo: release
	mkdir -p target/demo
	cc -std=c11 -Wall -Wextra -Werror -Iinclude examples/demo.c -o target/demo/demo \
	   -Ltarget/release -Wl,-rpath,$(CURDIR)/target/release -lpconn
	cd target/demo && ./demo

test: test-rust valgrind
	@if [ -d bindings/php/tests ]; then $(MAKE) test-php; fi

# The Rust tests, and the C programs of c-tests/ (tests/c_harness.rs), without valgrind.
test-rust: deps
	$(CARGO) build --release
	$(CARGO) test --release -- --test-threads=2

test-php: release
	bindings/php/run-tests

bench: release
	$(CARGO) run --release --example bench
	$(CARGO) run --release --example bench_scaling
	$(CARGO) run --release --example bench_loop
	$(CARGO) run --release --example bench_fetch
	$(CARGO) run --release --example bench_reset
	@if [ -x bindings/php/bench/run ]; then bindings/php/bench/run; fi

# Installs the stripped library (versioned soname and the linker's links), the static library, the
# header, pconn.pc and the `pconn` program (`pconn doctor`). Builds first only when nothing is built: `make && sudo make install`.
install: | $(RELEASE_DIR)/libpconn.so
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 0644 $(RELEASE_DIR)/libpconn.so $(DESTDIR)$(LIBDIR)/libpconn.so.$(VERSION)
	strip --strip-unneeded $(DESTDIR)$(LIBDIR)/libpconn.so.$(VERSION)
	ln -sfn libpconn.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libpconn.so.$(MAJOR)
	ln -sfn libpconn.so.$(MAJOR) $(DESTDIR)$(LIBDIR)/libpconn.so
	install -m 0644 $(RELEASE_DIR)/libpconn.a $(DESTDIR)$(LIBDIR)/libpconn.a
	strip --strip-debug $(DESTDIR)$(LIBDIR)/libpconn.a
	install -m 0644 include/pconn.h $(DESTDIR)$(INCLUDEDIR)/pconn.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@NATIVE_STATIC_LIBS@|$(NATIVE_STATIC_LIBS)|' \
	    packaging/pconn.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/pconn.pc
	install -m 0755 $(RELEASE_DIR)/pconn $(DESTDIR)$(BINDIR)/pconn
	strip $(DESTDIR)$(BINDIR)/pconn
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# The debug info `make install` stripped, where gdb finds it (linked from the installed library).
install-debug: install
	install -d $(DESTDIR)$(DEBUGDIR)
	objcopy --only-keep-debug $(RELEASE_DIR)/libpconn.so $(DESTDIR)$(DEBUGDIR)/libpconn.so.$(VERSION).debug
	chmod 0644 $(DESTDIR)$(DEBUGDIR)/libpconn.so.$(VERSION).debug
	objcopy --add-gnu-debuglink=$(DESTDIR)$(DEBUGDIR)/libpconn.so.$(VERSION).debug \
	    $(DESTDIR)$(LIBDIR)/libpconn.so.$(VERSION)

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libpconn.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libpconn.so.$(MAJOR) \
	      $(DESTDIR)$(LIBDIR)/libpconn.so $(DESTDIR)$(LIBDIR)/libpconn.a \
	      $(DESTDIR)$(INCLUDEDIR)/pconn.h $(DESTDIR)$(PKGCONFIGDIR)/pconn.pc \
	      $(DESTDIR)$(DEBUGDIR)/libpconn.so.$(VERSION).debug $(DESTDIR)$(BINDIR)/pconn
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

$(RELEASE_DIR)/libpconn.so:
	$(MAKE) release

# Debian packages in target/deb: libpconn0, libpconn-dev, pconn-tools, php-pconn (scripts/build-deb).
deb: release
	scripts/build-deb target/deb

# Installs the packages with apt-get (root), uses them with no checkout path, removes them again.
test-deb: deb
	scripts/test-deb target/deb

# The Composer package as a dist zip (without tests and benchmarks: archive.exclude), for an
# "artifact" repository pointing at target/composer.
composer-dist:
	mkdir -p target/composer
	cd bindings/php && composer archive --format=zip --dir=$(CURDIR)/target/composer

# docs/api.md from the header's doc comments (drift-tested by tests/docs.rs).
docs:
	scripts/gen-api-doc include/pconn.h >docs/api.md

# The C programs of c-tests/ under valgrind's memcheck: fails on any error in pconn's code (the
# drivers' known errors are in c-tests/valgrind.supp). VALGRIND_TESTS narrows it down, e.g.
# `make valgrind VALGRIND_TESTS=sqlite` (a test name filter of tests/c_harness.rs).
VALGRIND_TESTS ?=
valgrind: deps
	$(CARGO) build --release
	PCONN_VALGRIND=1 $(CARGO) test --release --test c_harness -- --test-threads=2 $(VALGRIND_TESTS)

# The random call-sequence test (tests/random_calls.rs) at length: `make test` runs 100,000 calls
# of seed 1; this runs FUZZ_SEEDS seeds from FUZZ_SEED with FUZZ_CALLS calls each, raw BEGIN and
# ROLLBACK on PostgreSQL links included. A failure prints the seed that replays it.
FUZZ_CALLS ?= 1000000
FUZZ_SEEDS ?= 8
FUZZ_SEED ?= 1
fuzz: deps
	$(CARGO) build --release
	PCONN_FUZZ_CALLS=$(FUZZ_CALLS) PCONN_FUZZ_SEEDS=$(FUZZ_SEEDS) PCONN_FUZZ_SEED=$(FUZZ_SEED) \
	$(CARGO) test --release --test random_calls -- --nocapture

# The long runs of the stress tests: 1,000 forked children per case (CI forks 200).
stress: release
	PCONN_FORK_CHILDREN=1000 $(CARGO) test --release --test c_harness fork_stress -- --test-threads=1

# Lints every target (library, tests, examples) with warnings as errors.
clippy:
	$(CARGO) clippy --all-targets -- -D warnings

clean:
	$(CARGO) clean
