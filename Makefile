# S3 Atlas — set-up, run, test. Everything installs into .venv on first use, at the versions the
# tests passed with (constraints.txt; `make lock` renews it).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
PIP_INSTALL := $(PIP) install --quiet -c constraints.txt
HOST   ?= 127.0.0.1
PORT   ?= 8050
WORKERS ?= 2
KIT    ?= ../shared/data
# The Chromium the tests, benchmarks and tools drive (tools/chromium.py reads the same variable)
CHROMIUM ?= $(shell command -v chromium 2>/dev/null || echo /usr/bin/chromium)
export CHROMIUM
# Every optional part: what `make lock` resolves and pins
ALL_EXTRAS := build,redis,css,serve,postgres,test,bench

.PHONY: reviewer publish run serve test test-fast bench data refresh eval screenshot lighthouse css plotly-bundle lock clean \
        install install-serve install-build install-test check-test-tools

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The app alone (what `make run` serves)
$(VENV)/.installed: pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e .
	touch $@

# + gunicorn and the Redis client for the shared cache (`make serve`)
$(VENV)/.installed-serve: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[serve,redis]'
	touch $@

# + GeoPandas, Shapely, requests, tqdm (`make data`, `make refresh`)
$(VENV)/.installed-build: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[build]'
	touch $@

# + everything the tests use (the build's and the server's packages included; also what make bench,
# make screenshot and make lighthouse use)
$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-serve: $(VENV)/.installed-serve
install-build: $(VENV)/.installed-build
install-test: $(VENV)/.installed-test

## make run: the dashboard on the bundled data at http://$(HOST):$(PORT)
run: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) $(PY) app.py

## make serve: production server (gunicorn, $(WORKERS) workers)
serve: $(VENV)/.installed-serve
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) $(VENV)/bin/gunicorn --config gunicorn.conf.py app:server

# The programs the tests run besides Python, checked before anything starts: Chromium (browser
# tests), nginx (scale-out test), pdftotext (PDF test). BROWSER=0 leaves Chromium out.
check-test-tools:
	@missing=""; \
	if [ "$(BROWSER)" != "0" ] && ! [ -x "$(CHROMIUM)" ]; then missing="$$missing chromium"; fi; \
	if ! command -v nginx >/dev/null 2>&1 && ! [ -x /usr/sbin/nginx ]; then missing="$$missing nginx-light"; fi; \
	if ! command -v pdftotext >/dev/null 2>&1; then missing="$$missing poppler-utils"; fi; \
	if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing="$$missing postgresql"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "The tests need Debian packages that are missing:$$missing"; \
	  echo "(chromium: browser tests; nginx-light: scale-out test; poppler-utils: pdftotext for the PDF test;"; \
	  echo " postgresql: the write path's tests on PostgreSQL, which start their own cluster)"; \
	  echo "Install them with: apt-get install -y$$missing   (.ci/run does this)"; \
	  exit 1; \
	fi

## make reviewer NAME=...: add a reviewer account (asks for the password) to the database (S3_DATABASE_URL, else SQLite in var/)
reviewer: $(VENV)/.installed
	@test -n "$(NAME)" || { echo "usage: make reviewer NAME=<reviewer name>"; exit 2; }
	$(PY) -m dashboard.write.cli reviewer "$(NAME)"

## make publish REVIEWER=...: publish the accepted proposals (the running servers switch to the new snapshot)
publish: $(VENV)/.installed
	@test -n "$(REVIEWER)" || { echo "usage: make publish REVIEWER=<reviewer name>"; exit 2; }
	$(PY) -m dashboard.write.cli publish --reviewer "$(REVIEWER)"

## make test: the whole suite, browser tests included (needs Debian's chromium, nginx-light, poppler-utils, postgresql)
test: check-test-tools $(VENV)/.installed-test
	$(PY) -m pytest -q

## make test-fast: the suite without the browser tests (no Chromium needed; nginx and pdftotext are)
test-fast: BROWSER = 0
test-fast: check-test-tools $(VENV)/.installed-test
	$(PY) -m pytest -q -m "not browser"

## make bench: performance figures against a naive baseline (prints, writes bench/results/bench.json)
bench: $(VENV)/.installed-test
	$(PY) bench/bench.py

## make data: rebuild geodata/snapshot from the data kit in $(KIT)
data: $(VENV)/.installed-build
	$(PY) -m dashboard.build.build --kit $(KIT)
	OMP_NUM_THREADS=2 $(PY) -m dashboard.data.embed --snapshot geodata/snapshot

## make refresh: download the latest statistics (Eurostat) and boundaries (GISCO), rebuild geodata/snapshot
refresh: $(VENV)/.installed-build
	$(PY) -m dashboard.build.refresh --kit $(KIT)

## make eval: search evaluation (old substring filter vs word/stem + meaning search), the classifier evaluation,
## the judged relevance of the search (tests/eval: rankers, languages, related-group calibration), the
## cross-language table and the tagging evaluation (independent labels)
eval: $(VENV)/.installed
	$(PY) tools/evaluate_search.py
	$(PY) tools/evaluate_crosslang.py --latency
	$(PY) tools/evaluate_classifier.py
	$(PY) tools/evaluate_relevance.py
	$(PY) tools/evaluate_tagging.py

## make screenshot: docs/screenshot.png, the explorer at 1400x900 (starts its own server on a free port)
screenshot: $(VENV)/.installed-test
	$(PY) tools/screenshot.py --out docs/screenshot.png

## make lighthouse: Lighthouse 12 (desktop, mobile) and axe-core per page against gunicorn (npm install into build/lighthouse)
LIGHTHOUSE_DIR := build/lighthouse
$(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse:
	mkdir -p $(LIGHTHOUSE_DIR)
	npm install --no-audit --no-fund --prefix $(LIGHTHOUSE_DIR) lighthouse@12 axe-core@4
lighthouse: $(VENV)/.installed-test $(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse
	CHROME_PATH=$(CHROMIUM) $(PY) tools/lighthouse.py

## make css: rebuild assets/vendor/s3-bootstrap.min.css (Bootstrap cut to the classes the app uses; npm purgecss)
css: $(VENV)/.installed
	$(PIP_INSTALL) -e '.[css]'
	PY=$(PY) tools/css/build.sh

## make plotly-bundle: rebuild assets/vendor/s3-plotly.min.js (partial plotly.js) and the base-map topojson (npm)
plotly-bundle:
	tools/plotly-bundle/build.sh

## make lock: resolve the newest versions pyproject.toml allows, every extra included, in a new
## environment, and pin them in constraints.txt (then run `make test` before committing it)
LOCK_VENV := build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[$(ALL_EXTRAS)]'
	where=$$($(LOCK_VENV)/bin/python -c 'import platform as p; print("Python", p.python_version(), p.system(), p.machine())'); \
	{ echo "# Versions the test suite passed with, for every install in the Makefile (pip install -c)."; \
	  echo "# Written by make lock ($$where); do not edit by hand."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf $(LOCK_VENV)
	@echo "constraints.txt rewritten: run make clean test before committing it"

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
