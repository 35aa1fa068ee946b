# The two commands: `make demo` runs the demo, `make test` passes the tests.
# Both set up everything on a fresh machine that has only Python and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint typecheck pytest system-deps bench bench-quick bench-browser bench-s3 clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e . --group demo
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[all]' --group dev
	touch $@ $(VENV)/.demo-installed

# Django 6.1 (Python >= 3.12) is the reference the manifest tests compare against byte
# for byte; it lives in its own small venv because devstatic supports Python 3.11.
DJANGO_VENV := .venv-django
PY312 := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9]; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

$(DJANGO_VENV)/.installed: Makefile
	@if [ -z "$(PY312)" ]; then echo "No Python >= 3.12 found: the Django 6.1 reference tests will fail under CI=true."; else \
		$(PY312) -m venv $(DJANGO_VENV) && $(DJANGO_VENV)/bin/pip install --quiet 'django>=6.1,<6.2' && touch $@; fi

$(VENV)/.bench-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[all]' --group bench
	touch $@

demo: $(VENV)/.demo-installed
	$(BIN)/uvicorn demo:app --reload --host 127.0.0.1 --port 8000

# nginx and Chromium are real servers/browsers the tests drive; install them when missing.
system-deps:
	@missing=""; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

pytest: $(VENV)/.dev-installed system-deps $(DJANGO_VENV)/.installed
	DEVSTATIC_DJANGO_PYTHON="$$([ -x $(DJANGO_VENV)/bin/python ] && echo $(CURDIR)/$(DJANGO_VENV)/bin/python)" \
		$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench

bench-quick: $(VENV)/.bench-installed
	$(BIN)/python -m bench --quick

bench-browser: $(VENV)/.bench-installed
	$(BIN)/python -m bench.browser_modules

# collectstatic into moto's S3 server: both tools at 1,000 files, then devstatic alone at
# the 5,000 files of the rerun target (bench/RESULTS.md); ~15 minutes on 2 cores.
bench-s3: $(VENV)/.bench-installed
	$(BIN)/python -m bench.collect_s3 --files 1000
	$(BIN)/python -m bench.collect_s3 --files 5000 --only devstatic --repeat 3

clean:
	rm -rf $(VENV) $(DJANGO_VENV) demo/collected
