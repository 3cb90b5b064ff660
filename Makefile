# The two commands of the README: `make demo` builds the members' profiles, `make test` runs
# the tests. Both create .venv if it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pdf,xlsx]"
	$(BIN)/dwk profile build --all --out out
	$(BIN)/dwk export meeting --out out/treffen --zip

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/ruff check dwk tests
	$(BIN)/python -m pytest -q

lint: $(BIN)/python
	$(BIN)/ruff check dwk tests
	$(BIN)/ruff format --check dwk tests

clean:
	rm -rf out

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python benchmarks/national.py --jobs 2
