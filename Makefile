# `make demo` — install and run the server with demo stores (SQLite, no services needed).
# `make test` — install the test dependencies and run the whole suite (SQLite + PostgreSQL).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo serve test benchmark clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/storefront demo
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
