"""``python -m autograder demo [--refresh]``: the real nbgrader pipeline on the sample submissions.

In a fresh temporary course with a fresh sqlite gradebook it runs ``generate_assignment``,
collects the sample submissions (``submitted/<student>/<assignment>/``), ``autograde``,
``generate_feedback`` and the CSV export, then compares each submission's score with the
score its manifest entry states: the points of the test cells it answers correctly.
Exit code 1 if any score differs.

The submissions are written from the released exercises and the manifest
(``tests/fixtures/submissions/manifest.json``) by ``--refresh``, then committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

__all__ = ["Outcome", "add_parser", "expected_score", "load_manifest", "refresh", "run_demo"]

SUBMISSIONS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "submissions"


@dataclass(frozen=True)
class Outcome:
    student: str
    assignment: str
    about: str
    expected: float
    actual: float

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the real nbgrader pipeline on the sample submissions and check each score",
        description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", action="store_true",
                        help="rewrite the sample submission notebooks from exercises/ and the manifest")
    parser.add_argument("--keep", metavar="DIR", help="copy the course directory (feedback, grades.csv) here")
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.refresh:
        for path in refresh():
            print(f"wrote {path}")
        return 0
    import warnings

    warnings.filterwarnings("ignore", module="nbgrader")  # nbgrader 0.9.6's SQLAlchemy autoflush warnings
    outcomes = run_demo(keep=Path(args.keep) if args.keep else None)
    _print(outcomes)
    return 0 if all(o.ok for o in outcomes) else 1


def load_manifest(folder: Path = SUBMISSIONS) -> dict:
    path = folder / "manifest.json"
    if not path.exists():
        raise ConfigError(f"no sample submissions manifest at {path}; run this from a clone of the repository")
    return json.loads(path.read_text())


def submission_path(entry: dict, folder: Path = SUBMISSIONS) -> Path:
    return folder / entry["assignment"] / f"{entry['student']}.ipynb"


def expected_score(entry: dict, points: dict[str, float]) -> float:
    """The score a submission should get: the points of the test cells it answers correctly."""
    unknown = [g for g in entry["correct"] if g not in points]
    if unknown:
        raise ConfigError(f"manifest entry {entry['student']!r} names unknown test cells {unknown}; "
                          f"the test cells of {entry['assignment']} are {sorted(points)}")
    return float(sum(points[g] for g in entry["correct"]))


def test_points(assignment: str) -> dict[str, float]:
    """grade_id → points of every autograded test cell in an assignment's source notebook."""
    import nbformat

    from .. import course, selfstudy

    nb = nbformat.read(course.solution_path(assignment), as_version=4)
    return {g.grade_id: g.max_points for g in selfstudy.grade_cells(nb) if not g.manual}


def run_demo(folder: Path = SUBMISSIONS, keep: Path | None = None) -> list[Outcome]:
    """Grade every sample submission with nbgrader; one Outcome per submission."""
    import shutil

    from .. import course

    manifest = load_manifest(folder)
    entries = manifest["submissions"]
    assignments = sorted({e["assignment"] for e in entries})
    with course.temp_course(timeout=manifest["timeout"], variants=False) as grader:  # answers: the book's
        for assignment in assignments:
            grader.generate(assignment)
        for entry in entries:
            grader.submit(entry["student"], entry["assignment"], submission_path(entry, folder))
        for assignment in assignments:
            grader.autograde(assignment)
            grader.generate_feedback(assignment)
        scores = grader.export()
        if keep:
            shutil.copytree(grader.root, keep, dirs_exist_ok=True)
    points = {a: test_points(a) for a in assignments}
    return [Outcome(e["student"], e["assignment"], e["about"], expected_score(e, points[e["assignment"]]),
                    scores[(e["student"], e["assignment"])]) for e in entries]


def refresh(folder: Path = SUBMISSIONS) -> list[Path]:
    """Write each submission: the released notebook with the manifest's cell sources swapped in
    (a null source deletes the cell, as a learner might)."""
    import nbformat

    from .. import course

    written = []
    for entry in load_manifest(folder)["submissions"]:
        nb = nbformat.read(course.ROOT / "exercises" / entry["assignment"] / f"{entry['assignment']}.ipynb", 4)
        _apply(nb, entry)
        path = submission_path(entry, folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        written.append(path)
    return written


def _apply(nb, entry: dict) -> None:
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    missing = sorted(set(entry["cells"]) - set(cells))
    if missing:
        raise ConfigError(f"manifest entry {entry['student']!r} edits cells {missing} that "
                          f"{entry['assignment']} does not have")
    for grade_id, source in entry["cells"].items():
        if source is None:
            nb.cells.remove(cells[grade_id])
        else:
            cells[grade_id].source = "\n".join(source) if isinstance(source, list) else source


def _print(outcomes: list[Outcome]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="nbgrader autograde on the sample submissions")
    for column in ("Assignment", "Submission", "What it tests", "Expected", "Score", ""):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        mark = "[green]ok[/]" if o.ok else "[red]MISMATCH[/]"
        table.add_row(o.assignment, o.student, escape(o.about), f"{o.expected:g}", f"{o.actual:g}", mark)
    console = Console()
    console.print(table)
    right = sum(o.ok for o in outcomes)
    console.print(f"{right} of {len(outcomes)} submissions got exactly their expected score.")
