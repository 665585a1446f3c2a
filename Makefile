# `make demo` — install and run the server with demo stores (SQLite, no services needed).
# `make test` — install the test dependencies and run the whole suite (SQLite + PostgreSQL).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo serve test benchmark lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions, checked hashes), so a fresh machine next
# month installs what passed today; the project itself is then added without its dependencies.
$(VENV)/.installed: requirements/app.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/app.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: requirements/test.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@ $(VENV)/.installed

# After changing the dependencies in pyproject.toml: re-resolve both lock files.
LOCK_OPTS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile $(LOCK_OPTS) --extra test -o requirements/test.lock pyproject.toml
	$(BIN)/pip-compile $(LOCK_OPTS) -o requirements/app.lock pyproject.toml

demo: $(VENV)/.installed
	$(BIN)/storefront demo --port $(PORT)
	$(BIN)/storefront serve --port $(PORT)

serve: $(VENV)/.installed
	$(BIN)/storefront serve --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check storefront tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

benchmark: $(VENV)/.installed-test
	$(BIN)/python benchmarks/storefront_requests.py

clean:
	rm -rf $(VENV) instance .pytest_cache
