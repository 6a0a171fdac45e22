# Two commands work on a fresh machine: `make book` and `make test`.
# Both create .venv and install what they need by themselves.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND := tensorflow
export PYTHONHASHSEED := 0

.PHONY: help install book lite serve node test test-fast lint browser sandbox bench grade-demo exercises clean

help:
	@echo "make book        build the online book into _build/html, with the exercises in the browser"
	@echo "make serve       serve _build/html on http://127.0.0.1:8000 (the in-browser exercises need http)"
	@echo "make test        lint + every test (the same as CI)"
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

# Headless Chromium for the browser test, from Debian's packages (a test tool's own download fails here),
# and npm, which fetches axe-core for the accessibility test (tests/book/axe.py).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }

# Debian's bubblewrap: learner code runs in it while it is graded (setpriv and prlimit come with util-linux).
sandbox:
	@command -v bwrap >/dev/null || { apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; }

# npm fetches Pyodide for the in-browser exercises (lite/fetch.py); Debian's npm brings Node.js.
node:
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }

# The book's build also builds the JupyterLite site into _build/html/lite (lite/extension.py).
book: install node
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html (for the exercises in the browser: make serve)"

# Only the in-browser exercises, into an already built book (after editing exercises/ or lite/).
lite: install node
	$(BIN)/python -m lite.build _build/html/lite

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

lint: install
	$(BIN)/ruff check autograder tests benchmarks lite

test: install browser sandbox lint
	$(BIN)/python -m pytest --slow -n 2 --dist loadgroup

test-fast: install
	$(BIN)/python -m pytest tests/unit -q

exercises: install
	$(BIN)/python -m autograder release

grade-demo: install sandbox
	$(BIN)/python -m autograder demo

bench: install sandbox browser
	$(BIN)/python -m benchmarks

clean:
	rm -rf _build .pytest_cache .hypothesis
