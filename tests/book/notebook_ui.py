"""Working a notebook in JupyterLite's Notebook interface as a learner does: real clicks and key presses.

Playwright drives headless Chromium (:func:`tests.book.browser.chromium`): a cell runs only after a real
click into it and a real Shift+Enter, as a learner's would (focusing it from JavaScript does nothing). The
page is read back from the DOM: cells, prompts, outputs and the kernel's status.
"""

from __future__ import annotations

import json
import time

from playwright.sync_api import Error, Page

CELLS = "[...document.querySelectorAll('.jp-Notebook .jp-Cell')]"
KERNEL = """(() => { const name = document.querySelector('[data-jp-item-name=kernelName]');
  return [name ? name.innerText : '', !!document.querySelector('.jp-KernelStatus-success')]; })()"""
NAVIGATING = ("navigat", "Execution context was destroyed", "Target closed", "Cannot find context")


def pump(page: Page, seconds: float) -> None:
    """Let the page run for ``seconds`` (Playwright keeps recording its events meanwhile)."""
    page.wait_for_timeout(seconds * 1000)


def wait_for(page: Page, expression: str, timeout: float, what: str, every: float = 0.1):
    """Poll a JavaScript expression every ``every`` seconds until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(expression)
        except Error as err:  # the page is navigating (a click, a reload): ask the next page
            if not any(words in str(err) for words in NAVIGATING):
                raise
            value = None
        if value:
            return value
        pump(page, every)
    raise TimeoutError(f"{what}: not within {timeout:g} s")


def wait_until_idle(page: Page, timeout: float) -> None:
    """Until the notebook's kernel is the Pyodide kernel and idle."""
    wait_for(page, f"(() => {{ const [name, idle] = {KERNEL}; return name.includes('Pyodide') && idle; }})()",
             timeout, "the Pyodide kernel to start")


def click(page: Page, selector_js: str) -> None:
    """Scroll an element (a JavaScript expression for it) into view, move the mouse to its middle (a menu item
    is chosen only once hovered) and click there."""
    x, y = page.evaluate(f"""(() => {{ const e = {selector_js}; e.scrollIntoView({{block: 'center'}});
      const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
    page.mouse.click(x, y)  # moves there, presses, releases


def cell_count(page: Page) -> int:
    return page.evaluate(f"{CELLS}.length")


def cell_text(page: Page, index: int) -> str:
    """The code in a cell's editor."""
    return page.evaluate(f"{CELLS}[{index}].querySelector('.jp-InputArea-editor').innerText")


def output(page: Page, index: int) -> str:
    """The text of a cell's outputs."""
    return page.evaluate(f"(() => {{ const o = {CELLS}[{index}].querySelector('.jp-OutputArea');"
                         " return o ? o.innerText : ''; })()")


def type_into(page: Page, index: int, code: str) -> None:
    """Click into a cell's editor, select all of it, and type ``code`` in its place."""
    click(page, f"{CELLS}[{index}].querySelector('.jp-InputArea-editor')")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def run(page: Page, index: int, timeout: float) -> float:
    """Click into a cell, press Shift+Enter, and wait until it has run; the seconds it took."""
    click(page, f"{CELLS}[{index}].querySelector('.jp-InputArea-editor')")
    before = _prompt(page, index)
    started = time.monotonic()
    page.keyboard.press("Shift+Enter")
    done = (f"(() => {{ const p = {CELLS}[{index}].querySelector('.jp-InputPrompt').innerText;"
            f" return /\\[\\d+\\]/.test(p) && p !== {json.dumps(before)}; }})()")
    wait_for(page, done, timeout, f"cell {index} to run", every=0.01)
    return time.monotonic() - started


def _prompt(page: Page, index: int) -> str:
    return page.evaluate(f"{CELLS}[{index}].querySelector('.jp-InputPrompt').innerText")


def menu(page: Page, top: str, item: str) -> None:
    """Open a menu of the menu bar and choose one of its items, by their labels."""
    click(page, f"[...document.querySelectorAll('.lm-MenuBar-itemLabel')].find(e => e.innerText.trim() === "
                f"{json.dumps(top)})")
    click(page, f"[...document.querySelectorAll('.lm-Menu-itemLabel')].find(e => e.innerText.trim() === "
                f"{json.dumps(item)})")


def reload(page: Page, timeout: float) -> None:
    """Reload the page, and wait until the notebook is back with all its cells on screen."""
    cells = cell_count(page)
    page.reload(wait_until="load", timeout=timeout * 1000)
    wait_for(page, f"{CELLS}.length === {cells} && {CELLS}.every(c => "
                   "c.querySelector('.jp-InputArea-editor .cm-content'))", timeout, "the page to reload")
