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

.PHONY: demo test test-fast jars bench lint docs recipe clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# JVM jars, cached outside git (~/.cache/piimask/jars): the piimask-spark library built from jvm/
# (only when its sources changed) and the S3A connector and Iceberg runtime from Maven Central.
jars:
	jvm/build.sh >/dev/null
	tools/fetch_jars.sh >/dev/null

demo: $(STAMP) jars
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/pii-mask keys init --keyring file:$(DEMO)/keyring.json --rubric rubric.yaml
	$(BIN)/pii-mask run --rubric rubric.yaml --input data/sample_tool_telemetry.csv \
	    --output $(DEMO)/masked --quarantine $(DEMO)/raw/quarantine --vault $(DEMO)/raw/vault \
	    --keyring file:$(DEMO)/keyring.json
	$(BIN)/python verify.py --rubric rubric.yaml --output $(DEMO)/masked \
	    --raw data/sample_tool_telemetry.csv --quarantine $(DEMO)/raw/quarantine \
	    --keyring file:$(DEMO)/keyring.json --json $(DEMO)/verify-report.json

test: $(STAMP) jars
	$(BIN)/python -m pytest -q

# unit and Spark tests: no end-to-end runs, no moto servers
test-fast: $(STAMP) jars
	$(BIN)/python -m pytest -q -m "(unit or spark) and not (aws or e2e)"

bench: $(STAMP) jars
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: $(STAMP)
	$(BIN)/pii-mask docs --rubric rubric.yaml --write rubric.md

recipe: $(STAMP)
	$(BIN)/pii-mask recipe --rubric rubric.yaml > databrew/recipe.json
	$(BIN)/python deploy/sync_recipe_steps.py

clean:
	rm -rf $(DEMO) bench-out spark-warehouse .pytest_cache
