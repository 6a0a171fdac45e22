# Two commands work on a fresh machine: `make book` and `make test`.
# Both create .venv and install what they need by themselves.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND := tensorflow
export PYTHONHASHSEED := 0

.PHONY: help install book lite serve node test test-system test-root test-fast lint browser sandbox system bench grade-demo \
        exercises clean

# Debian packages, as command:package. chromium: the browser tests. npm (it brings Node.js): Pyodide for the
# in-browser exercises (make book) and axe-core for the accessibility test. bubblewrap: the grading sandbox.
BOOK_NEEDS := npm:npm
TEST_NEEDS := chromium:chromium npm:npm bwrap:bubblewrap
ROOT       := $(filter 0,$(shell id -u))
# Until .venv exists: Debian's Python makes a venv only with its python3.X-venv package (ensurepip).
VENV_NEEDS  = $(if $(wildcard $(BIN)/python),,$(shell $(PYTHON) -c 'import ensurepip' 2>/dev/null \
              || echo $(notdir $(PYTHON))-venv))

help:
	@echo "make book        build the online book into _build/html, with the exercises in the browser"
	@echo "make serve       serve _build/html on http://127.0.0.1:8000 (the in-browser exercises need http)"
	@echo "make test        lint + every test this user can run (CI runs it as an ordinary user)"
	@echo "make test-root   the tests that need root (as root; CI runs them too)"
	@echo "make system      as root: install Debian's chromium, npm and bubblewrap (what make test needs)"
	@echo "make test-fast   the unit tests only (no Keras), seconds"
	@echo "make exercises   regenerate exercises/ from solutions/ with nbgrader"
	@echo "make grade-demo  run the real nbgrader pipeline on the sample submissions"
	@echo "make bench       run the benchmarks (figures go in the README)"

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# keras-hub without its tensorflow-text requirement (see the `hub` extra in pyproject.toml): pip warns
	# that tensorflow-text is missing, and keras-hub's backbones do not need it.
	$(BIN)/pip install --quiet --no-deps keras-hub==0.32.0
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	# ipykernel warns on stderr at every start that it runs over TCP: keep kernels quiet.
	mkdir -p $(VENV)/etc/ipython
	echo 'c.IPKernelApp.log_level = "ERROR"' > $(VENV)/etc/ipython/ipython_kernel_config.py
	touch $@

install: $(BIN)/.installed

# $(call need,TARGET,COMMAND:PACKAGE ...): the Debian packages TARGET needs. As root, apt-get installs the
# missing ones; as anyone else (or when apt-get fails) make stops at once with one message for an administrator.
define need
	@missing="$(if $(VENV_NEEDS), $(VENV_NEEDS))"; for pair in $(2); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; done; \
	[ -z "$$missing" ] || { [ -n "$(ROOT)" ] && command -v apt-get >/dev/null && apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || { \
	  echo "make $(1) needs Debian packages that are not installed:$$missing."; \
	  echo "An administrator installs them with:  sudo apt-get install$$missing"; \
	  echo "(make book needs only npm, to fetch Pyodide for the in-browser exercises. make test needs all three:"; \
	  echo " chromium for the browser tests, npm for the in-browser build and the accessibility test, bubblewrap"; \
	  echo " for the grading sandbox. Both need Python's venv module: Debian's python3.X-venv for the Python"; \
	  echo " make uses, $(PYTHON) (make PYTHON=python3.12 ... picks another)."; \
	  echo " Run as root, make installs them itself.)"; \
	  exit 1; }
endef

# As root, for CI or an administrator: every system package the project uses.
system:
	@[ -n "$(ROOT)" ] || { echo "make system installs Debian packages and needs root:" \
	  "sudo apt-get install chromium npm bubblewrap   (or: sudo make system)"; exit 1; }
	@# Only what is missing: a machine may have npm from elsewhere (NodeSource's nodejs conflicts with Debian's npm).
	@missing=""; for pair in $(TEST_NEEDS); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "make system: chromium, npm and bubblewrap are installed"; fi

browser:
	$(call need,$(or $(MAKECMDGOALS),$@),chromium:chromium npm:npm)

sandbox:
	$(call need,$(or $(MAKECMDGOALS),$@),bwrap:bubblewrap)

node:
	$(call need,$(or $(MAKECMDGOALS),$@),$(BOOK_NEEDS))

# The book's build also builds the JupyterLite site into _build/html/lite (lite/extension.py).
# tests/book/building.py runs `jupyter-book build . -W -n --keep-going` and records the build, so that the book
# tests reuse it while the sources are unchanged (the same module builds the book for them otherwise).
book: node install
	$(BIN)/python -m tests.book.building
	@echo "The book is at file://$(CURDIR)/_build/html/index.html (for the exercises in the browser: make serve)"

# Only the in-browser exercises, into an already built book (after editing exercises/ or lite/).
lite: node install
	$(BIN)/python -m lite.build _build/html/lite

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

lint: install
	$(BIN)/ruff check autograder tests benchmarks lite

# As an ordinary user the tests that need root are left out (tests/conftest.py says how many); as root all run.
test: test-system install lint
	$(BIN)/python -m pytest --slow -n 2 --dist loadgroup --durations=25 $(if $(ROOT),,-m "not needs_root")

test-system:
	$(call need,test,$(TEST_NEEDS))

test-root:
	@[ -n "$(ROOT)" ] || { echo "make test-root runs the tests that need root (tests marked needs_root):" \
	  "run it as root (sudo make test-root); CI does"; exit 1; }
	@$(MAKE) --no-print-directory test-system install
	$(BIN)/python -m pytest --slow -n 2 --dist loadgroup -m needs_root || \
	  { [ $$? -eq 5 ] && echo "make test-root: no test is marked needs_root"; }

test-fast: install
	$(BIN)/python -m pytest tests/unit -q

exercises: install
	$(BIN)/python -m autograder release

grade-demo: sandbox install
	$(BIN)/python -m autograder demo

bench: sandbox browser install
	$(BIN)/python -m benchmarks

clean:
	rm -rf _build .pytest_cache .hypothesis
