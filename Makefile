# The same targets developers and CI run. `make help` lists them.
VENV ?= .venv
PY ?= $(VENV)/bin/python
BABEL ?= $(VENV)/bin/pybabel

.PHONY: help install test lint format translations check-translations serve

help:
	@echo "install             create $(VENV) and install partnerstate with its test extra"
	@echo "test                the whole test suite (SQLite; PostgreSQL too with PARTNERSTATE_TEST_DATABASE_URL)"
	@echo "lint                ruff check + format check"
	@echo "translations        extract messages into translations/messages.pot and update every catalog"
	@echo "serve               run the app with demo data on http://127.0.0.1:6543"

install:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'

test:
	$(PY) -m pytest

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

translations:
	$(BABEL) extract -F babel.cfg -w 100 --no-location --sort-output --omit-header -k _ -k _n:1,2 -k pluralize:1,2 -k _p:1c,2 -o translations/messages.pot .
	$(BABEL) update -w 100 -i translations/messages.pot -d translations -D messages --no-fuzzy-matching --ignore-obsolete

serve:
	$(VENV)/bin/partnerstate serve --demo
