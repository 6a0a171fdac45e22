"""``python -m autograder release [--check]``: regenerate ``exercises/`` from ``solutions/`` with nbgrader.

``exercises/`` is generated and committed, never edited by hand. ``--check`` regenerates into a
temporary directory and exits 1 if the committed release has drifted from the solutions.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

__all__ = ["add_parser", "drift", "modes"]

# Fields nbgrader or Jupyter may rewrite without any change a learner could see.
VOLATILE = ("execution", "collapsed", "scrolled", "trusted", "ExecuteTime")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="regenerate exercises/ from solutions/ with nbgrader generate_assignment",
        description="Regenerate the released notebooks (exercises/) from the nbgrader source (solutions/).")
    parser.add_argument("assignments", nargs="*", help="only these assignments (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if exercises/ differs from a fresh release")
    parser.set_defaults(run=run)


def run(args) -> int:
    from .. import course

    assignments = tuple(args.assignments) or course.ASSIGNMENTS
    unknown = sorted(set(assignments) - set(course.ASSIGNMENTS))
    if unknown:
        from ..errors import ConfigError

        raise ConfigError(f"unknown assignment(s) {', '.join(unknown)}; expected some of "
                          f"{', '.join(course.ASSIGNMENTS)}")
    if not args.check:
        numbers = modes(assignments, course.ROOT)
        for path in course.release(course.ROOT / "exercises", assignments):
            print(f"released {path.relative_to(course.ROOT)}: {numbers[path.parent.name]}")
        return 0
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        course.release(Path(tmp), assignments)
        problems = [p for a in assignments for p in drift(course.ROOT / "exercises" / a, Path(tmp) / a)]
    for problem in problems:
        print(problem)
    print("exercises/ is up to date" if not problems else "run `python -m autograder release` to regenerate")
    return 1 if problems else 0


def modes(assignments: tuple[str, ...], root: Path) -> dict[str, str]:
    """Which numbers each assignment uses under the course's ``nbgrader_config.py`` in ``root`` (per-learner
    numbers only once it says how keys reach learners: ``c.Variants.keys``)."""
    from traitlets.config.loader import PyFileConfigLoader

    from ..nbgrader_plugins import Variants

    variants = Variants(config=PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    return {assignment: variants.mode(assignment) for assignment in assignments}


def drift(committed: Path, fresh: Path) -> list[str]:
    """Every difference between a committed release folder and a fresh one, one line each."""
    names = sorted({p.name for p in committed.glob("*.ipynb")} | {p.name for p in fresh.glob("*.ipynb")})
    if not names:
        return [f"{committed}: no notebooks in either release"]
    problems = []
    for name in names:
        if not (committed / name).exists() or not (fresh / name).exists():
            problems.append(f"{committed / name}: present in only one of the committed and fresh releases")
            continue
        problems += _cell_drift(committed / name, fresh / name)
    return problems


def _cell_drift(old_path: Path, new_path: Path) -> list[str]:
    old, new = _cells(old_path), _cells(new_path)
    if len(old) != len(new):
        return [f"{old_path}: {len(old)} cells committed, {len(new)} in a fresh release"]
    pairs = enumerate(zip(old, new, strict=True))
    return [f"{old_path}: cell {i} differs from a fresh release" for i, (a, b) in pairs if a != b]


def _cells(path: Path) -> list[tuple]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, _stable(c.metadata)) for c in nb.cells]


def _stable(metadata: dict) -> dict:
    return {k: v for k, v in metadata.items() if k not in VOLATILE}
