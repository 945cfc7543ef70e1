# Two commands a newcomer needs: `make run` and `make test`. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run chat test eval lint typecheck bench translations lock clean

install: $(STAMP)

# Every dependency comes pinned and hash-checked from requirements.lock (`make lock` refreshes it).
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
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

# Tests run in parallel, two workers per core (pytest-xdist, see tests/conftest.py); a module's tests stay on one worker,
# so a browser or a bot a module starts once is started once.
test: install
	$(BIN)/pybabel compile --domain messages --directory bot/locales
	$(BIN)/python -m pytest -n auto --dist loadfile

# Every labelled set in benchmarks/, figures only (`dvcbot eval FILE` lists the misses of one set).
eval: install
	@for set in $(or $(FILE),benchmarks/*.jsonl); do echo "== $$set"; $(BIN)/dvcbot eval --summary $$set || exit 1; done

lint: install
	$(BIN)/ruff check bot intents procedures tests benchmarks scripts
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/router.py
	$(BIN)/python benchmarks/answers.py
	$(BIN)/python benchmarks/facets.py
	$(BIN)/python benchmarks/hostile.py

# Re-resolve the dependencies of pyproject.toml (and the build tools) into requirements.lock.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml requirements-build.in
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) dvcbot.db .pytest_cache .mypy_cache .ruff_cache
