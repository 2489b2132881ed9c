# odoo_mirror: build, install, test, demo and benchmark.
#
#   make demo    a throwaway PostgreSQL 15 cluster with the extension and realistic data, results shown
#   make test    every test: unit + #[pg_test] (cargo pgrx test), then the client contract (pgrx-tests/)
#   make bench   pgbench ratios of the RPCs and views, written to BENCHMARKS.md
#
# Both `demo` and `test` run `setup` first, which installs what a fresh machine lacks.

SHELL := /bin/bash
PG_MAJOR ?= 15
PG_CONFIG ?= /usr/lib/postgresql/$(PG_MAJOR)/bin/pg_config
PGRX_VERSION := 0.18.0
CARGO ?= cargo
TARGET_DIR := $(CURDIR)/target
PGRX_TEST_DATA := $(TARGET_DIR)/pgrx-test-pgdata
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_SCALE ?= 2000
BENCH_SCALE ?= 100000

export PG_CONFIG

.PHONY: all setup build install test test-unit test-contract demo bench schema clean

all: build

# Idempotent: installs only what is missing.
setup:
	@missing=""; \
	command -v sudo >/dev/null || missing="$$missing sudo"; \
	[ -x "$$($(PG_CONFIG) --pkglibdir 2>/dev/null)/pgxs/src/test/regress/pg_regress" ] || missing="$$missing postgresql-server-dev-$(PG_MAJOR)"; \
	[ -x /usr/lib/postgresql/$(PG_MAJOR)/bin/initdb ] || missing="$$missing postgresql-$(PG_MAJOR) postgresql-client-$(PG_MAJOR)"; \
	dpkg -s libclang-dev >/dev/null 2>&1 || missing="$$missing libclang-dev"; \
	command -v clang >/dev/null || missing="$$missing clang"; \
	if [ -n "$$missing" ]; then \
		echo "setup: installing$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@if [ "$$($(CARGO) pgrx --version 2>/dev/null)" != "cargo-pgrx $(PGRX_VERSION)" ]; then \
		echo "setup: installing cargo-pgrx $(PGRX_VERSION) (takes a few minutes)"; \
		$(CARGO) install cargo-pgrx --version $(PGRX_VERSION) --locked --force; \
	fi
	@if ! grep -qs "pg$(PG_MAJOR)" "$${PGRX_HOME:-$$HOME/.pgrx}/config.toml"; then \
		$(CARGO) pgrx init --pg$(PG_MAJOR) $(PG_CONFIG); \
	fi

build:
	$(CARGO) build --features pg$(PG_MAJOR)

# Installs the extension into the PostgreSQL that PG_CONFIG names.
install: setup
	$(CARGO) pgrx install --pg-config $(PG_CONFIG) $(if $(SUDO),--sudo)

# The generated install script, for review (the frozen copies live in sql/).
schema:
	$(CARGO) pgrx schema pg$(PG_MAJOR) -o $(TARGET_DIR)/odoo_mirror-generated.sql

test: setup test-unit test-contract

# Tier 1 (#[test], pure Rust) and tier 2 (#[pg_test], inside a backend).
test-unit:
	mkdir -p $(PGRX_TEST_DATA) && chown -R postgres: $(PGRX_TEST_DATA) 2>/dev/null || true
	$(CARGO) pgrx test pg$(PG_MAJOR) --runas postgres --pgdata $(PGRX_TEST_DATA)

# Tier 3: the public contract as clients see it, against the installed extension.
test-contract: install
	$(CARGO) test -p odoo_mirror_tests --lib --bins --tests -- --test-threads=2

demo: setup install
	$(CARGO) run --release -q -p odoo_mirror_tests --bin odoo_mirror_demo -- --scale $(DEMO_SCALE)

bench: setup
	$(CARGO) pgrx install --release --pg-config $(PG_CONFIG) $(if $(SUDO),--sudo)
	$(CARGO) run --release -q -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale $(BENCH_SCALE) --out BENCHMARKS.md

clean:
	$(CARGO) clean
