# The two set-up commands: `make run` (the whole product, embedded) and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint eval install clean chaos bench fuzz

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/visa serve --port $(PORT)

# The import contracts first (seconds), then the suite on TEST_WORKERS pytest-xdist workers
# (tests/support/scheduling.py says how the work is shared; TEST_WORKERS=0 runs it serially).
TEST_WORKERS ?= 4
test: $(BIN)/.installed
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadscope

lint: $(BIN)/.installed
	$(BIN)/lint-imports

eval: $(BIN)/.installed
	$(BIN)/visa eval tests/data/eval
# A longer schemathesis campaign than the suite's bounded one (FUZZ_EXAMPLES per operation).
FUZZ_EXAMPLES ?= 60
fuzz: $(BIN)/.installed
	VISA_FUZZ_MAX_EXAMPLES=$(FUZZ_EXAMPLES) VISA_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
	  $(BIN)/python -m pytest -q -s tests/e2e/test_fuzz.py

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts

# Fault injection on the distributed deployment (restarts the machine's PostgreSQL too).
chaos: $(BIN)/.installed
	$(BIN)/python -m chaos --size full --postgres-restart --markdown docs/FAULT_INJECTION.md

# Benchmarks: JSON in test-artifacts/, the markdown report in docs/BENCHMARKS.md.
BENCH_SIZE ?= medium
bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks --size $(BENCH_SIZE) --json test-artifacts/benchmarks.json \
		--markdown docs/BENCHMARKS.md
