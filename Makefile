# Two commands matter (see README): `make sample` runs the bundled sample, `make test` runs the tests.
# Both create .venv with every dependency on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: sample test perf default-tokenizer clean

$(BIN)/winnow: setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

sample: $(BIN)/winnow
	$(BIN)/winnow run --output out/sample --overwrite

test: $(BIN)/winnow
	$(BIN)/python -m pytest -q

perf: $(BIN)/winnow
	$(BIN)/python perf/stage_throughput.py

# Rebuilds the tokenizer shipped in classifiers/models/ from the bundled sample (settings in its .settings.json).
default-tokenizer: $(BIN)/winnow
	$(BIN)/winnow run --output out/tokenizer-corpus --overwrite --stages extract,langid,exact_dedup,quality
	$(BIN)/winnow tokenizer train --input 'out/tokenizer-corpus/docs/*/*.jsonl.gz' --vocab-size 8192 \
	  --output classifiers/models/winnow-sample-bpe

clean:
	rm -rf $(VENV) out *.egg-info
