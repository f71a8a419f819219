.PHONY: run test unit integration e2e bench chaos lint setup setup-run

# What running needs (`make run`), and what testing needs besides (every other target).
setup-run:
	@scripts/bootstrap run

setup:
	@scripts/bootstrap test

run: setup-run
	.venv/bin/mudjam dev up

# Every tier; `make unit`, `make integration` and `make e2e` run one.
test: setup
	.venv/bin/pytest $(PYTEST_ARGS)

unit: setup
	.venv/bin/pytest tests/unit $(PYTEST_ARGS)

integration: setup
	.venv/bin/pytest tests/integration $(PYTEST_ARGS)

e2e: setup
	.venv/bin/pytest tests/e2e $(PYTEST_ARGS)

# Every benchmark in one run; rewrites bench/REPORT.md, bench/results.json and the README's figures.
# wrk (the portal's load) is a Debian package: installed here if missing.
bench: setup
	@command -v wrk >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  echo "bench: installing wrk"; $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	.venv/bin/python -m bench $(BENCH_ARGS)

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

# The chaos run (bench/chaos.py): 5,000 commands while services are killed; not part of `make bench`.
chaos: setup
	.venv/bin/python -m bench.chaos $(CHAOS_ARGS)
