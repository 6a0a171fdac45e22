"""Build the in-browser exercises: ``python -m lite.build OUT`` (the book's build calls :func:`build`).

The site is JupyterLite's Notebook interface with the Pyodide kernel and nothing from the internet:

1. Pyodide's runtime and the kernel's wheels (:mod:`lite.fetch`), the latter compiled to bytecode
   (:mod:`lite.bytecode`), this package's wheel built from the checkout, and a Pyodide lock that names
   exactly those wheels with their own hashes (a lock entry whose wheel is not shipped would fail only
   at import, with a 404 nobody sees);
2. the exercise notebooks, whatever ``exercises/`` holds at build time, unchanged (the same file runs in
   Jupyter, in the browser and through nbgrader);
3. ``jupyter lite build`` with the settings beside this file; labextensions of the build's own Python
   are ignored (nbgrader's would look for a server), only the Pyodide kernel's is added;
4. the start made quick and visible (issue 22): every package the kernel needs, its own shims included
   (``piplite``, ``ipykernel``, ``pyodide-kernel``), is in the lock and preloaded, none installed one by one;
   :mod:`lite.snapshot` replaces their wheels by a memory snapshot of Python with them imported and one archive
   of their files, which the kernel's ``start.mjs`` restores and writes (it also keeps Python off the notebook's
   drive until the kernel has started); ``starting.js`` starts the notebook's kernel while the page loads and
   puts a status line on the page while Python starts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from jupyter_core.paths import jupyter_path

from lite import LiteError, bytecode, fetch, snapshot

ROOT = fetch.ROOT
HERE = Path(__file__).resolve().parent
EXERCISES = ROOT / "exercises"
DIST = fetch.CACHE / "dist"
RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNEL_IMPORTS = {"piplite": "piplite", "ipykernel": "ipykernel", "pyodide-kernel": "pyodide_kernel"}
KERNEL_DEPENDS = {"piplite": ["micropip"], "ipykernel": ["pyodide-kernel"], "pyodide-kernel": ["comm", "ipython"]}
PRELOADED = ("micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython")  # what it checks
STATUS_SCRIPT = "static/course/starting.js"
PACKAGE_SOURCES = ("autograder", "pyproject.toml", "README.md", "LICENSE")


def project() -> tuple[str, str]:
    """This package's distribution name and version, from pyproject.toml."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return meta["name"], meta["version"]


def python_versions() -> str:
    """The Python versions pyproject.toml's classifiers name, as prose: ``3.11 to 3.14``."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    prefix = "Programming Language :: Python :: 3."
    minors = sorted(int(c.removeprefix(prefix)) for c in meta.get("classifiers", [])
                    if c.startswith(prefix) and c.removeprefix(prefix).isdigit())
    if not minors:
        raise LiteError("pyproject.toml names no 'Programming Language :: Python :: 3.N' classifier")
    return f"3.{minors[0]} to 3.{minors[-1]}"


def wheel_name() -> str:
    """The file name of this package's wheel (pure Python, any platform)."""
    name, version = project()
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def project_wheel() -> Path:
    """This checkout's wheel, built from a copy of its sources (setuptools writes into the source tree)."""
    DIST.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=fetch.CACHE) as tmp:
        source = Path(tmp) / "source"
        for name in PACKAGE_SOURCES:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif (ROOT / name).is_file():
                shutil.copy(ROOT / name, source / name)
        fetch._run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp, str(source)],
                   "building this package's wheel")
        built = Path(tmp) / wheel_name()
        if not built.is_file():
            raise LiteError(f"pip built no {wheel_name()}: is the name or version in pyproject.toml new?")
        shutil.move(built, DIST / built.name)
    return DIST / built.name


def notebooks(exercises: Path = EXERCISES) -> list[Path]:
    """The exercise notebooks to publish: one per assignment folder of ``exercises/``."""
    found = sorted(exercises.glob("*/*.ipynb"))
    if not found:
        raise LiteError(f"no exercise notebooks in {exercises}: run `make exercises` first")
    return found


