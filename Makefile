# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install browser bench clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/orgsphere demo --out demo

# the house's checks first (seconds), then the suite: the layers and import cycles, lint, types, the docs
lint: $(BIN)/.installed
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/mkdocs build --strict --quiet

# the report's browser tests drive Debian's chromium through chromedriver: installed here where apt-get may run
# (root), else the tests skip with the reason (and fail under CI=true)
browser:
	@command -v chromedriver >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && { apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
	       || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; }; }; } \
	  || echo "note: chromium-driver is not installed; the browser tests skip (apt-get install chromium chromium-driver)"

test: lint browser
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/suite.py --json bench.json

clean:
	rm -rf $(VENV) demo site .pytest_cache .mypy_cache .ruff_cache
