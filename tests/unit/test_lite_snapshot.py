"""The kernel's quick start, at build time (lite/snapshot.py): the archive of the packages' files that
lite/start.mjs writes into Pyodide's file system, and the clear refusals around it. The snapshot itself is made
and restored in the browser tests (tests/book/test_lite_start.py)."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from lite import LiteError, build, snapshot

SITE = "/lib/python3.14/site-packages"


def _wheel(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as wheel:
        for member, data in members.items():
            wheel.writestr(member, data)
    return path


def test_the_archive_holds_every_file_of_every_wheel_under_site_packages(tmp_path):
    """Does the archive give back, under site-packages, exactly the files of the wheels, byte for byte, and
    nothing for their folders?"""
    first = _wheel(tmp_path, "a-1-py3-none-any.whl", {"a/__init__.pyc": b"\x00code", "a-1.dist-info/METADATA": b"m"})
    second = _wheel(tmp_path, "b-2-py3-none-any.whl", {"b/": b"", "b/data/table.json": b"{}", "b/empty.py": b""})
    files = snapshot.read_archive(snapshot.archive([first, second], SITE))
    assert files == {f"{SITE}/a/__init__.pyc": b"\x00code", f"{SITE}/a-1.dist-info/METADATA": b"m",
                     f"{SITE}/b/data/table.json": b"{}", f"{SITE}/b/empty.py": b""}


def test_the_archive_is_the_same_bytes_from_the_same_wheels(tmp_path):
    """Is the archive reproducible (no date in its gzip header), so a rebuild changes nothing a browser cached?"""
    wheel = _wheel(tmp_path, "a-1-py3-none-any.whl", {"a/x.pyc": b"1"})
    assert snapshot.archive([wheel], SITE) == snapshot.archive([wheel], SITE)


@pytest.mark.parametrize("member", ["../outside.py", "/etc/passwd", "a/../../outside.py"])
def test_a_wheel_member_outside_site_packages_is_refused(tmp_path, member):
    """Is a wheel whose member would land outside site-packages refused with its name, not written?"""
    wheel = _wheel(tmp_path, "bad-1-py3-none-any.whl", {member: b"x"})
    with pytest.raises(LiteError, match="outside site-packages"):
        snapshot.archive([wheel], SITE)


def test_a_damaged_archive_is_refused(tmp_path):
    """Does an archive with bytes its index does not name fail clearly instead of giving wrong files?"""
    wheel = _wheel(tmp_path, "a-1-py3-none-any.whl", {"a/x.pyc": b"1"})
    damaged = gzip.compress(gzip.decompress(snapshot.archive([wheel], SITE)) + b"extra")
    with pytest.raises(LiteError, match="does not name"):
        snapshot.read_archive(damaged)


def test_no_wheel_means_no_snapshot(tmp_path):
    """Is a static folder without the kernel's wheels refused with a message that says what is missing?"""
    with pytest.raises(LiteError, match="holds no wheel"):
        snapshot.make(tmp_path)


def test_without_node_the_message_says_how_to_install_it(tmp_path, monkeypatch):
    """Without Node.js, does the build say that the snapshot needs it and how to install it?"""
    _wheel(tmp_path, "a-1-py3-none-any.whl", {"a/x.pyc": b"1"})
    monkeypatch.setattr(snapshot.shutil, "which", lambda name: None)
    with pytest.raises(LiteError, match="apt-get install nodejs"):
        snapshot.make(tmp_path)


def test_only_fonts_also_shipped_as_woff2_lose_their_older_formats(tmp_path):
    """Does the build remove a font's EOT, TTF, SVG and WOFF files where its WOFF2 is there (the format every
    browser that runs the kernel reads), and keep a font that has no WOFF2 (MathJax's WOFF) and the WOFF2s?"""
    fonts = tmp_path / "build"
    fonts.mkdir()
    names = ["fa-solid-900.woff2", "fa-solid-900.eot", "fa-solid-900.ttf", "fa-solid-900.svg",
             "fa-solid-900.woff", "MathJax_Main-Regular.woff", "logo.svg"]
    for name in names:
        (fonts / name).write_bytes(b"font")
    removed = build._legacy_fonts(tmp_path)
    assert sorted(path.name for path in removed) == sorted(names[1:5])
    assert sorted(path.name for path in fonts.iterdir()) == ["MathJax_Main-Regular.woff", "fa-solid-900.woff2",
                                                              "logo.svg"]
