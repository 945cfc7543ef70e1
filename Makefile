# Two commands a newcomer needs: `make run` and `make test`. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run chat test eval lint typecheck bench translations clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pybabel compile --domain messages --directory bot/locales --statistics
	touch $(STAMP)

translations: install
	$(BIN)/pybabel extract --mapping babel.cfg --keywords gettext --keywords ngettext:1,2 --keywords N_ --output bot/locales/messages.pot bot procedures
	$(BIN)/pybabel update --input-file bot/locales/messages.pot --domain messages --output-dir bot/locales --no-fuzzy-matching
	$(BIN)/pybabel compile --domain messages --directory bot/locales --statistics

run: install
	$(BIN)/dvcbot run

chat: install
	$(BIN)/dvcbot chat

test: install
	$(BIN)/pybabel compile --domain messages --directory bot/locales
	$(BIN)/python -m pytest

eval: install
	$(BIN)/dvcbot eval $(or $(FILE),../shared/eval/dev.jsonl)

lint: install
	$(BIN)/ruff check bot intents procedures tests benchmarks scripts
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/router.py

clean:
	rm -rf $(VENV) dvcbot.db .pytest_cache .mypy_cache .ruff_cache
