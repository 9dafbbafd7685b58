# Bredvid: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Frames above 64 KiB are cut off by daphne itself (close 1009); the app refuses
# anything above 20,000 characters with a `too_large` error frame.
DAPHNE_FLAGS := --websocket-max-message-size 65536 --websocket-max-frame-size 65536

CLUSTER_PROCESSES ?= 2

.PHONY: run cluster test lint format bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(VENV)/.bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.dev $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Bredvid runs on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/daphne $(DAPHNE_FLAGS) -b $(HOST) -p $(PORT) asgi:application

# nginx on 127.0.0.1:8080 over CLUSTER_PROCESSES daphne processes (127.0.0.1:8101, ...), in
# the foreground; Ctrl-C stops it all. DATABASE_URL and REDIS_URL default to the local
# PostgreSQL (database `bredvid`, created when missing) and Redis db 1. deploy/README.md
# has the production setup.
cluster: $(VENV)/.runtime
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
	exec $(BIN)/python deploy/cluster.py --processes $(CLUSTER_PROCESSES) \
		--daphne-flags "$(DAPHNE_FLAGS)"

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_DATABASE_URL, BENCH_REDIS_URL);
# BENCH_ARGS="--help" lists the knobs. Results land in bench/results/.
bench: $(VENV)/.bench
	BENCH_DAPHNE_FLAGS="$(DAPHNE_FLAGS)" $(BIN)/python -m bench.run $(BENCH_ARGS)

# Needs GNU gettext (xgettext, msgfmt); the compiled .mo files are committed.
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages --locale sv --locale en --no-obsolete \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' 
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 test_db.sqlite3 staticfiles tests/artifacts
