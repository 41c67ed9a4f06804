# AlmenNet portal. `make run` serves the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# Python 3.12 or newer: from PATH, else pyenv's installs.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

export PYTHONDONTWRITEBYTECODE=1

.PHONY: help install install-test run stop lock test test-fast vnu lint lint-imports format bench soak wrk wrk-for-tests smtp-sink bandit bench-search bench-mail chromium messages vendor clean scale-demo screenshots

help:
	@echo "make run    start the portal with demo data at http://127.0.0.1:8000/ (PORT=8001 for another port)"
	@echo "make stop   stop the embedded PostgreSQL that make run started"
	@echo "make test   install what the tests need and run the whole suite"
	@echo "make test-fast  everything but the browser and worker tests, in parallel (pytest-xdist)"
	@echo "make bench  seed a large data set and measure the portal under load (wrk)"
	@echo "make soak   five minutes of mixed traffic; each worker's memory, first and last minute"

# Exact versions with hashes from the lock file (requirements/dev.txt: the dev and test extras),
# then the portal itself in editable mode without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "No Python 3.12 or newer found (tried python3.13, python3.12, pyenv)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

PORT ?= 8000

run: install
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-on} $(PY) manage.py staff_groups --sync
	DEBUG=$${DEBUG:-on} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-on} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The embedded PostgreSQL keeps running between commands; this ends it (fast shutdown) by the
# process id in its own postmaster.pid.
PGDATA_DIR ?= $${DATA_DIR:-var}/pgdata
stop:
	@pidfile="$(PGDATA_DIR)/postmaster.pid"; \
	if [ -f "$$pidfile" ] && kill -0 "$$(head -1 "$$pidfile")" 2>/dev/null; then \
	  pid="$$(head -1 "$$pidfile")"; kill -INT "$$pid"; \
	  for i in $$(seq 50); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.2; done; \
	  echo "embedded PostgreSQL (pid $$pid) stopped"; \
	else echo "no embedded PostgreSQL running in $(PGDATA_DIR)"; fi

# The lock files: requirements/production.txt (what the container installs) and
# requirements/dev.txt (what make install installs), exact versions with hashes, valid for
# Python 3.12 and newer on any platform. Run after changing dependencies in pyproject.toml;
# UPGRADE=1 moves every pin to the newest release.
lock: install
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
	  $(if $(UPGRADE),--upgrade) -o requirements/production.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --extra test --universal --python-version 3.12 \
	  --generate-hashes $(if $(UPGRADE),--upgrade) -o requirements/dev.txt

# The W3C Nu HTML Checker (npm package vnu-jar; ~33 MB, so installed, not vendored) for
# tests/measure/test_html_valid.py, run with the machine's Java (Debian's default-jre-headless).
VNU_VERSION ?= 26.9.27
VNU_DIR := $(CURDIR)/var/tools/vnu
vnu:
	@test -f $(VNU_DIR)/node_modules/vnu-jar/build/dist/vnu.jar || { mkdir -p $(VNU_DIR) && \
	  cd $(VNU_DIR) && npm install --silent --no-save --no-audit --no-fund vnu-jar@$(VNU_VERSION); } \
	  || echo "vnu-jar could not be installed: the HTML check will fail (skipped only without java)"
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null; \
	  else echo "java is missing: install Debian's default-jre-headless (the HTML check will be skipped)"; fi; }

# Debian's Chromium for the browser tests; Playwright never downloads a browser of its own.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package (browser tests will be skipped)"; fi; }
	@# docker-compose checks compose.yaml (tests/almennet/test_container.py); no daemon is started.
	@command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; } \
	    || echo "docker-compose could not be installed: the compose file check will be skipped"; \
	  else echo "docker-compose is missing: the compose file check will be skipped"; fi; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The app layers of pyproject.toml's [tool.importlinter] (README: How the apps fit together).
lint-imports: install
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The whole suite in two steps: everything but the browser and worker tests spread over the
# cores (pytest-xdist, as make test-fast), then the browser and worker tests one at a time.
test: install chromium vnu wrk-for-tests lint lint-imports
	DEBUG=on $(PY) manage.py makemigrations --check --dry-run
	DEBUG=on $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist load -p no:cacheprovider \
	  -m "not e2e and not integration" --ignore=tests/e2e $(PYTEST_ARGS)
	DEBUG=on $(VENV)/bin/pytest -p no:cacheprovider -m "e2e or integration" $(PYTEST_ARGS)

# The loop for people: every test but the browser (e2e) and worker (integration) ones, spread
# over TEST_WORKERS processes, each with its own test database (test_<name>_gw0, ...) and upload
# folders. The test databases are kept between runs (--reuse-db: the next run only applies new
# migrations instead of building them again); PYTEST_ARGS=--create-db builds them afresh.
# `make test` stays the whole suite, as CI runs it.
TEST_WORKERS ?= auto
test-fast: install vnu
	DEBUG=on $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist load --reuse-db -p no:cacheprovider \
	  -m "not e2e and not integration" --ignore=tests/e2e $(PYTEST_ARGS)

