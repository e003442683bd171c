.PHONY: run test install bench

# One command installs everything and runs the main job.
run:
	bash scripts/run.sh

# One command installs everything and runs every check and test.
test:
	bash scripts/test.sh

install:
	bash scripts/install.sh

bench:
	.venv/bin/python benchmarks/bench_retrieval.py
