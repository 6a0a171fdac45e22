"""The kernel's quick start (issue 22): Python restored from a memory snapshot instead of started and imported.

At its usual start the in-browser kernel loads Pyodide, unpacks a dozen wheels and imports IPython, jedi and this
package: about 6 s of a 2-core machine's CPU. :func:`make` does that once, at build time, in Node
(``snapshot.mjs``), and keeps two files in the site's ``static/pyodide`` folder in place of the wheels, and the
runtime gzipped:

- ``snapshot.bin.gz``: Python's memory with those modules imported (Pyodide's ``makeMemorySnapshot``), all but
  the few that hold JavaScript objects (the kernel itself, micropip, piplite: imported at start, quickly);
- ``site-packages.bin.gz``: every file of those wheels, which later imports still read. Its layout, read by
  ``start.mjs``: a 4-byte little-endian length, a JSON list of ``[path, size]`` (absolute paths), then the files'
  bytes in that order; gzip over all of it;
- ``pyodide.asm.wasm.gz``: Pyodide's runtime, gzipped (a third of its size, on disk and sent; ``start.mjs`` gives it
  to Pyodide unpacked as it arrives, so it is still compiled while it downloads).

``start.mjs`` restores the snapshot and writes the files before the kernel starts; if the snapshot cannot be
restored it starts Pyodide the usual way and still takes the files from the archive. The wheels' lock stays
(Pyodide reads it; every package in it is marked as loaded).
"""

from __future__ import annotations

import gzip
import json
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lite import LiteError

HERE = Path(__file__).resolve().parent
SNAPSHOT = "snapshot.bin.gz"
FILES = "site-packages.bin.gz"
RUNTIME = "pyodide.asm.wasm"  # kept gzipped (9.6 MB, 3.5 MB gzipped): start.mjs hands it to Pyodide unpacked
NODE_SECONDS = 600


def make(static: Path) -> dict:
    """Write the snapshot and the files' archive into ``static`` (the site's ``static/pyodide``, with its
    runtime, lock and wheels), then remove the wheels; returns what ``snapshot.mjs`` reported."""
    wheels = sorted(static.glob("*.whl"))
    if not wheels:
        raise LiteError(f"{static} holds no wheel: the snapshot is made from the kernel's wheels")
    with tempfile.TemporaryDirectory() as tmp:
        listed, raw = Path(tmp) / "modules.json", Path(tmp) / "snapshot.bin"
        _node("modules", static, str(listed))
        made = _node("make", static, str(listed), str(raw))
        if made["failed"]:
            raise LiteError("the snapshot could not import what the kernel imports at its start: "
                            + "; ".join(made["failed"][:5]))
        (static / SNAPSHOT).write_bytes(gzip.compress(raw.read_bytes(), compresslevel=6, mtime=0))
    (static / FILES).write_bytes(archive(wheels, made["site_packages"]))
    for wheel in wheels:
        wheel.unlink()
    runtime = static / RUNTIME
    (static / f"{RUNTIME}.gz").write_bytes(gzip.compress(runtime.read_bytes(), compresslevel=9, mtime=0))
    runtime.unlink()
    return made


def archive(wheels: list[Path], site_packages: str) -> bytes:
    """Every file of ``wheels``, under ``site_packages``, in the layout ``start.mjs`` reads (gzip, no date)."""
    index, contents = [], []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as opened:
            for member in opened.infolist():
                if member.is_dir():
                    continue
                if member.filename.startswith("/") or ".." in Path(member.filename).parts:
                    raise LiteError(f"{wheel.name}: {member.filename!r} would land outside site-packages")
                data = opened.read(member)
                index.append([f"{site_packages.rstrip('/')}/{member.filename}", len(data)])
                contents.append(data)
    header = json.dumps(index, separators=(",", ":")).encode()
    return gzip.compress(struct.pack("<I", len(header)) + header + b"".join(contents), compresslevel=9, mtime=0)


def read_archive(data: bytes) -> dict[str, bytes]:
    """The files of an archive made by :func:`archive`, by path (what ``start.mjs`` writes; for the tests)."""
    raw = gzip.decompress(data)
    (length,) = struct.unpack("<I", raw[:4])
    offset, files = 4 + length, {}
    for path, size in json.loads(raw[4:offset]):
        files[path] = raw[offset:offset + size]
        offset += size
    if offset != len(raw):
        raise LiteError(f"the archive has {len(raw) - offset} bytes its index does not name")
    return files


def _node(step: str, static: Path, *paths: str) -> dict:
    """Run one step of ``snapshot.mjs``; its last line of output is JSON."""
    node = shutil.which("node")
    if node is None:
        raise LiteError("node is not installed: the in-browser kernel's snapshot is made with Node.js "
                        "(`apt-get install nodejs`, as `make system` does)")
    done = subprocess.run([node, str(HERE / "snapshot.mjs"), step, str(static), *paths], capture_output=True,
                          text=True, timeout=NODE_SECONDS, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise LiteError(f"making the kernel's snapshot failed at step {step!r} (exit {done.returncode}):\n"
                        f"{done.stderr[-3000:]}")
    return json.loads(lines[-1])
