# Developer tasks. `make test` runs the suite; `make fuzz` runs the long schemathesis campaign.
PYTHON ?= .venv/bin/python
FUZZ_EXAMPLES ?= 60

.PHONY: test fuzz

test:
	$(PYTHON) -m pytest -q tests

fuzz:
	VISA_FUZZ_MAX_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTHON) -m pytest -q -s tests/e2e/test_fuzz.py
