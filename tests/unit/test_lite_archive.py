"""Unpacking the downloaded Pyodide archive (lite/archive.py): safe on every supported Python.

Each hostile archive is tried both ways: with Python's own ``data`` filter (3.11.4+, 3.12+) and with the
member-by-member check that Debian 12's Python 3.11.2, which has no filter, relies on (forced here).
"""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from lite import LiteError, archive, fetch

ROOT = Path(__file__).resolve().parents[2]
WAYS = [pytest.param(False, id="own-check"),
        pytest.param(True, id="python-filter",
                     marks=pytest.mark.skipif(not hasattr(tarfile, "data_filter"), reason="no data filter here"))]


def _pack(path: Path, members: list[tuple[str, str, str]]) -> Path:
    """A .tgz of (kind, name, link-or-content) members: kind is file, dir, sym, hard, fifo or chr."""
    kinds = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE,
             "fifo": tarfile.FIFOTYPE, "chr": tarfile.CHRTYPE}
    with tarfile.open(path, "w:gz") as tar:
        for kind, name, extra in members:
            info = tarfile.TarInfo(name)
            info.type, info.mode = kinds[kind], 0o755 if kind == "dir" else 0o644
            data = extra.encode() if kind == "file" else b""
            info.size = len(data)
            if kind in ("sym", "hard"):
                info.linkname = extra
            tar.addfile(info, io.BytesIO(data) if data else None)
    return path


HOSTILE = {
    "climbs-out": [("file", "package/../../escaped.txt", "pwned")],
    "absolute-link": [("sym", "package/passwd", "/etc/passwd")],
    "link-climbs-out": [("sym", "package/up", "../../..")],
    "hard-link-out": [("hard", "package/shadow", "../escaped.txt")],
    "link-chain": [("dir", "package/a", ""), ("sym", "package/a/b", ".."), ("sym", "package/a/b/c", "../.."),
                   ("file", "package/a/b/c/escaped.txt", "pwned")],
    "device": [("chr", "package/null", "")],
    "fifo": [("fifo", "package/pipe", "")],
}


@pytest.mark.parametrize("python_filter", WAYS)
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archive_is_refused_and_writes_nothing_outside(tmp_path, case, python_filter):
    """Is an archive that would write outside its folder, link out of it or make a device refused, both ways?"""
    target = tmp_path / "a" / "b" / "target"
    target.mkdir(parents=True)
    tarball = _pack(tmp_path / "hostile.tgz", HOSTILE[case])
    with pytest.raises(LiteError, match="refused to unpack"):
        archive.extract(tarball, target, python_filter=python_filter)
    outside = {p for p in tmp_path.rglob("*") if target not in p.parents and p != target}
    assert outside == {tmp_path / "a", tmp_path / "a" / "b", tarball}


@pytest.mark.parametrize("python_filter", WAYS)
def test_absolute_name_never_lands_at_its_absolute_path(tmp_path, python_filter):
    """Is a member named by an absolute path refused, or put inside the folder, but never written there?"""
    victim = tmp_path / "victim.txt"
    target = tmp_path / "target"
    target.mkdir()
    tarball = _pack(tmp_path / "abs.tgz", [("file", str(victim), "pwned")])
    try:
        archive.extract(tarball, target, python_filter=python_filter)
    except LiteError:
        assert python_filter is False
    assert not victim.exists()


@pytest.mark.parametrize("python_filter", WAYS)
def test_ordinary_package_unpacks(tmp_path, python_filter):
    """Does an npm-like package with folders and a link inside it unpack whole, both ways?"""
    members = [("dir", "package", ""), ("file", "package/pyodide.mjs", "export {}"),
               ("dir", "package/sub", ""), ("sym", "package/sub/main.mjs", "../pyodide.mjs")]
    tarball = _pack(tmp_path / "ok.tgz", members)
    archive.extract(tarball, tmp_path / "out", python_filter=python_filter)
    assert (tmp_path / "out" / "package" / "sub" / "main.mjs").read_text() == "export {}"


def test_fetch_unpacks_without_the_filter_argument(tmp_path, monkeypatch):
    """Does fetching Pyodide work on a Python whose extractall() has no ``filter`` (Debian 12's 3.11.2)?"""
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    original = tarfile.TarFile.extractall

    def old_extractall(self, path=".", members=None, *, numeric_owner=False):
        return original(self, path, members, numeric_owner=numeric_owner)

    monkeypatch.setattr(tarfile.TarFile, "extractall", old_extractall)
    tarball = _pack(tmp_path / f"pyodide-{fetch.PYODIDE_VERSION}.tgz", [("file", "package/pyodide.mjs", "x")])
    monkeypatch.setattr(fetch, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(fetch, "PYODIDE_SHA512", _sha512(tarball))
    monkeypatch.setattr(fetch, "_run", lambda command, what, env=None: _copy(tarball, Path(command[-1])))
    assert (fetch.pyodide() / "pyodide.mjs").read_text() == "x"


def test_unpacks_on_debians_python(tmp_path):
    """Does the check unpack a package and refuse a hostile one under /usr/bin/python3.11, if it is there?"""
    python = Path("/usr/bin/python3.11")
    if not python.is_file():
        pytest.skip("no /usr/bin/python3.11 on this machine")
    _pack(tmp_path / "ok.tgz", [("file", "package/a.txt", "a")])
    _pack(tmp_path / "bad.tgz", [("file", "package/../../b.txt", "b")])
    script = ("import sys; from pathlib import Path; from lite import archive, LiteError\n"
              "archive.extract(Path(sys.argv[1]) / 'ok.tgz', Path(sys.argv[1]) / 'out')\n"
              "try: archive.extract(Path(sys.argv[1]) / 'bad.tgz', Path(sys.argv[1]) / 'x' / 'y')\n"
              "except LiteError as e: print('refused:', e)\n")
    done = subprocess.run([str(python), "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + script,
                           str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and (tmp_path / "out" / "package" / "a.txt").read_text() == "a"
    assert not (tmp_path / "b.txt").exists()


def _sha512(path: Path) -> str:
    return base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _copy(source: Path, folder: Path) -> None:
    (folder / source.name).write_bytes(source.read_bytes())

