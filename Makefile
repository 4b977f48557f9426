# The only way in, for people and CI alike. Every target sets up .venv first
# when it is missing or older than the pinned requirements.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# Messages are written in English in the code and translated in gettext catalogues;
# the compiled catalogue is made here, and read from the .po when it is missing.
CATALOGUE := insyn/locale/sv/LC_MESSAGES/insyn
BABEL := $(VENV)/bin/pybabel

.PHONY: serve build check test lint bench clean messages

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Insyn needs Python 3.11 or newer (set PYTHON=python3.x)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

$(CATALOGUE).mo: $(CATALOGUE).po $(STAMP)
	@$(BABEL) compile --statistics -d insyn/locale -D insyn

# After changing a message in the code: extract the ids, merge them into the
# catalogue, then translate every new or empty msgstr (tests/test_messages.py fails
# until each has its Swedish).
messages: $(STAMP)
	$(BABEL) extract -F babel.cfg -o insyn/locale/insyn.pot --no-location --sort-output \
	  --project=insyn --version=1 --copyright-holder=Insyn --msgid-bugs-address= insyn
	$(BABEL) update -i insyn/locale/insyn.pot -d insyn/locale -D insyn \
	  --no-fuzzy-matching --width=88

serve: $(STAMP) $(CATALOGUE).mo
	$(PY) site.py serve --port $(PORT)

build: $(STAMP) $(CATALOGUE).mo
	$(PY) site.py build

check: $(STAMP) $(CATALOGUE).mo
	$(PY) site.py check

test: $(STAMP) $(CATALOGUE).mo
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check insyn tests
	$(PY) -m ruff format --check insyn tests
	$(PY) -m mypy insyn

bench: $(STAMP)
	$(PY) -m tests.bench.run

clean:
	rm -rf _site .cache $(CATALOGUE).mo .pytest_cache .mypy_cache .ruff_cache
