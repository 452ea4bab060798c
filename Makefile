# squidcarp: every set-up step a fresh machine needs lives here.
#   make demo  - create .venv, install squidcarp, generate, lint, route and simulate the example
#   make test  - create .venv, install Squid if missing, run lint/type checks and every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Two stamps in one venv: the demo needs only what the package imports at run time; the tests
# need the development tools too (ruff, mypy, hypothesis, matplotlib, pacparser...).
RUNTIME := $(VENV)/.runtime
DEV     := $(VENV)/.dev

.PHONY: demo test venv runtime squid check unit integration docs bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $(DEV)

runtime: $(RUNTIME)
venv: $(DEV)

squid:
	@bash scripts/ensure-squid.sh

demo: runtime
	$(BIN)/squidcarp generate examples/array.yaml -o build/example-array
	$(BIN)/squidcarp lint build/example-array/*/squid.conf
	$(BIN)/squidcarp route --array examples/array.yaml --client 10.1.2.3 \
	    http://www.example.com/ http://a.updates.example.org/x CONNECT:www.example.org:443
	$(BIN)/squidcarp simulate --array examples/array.yaml --client 10.1.2.3 \
	    --urls examples/urls.txt --add cache4.example.net:2
	$(BIN)/squidcarp lint examples/array/frontend.conf || test $$? -le 2

check: venv
	$(BIN)/ruff check squidcarp tests integration bench
	$(BIN)/mypy
	$(BIN)/python -m squidcarp.lint.docs --check docs/rules.md

unit: venv
	$(BIN)/python -m pytest -q tests

integration: venv squid
	$(BIN)/python -m pytest -q integration

test: venv squid check
	$(BIN)/python -m pytest -q tests integration

docs: venv
	$(BIN)/python -m squidcarp.lint.docs --write docs/rules.md

bench: venv squid
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
