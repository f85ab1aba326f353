# LocalSafety — the two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://localsafety:localsafety@127.0.0.1:5432/localsafety
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test lint test-sqlite test-postgres test-browser bench install messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] >= (3, 11), sys.version" || { echo "Python 3.11 is required (found: $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	LOCALSAFETY_DEBUG=1 $(BIN)/localsafety migrate --noinput
	LOCALSAFETY_DEBUG=1 $(BIN)/localsafety load-demo
	LOCALSAFETY_DEBUG=1 $(BIN)/python scripts/serve_demo.py

lint: $(STAMP)
	$(BIN)/ruff check src benchmarks scripts
	$(BIN)/ruff format --check src benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite: $(STAMP)
	$(BIN)/pytest -q -n 2 -m "not browser"

test-postgres: $(STAMP)
	$(BIN)/python scripts/ensure_postgres.py "$(PG_TEST_URL)"
	DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -n 2 -m "not browser"

test-browser: $(STAMP)
	$(BIN)/pytest -q -m browser

test: lint test-sqlite test-postgres test-browser

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/incident_import.py

messages: $(STAMP)
	cd src/localsafety && ../../$(BIN)/localsafety makemessages -l pt_PT --no-obsolete && ../../$(BIN)/localsafety compilemessages -l pt_PT

clean:
	rm -rf $(VENV) var
