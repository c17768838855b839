# civicplan — two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install lint format typecheck migrate demo worker beat check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm не найден: сайт работает без htmx, все страницы доступны без JavaScript."; \
	fi

install: $(VENV)/.installed
	-@$(MAKE) --no-print-directory node_modules/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

## Set up everything, load the demo data into an empty database and start the site through
## gunicorn with the production settings of config/gunicorn.conf.py (docs/production.md).
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  civicplan запущен: http://$(HOST):$(PORT)/"
	@echo "  Администрирование: http://$(HOST):$(PORT)/admin/ (admin@civicplan.local / demo-civicplan-2026)"
	@echo "  Остановить: Ctrl+C"
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c config/gunicorn.conf.py config.wsgi:application

## Lint, check the architecture contract and run the whole test suite.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## Type-check with mypy (django-stubs; strict on analytics and core; cache in .mypy_cache).
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A config worker --loglevel=info --concurrency=2

beat: install
	$(BIN)/celery -A config beat --loglevel=info

check: install
	$(BIN)/python manage.py check --deploy

clean:
	rm -rf $(VENV) node_modules var/static
