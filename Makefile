# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# DEMO=0 starts an empty install (no demo data): the first account comes from createsuperuser.
DEMO ?= 1
# The empty install keeps its own SQLite file, so that it never opens the demo's.
ifeq ($(DEMO),0)
SQLITE_PATH ?= db-empty.sqlite3
else
SQLITE_PATH ?= db.sqlite3
endif
# Links in emails, the join link and its QR code use SITE_URL: on another port, follow it.
SITE_URL ?= http://127.0.0.1:$(PORT)
TEST_SECRET := test-only-secret-key-not-for-production

.PHONY: run test install install-test superuser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Install, migrate, load the demo data (unless DEMO=0) and serve on http://127.0.0.1:$(PORT) (SQLite, in-memory channel layer).
run: install
	DEBUG=1 SQLITE_PATH=$(SQLITE_PATH) $(BIN)/python manage.py migrate --no-input
ifneq ($(DEMO),0)
	DEBUG=1 SQLITE_PATH=$(SQLITE_PATH) SITE_URL=$(SITE_URL) $(BIN)/python manage.py load_demo
endif
	@echo ""
	@echo "  Coécrire: http://127.0.0.1:$(PORT)/"
	@echo ""
	DEBUG=1 SQLITE_PATH=$(SQLITE_PATH) SITE_URL=$(SITE_URL) $(BIN)/daphne -b 127.0.0.1 -p $(PORT) config.asgi:application

## The first account of an install (DEMO=0: of the empty install), asked for on the terminal.
superuser: install
	DEBUG=1 SQLITE_PATH=$(SQLITE_PATH) $(BIN)/python manage.py migrate --no-input
	DEBUG=1 SQLITE_PATH=$(SQLITE_PATH) $(BIN)/python manage.py createsuperuser

## Install with the test extras and run the whole suite, on TEST_WORKERS processes (pytest-xdist;
## each has its own test databases and Redis key prefixes, and runs whole test files, so a module's
## server starts once; TEST_WORKERS=0 runs in one process), listing the 20 slowest tests.
## Any failure of pytest, "no tests collected" (5) included, fails the target.
TEST_WORKERS ?= 2
test: install-test
	SECRET_KEY=$(TEST_SECRET) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	SECRET_KEY=$(TEST_SECRET) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=20 $(PYTEST_ARGS)
