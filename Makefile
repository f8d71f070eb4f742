# The entry point for everything. `make dev` runs the app; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
# Production-like settings for `check --deploy` (throw-away values, not secrets), with a cache
# every worker shares, as compose.yaml has.
DEPLOY_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=check-deploy-only-$$RANDOM-$$RANDOM-$$RANDOM-not-a-real-key-0123456789 \
	DJANGO_ALLOWED_HOSTS=uploads.example.com S3_CORS_ORIGINS=https://uploads.example.com \
	AWS_ACCESS_KEY_ID=check AWS_SECRET_ACCESS_KEY=check \
	DJANGO_CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache DJANGO_CACHE_LOCATION=django_cache

.PHONY: dev test test-django6 lint format check install chromium iproute2 clean up down bench loadtest

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check "pip==25.3"
	$(PIP) install -q --disable-pip-version-check --group dev
	$(PIP) install -q --disable-pip-version-check --no-deps --editable .
	touch $@

install: $(STAMP)

dev: $(STAMP)
	cd web && ../$(PY) -m devtools.dev

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Chromium from Debian's packages…"; \
			(apt-get install -y -q chromium >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)); \
		else \
			echo "Chromium is missing and this is not root: e2e tests will fail." >&2; \
		fi; \
	fi

# Debian's iproute2 (`ip`, `tc`) for the benchmark's emulated networks (network namespaces, tbf).
iproute2:
	@if ! command -v ip >/dev/null || ! command -v tc >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing iproute2 from Debian's packages…"; \
			(apt-get install -y -q iproute2 >/dev/null 2>&1 || \
			 (apt-get update -q >/dev/null && apt-get install -y -q iproute2 >/dev/null)); \
		else \
			echo "iproute2 is missing and this is not root: no emulated networks." >&2; \
		fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) scripts/compose_check.py
	$(VENV)/bin/hadolint Dockerfile

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: $(STAMP)
	cd web && ../$(PY) manage.py makemigrations --check --dry-run
	cd web && $(DEPLOY_ENV) ../$(PY) manage.py check --deploy --fail-level WARNING

# Every test, on a throw-away PostgreSQL (installed from Debian's packages when missing);
# REQUIRE_POSTGRES=1 makes a run that silently fell back to SQLite fail.
test: $(STAMP) chromium iproute2 lint check
	REQUIRE_POSTGRES=1 $(PY) scripts/with_postgres.py $(PY) -m pytest
	$(MAKE) test-django6

# The app's unit tests on the newest Django too (6.x needs Python >= 3.12; this machine's
# pyenv has one). The real-S3, browser and deploy suites run on 5.2 LTS above.
PY312 := $(firstword $(wildcard /root/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12) $(shell command -v python3.12 2>/dev/null))
VENV6 := .venv-django6
DJANGO6 := Django==6.1.3

$(VENV6)/.installed: pyproject.toml
	@test -n "$(PY312)" || { echo "The Django 6 tests need Python 3.12 (python3.12 not found)." >&2; exit 1; }
	test -x $(VENV6)/bin/python || $(PY312) -m venv $(VENV6)
	$(VENV6)/bin/pip install -q --disable-pip-version-check "pip==25.3"
	$(VENV6)/bin/pip install -q --disable-pip-version-check --group app --group unit
	$(VENV6)/bin/pip install -q --disable-pip-version-check "$(DJANGO6)"
	$(VENV6)/bin/pip install -q --disable-pip-version-check --no-deps --editable .
	touch $@

test-django6: $(VENV6)/.installed
	$(VENV6)/bin/python -m pytest tests/unit tests/package/test_boundaries.py -q --deselect tests/unit/test_fuzz_api.py

# On this machine: SeaweedFS + gunicorn, started and stopped here. Several minutes;
# `make bench ARGS=--quick` for a short run. Results in .artifacts/bench/.
bench: $(STAMP) iproute2
	cd web && ../$(PY) -m devtools.bench $(ARGS)

# 50 users uploading for 2 minutes: fails on any error or if the bucket and database differ.
loadtest: $(STAMP)
	cd web && ../$(PY) -m devtools.loadtest $(ARGS)

# The production-like stack (compose.yaml) for people with Docker: PostgreSQL, SeaweedFS, gunicorn.
up: .env
	docker compose up --build --detach
	@echo "App: http://localhost:8000 (ports in .env). First user: docker compose exec web python manage.py createsuperuser"

# Stops the stack; its data stays in volumes (`docker compose down --volumes` deletes it).
down:
	docker compose down

# Secrets for the stack, made once: a copy of .env.example with random values. Never committed.
.env:
	python3 scripts/env_from_example.py .env.example $@

clean:
	rm -rf $(VENV) $(VENV6) .data .artifacts staticfiles
