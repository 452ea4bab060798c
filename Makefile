# squidcarp: every set-up step a fresh machine needs lives here.
#   make demo  - create .venv, install squidcarp, lint and route the bundled example array
#   make test  - create .venv, install Squid if missing, run lint/type checks and every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv squid check unit integration docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

squid:
	@bash scripts/ensure-squid.sh

demo: venv
	$(BIN)/squidcarp lint examples/array/frontend.conf || test $$? -le 2
	$(BIN)/squidcarp route --config examples/array/frontend.conf --rank \
	    http://www.example.com/ http://www.example.com/index.html CONNECT:www.example.org:443
	$(BIN)/squidcarp simulate --config examples/array/frontend.conf --urls examples/urls.txt \
	    --add cache4.example.net:2

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
