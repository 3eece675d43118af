# S3 Atlas — set-up, run, test. Everything installs into .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
HOST   ?= 127.0.0.1
PORT   ?= 8050
WORKERS ?= 2
KIT    ?= ../shared/data

.PHONY: run serve test bench data screenshot clean install install-test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test,serve]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: the dashboard on the bundled data at http://$(HOST):$(PORT)
run: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) $(PY) app.py

## make serve: production server (gunicorn, $(WORKERS) workers)
serve: $(VENV)/.installed-test
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) $(VENV)/bin/gunicorn --config gunicorn.conf.py app:server

## make test: the whole suite, browser tests included (needs Debian's chromium)
test: $(VENV)/.installed-test
	@test -x /usr/bin/chromium || { echo "Chromium is missing: apt-get install -y chromium (.ci/run does this)"; exit 1; }
	$(PY) -m pytest -q

## make bench: performance figures against a naive baseline (prints, writes bench/results/bench.json)
bench: $(VENV)/.installed-test
	$(PY) bench/bench.py

## make data: rebuild geodata/snapshot from the data kit in $(KIT)
data: $(VENV)/.installed
	$(PY) -m dashboard.data.build --kit $(KIT)
	OMP_NUM_THREADS=2 $(PY) -m dashboard.data.vectors --snapshot geodata/snapshot

## make screenshot: docs/screenshot.png of the running app
screenshot: $(VENV)/.installed-test
	$(PY) tools/screenshot.py http://$(HOST):$(PORT)/ docs/screenshot.png

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

## make refresh: download the latest statistics (Eurostat) and boundaries (GISCO), rebuild geodata/snapshot
refresh: $(VENV)/.installed
	$(PY) -m dashboard.data.refresh --kit $(KIT)
.PHONY: refresh

## make lighthouse: Lighthouse 12 (desktop, mobile) and axe-core per page against gunicorn (npm install into build/lighthouse)
LIGHTHOUSE_DIR := build/lighthouse
$(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse:
	mkdir -p $(LIGHTHOUSE_DIR)
	npm install --no-audit --no-fund --prefix $(LIGHTHOUSE_DIR) lighthouse@12 axe-core@4
lighthouse: $(VENV)/.installed-test $(LIGHTHOUSE_DIR)/node_modules/.bin/lighthouse
	CHROME_PATH=/usr/bin/chromium $(PY) tools/lighthouse.py
.PHONY: lighthouse

## make eval: search evaluation (old substring filter vs word/stem + meaning search) and the classifier evaluation
eval: $(VENV)/.installed
	$(PY) tools/evaluate_search.py
	$(PY) tools/evaluate_classifier.py
.PHONY: eval

## make test-fast: the suite without the browser tests (no Chromium needed; the scale-out test needs nginx)
test-fast: $(VENV)/.installed-test
	$(PY) -m pytest -q -m "not browser"
.PHONY: test-fast

## make css: rebuild assets/vendor/s3-bootstrap.min.css (Bootstrap cut to the classes the app uses; npm purgecss)
css: $(VENV)/.installed
	PY=$(PY) tools/css/build.sh
.PHONY: css

## make plotly-bundle: rebuild assets/vendor/s3-plotly.min.js (partial plotly.js) and the base-map topojson (npm)
plotly-bundle:
	tools/plotly-bundle/build.sh
.PHONY: plotly-bundle
