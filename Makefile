# distsys_edu: set-up, lessons, tests and benchmarks.
#
#   make venv    create .venv with the package, JupyterLab and the dev tools; run nothing
#   make lab     create .venv, install the package with the lab extras, open JupyterLab on lessons/
#                (with the project's lab settings, binder/overrides.json: no news prompt)
#   make check   the loop to run while you work (alias: test-fast), under a minute on 2 cores:
#                lint (mypy incremental), then the unit tests on two workers, Hypothesis at
#                5 examples, leaving out notebooks, browser, Binder, real network and the
#                tests marked slow (tests/slow_kinds.py; tests/README.md says which)
#   make test    create/update .venv with the dev tools, then lint and run the whole test suite
#   make bench   run the benchmark scripts
#   make site    build the course as a static website in site/_build/html (Python >= 3.11)
#   make lite    build the course as a JupyterLite site (in the browser, no server) in lite/_output
#   make lint    ruff check + ruff format --check + mypy + lint-imports (the import rules)
#   make format  ruff format + ruff check --fix (rewrites files)
#   make clean   remove .venv and caches
#
# Every install goes through constraints.txt, the one place where versions are pinned.
# Installs are incremental: a stamp file in .venv is remade only when pyproject.toml or
# constraints.txt changes. The venv is built with `python3` from PATH; override with
# `make PYTHON=/path/to/python3.12 test` (after `make clean` if .venv already exists).
# PIP_FLAGS adds options to every pip install (e.g. PIP_FLAGS=-q).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP_INSTALL := $(PY) -m pip install $(PIP_FLAGS) -c constraints.txt

# Which extras each stamp stands for.
LAB_STAMP := $(VENV)/.installed-lab
DEV_STAMP := $(VENV)/.installed-dev-lab-bench
SITE_STAMP := $(VENV)/.installed-site
LITE_STAMP := $(VENV)/.installed-lite
# The GitHub owner/name the site's Binder links open (default: the git remote origin).
SITE_REPO ?=

# JupyterLab: only on the loopback interface, rooted at lessons/. Jupyter refuses to run
# as root unless told; in a container or a root shell that refusal only gets in the way,
# and the server listens on 127.0.0.1 alone, so allow it there.
LAB_PORT ?= 8888
LAB_ARGS ?=
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)
# The project's lab settings (no "Jupyter news?" prompt over the lessons) go where
# JupyterLab reads overrides: {sys.prefix}/share/jupyter/lab/settings/overrides.json.
# binder/postBuild puts the same file in the same place on Binder.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# The test suite. Notebooks in lessons/ are run top to bottom in a fresh kernel and
# their outputs compared with the committed ones (strict nbval). `--dist loadfile`
# keeps each notebook (and each test module) on one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile \
	--nbval --nbval-current-env --nbval-sanitize-with lessons/sanitize.cfg \
	--cov=distsys_edu.runtime --cov-report=term --cov-fail-under=90 \
	tests lessons
# The unit tests alone: every test not of a slow kind (the markers are registered in
# pyproject.toml and applied by tests/conftest.py), spread test by test over two workers,
# Hypothesis's `check` profile (tests/hypothesis_profiles.py), no nbval plugin (it only
# runs notebooks, and importing it costs seconds). mypy keeps its cache in .mypy_cache,
# so the lint on a rerun takes a second.
CHECK_ARGS ?= -n 2 --dist worksteal -q -p no:nbval --hypothesis-profile=check \
	-m "not (browser or binder or net or notebook or slow)" tests

.PHONY: help lab check test-fast test lint format bench bench-explore venv site lite clean

help:
	@sed -n '3,16p' Makefile | sed 's/^# \{0,1\}//'

$(PY):
	$(PYTHON) -m venv $(VENV)

$(LAB_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e '.[lab]'
	touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e '.[dev,lab,bench]'
	touch $@ $(LAB_STAMP)

$(LAB_OVERRIDES): binder/overrides.json | $(PY)
	mkdir -p $(dir $@)
	cp binder/overrides.json $@

$(SITE_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e '.[site]'
	touch $@

$(LITE_STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP_INSTALL) -e '.[lite]'
	touch $@

venv: $(DEV_STAMP) $(LAB_OVERRIDES)

lab: $(LAB_STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir=lessons $(ROOT_ARGS) $(LAB_ARGS)

test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

check: lint
	$(BIN)/pytest $(CHECK_ARGS)

test-fast: check

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(DEV_STAMP)
	$(PY) benchmarks/token_ring.py
	$(PY) benchmarks/heartbeat_cluster.py
	$(PY) benchmarks/election_time.py

# 10,000 explored Raft runs: minutes, so not part of `make bench`.
bench-explore: $(DEV_STAMP)
	$(PY) benchmarks/explore_raft.py

# Sphinx with MyST-NB, from the committed outputs (nothing executed), warnings as errors.
site: $(SITE_STAMP)
	$(PY) tools/build_site.py $(if $(SITE_REPO),--repo $(SITE_REPO))

# JupyterLite: the package as a wheel and the lessons (not 07, which needs a real
# machine); Pyodide, numpy and matplotlib come from Pyodide's own index at run time.
lite: $(LITE_STAMP)
	$(PY) tools/build_lite.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.* htmlcov site/_build lite/_output lite/_work
