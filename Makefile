# The two set-up commands (see README.md):
#   make site   install archivist into .venv and build the example archive into _site/
#   make test   install archivist with its test tools (Chromium, the HTML checker and
#               axe-core) and run every test
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

TOOLS   = .tools
# npm packages the quality tests run: the W3C Nu HTML Checker (on the machine's Java)
# and axe-core (injected into pages in Chromium). Pinned so results do not drift.
NPM_TOOLS = vnu-jar@26.9.27 axe-core@4.14.1

.PHONY: site test lint chromium serve tools
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

# Java runs vnu.jar; Debian's headless JRE is enough.
$(TOOLS)/.installed: Makefile
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "The HTML checker needs Java: sudo apt-get install default-jre-headless"; exit 1; fi; }
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "The quality tools need npm: sudo apt-get install npm"; exit 1; fi; }
	mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --no-save --loglevel=error $(NPM_TOOLS)
	touch $@

tools: $(TOOLS)/.installed

test: $(VENV)/.installed chromium tools
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
