"""A person at JupyterLab on the Hub, through Playwright: log in, nbgrader's assignment list, a notebook's cells."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Browser, Locator, Page, expect

SPAWN = 180_000  # ms: a first spawn takes ~15 s on 2 busy cores, far longer when the machine is loaded
WAIT = 60_000


def login(browser: Browser, hub_url: str, name: str, password: str) -> Page:
    """A new browser session logged in as ``name`` (PAM), at JupyterLab with a fresh layout."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(WAIT)
    page.goto(f"{hub_url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(r".*/user/[^/]+/lab.*"), timeout=SPAWN)
    page.goto(f"{hub_url}/user/{name}/lab?reset")  # the layout a first visit shows, whatever the last one was
    page.wait_for_selector(".jp-LauncherCard", timeout=SPAWN)
    return page


def assignment_list(page: Page) -> Locator:
    """nbgrader's assignment list (Nbgrader → Assignment List), opened in the main area."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    panel = page.locator("#assignments")
    expect(panel.locator("#course_list_default")).to_be_visible()
    return panel


def fetch(page: Page, assignment: str) -> None:
    """The released ``assignment`` fetched from the assignment list."""
    panel = assignment_list(page)
    released = panel.locator("#released_assignments_list .list_item", has_text=assignment)
    released.get_by_role("button", name="Fetch").click()
    expect(panel.locator("#fetched_assignments_list .list_item", has_text=assignment).first).to_be_visible()


def open_notebook(page: Page, assignment: str, notebook: str, size: int) -> Locator:
    """The fetched ``notebook`` of ``assignment`` (``size`` cells) opened from the assignment list, its kernel
    started."""
    panel = assignment_list(page)
    fetched = panel.locator("#fetched_assignments_list > .list_item", has_text=assignment)
    fetched.locator("a.assignment-notebooks-link").click()
    fetched.locator(".nested_list_item a", has_text=notebook).click()
    notebook_panel = page.locator(".jp-NotebookPanel:visible")
    expect(notebook_panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_attached(
        timeout=SPAWN)
    expect(cells(notebook_panel)).to_have_count(size)
    return notebook_panel


def submit(page: Page, assignment: str) -> None:
    """``assignment`` submitted from the assignment list."""
    panel = assignment_list(page)
    fetched = panel.locator("#fetched_assignments_list > .list_item", has_text=assignment)
    fetched.get_by_role("button", name="Submit").click()
    expect(panel.locator("#submitted_assignments_list .list_item", has_text=assignment).first).to_be_visible()


def cells(notebook: Locator) -> Locator:
    return notebook.locator(".jp-Notebook .jp-Cell")


def run_cell(notebook: Locator, index: int) -> str:
    """Cell ``index`` run (Ctrl+Enter); the text of its outputs once it has run."""
    cell = cells(notebook).nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(3):  # on a loaded machine a key pressed as the editor takes focus can be lost: press again
        cell.locator(".cm-content").click()
        expect(cell).to_have_class(re.compile(r"\bjp-mod-active\b"))
        notebook.page.keyboard.press("Control+Enter")
        with contextlib.suppress(AssertionError):
            expect(prompt).not_to_have_text(re.compile(r"\[ \]"), timeout=10_000)
            break
    expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=WAIT)
    return cell.locator(".jp-OutputArea").inner_text()


def type_into(notebook: Locator, index: int, source: str) -> None:
    """Cell ``index``'s text replaced by ``source``, as a person pastes it."""
    cell = cells(notebook).nth(index)
    cell.locator(".cm-content").click()
    page = notebook.page
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")
    expect(cell.locator(".cm-content")).to_have_text(source.replace("\n", ""), timeout=WAIT)


def save(notebook: Locator) -> None:
    """The notebook saved (Ctrl+S), and no longer marked as changed."""
    notebook.page.keyboard.press("Control+S")
    tab = notebook.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    expect(tab).not_to_have_class(re.compile(r"jp-mod-dirty"), timeout=WAIT)
