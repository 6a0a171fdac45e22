// The Pyodide kernel loads Pyodide through this module (jupyter-lite.json's pyodideUrl, set by lite/build.py):
// Pyodide's own loadPyodide, then one change before the kernel imports anything. Pyodide puts "" (the working
// folder) first on sys.path, and the kernel makes the notebook's drive the working folder: every import then
// asked the service worker about the drive first, one synchronous request each (about a hundred at start).
// Moved to the end, the drive is still importable (a learner's own module), after the installed packages.
import { loadPyodide as loadRuntime } from "./pyodide.mjs";

export async function loadPyodide(options) {
  const pyodide = await loadRuntime(options);
  pyodide.runPython("import sys\nif '' in sys.path:\n    sys.path.remove('')\n    sys.path.append('')");
  return pyodide;
}