messages: install
	DEBUG=on $(PY) manage.py makemessages -l da --no-obsolete -i '.venv/*' -i 'var/*' -i 'static/*' -i 'tests/*' \
	  -i 'members/*' -i 'events/*' -i 'projects/*' -i 'publications/*' -i 'strategy/*' -i 'outbox/*' -i 'newsletters/*' -i 'mailings/*' -i 'search/*' \
	  -i 'invoicing/*'
	for app in members events projects publications strategy outbox newsletters search invoicing; do \
	  (cd $$app && DEBUG=on $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l da --no-obsolete); done
	DEBUG=on $(PY) manage.py compilemessages -i .venv -i var

# The README's screenshots (docs/screenshots/): five pages at 1280 and 390 px from the demo
# data, with the browser tests' Chromium. Seeds the demo data into the configured database.
screenshots: install chromium
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-on} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-on} $(PY) manage.py screenshots --out docs/screenshots

vendor:
	cd $$(mktemp -d) && npm install --silent bootstrap@5 htmx.org@2 axe-core@4 bootstrap-icons quill@2 && \
	  cp node_modules/bootstrap/dist/css/bootstrap.min.css* node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $(CURDIR)/static/vendor/bootstrap/ && \
	  cp node_modules/htmx.org/dist/htmx.min.js $(CURDIR)/static/vendor/htmx/ && \
	  cp node_modules/axe-core/axe.min.js $(CURDIR)/static/vendor/axe-core/ && \
	  cp node_modules/quill/dist/quill.js* node_modules/quill/dist/quill.snow.css* node_modules/quill/LICENSE $(CURDIR)/static/vendor/quill/ && \
	  npm install --silent @fontsource-variable/source-sans-3@5 && \
	  cp node_modules/@fontsource-variable/source-sans-3/LICENSE \
	    node_modules/@fontsource-variable/source-sans-3/files/source-sans-3-latin-wght-normal.woff2 \
	    node_modules/@fontsource-variable/source-sans-3/files/source-sans-3-latin-wght-italic.woff2 \
	    node_modules/@fontsource-variable/source-sans-3/files/source-sans-3-latin-ext-wght-normal.woff2 \
	    $(CURDIR)/static/vendor/source-sans-3/

# The knowledge-hub search over 10,000 publications and 1,000 projects (rolled back after).
bench-search: install
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-on} $(PY) manage.py bench_search

# Newsletter throughput to local SMTP sinks (smtp-sink, aiosmtpd) in mails per second, with the machine.
bench-mail: install smtp-sink
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-on} $(PY) manage.py bench_mail $(BENCH_MAIL_ARGS)

# Debian's wrk, the native load generator of `make bench` and `make soak`.
# The soak's wrk runs are tested too (tests/devtools/test_soak_bench.py): as root, make test
# installs wrk; otherwise that test is skipped with a note (and fails under CI=true).
wrk-for-tests:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: install Debian's wrk package (the soak's wrk test will be skipped)"; fi; }

# Postfix's smtp-sink, a native SMTP test server, for bench_mail: taken from Debian's postfix
# package into var/tools/postfix (no mail server is installed or started). Without it,
# bench_mail measures with the aiosmtpd sink only.
SMTP_SINK_DIR := $(CURDIR)/var/tools/postfix
smtp-sink:
	@test -x $(SMTP_SINK_DIR)/usr/sbin/smtp-sink || { mkdir -p $(SMTP_SINK_DIR) && cd $(SMTP_SINK_DIR) && \
	  { apt-get download postfix >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	    apt-get download postfix >/dev/null 2>&1; }; } && dpkg-deb -x postfix_*.deb . && rm -f postfix_*.deb; } \
	  || echo "Postfix's smtp-sink could not be fetched: bench_mail measures with the aiosmtpd sink only"

wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: install Debian's wrk package" >&2; exit 1; fi; }

# Seeds its own database (almennet_bench), serves it with gunicorn under production settings,
# measures wrk's own ceiling and the bare view's, drives every read page with wrk -t2 -c32 and
# the sign-up rush with a scripted client, and writes a table and var/bench/*.json (about 8
# minutes at scale 1). BENCH_ARGS="--seconds 5 --scale 0.2 --only front,my_page --keep" etc.
bench: install wrk smtp-sink
	$(PY) -m devtools.bench.run $(BENCH_ARGS)

# Five minutes of mixed traffic (visitors' and members' pages) against gunicorn with two Celery
# workers; each process's resident memory after the first and the last minute, and a failure
# when one grew by more than 20%. SOAK_ARGS="--minutes 2 --reuse" etc.
soak: install wrk
	$(PY) -m devtools.bench.soak $(SOAK_ARGS)

# Bandit over the project's own code at medium severity and up: every finding listed, then the
# check that each carries a reason in a comment (# nosec or ruff's # noqa: Sxxx) fails if not.
bandit: install
	-$(VENV)/bin/bandit -q -r almennet members events projects publications strategy outbox newsletters mailings search invoicing devtools -x '*/migrations/*' -ll
	DEBUG=on $(VENV)/bin/pytest -q -p no:cacheprovider tests/measure/test_hardening.py -k bandit

# Two gunicorn processes and two Celery workers on one PostgreSQL, one Redis (the database of
# SCALE_TEST_REDIS_URL or REDIS_URL, flushed) and one S3 endpoint (moto): a session, a change,
# a file and a newsletter across them (tests/almennet/test_scale_out.py, about 1.5 minutes).
scale-demo: install
	DEBUG=on $(VENV)/bin/pytest -q -s -p no:cacheprovider tests/almennet/test_scale_out.py -m integration

clean:
	rm -rf $(VENV) var/static .pytest_cache
