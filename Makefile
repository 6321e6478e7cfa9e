# pconn — the two commands a new user needs are `make demo` and `make test`; both set up what they need.
CARGO ?= cargo
OUT_HEADER = $(shell ls -t target/*/build/pconn-*/out/pconn.h 2>/dev/null | head -1)

.PHONY: all deps build release header demo test test-rust test-php bench clean valgrind

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

test: deps
	$(CARGO) build --release
	$(CARGO) test --release -- --test-threads=2
	@if [ -d bindings/php/tests ]; then $(MAKE) test-php; fi

test-php: release
	bindings/php/run-tests

bench: release
	$(CARGO) run --release --example bench
	$(CARGO) run --release --example bench_scaling
	$(CARGO) run --release --example bench_fetch
	@if [ -x bindings/php/bench/run ]; then bindings/php/bench/run; fi

valgrind: build
	$(CARGO) test --test c_harness -- --test-threads=1

clean:
	$(CARGO) clean
