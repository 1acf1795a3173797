# Two commands do all the set-up on a fresh machine with Python 3.11, make and root:
#   make demo   create .venv, install composer, compose the sample issue
#   make test   install the test tools (and Chromium, through apt-get, when missing), run every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: demo test install test-deps chromium lint golden bench clean

demo: install
	$(BIN)/compose issues/2017-11-09.yaml --mjml
	@echo
	@echo "Open build/2017-11-09.html in a browser; the plain-text part is build/2017-11-09.txt."

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@# pip compiles every installed package but not an editable one; where PYTHONDONTWRITEBYTECODE
	@# is set, composer would be compiled again on every run.
	$(BIN)/python -m compileall -q composer

test-deps: install chromium
	$(BIN)/python -m pip install --quiet -e '.[test]'

# Debian's Chromium: Playwright drives it through executable_path (it cannot download its own).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Chromium with apt-get..."; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: test-deps
	$(BIN)/ruff check composer tests benchmarks
	$(BIN)/mypy

test: test-deps lint
	$(BIN)/python -m pytest

# Rewrite the golden files from the current output; read the diff before committing it.
golden: test-deps
	$(BIN)/python -m pytest tests/test_golden.py tests/test_errors.py --regenerate-golden

bench: test-deps
	$(BIN)/python benchmarks/compose_vs_mjml.py
	$(BIN)/python benchmarks/preview_latency.py
	$(BIN)/python benchmarks/batch_vs_mjml.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
