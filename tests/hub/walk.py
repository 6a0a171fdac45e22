"""The course walked through in Chromium, one person at a time: what each step shows is kept for the tests."""

from __future__ import annotations

import json
import time
from pathlib import Path

from playwright.sync_api import Browser, expect

from . import formgrader, lab
from .answers import Sheet
from .classroom import Classroom


def release(browser: Browser, room: Classroom, assignment: str) -> None:
    """The instructor generates the learners' version of ``assignment`` and releases it, in the formgrader."""
    page = lab.login(browser, room.hub.url, *room.users["instructor"])
    formgrader.manage_assignments(page, room.server("instructor"))
    formgrader.press(page, assignment, "education")  # Generate
    formgrader.press(page, assignment, "cloud-upload")  # Release
    page.context.close()


def work(browser: Browser, room: Classroom, role: str, assignment: str, sheet: Sheet) -> dict[str, str]:
    """``role`` fetches ``assignment``, runs its question cells, types ``sheet``'s answers, saves and submits;
    what each question cell showed them (by its grade_id)."""
    cells = _cells(room.course / "exercises" / assignment / f"{assignment}.ipynb")
    ids = [grade_id for grade_id, _ in cells]
    page = lab.login(browser, room.hub.url, *room.users[role])
    lab.fetch(page, assignment)
    notebook = lab.open_notebook(page, assignment, assignment, len(cells))
    lab.run_cell(notebook, ids.index("setup"))
    shown = {grade_id: lab.run_cell(notebook, index) for index, (grade_id, kind) in enumerate(cells)
             if grade_id.endswith("-prompt") and kind == "code"}
    for grade_id, source in sheet.answers.items():
        lab.type_into(notebook, ids.index(grade_id), source)
    lab.save(notebook)
    lab.submit(page, assignment)
    page.context.close()
    return shown


def grade(browser: Browser, room: Classroom, assignment: str, students: list[str]) -> tuple[dict, dict]:
    """The instructor collects, presses Autograde for each learner, then generates and releases feedback; the
    scores the formgrader shows and the log each Autograde showed, by student id."""
    page = lab.login(browser, room.hub.url, *room.users["instructor"])
    server = room.server("instructor")
    formgrader.manage_assignments(page, server)
    formgrader.press(page, assignment, "cloud-download")  # Collect
    logs = {student: formgrader.autograde(page, server, assignment, student) for student in students}
    scores = formgrader.scores(page, server, assignment)
    formgrader.manage_assignments(page, server)
    formgrader.press(page, assignment, "comment")  # Generate Feedback
    formgrader.press(page, assignment, "envelope")  # Release Feedback
    page.context.close()
    return scores, logs


def read_feedback(browser: Browser, room: Classroom, role: str, assignment: str) -> dict[str, str]:
    """``role`` fetches their feedback from the assignment list and opens it: the texts of the pages they see
    (the assignment list, the feedback page)."""
    page = lab.login(browser, room.hub.url, *room.users[role])
    panel = lab.assignment_list(page)
    item = panel.locator("#submitted_assignments_list .list_item", has_text=assignment).first
    item.get_by_role("button", name="Fetch Feedback").click()
    home = Path(f"/home/{room.name(role)}")
    feedback = _appears(home / assignment / "feedback", f"*/{assignment}.html").relative_to(home)
    expect(item.get_by_role("button", name="Fetch Feedback")).to_be_enabled()
    listing = panel.inner_text()
    page.goto(f"{room.server(role)}/files/{feedback}")
    pages = {"assignment list": listing, "feedback": page.locator("body").inner_text(), "html": page.content()}
    page.context.close()
    return pages


def _cells(path: Path) -> list[tuple[str, str]]:
    """(grade_id, cell type) of each cell of a released notebook (grade_id "" where it has none)."""
    notebook = json.loads(path.read_text())
    return [(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""), cell["cell_type"])
            for cell in notebook["cells"]]


def _appears(folder: Path, pattern: str, timeout: float = 60) -> Path:
    """The first file matching ``pattern`` in ``folder``, waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern)) if folder.exists() else []
        if found:
            return found[-1]
        time.sleep(0.5)
    raise AssertionError(f"no {pattern} in {folder} after {timeout:.0f} s")
