.PHONY: run test bench lint setup

setup:
	@scripts/bootstrap

run: setup
	.venv/bin/mudjam dev up

test: setup
	.venv/bin/pytest $(PYTEST_ARGS)

bench: setup
	.venv/bin/python -m bench $(BENCH_ARGS)

lint: setup
	.venv/bin/ruff check . && .venv/bin/mypy
