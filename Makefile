# The two set-up commands: `make run` (the whole product, embedded) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test eval install clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/visa serve --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q

eval: $(BIN)/.installed
	$(BIN)/visa eval tests/data/eval

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