def locked(runtime_lock: dict, wheels: dict[str, Path], package: Path) -> dict:
    """Pyodide's lock cut down to the wheels the site ships, with their own file names and hashes,
    plus ``comm``, the kernel's shims and this package (all preloaded: see :func:`settings`)."""
    packages = {}
    for name, wheel in wheels.items():
        entry = runtime_lock["packages"].get(name) or _entry(name, _version(wheel), [KERNEL_IMPORTS.get(name, name)],
                                                             KERNEL_DEPENDS.get(name, []))
        packages[name] = {**entry, "file_name": wheel.name, "sha256": _sha256(wheel), "unvendored_tests": False}
    dist, version = project()
    packages[dist] = {**_entry(dist, version, ["autograder"]), "file_name": package.name,
                      "sha256": _sha256(package)}
    return {"info": runtime_lock["info"], "packages": packages}


def _entry(name: str, version: str, imports: list[str], depends: list[str] | None = None) -> dict:
    return {"name": name, "version": version, "file_name": "", "install_dir": "site", "sha256": "",
            "package_type": "package", "imports": imports, "depends": depends or [], "unvendored_tests": False}


def _version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def kernel_shims() -> dict[str, Path]:
    """The kernel's own wheels, shipped inside its labextension (``piplite``, ``ipykernel``,
    ``pyodide-kernel``), by lock name; at start the kernel would install them one by one with piplite."""
    pypi = kernel_extension() / "static" / "pypi"
    found = {fetch.normal(w.name.split("-")[0]): w for w in pypi.glob("*.whl")}
    missing = sorted(set(KERNEL_IMPORTS) - set(found))
    if missing:
        raise LiteError(f"the Pyodide kernel's labextension ships no wheel for {', '.join(missing)} in {pypi}: "
                        f"is jupyterlite-pyodide-kernel the version pyproject.toml pins?")
    return {name: found[name] for name in KERNEL_IMPORTS}


def settings(source: dict, lock: dict) -> dict:
    """The site's jupyter-lite.json: the kernel preloads every package it would otherwise install at start
    (all in ``lock``)."""
    data = json.loads(json.dumps(source))
    kernel = data["jupyter-config-data"]["litePluginSettings"][KERNEL_SETTINGS]
    packages = kernel["loadPyodideOptions"]["packages"]
    absent = [name for name in PRELOADED if name not in lock["packages"]]
    if absent:
        raise LiteError(f"the site's lock has no {', '.join(absent)}: the kernel would install them at start")
    kernel["loadPyodideOptions"]["packages"] = [*PRELOADED, *(p for p in packages if p not in PRELOADED)]
    return data


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage(lite_dir: Path, exercises: Path = EXERCISES, package: Path | None = None) -> None:
    """Lay out JupyterLite's input: settings, ``static/pyodide`` (runtime, wheels, lock) and ``files``;
    ``package`` is this package's wheel if already built."""
    shutil.copy(HERE / "overrides.json", lite_dir / "overrides.json")
    runtime, wheels = fetch.pyodide(), bytecode.compiled({**fetch.kernel_wheels(), **kernel_shims()})
    package = package if package is not None and package.is_file() else project_wheel()
    static = lite_dir / "static" / "pyodide"
    static.mkdir(parents=True)
    for name in RUNTIME:
        shutil.copy(runtime / name, static / name)
    shutil.copy(HERE / "start.mjs", static / "start.mjs")
    for wheel in [*wheels.values(), package]:
        shutil.copy(wheel, static / wheel.name)
    site_lock = locked(fetch.lock(), wheels, package)
    (static / "pyodide-lock.json").write_text(json.dumps(site_lock, indent=1, sort_keys=True))
    site_settings = settings(json.loads((HERE / "jupyter-lite.json").read_text()), site_lock)
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(site_settings, indent=2))
    snapshot.make(static)
    files = lite_dir / "files"
    files.mkdir()
    for notebook in notebooks(exercises):
        shutil.copy(notebook, files / notebook.name)


def kernel_extension() -> Path:
    """The Pyodide kernel's labextension as installed in this Python, checked against the pinned Pyodide."""
    try:
        from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION
    except ImportError:
        raise LiteError("jupyterlite-pyodide-kernel is not installed: pip install -e '.[lite]'") from None
    if PYODIDE_VERSION != fetch.PYODIDE_VERSION:
        raise LiteError(f"jupyterlite-pyodide-kernel is built for Pyodide {PYODIDE_VERSION} but lite/fetch.py "
                        f"pins {fetch.PYODIDE_VERSION}: pin them together (pyproject.toml's lite extra)")
    places = [Path(p) / "@jupyterlite" / "pyodide-kernel-extension" for p in jupyter_path("labextensions")]
    places.sort(key=lambda p: not p.is_relative_to(sys.prefix))  # this environment's own first
    found = next((p for p in places if (p / "package.json").is_file()), None)
    if found is None:
        raise LiteError("no Pyodide kernel labextension in this Python's Jupyter paths: pip install -e '.[lite]'")
    return found


