# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | sha1sum | cut -c1-12)
export STAFFSAFE_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	mkdir -p $(STAFFSAFE_DATA_DIR)
	STAFFSAFE_DEMO_MODE=true $(BIN)/staffsafe migrate --noinput -v0
	STAFFSAFE_DEMO_MODE=true $(BIN)/staffsafe demo
	@# The background worker checks and loads uploaded returns; it stops with the server.
	STAFFSAFE_DEMO_MODE=true sh -c '$(BIN)/staffsafe db_worker -v0 & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; $(BIN)/staffsafe serve --port 8000'

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/api_create.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
