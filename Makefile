# AstraTrade Core — every target bootstraps its own virtual environment from a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
EXTRAS := dev,cairo
# A "compat" editable install puts the checkout on sys.path through a plain .pth file, which
# mypy reads (setuptools' default import-hook finder is invisible to it): `mypy --strict` on
# a script elsewhere then finds astratrade_core (tests/test_packaging.py).
EDITABLE := --config-settings editable_mode=compat

.PHONY: test lint typecheck pytest services services-stop services-purge bench demo clean \
        contracts contracts-mutate verify mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]' $(EDITABLE)
	touch $@

venv: $(STAMP)

# The benchmarks compare against bench-only libraries (eventsourcing): a second stamp.
$(VENV)/.installed-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS),bench]' $(EDITABLE)
	touch $@

# Cairo: fetch the compiler (cairo-lang 0.13.1 sdist) and the VM venv (Python 3.10), build every
# contract; cached under .cache/cairo and contracts/build (see contracts/README.md).
CONTRACTS_STAMP := contracts/build/.stamp
$(CONTRACTS_STAMP): $(shell find contracts/src contracts/corelib contracts/tools -type f -not -path '*/__pycache__/*') contracts/cairo_project.toml
	$(PYTHON) contracts/tools/build.py

contracts: $(CONTRACTS_STAMP)

# Mutation score of the Cairo sources against the VM tests (slow: a recompile per mutant; not
# part of `make test`).  MUTATE_ARGS="--all" runs every mutant, default a seeded sample of 12.
contracts-mutate: $(STAMP) $(CONTRACTS_STAMP)
	$(BIN)/python contracts/tools/mutate.py $(MUTATE_ARGS)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Real PostgreSQL and Redis on loopback (scripts/services.sh; state in .cache/services/, or as
# root PostgreSQL's under /var/lib/astratrade-services/, reachable by the `postgres` user from
# any checkout, a 0700 one included: `scripts/services.sh where` says where).
# pytest starts them, exports their URLs and stops them afterwards even when tests fail;
# servers that were already running (`make services`) are left running.
services:
	scripts/services.sh start
	@scripts/services.sh env

services-stop:
	scripts/services.sh stop

services-purge:
	scripts/services.sh purge

# One pytest process per core (tests of one file stay in one process: their module fixtures,
# such as deployed contracts, are built once); PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto

pytest: $(STAMP) $(CONTRACTS_STAMP)
	@if scripts/services.sh status; then :; else \
	    scripts/services.sh start || exit 1; trap 'scripts/services.sh stop' EXIT; fi; \
	set -a; eval "$$(scripts/services.sh env)"; set +a; \
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

# The full verification tier (proofs/): Z3 proofs, CrossHair contracts, Hypothesis at ci depth,
# every mutant; prints the table, writes proofs/report.json, fails over its 15-minute budget.
verify: $(STAMP) $(CONTRACTS_STAMP)
	$(BIN)/python -m proofs run --tier full
	ASTRATRADE_DIFFERENTIAL_CASES=1000 $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) \
	    tests/contracts/test_differential.py tests/contracts/test_inverse_differential.py \
	    tests/contracts/test_lending_differential.py

# Mutation testing of the core's rules (proofs/mutation.py, docs/properties.md): one module at a
# time on one worker, a table of scores at the end (also in .cache/mutate/scores.md).
# `make mutate MODULE=trading` reruns one module; mutmut's cache under .cache/mutate/ skips
# mutants of unchanged functions; SAMPLE=5 checks a deterministic fifth of the mutants (an
# estimate, for this 2-core machine).  Not part of `make test`.
MODULE ?=
SAMPLE ?=
$(VENV)/.installed-mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS),mutate]' $(EDITABLE)
	touch $@

mutate: $(VENV)/.installed-mutate
	$(BIN)/python -m proofs.mutation $(if $(MODULE),--module $(MODULE)) \
	    $(if $(SAMPLE),--sample $(SAMPLE)) $(if $(JOBS),--jobs $(JOBS))

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks

demo: $(STAMP)
	$(BIN)/python -m astratrade_shell.cli demo

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis
