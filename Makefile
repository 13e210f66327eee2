# Everything a fresh machine needs: `make run` to use the system, `make test` to check it.
# With no environment variables: SQLite and a filesystem Celery broker (no servers).
# DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://... switch to PostgreSQL and Redis.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo run worker beat web test lint bench clean

# Local targets run with DEBUG on (a development secret key is allowed then); tests and the bench
# run as production does, with a key that exists for them only. Production sets DJANGO_SECRET_KEY.
migrate demo run: export DJANGO_DEBUG ?= 1
test bench: export DJANGO_SECRET_KEY ?= tests-only-secret-key-never-used-in-production-0123456789
test bench: export DJANGO_SECURE_COOKIES ?= 0
test bench: export DJANGO_SSL_REDIRECT ?= 0

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(INSTALLED)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py sync_roles

demo: migrate
	$(BIN)/python manage.py create_demo_accounts
	$(BIN)/python manage.py import_disclosure fixtures/disclosures/*.txt
	$(BIN)/python manage.py create_demo_reporting

# Web, Celery worker and Celery beat together; Ctrl-C stops all three.
run: demo
	@fc-list "Noto Sans CJK SC:lang=zh" family 2>/dev/null | grep -q . || echo "Note: no CJK font for PDF reports; install fonts-noto-cjk (see README)"
	$(BIN)/python -m config.devrun $(HOST) $(PORT)

lint: install
	$(BIN)/ruff check .

test: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# Benchmarks run in a throw-away database; set DATABASE_URL=postgres://... for the PostgreSQL figures.
bench: install
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache .ruff_cache .hypothesis
