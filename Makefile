# Two commands do all the set-up on a fresh machine: `make test` and `make demo`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A second environment with the runtime dependencies only, as a downstream user has:
# no types-aiobotocore, no botocore-stubs, no moto. tests/typing is checked against it.
CONSUMER := .venv-consumer
CONSUMER_STAMP := $(CONSUMER)/.installed
# Keep the Material for MkDocs banner out of the build log.
export NO_MKDOCS_2_WARNING := 1

.PHONY: test demo lint typecheck typing docs dist pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(CONSUMER_STAMP): pyproject.toml
	$(PYTHON) -m venv $(CONSUMER)
	$(CONSUMER)/bin/python -m pip install --quiet -e .
	@# The whole point of this environment: fail loudly if stubs ever creep in.
	@! $(CONSUMER)/bin/python -c 'import types_aiobotocore_secretsmanager' 2>/dev/null
	@! $(CONSUMER)/bin/python -c 'import botocore_stubs' 2>/dev/null
	touch $(CONSUMER_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)

# Our own code, strict, with the aiobotocore stubs of the dev environment.
typecheck: $(STAMP)
	$(BIN)/mypy src tests/typing

# tests/typing as a downstream user checks it, without any stubs: mypy --strict with
# and without the pydantic plugin, and pyright strict (basedpyright, from PyPI).
typing: $(STAMP) $(CONSUMER_STAMP)
	$(BIN)/mypy --config-file tests/typing/mypy-plugin.ini --python-executable $(CONSUMER)/bin/python tests/typing
	$(BIN)/mypy --config-file tests/typing/mypy-plain.ini --python-executable $(CONSUMER)/bin/python tests/typing
	$(BIN)/basedpyright --pythonpath $(CONSUMER)/bin/python -p tests/typing/pyrightconfig.json

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet

dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck typing docs dist pytest

demo: $(STAMP)
	$(BIN)/aiosecretsmanager demo

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(CONSUMER) build dist .mypy_cache .pytest_cache .ruff_cache
