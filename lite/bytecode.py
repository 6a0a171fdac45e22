"""The kernel's wheels compiled to CPython 3.14 bytecode, as Pyodide's own distribution ships them.

PyPI's wheels hold only ``.py`` files: in the browser every module of IPython, jedi, prompt_toolkit...
would be compiled at each start of the kernel (nothing is cached between page loads), seconds on two
busy cores. So each wheel is compiled once, at build time, by the very Pyodide the site ships (CPython
3.14 in Node.js, the same bytecode version), each ``.py`` replaced by its ``.pyc`` and the wheel's RECORD
rewritten. This package's own wheel is left as built: the site ships the file the book offers for download.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from lite import fetch

RUNNER = """
import { loadPyodide } from "%(index)s/pyodide.mjs";
const py = await loadPyodide({ indexURL: "%(index)s/" });
py.FS.mkdir("/work");
py.FS.mount(py.FS.filesystems.NODEFS, { root: "%(work)s" }, "/work");
try {
  py.runPython(await (await import("node:fs/promises")).readFile("%(work)s/compile.py", "utf8"));
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
"""

COMPILE = '''
import base64, compileall, hashlib, io, json, os, py_compile, shutil, sys, sysconfig, tempfile, zipfile

SITE = sysconfig.get_paths()["purelib"]  # where Pyodide installs a wheel: the file names tracebacks show


def compiled(source, target):
    work = tempfile.mkdtemp()
    with zipfile.ZipFile(source) as wheel:
        wheel.extractall(work)
    compileall.compile_dir(work, quiet=2, legacy=True, ddir=SITE, workers=1,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    names = []
    for root, _, files in os.walk(work):
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".py") and os.path.exists(path + "c"):
                os.remove(path)
            else:
                names.append(os.path.relpath(path, work))
    record = next(n for n in names if n.endswith(".dist-info/RECORD"))
    lines = [f"{n},sha256={_digest(os.path.join(work, n))},{os.path.getsize(os.path.join(work, n))}"
             for n in sorted(names) if n != record]
    with open(os.path.join(work, record), "w") as out:
        out.write("\\n".join([*lines, f"{record},,"]) + "\\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name in sorted(names):
            wheel.write(os.path.join(work, name), name)
    shutil.rmtree(work)


def _digest(path):
    with open(path, "rb") as f:
        return base64.urlsafe_b64encode(hashlib.sha256(f.read()).digest()).rstrip(b"=").decode()


for name in json.load(open("/work/wheels.json")):
    compiled(f"/work/in/{name}", f"/work/out/{name}")
'''


def compiled(wheels: dict[str, Path]) -> dict[str, Path]:
    """Each wheel compiled to bytecode (cached beside the downloads, by file name), same keys."""
    folder = fetch.CACHE / f"compiled-{fetch.PYODIDE_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [wheel for wheel in wheels.values() if not (folder / wheel.name).is_file()]
    if missing:
        _compile(missing, folder)
    return {name: folder / wheel.name for name, wheel in wheels.items()}


def _compile(wheels: list[Path], folder: Path) -> None:
    """One Node.js run of Pyodide compiles them all into a temporary folder; each then moves into place."""
    with tempfile.TemporaryDirectory(dir=fetch.CACHE) as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        (work / "out").mkdir()
        for wheel in wheels:
            shutil.copy(wheel, work / "in" / wheel.name)
        (work / "wheels.json").write_text(json.dumps([w.name for w in wheels]))
        (work / "compile.py").write_text(COMPILE)
        (work / "compile.mjs").write_text(RUNNER % {"index": fetch.pyodide().as_posix(), "work": work.as_posix()})
        fetch._run(["node", str(work / "compile.mjs")], "compiling the kernel's wheels with Pyodide (node)")
        for wheel in wheels:
            os.replace(work / "out" / wheel.name, folder / wheel.name)
