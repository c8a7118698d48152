# The project's verbs. `make run` and `make test` work on a fresh machine with Python 3.11+.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/lianbing
WORKERS ?= 1
# Per-message compression costs the one server core a deflate of every frame for every socket (half
# of each send in the reveal's profile, docs/benchmarks.md); frames go uncompressed unless set to true.
WS_DEFLATE ?= false

.PHONY: run serve test test-postgres test-deploy mutate lint bench bench-quick demo migrate clean

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Set up, migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite, in-memory channel layer).
run: export DEBUG ?= 1
run: export LIANBING_DEMO ?= 1
run: $(STAMP) migrate demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "练兵 is serving on http://$(HOST):$(PORT)/  (demo accounts are listed on the login page)"
	WEB_CONCURRENCY=$(WORKERS) $(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --ws websockets-sansio --ws-max-size 65536 --ws-per-message-deflate $(WS_DEFLATE) --lifespan off

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0

demo: $(STAMP)
	$(BIN)/python manage.py load_demo

# The whole suite on SQLite (browser tests included), then everything but the browser tests on PostgreSQL.
test: $(STAMP)
	$(BIN)/python -m pytest
	@$(MAKE) --no-print-directory test-postgres

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		echo "== PostgreSQL pass: DATABASE_URL=$(PG_TEST_URL) =="; \
		DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -m "not e2e"; \
	elif [ -n "$$CI" ] || [ "$$LIANBING_REQUIRE_SERVICES" = 1 ]; then \
		echo "PostgreSQL is required here but not running on 127.0.0.1:5432"; exit 1; \
	else \
		echo "PostgreSQL is not running on 127.0.0.1:5432: the PostgreSQL pass is skipped"; \
	fi

# deploy/nginx/ in front of two uvicorn workers on PostgreSQL and Redis: /healthz and a live drill through it.
test-deploy: $(STAMP)
	LIANBING_REQUIRE_SERVICES=1 $(BIN)/python -m pytest tests/ops -q

# Mutation testing (mutmut 3) of the rules players and managers argue about; ~30 minutes on two cores,
# so not part of `make test` or CI. Results: `mutmut results`, `mutmut show <name>`; docs/testing.md.
mutate: $(STAMP)
	$(BIN)/mutmut run; $(BIN)/mutmut results --all true | $(BIN)/python -m tests.mutation_summary

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

bench: $(STAMP)
	$(BIN)/python -m bench

# The live drill at scale, small sizes only (N = 100, 500; under 2 minutes).
bench-quick: $(STAMP)
	BENCH_QUICK=1 $(BIN)/python -m bench live_scale

clean:
	rm -rf $(VENV) staticfiles var/test.sqlite3* mutants
