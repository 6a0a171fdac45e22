"""Build the in-browser exercises: ``python -m lite.build OUT`` (the book's build calls :func:`build`).

The site is JupyterLite's Notebook interface with the Pyodide kernel and nothing from the internet:

1. Pyodide's runtime and the kernel's wheels (:mod:`lite.fetch`), the latter compiled to bytecode
   (:mod:`lite.bytecode`), this package's wheel built from the checkout, and a Pyodide lock that names
   exactly those wheels with their own hashes (a lock entry whose wheel is not shipped would fail only
   at import, with a 404 nobody sees);
2. the exercise notebooks, whatever ``exercises/`` holds at build time, unchanged (the same file runs in
   Jupyter, in the browser and through nbgrader);
3. ``jupyter lite build`` with the settings beside this file; labextensions of the build's own Python
   are ignored (nbgrader's would look for a server), only the Pyodide kernel's is added.
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

from lite import LiteError, bytecode, fetch

ROOT = fetch.ROOT
HERE = Path(__file__).resolve().parent
EXERCISES = ROOT / "exercises"
DIST = fetch.CACHE / "dist"
RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
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
    plus ``comm`` and this package (preloaded by the kernel: see jupyter-lite.json)."""
    packages = {}
    for name, wheel in wheels.items():
        entry = runtime_lock["packages"].get(name) or _entry(name, fetch.EXTRA_WHEELS[name], [name])
        packages[name] = {**entry, "file_name": wheel.name, "sha256": _sha256(wheel), "unvendored_tests": False}
    dist, version = project()
    packages[dist] = {**_entry(dist, version, ["autograder"]), "file_name": package.name,
                      "sha256": _sha256(package)}
    return {"info": runtime_lock["info"], "packages": packages}


def _entry(name: str, version: str, imports: list[str]) -> dict:
    return {"name": name, "version": version, "file_name": "", "install_dir": "site", "sha256": "",
            "package_type": "package", "imports": imports, "depends": [], "unvendored_tests": False}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage(lite_dir: Path, exercises: Path = EXERCISES, package: Path | None = None) -> None:
    """Lay out JupyterLite's input: settings, ``static/pyodide`` (runtime, wheels, lock) and ``files``;
    ``package`` is this package's wheel if already built."""
    for name in ("jupyter-lite.json", "overrides.json"):
        shutil.copy(HERE / name, lite_dir / name)
    runtime, wheels = fetch.pyodide(), bytecode.compiled(fetch.kernel_wheels())
    package = package if package is not None and package.is_file() else project_wheel()
    static = lite_dir / "static" / "pyodide"
    static.mkdir(parents=True)
    for name in RUNTIME:
        shutil.copy(runtime / name, static / name)
    for wheel in [*wheels.values(), package]:
        shutil.copy(wheel, static / wheel.name)
    site_lock = locked(fetch.lock(), wheels, package)
    (static / "pyodide-lock.json").write_text(json.dumps(site_lock, indent=1, sort_keys=True))
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
    return out


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
