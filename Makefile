# coproduce: one-command setup and test. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install assets migrate demo serve test test-fuzz test-browser lint format bench ci clean

run: install assets migrate demo serve ## set everything up and serve on http://127.0.0.1:8000

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js and npm are needed (apt-get install -y nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

build/static/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard assets/scss/*.scss assets/js/*.js)
	npm run --silent build
	touch $@

assets: build/static/.built

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

serve:
	@echo "coproduce is running at http://$(HOST):$(PORT)/ (press Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist; each worker has its own test database; the
# demo tests stay together on one worker). TEST_WORKERS=0 or PYTEST_ARGS="... -n0" runs
# it in one process.
TEST_WORKERS ?= auto
test: install assets
	PYTHONDONTWRITEBYTECODE= COPRODUCE_TESTING=1 $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-fuzz: install assets ## malformed input to every URL pattern and API operation; no server error
	PYTHONDONTWRITEBYTECODE= COPRODUCE_TESTING=1 $(PY) -m pytest -m fuzz -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-browser: install assets
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for browser tests"; apt-get update -qq && apt-get install -y -qq chromium; }
	PYTHONDONTWRITEBYTECODE= COPRODUCE_TESTING=1 $(PY) -m pytest -m browser -p no:randomly $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install assets
	$(PY) bench/run.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules build staticfiles db.sqlite3*
