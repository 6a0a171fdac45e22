"""What the in-browser site needs from the package registries, fetched once into a cache.

- **Pyodide**, CPython 3.14 compiled to WebAssembly, from the npm package ``pyodide`` at the version the
  pinned ``jupyterlite-pyodide-kernel`` was built against (its ``PYODIDE_VERSION``), checked against a
  pinned sha512;
- **the kernel's own wheels** from PyPI at the exact versions Pyodide's lock names (the closure of
  ``KERNEL_ROOTS`` in the lock), plus ``comm``, which the kernel needs and the lock does not list.

The cache is ``_build/lite-cache`` (git ignores ``_build``); each entry is written to a temporary
folder and renamed into place, so two builds at once never see half a download.
Nothing is fetched when the site runs: it serves all of this itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lite import LiteError, archive

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / "lite-cache"

PYODIDE_VERSION = "314.0.6"  # CPython 3.14.2; must equal jupyterlite_pyodide_kernel.constants.PYODIDE_VERSION
PYODIDE_SHA512 = "BKDTJyIqFxC4BExLqeRS3f5xvXZIjOt8C3zGLN/Cc7tFxSwvKVhVkchQQ2AGLOtR4YrVOIFxbV8poyDOOmWwxQ=="
PYODIDE_PYTHON = "3.14"
KERNEL_ROOTS = ("micropip", "ipython", "jedi")  # what the kernel loads from the lock when it starts
EXTRA_WHEELS = {"comm": "0.2.3"}  # the kernel's pyodide_kernel requires comm; Pyodide's lock has none


def pyodide() -> Path:
    """The unpacked npm package (``pyodide.mjs``, ``pyodide.asm.wasm``, ``pyodide-lock.json``...), fetched once."""
    target = CACHE / f"pyodide-{PYODIDE_VERSION}"
    if (target / "pyodide.mjs").is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        _run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--silent", "--pack-destination", tmp], "npm pack")
        tarball = Path(tmp) / f"pyodide-{PYODIDE_VERSION}.tgz"
        digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if digest != PYODIDE_SHA512:
            raise LiteError(f"pyodide {PYODIDE_VERSION} from npm has sha512 {digest}, expected "
                            f"{PYODIDE_SHA512}; check the registry, or update the pin in lite/fetch.py")
        archive.extract(tarball, Path(tmp))
        _settle(Path(tmp) / "package", target)
    return target


def lock() -> dict:
    """Pyodide's own lock file: every package it can load, with its version, wheel and dependencies."""
    return json.loads((pyodide() / "pyodide-lock.json").read_text())


def kernel_packages(packages: dict) -> list[str]:
    """The lock's names of the packages the kernel loads: ``KERNEL_ROOTS`` and all they depend on."""
    wanted, todo = set(), list(KERNEL_ROOTS)
    while todo:
        name = normal(todo.pop())
        if name not in wanted:
            wanted.add(name)
            todo.extend(packages[name]["depends"])
    return sorted(wanted)


def normal(name: str) -> str:
    """A package name as the lock's keys write it (PEP 503: ``prompt_toolkit`` -> ``prompt-toolkit``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def kernel_wheels() -> dict[str, Path]:
    """Lock name (or PyPI name, for ``EXTRA_WHEELS``) → the PyPI wheel at the version the kernel needs."""
    packages = lock()["packages"]
    pins = {name: packages[name]["version"] for name in kernel_packages(packages)} | EXTRA_WHEELS
    folder = CACHE / f"wheels-{PYODIDE_VERSION}"
    found = {name: _cached(folder, name, version) for name, version in pins.items()}
    missing = [f"{name}=={pins[name]}" for name, path in found.items() if path is None]
    if missing:
        _download(missing, folder)
        found = {name: _cached(folder, name, version) for name, version in pins.items()}
    absent = [name for name, path in found.items() if path is None]
    if absent:
        raise LiteError(f"PyPI gave no pure-Python wheel for {', '.join(absent)}: the in-browser kernel needs them")
    return found


def _cached(folder: Path, name: str, version: str) -> Path | None:
    stem = f"{normal(name).replace('-', '_')}-{version}-"
    return next((p for p in folder.glob("*.whl") if p.name.lower().startswith(stem)), None)


def _download(specs: list[str], folder: Path) -> None:
    """``pip download`` the wheels for Pyodide's Python (pure ones only), without the machine's constraints
    file, which pins versions for this venv's Python, not for the browser's."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
              "--python-version", PYODIDE_PYTHON, "-d", tmp, *specs], "pip download",
             env={**os.environ, "PIP_CONSTRAINT": ""})
        for wheel in Path(tmp).glob("*-none-any.whl"):
            os.replace(wheel, folder / wheel.name)


def _settle(source: Path, target: Path) -> None:
    """Move a finished download into place; if another build got there first, keep theirs."""
    try:
        os.rename(source, target)
    except OSError:
        if not target.is_dir():
            raise
        shutil.rmtree(source, ignore_errors=True)


def _run(command: list[str], what: str, env: dict | None = None) -> None:
    if shutil.which(command[0]) is None and not Path(command[0]).is_file():
        raise LiteError(f"{what}: `{command[0]}` is not installed; the in-browser site needs it (Node.js with npm)")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=900)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise LiteError(f"{what} failed (exit {done.returncode}): {last[0]}")
