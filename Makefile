# The two set-up commands (see README.md):
#   make site   install archivist into .venv and build the example archive into _site/
#   make test   install archivist with its test tools (and Chromium) and run every test
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: site test lint chromium serve
.DEFAULT_GOAL := site

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed
	$(VENV)/bin/archivist build --out _site
	@echo "Open _site/index.html, or serve it: $(PY) -m http.server -d _site 8000  →  http://127.0.0.1:8000/"

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

test: $(VENV)/.installed chromium
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
