# pconn — the two commands a new user needs are `make demo` and `make test`; both set up what they need.
CARGO ?= cargo
OUT_HEADER = $(shell ls -t target/*/build/pconn-*/out/pconn.h 2>/dev/null | head -1)

.PHONY: all deps build release header demo test test-rust test-php bench clean valgrind clippy

all: build

deps:
	scripts/install-deps

build: deps
	$(CARGO) build

release: deps
	$(CARGO) build --release

# Regenerates the committed header (and PHP's FFI declarations) from the Rust source.
header: build
	cp "$$(ls -t target/*/build/pconn-*/out/pconn.h | head -1)" include/pconn.h
	cp "$$(ls -t target/*/build/pconn-*/out/pconn_ffi.h | head -1)" bindings/php/pconn_ffi.h

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
	$(CARGO) run --release --example bench_fetch
	@if [ -x bindings/php/bench/run ]; then bindings/php/bench/run; fi

# The C programs of c-tests/ under valgrind's memcheck: fails on any error in pconn's code (the
# drivers' known errors are in c-tests/valgrind.supp). VALGRIND_TESTS narrows it down, e.g.
# `make valgrind VALGRIND_TESTS=sqlite` (a test name filter of tests/c_harness.rs).
VALGRIND_TESTS ?=
valgrind: deps
	$(CARGO) build --release
	PCONN_VALGRIND=1 $(CARGO) test --release --test c_harness -- --test-threads=2 $(VALGRIND_TESTS)

# Lints every target (library, tests, examples) with warnings as errors.
clippy:
	$(CARGO) clippy --all-targets -- -D warnings

clean:
	$(CARGO) clean
