.PHONY: install test lint format bench eval
install:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'
test:
	.venv/bin/python -m pytest
lint:
	.venv/bin/ruff check src tests bench && .venv/bin/ruff format --check src tests bench
format:
	.venv/bin/ruff format src tests bench && .venv/bin/ruff check --fix src tests bench
bench:
	.venv/bin/python bench/search.py --keep /tmp/curbside-bench && .venv/bin/python bench/answer.py --library /tmp/curbside-bench && .venv/bin/python bench/web.py && .venv/bin/python bench/load.py
eval:
	.venv/bin/curbside eval answers --cases eval/cases/bundled.jsonl
