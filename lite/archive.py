"""Unpacking a downloaded tar archive without trusting it, on every Python the project supports.

Python's own ``data`` filter (``extractall(..., filter="data")``) exists from 3.11.4 and 3.12; Debian 12 and
Ubuntu ship 3.11.2, where ``extractall`` has no ``filter`` argument at all. There every member is checked here
before anything is written: no absolute name, no ``..``, no link that leads outside the folder, no device or
other special file. Either way a bad archive stops the build with a :class:`~lite.LiteError` naming the member.
"""

from __future__ import annotations

import posixpath
import tarfile
from pathlib import Path

from lite import LiteError


def extract(archive: Path, target: Path, *, python_filter: bool | None = None) -> None:
    """Unpack ``archive`` into the folder ``target``; ``python_filter`` forces one way (tests use it)."""
    if python_filter is None:
        python_filter = hasattr(tarfile, "data_filter")
    with tarfile.open(archive) as tar:
        if python_filter:
            try:
                tar.extractall(target, filter="data")
            except tarfile.FilterError as refused:
                raise LiteError(f"{archive.name}: refused to unpack, {refused}") from None
        else:
            links: set[str] = set()
            for member in tar.getmembers():
                check(member, links, archive.name)
            tar.extractall(target)  # every member was checked above


def check(member: tarfile.TarInfo, links: set[str], archive: str) -> None:
    """Raise LiteError unless ``member`` is a plain file, folder or link that stays inside the target;
    ``links`` holds the symbolic links seen so far, and gains this one."""
    problem = _problem(member, links)
    if problem:
        raise LiteError(f"{archive}: refused to unpack {member.name!r}: {problem}; the archive is not "
                        f"what the registry should serve (delete the cache and fetch again, or check the pin)")
    if member.issym():
        links.add(posixpath.normpath(member.name))


def _problem(member: tarfile.TarInfo, links: set[str]) -> str | None:
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        return "it is a device, pipe or other special file"
    problem = _walk(member.name, links, final=True)
    if problem or not (member.issym() or member.islnk()):
        return problem
    if posixpath.isabs(member.linkname):
        return f"it is a link to the absolute path {member.linkname!r}"
    start = posixpath.dirname(member.name) if member.issym() else ""
    problem = _walk(posixpath.join(start, member.linkname), links, final=False)
    return problem and f"it is a link to {member.linkname!r}, and that {problem}"


def _walk(path: str, links: set[str], *, final: bool) -> str | None:
    """Follow ``path`` one part at a time from the target: it must neither climb above the target nor pass
    through a symbolic link of the archive (nor, when ``final``, end on one: it would write through it)."""
    if posixpath.isabs(path):
        return "path is absolute"
    parts = [part for part in path.split("/") if part not in ("", ".")]
    here: list[str] = []
    for index, part in enumerate(parts):
        if part == "..":
            if not here:
                return "path leaves the folder"
            here.pop()
        else:
            here.append(part)
        if "/".join(here) in links and (final or index < len(parts) - 1):
            return f"path goes through the link {'/'.join(here)!r}"
    return None
