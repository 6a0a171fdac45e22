"""The instructor at nbgrader's formgrader (its own page in the instructor's server), through Playwright."""

from __future__ import annotations

from playwright.sync_api import Page, expect

GRADING = 300_000  # ms: autograding runs every learner's notebook in the sandbox


def manage_assignments(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/formgrader/manage_assignments")
    expect(page.locator("h1", has_text="Manage Assignments")).to_be_visible()


def press(page: Page, assignment: str, icon: str) -> str:
    """The button ``icon`` (a glyphicon's name) pressed in ``assignment``'s row; the text of the dialog that
    reports the outcome. Fails with that text if the dialog reports an error."""
    page.locator("tr", has_text=assignment).locator(f".glyphicon-{icon}").click()
    return _outcome(page)


def autograde(page: Page, server_url: str, assignment: str, student: str) -> str:
    """The Autograde button pressed for ``student``'s submission; the dialog's text (with nbgrader's log)."""
    page.goto(f"{server_url}/formgrader/manage_submissions/{assignment}")
    page.locator("tr", has_text=student).locator(".glyphicon-flash").click()
    return _outcome(page)


def _outcome(page: Page) -> str:
    """The text of the dialog the formgrader opens when an action ends, once closed; fails with it on an error."""
    dialog = page.locator("#success-modal, #error-modal")
    expect(dialog).to_be_visible(timeout=GRADING)
    text = dialog.inner_text()
    failed = dialog.get_attribute("id") == "error-modal"
    dialog.locator("button", has_text="OK").click()
    expect(page.locator(".modal")).to_have_count(0)
    assert not failed, text
    return text


def scores(page: Page, server_url: str, assignment: str) -> dict[str, str]:
    """student id → the score the submissions page shows ("4 / 10")."""
    page.goto(f"{server_url}/formgrader/manage_submissions/{assignment}")
    expect(page.locator("td.student-id").first).to_be_visible()
    rows = page.locator("tbody tr")
    return {rows.nth(i).locator("td.student-id").inner_text().strip(): rows.nth(i).locator("td.score").inner_text()
            for i in range(rows.count())}
