# Hearth: two commands do all set-up on a fresh machine.
#   make run    install everything (first time) and start the app with the default model
#   make test   install everything (first time) and run the whole test suite
# Another Python goes in its own virtual environment, e.g.
#   make test PYTHON=python3.13 VENV=.venv-3.13
PYTHON ?= python3
VENV   ?= .venv
# extra pytest arguments, e.g. PYTEST_ARGS='-m "not once"' (CI's run on the newest Python)
PYTEST_ARGS ?=
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run cli test lint bench bundle clean

$(STAMP): pyproject.toml scripts/setup.sh
	PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/hearth

cli: $(STAMP)
	$(BIN)/hearth --cli

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/ruff check app tests bench packaging scripts
	$(BIN)/lint-imports

lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy app
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench.run

bundle:
	bash packaging/build_linux.sh

clean:
	rm -rf $(VENV) build dist
