# Every target creates .venv and installs what it needs, so a fresh clone
# needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format migrations check bench soak ci clean worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Links in e-mails and briefing books point at the address served, unless
# DJANGO_SITE_URL says otherwise.
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo --if-empty
	DJANGO_SITE_URL="$${DJANGO_SITE_URL:-http://$(HOST)}" $(BIN)/python manage.py runserver $(HOST)

# The job queue's worker (a map's briefing book), for DJANGO_TASKS_BACKEND=database; with the
# default of development (immediate) books are built in the request and no worker is needed.
worker: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	DJANGO_TASKS_BACKEND=$${DJANGO_TASKS_BACKEND:-database} $(BIN)/python manage.py db_worker

test: $(VENV)/.installed-dev
	$(BIN)/pytest

# The hooks of .pre-commit-config.yaml on every tracked file: ruff (check and
# format), djhtml and django-upgrade, each only checking, from .venv (no network).
lint: $(VENV)/.installed-dev
	$(BIN)/pre-commit run --all-files

# What the same tools can fix, fixed; their options are those of the hooks.
format: $(VENV)/.installed-dev
	git ls-files -z --cached --others --exclude-standard '*.py' | xargs -0 -r $(BIN)/django-upgrade --target-version 5.2 --exit-zero-even-if-changed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml --tabwidth 2 templates

# New migrations are formatted like the rest of the code.
migrations: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemigrations
	$(BIN)/ruff format --quiet */migrations

check: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# Speed at 2,000 strategies (docs/performance.md); wants Debian's wrk for the load part.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# Mixed traffic against gunicorn and PostgreSQL, with a worker killed and the
# database stopped for 5 s (docs/deploy.md); run as root on a development machine.
soak: $(VENV)/.installed
	$(BIN)/python bench/soak.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles

# Backup and restore (see the README): the whole site as JSON, ids kept. Restore
# wants a new, empty database; it migrates it first and refuses one with content.
BACKUP ?= backup.json
.PHONY: backup restore

backup: $(VENV)/.installed
	$(BIN)/python manage.py dumpdata --natural-foreign -e contenttypes -e auth.permission -e sessions -e admin.logentry -e axes --indent 2 -o $(BACKUP)

restore: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py shell -v 0 -c "from django.contrib.auth import get_user_model; from strategy.models import StrategyMap; raise SystemExit('The database has content already; restore into a new, empty one.' if get_user_model().objects.exists() or StrategyMap.objects.exists() else 0)"
	$(BIN)/python manage.py loaddata $(BACKUP)