def build(out: Path, exercises: Path = EXERCISES, package: Path | None = None) -> Path:
    """Build the whole site into ``out`` (replaced); returns ``out``. ``package``: this package's wheel,
    if already built."""
    extension = kernel_extension()
    fetch.CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=fetch.CACHE) as tmp:
        lite_dir = Path(tmp)
        stage(lite_dir, exercises, package)
        shutil.rmtree(out, ignore_errors=True)
        jupyter = Path(sys.executable).with_name("jupyter")
        command = [str(jupyter), "lite", "build", "--lite-dir", str(lite_dir), "--output-dir", str(out),
                   "--contents", str(lite_dir / "files"), "--apps", "notebooks", "--apps", "tree",
                   "--no-sourcemaps", "--no-unused-shared-packages", "--ignore-sys-prefix",
                   f"--LiteBuildConfig.federated_extensions={extension}"]
        done = subprocess.run(command, cwd=lite_dir, capture_output=True, text=True, check=False, timeout=900)
        if done.returncode != 0:
            raise LiteError(f"jupyter lite build failed (exit {done.returncode}):\n{done.stdout[-3000:]}"
                            f"{done.stderr[-3000:]}")
    _favicons(out)
    _legacy_fonts(out)
    _start_module(out)
    _status_line(out)
    return out


def _start_module(out: Path) -> None:
    """The kernel loads Pyodide through ``start.mjs`` (the Pyodide addon of ``jupyter lite build`` always
    writes ``pyodide.mjs`` there, so this comes after it)."""
    config = out / "jupyter-lite.json"
    data = json.loads(config.read_text())
    kernel = data["jupyter-config-data"]["litePluginSettings"][KERNEL_SETTINGS]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.mjs" or not (out / "static/pyodide/start.mjs").is_file():
        raise LiteError(f"{config}: the kernel's pyodideUrl is {kernel.get('pyodideUrl')!r}, not the site's own "
                        f"Pyodide: jupyterlite-pyodide-kernel changed, check lite/build.py")
    kernel["pyodideUrl"] = "./static/pyodide/start.mjs"
    config.write_text(json.dumps(data, indent=2))


def _status_line(out: Path) -> None:
    """``starting.js`` on the notebook page: a status line while Python starts (see that file)."""
    page = out / "notebooks" / "index.html"
    html = page.read_text()
    if html.count("</body>") != 1:
        raise LiteError(f"{page} has no single </body>: JupyterLite's page changed, check lite/build.py")
    script = out / STATUS_SCRIPT
    script.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "starting.js", script)
    version = _sha256(script)[:12]  # a new script is fetched anew, not taken from the browser's cache
    page.write_text(html.replace("</body>", f'<script src="../{STATUS_SCRIPT}?v={version}"></script></body>'))


LEGACY_FONTS = (".eot", ".ttf", ".svg", ".woff")


def _legacy_fonts(out: Path) -> list[Path]:
    """Remove the older formats of every font JupyterLite also ships as WOFF2 (Font Awesome's, 2.8 MB of the
    site): their CSS lists WOFF2 first, and every browser that can run the kernel (WebAssembly, gzip streams)
    reads WOFF2, so never asks for the others. Returns what was removed."""
    removed = []
    for woff2 in (out / "build").glob("*.woff2"):
        for suffix in LEGACY_FONTS:
            older = woff2.with_suffix(suffix)
            if older.is_file():
                older.unlink()
                removed.append(older)
    return removed


def _favicons(out: Path) -> None:
    """The Notebook interface shows the kernel's state in the tab's icon, from ``static/favicons/`` as a
    Jupyter server would serve them; JupyterLite ships none (a 404 at every state change), so take
    Jupyter Server's."""
    import jupyter_server

    source = Path(jupyter_server.__file__).parent / "static" / "favicons"
    shutil.copytree(source, out / "static" / "favicons", dirs_exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lite.build", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "_build" / "html" / "lite",
                        help="where to write the site (default: _build/html/lite, inside the built book)")
    args = parser.parse_args(argv)
    try:
        print(f"JupyterLite site: {build(args.out.resolve())}")
    except LiteError as err:
        print(f"lite: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
