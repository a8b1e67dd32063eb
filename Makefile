# make demo / make test work on a fresh machine: they create the virtualenv and install first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := demo

export SPARK_LOCAL_IP := 127.0.0.1
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python
export PYSPARK_DRIVER_PYTHON := $(CURDIR)/$(BIN)/python
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test bench lint docs recipe clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/pii-mask keys init --keyring file:$(DEMO)/keyring.json --rubric rubric.yaml
	$(BIN)/pii-mask run --rubric rubric.yaml --input data/sample_tool_telemetry.csv \
	    --output $(DEMO)/masked --quarantine $(DEMO)/raw/quarantine --vault $(DEMO)/raw/vault \
	    --keyring file:$(DEMO)/keyring.json
	$(BIN)/python verify.py --rubric rubric.yaml --output $(DEMO)/masked \
	    --raw data/sample_tool_telemetry.csv --quarantine $(DEMO)/raw/quarantine \
	    --keyring file:$(DEMO)/keyring.json --json $(DEMO)/verify-report.json

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .

docs: $(STAMP)
	$(BIN)/pii-mask docs --rubric rubric.yaml --write rubric.md

recipe: $(STAMP)
	$(BIN)/pii-mask recipe --rubric rubric.yaml > databrew/recipe.json
	$(BIN)/python deploy/sync_recipe_steps.py

clean:
	rm -rf $(DEMO) bench-out spark-warehouse .pytest_cache
