# Two commands do all the set-up: `make run` and `make test`. Both create .venv at the
# repository root with Python 3.11 if it is missing, and install Sherlog into it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The page's browser test drives Debian's Chromium; installed here when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run serve test eval fit-lookalikes lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Sherlog needs Python 3.11: make PYTHON=/path/to/python3.11")'
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing Debian's chromium and chromium-driver for the page's browser test"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# The main job: the chat page at http://localhost:8501 on an embedded Chroma in
# SHERLOG_HOME (default ~/.sherlog); the first run indexes the KB, with progress, first.
run: install
	$(BIN)/sherlog page

# The page and the Slack bot on 127.0.0.1, sharing one Chroma server (sherlog serve --help).
serve: install
	$(BIN)/sherlog serve

test: install browser
	$(BIN)/sherlog kb validate
	$(BIN)/sherlog kb lint --strict
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The whole evaluation suite, Sherlog beside both baselines; writes the Markdown report
# and reliability diagram (committed) and the per-case records (not committed).
eval: install
	$(BIN)/sherlog eval evals/cases --interactive --json evals/reports/latest.json --report evals/reports

# Refit the symptoms' look-alike rates (graph/lookalike_rates.json) on the dev cases,
# after the KB or the dev cases change; then run `make eval`.
fit-lookalikes: install
	$(BIN)/python -m evals.lookalikes

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python benchmarks/core.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
