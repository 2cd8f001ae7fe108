# Benxi Gazette (本溪市人民政府公报): the everyday verbs. `make run`, `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY_VENV := $(VENV)/bin/python
MANAGE  := $(PY_VENV) manage.py
STAMP   := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

# The interpreter that creates the venv: the first Python 3.12 that actually runs (a pyenv
# shim on PATH may exist and still fail). Evaluated only when the venv has to be created.
PY_CANDIDATES = python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) /usr/bin/python3.12
PY = $(or $(firstword $(foreach c,$(PY_CANDIDATES),$(if $(shell $(c) -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && echo ok),$(c)))),$(error No working Python 3.12 found (tried: $(PY_CANDIDATES)). Install it with `pyenv install 3.12` or `apt-get install python3.12 python3.12-venv`, or run make PY=/path/to/python3.12))

# chromium: the browser tests (tests/browser) drive Debian's Chromium through Playwright;
# nodejs (and npm, below): `npm ci` installs axe-core, which they inject (docs/accessibility.md).
SYSTEM_DEPS := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils chromium nodejs
# The browser tests' npm packages (axe-core), pinned by tests/browser/package-lock.json.
NODE_DIR   := tests/browser
NODE_STAMP := $(NODE_DIR)/node_modules/.package-lock.json

.PHONY: help venv install run test test-sqlite lint fmt bench bench-quick migrate clean system-deps

help:
	@echo "make run          set up, migrate, load the demo data, serve http://127.0.0.1:8000"
	@echo "make test         lint + the whole test suite (DATABASE_URL/REDIS_URL if set)"
	@echo "make test-sqlite  the tests that need no services, on the embedded SQLite"
	@echo "make lint | fmt   ruff check / format; lint also checks the layers (lint-imports)"
	@echo "make bench        benchmarks -> bench/results.json, BENCHMARKS.md (bench-quick: short)"
	@echo "make migrate      apply migrations"
	@echo "make system-deps  Debian packages for PDF rendering and browser tests (fonts, pango, poppler, chromium, nodejs)"
	@echo "make clean        remove the venv, caches and var/"

$(PY_VENV):
	$(PY) -m venv $(VENV)

# Reinstalls only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(PY_VENV)
	$(PY_VENV) -m pip install --disable-pip-version-check -q -e '.[dev]'
	@touch $@

venv: $(PY_VENV)

# Without npm the Python side still installs; the accessibility test then skips (fails with
# REQUIRE_SERVICES=1, as in CI, where `make system-deps` has installed npm).
$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: axe-core not installed (make system-deps installs nodejs and npm)"; \
	fi

install: $(STAMP) $(NODE_STAMP)

migrate: install
	$(MANAGE) migrate --noinput

# The demo: embedded SQLite (unless DATABASE_URL is set), seed gazette and demo accounts,
# the in-process scheduler in the background and the development server in front. DEMO_AS_OF
# fixes the demo's "today" (core/dates.py, docs/demo.md); DEMO_AS_OF= runs on the real date.
run: export DEBUG ?= 1
run: export DEMO_AS_OF ?= 2018-11-20
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) bootstrap_demo
	@$(MANAGE) run_schedule & sched=$$!; \
	trap 'kill $$sched 2>/dev/null; wait $$sched 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: lint
	@echo "Database: $$(if [ -n "$${DATABASE_URL:-}" ]; then echo "$$DATABASE_URL" | sed -E 's#//[^@/]*@#//***@#'; else echo 'embedded SQLite (DATABASE_URL unset)'; fi)"
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Empty rather than unset, so that a .env file cannot fill them in again.
# The embedded default: everything that needs no service, but the slow property runs
# (schemathesis) and the browser tests, which `make test` already ran on PostgreSQL.
test-sqlite: install
	@echo "Database: embedded SQLite; tests needing PostgreSQL or Redis are deselected"
	DATABASE_URL= REDIS_URL= CELERY_BROKER_URL= REQUIRE_SERVICES= \
		$(VENV)/bin/pytest -m "not postgres and not redis and not slow and not browser" $(PYTEST_ARGS)

# ruff, then the architecture: import-linter's contracts in pyproject.toml (docs/ARCHITECTURE.md)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY_VENV) -m bench.run

bench-quick: install
	$(PY_VENV) -m bench.run --quick

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis bench/tmp *.egg-info $(NODE_DIR)/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

system-deps:
	@missing=""; \
	for pkg in $(SYSTEM_DEPS); do \
		dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then echo "system packages present"; exit 0; fi; \
	echo "installing:$$missing"; \
	sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	$$sudo apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing
