# One entry point for people, hooks and CI. `make help` lists the targets.
PY ?= python
.DEFAULT_GOAL := help

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build:  ## build and install the extension (release) into the active venv
	$(PY) -m pip install -q -e '.[test,lint]'

lint:  ## rustfmt, clippy, rustdoc, ruff, mypy --strict, stubtest
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
	$(PY) -m ruff check python tests benches examples scripts
	$(PY) -m ruff format --check python tests benches examples scripts
	$(PY) -m mypy --strict python/simcore
	$(PY) -m mypy.stubtest simcore._core

test:  ## core tests, then the Python suite
	cargo test -p simcore-core
	$(PY) -m pytest -q

bench:  ## pytest-benchmark figures (release build); see benches/README.md
	$(PY) -m pytest benches -q --benchmark-only --benchmark-columns=median,min,rounds -s

example:  ## cluster the example corpus shipped in the repo
	simcore cluster examples/wire

.PHONY: help build lint test bench example

fuzz:  ## run each cargo-fuzz target for FUZZ_SECONDS (stable toolchain, no sanitizer)
	cd fuzz && for t in normalize shingle pipeline; do \
	  mkdir -p corpus-work/$$t && cp -n seeds/normalize/* corpus-work/$$t/ ; \
	  cargo fuzz run --sanitizer none -O $$t corpus-work/$$t -- -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 || exit 1; \
	done
.PHONY: fuzz
