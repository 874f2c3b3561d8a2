# CPT Trainer: `make run` starts the app, `make test` runs the whole suite.
# Both create .venv if it is missing and install the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run test screenshots bench bank-stats clean sysdeps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/python -m trainer $(ARGS)

test: $(TSTAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshots: $(TSTAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m trainer.ui.screenshots docs/screenshots

# Speed figures (printed, never asserted): grading, catalog search, GUI-thread work.
# docs/bank-stats.md from `cpt-trainer stats` on a fresh bank built from quizzes/.
bank-stats: $(STAMP)
	rm -f .venv/stats.sqlite*
	{ printf '# The bundled question bank\n\nMade by `make bank-stats` (`cpt-trainer stats` on a new bank filled from `quizzes/`).\n\n'; \
	  $(BIN)/python -m trainer stats --db .venv/stats.sqlite; } > docs/bank-stats.md
	rm -f .venv/stats.sqlite*

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_grading.py
	$(BIN)/python tests/benchmarks/bench_search.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m trainer.ui.bench

# Debian/Ubuntu libraries Qt needs to open a real window (tests run offscreen without them).
sysdeps:
	apt-get update && apt-get install -y libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
	  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	  libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0

clean:
	rm -rf $(VENV) build *.egg-info
