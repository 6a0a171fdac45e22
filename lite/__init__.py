"""The exercises in the browser: a JupyterLite site with the Pyodide kernel, built into the book.

``make book`` builds it through the Sphinx extension :mod:`lite.extension` (named in ``_config.yml``),
into ``_build/html/lite/``; ``python -m lite.build OUT`` builds it alone.

- :mod:`lite.fetch`: Pyodide from npm and the kernel's wheels from PyPI, pinned, cached in ``_build/lite-cache``;
- :mod:`lite.bytecode`: those wheels compiled to CPython 3.14 bytecode by that Pyodide (in Node.js), once;
- :mod:`lite.build`: this package's wheel, a Pyodide lock naming exactly the wheels the site ships, the
  exercise notebooks as ``exercises/`` holds them, and ``jupyter lite build``;
- :mod:`lite.extension`: the book's side: the wheel and the grader's numbers for its pages, the site after the build.

``jupyter-lite.json`` and ``overrides.json`` beside this file are the site's settings: the package preloaded
in the kernel (no install cell), no PyPI at run time, and frequent autosave into the browser's storage.
``start.mjs`` (how the kernel loads Pyodide) and ``starting.js`` (the notebook page's status line while Python
starts) are copied into the site by :mod:`lite.build`; ``python -m benchmarks.lite`` times the start.
"""


class LiteError(Exception):
    """The in-browser site cannot be built: the message says why and what to do."""
