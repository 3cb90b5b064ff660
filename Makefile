# The two commands of the README: `make demo` builds the members' profiles, `make test` runs
# every test. `make check` is the fast tier to run while working (lint, the import layers and
# the tests not marked slow or browser; it keeps the test store in .cache/test between runs).
# All create .venv if it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test check lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the editable install with the test extras, again only when pyproject.toml changed (pip took
# 6 s of every make check to find nothing to do)
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pdf,xlsx]"
	$(BIN)/dwk profile build --all --out out
	$(BIN)/dwk export meeting --out out/treffen --zip

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q -n 2

check: $(VENV)/.installed-test
	$(MAKE) --no-print-directory lint
	DWK_TEST_CACHE=.cache/test $(BIN)/python -m pytest -q -m "not slow and not browser" -n 2 \
		--hypothesis-profile=check

lint: $(BIN)/python
	$(BIN)/ruff check dwk tests benchmarks scripts
	$(BIN)/ruff format --check dwk tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_house.py

clean:
	rm -rf out .cache

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python benchmarks/national.py --jobs 2
	$(BIN)/python benchmarks/startup.py
