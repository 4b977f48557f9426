# The only way in, for people and CI alike. Every target sets up .venv first
# when it is missing or older than the pinned requirements.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: serve build check test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Insyn needs Python 3.11 or newer (set PYTHON=python3.x)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

serve: $(STAMP)
	$(PY) site.py serve --port $(PORT)

build: $(STAMP)
	$(PY) site.py build

check: $(STAMP)
	$(PY) site.py check

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check insyn tests
	$(PY) -m ruff format --check insyn tests
	$(PY) -m mypy insyn

bench: $(STAMP)
	$(PY) -m tests.bench.run

clean:
	rm -rf _site .cache .pytest_cache .mypy_cache .ruff_cache
