"""What learner code may read while it is graded: an allow-list, the same at every sandbox level.

- the system's programs and libraries (``/usr`` and its ``/bin``, ``/lib`` links), and of ``/etc`` only
  the files a Python process reads (:data:`ETC`): no ``/etc/jupyter``, no other configuration;
- the Python that grades and its packages (:func:`python_roots`), read-only; nothing else of ``/opt``,
  ``/home``, ``/srv`` or ``/root``;
- never a copy of this package that can compute an answer key: the grader's own is replaced by a stub,
  and every other copy found in the bound folders (:func:`hidden_copies`) is hidden.
"""

from __future__ import annotations

import glob
import os
import sys
from functools import cache
from pathlib import Path

__all__ = ["ETC", "PACKAGE", "SYSTEM", "find_copies", "hidden_copies", "python_roots", "readable_except",
           "system_links"]

PACKAGE = Path(__file__).resolve().parents[1]
SYSTEM = ("/usr",)
ETC = ("passwd", "group", "nsswitch.conf", "hosts", "host.conf", "localtime", "timezone", "os-release",
       "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "ssl", "ca-certificates", "mime.types",
       "fonts", "locale.alias", "debian_version")
MARKER = "_capture.py"  # a folder named autograder holding this file is a copy of this package
# Where a system-wide or user-wide copy of the package may be installed, below a bound folder.
SITE_GLOBS = ("lib/python3*/site-packages", "lib/python3*/dist-packages", "lib/python3/dist-packages",
              "local/lib/python3*/site-packages", "local/lib/python3*/dist-packages")


def system_links() -> list[tuple[str, str | None]]:
    """``/bin``, ``/lib``, ``/lib64``, ``/sbin``: (path, link target), target None for a real folder."""
    out = []
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            out.append((str(path), os.readlink(path)))
        elif path.exists():
            out.append((str(path), None))
    return out


@cache
def python_roots() -> tuple[Path, ...]:
    """The folders this Python and its packages live in, outside the system folders (read-only inside)."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent.parent}
    system = tuple(Path(p) for p in SYSTEM)
    kept = [r for r in roots if not any(r == s or s in r.parents for s in system)]
    return tuple(sorted(r for r in kept if not any(o in r.parents for o in kept)))


@cache
def hidden_copies() -> tuple[Path, ...]:
    """Copies of this package below the bound folders, the grader's own included: each is hidden inside."""
    return find_copies(python_roots())


def find_copies(roots) -> tuple[Path, ...]:
    """The grader's own package, and every copy of it installed below the system folders or ``roots``."""
    found = {PACKAGE}
    for root in [Path(p) for p in SYSTEM] + [Path(r) for r in roots]:
        for pattern in SITE_GLOBS:
            for site in glob.glob(str(root / pattern)):
                candidate = Path(site) / "autograder"
                if (candidate / MARKER).is_file():
                    found.add(candidate.resolve())
    return tuple(sorted(found))


def readable_except(root: Path, hidden: tuple[Path, ...]) -> list[str]:
    """``root`` as a list of allowed paths that leaves out every hidden folder below it (Landlock allows
    whole trees, so a tree holding a hidden folder is allowed child by child around it)."""
    inside = [h for h in hidden if root in h.parents]
    if root in hidden:
        return []
    if not inside:
        return [str(root)]
    out = []
    try:
        children = sorted(root.iterdir())
    except OSError:
        return []
    for child in children:
        out += readable_except(child, hidden)
    return out
