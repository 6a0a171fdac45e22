"""Working a notebook in JupyterLite's Notebook interface as a learner does: real clicks and key presses.

Sent over the DevTools protocol to headless Chromium (:class:`tests.book.cdp.Browser`): a cell runs only
after a real click into it and a real Shift+Enter, as a learner's would (focusing it from JavaScript does
nothing). The page is read back from the DOM: cells, prompts, outputs and the kernel's status.
"""

from __future__ import annotations

import json
import time

from tests.book.cdp import Browser

SHIFT, CTRL = 8, 2  # DevTools modifier bits
CELLS = "[...document.querySelectorAll('.jp-Notebook .jp-Cell')]"
KERNEL = """(() => { const name = document.querySelector('[data-jp-item-name=kernelName]');
  return [name ? name.innerText : '', !!document.querySelector('.jp-KernelStatus-success')]; })()"""


def watch_workers(browser: Browser) -> None:
    """Also record the network events of the page's workers (the kernel runs in one) and of its service
    worker: each is attached paused, its events switched on, then let go (see :func:`pump`)."""
    browser.watched, browser.scanned = set(), 0
    browser.send("Target.setDiscoverTargets", discover=True)
    browser.send("Target.setAutoAttach", autoAttach=True, waitForDebuggerOnStart=True, flatten=True)


def pump(browser: Browser, seconds: float) -> None:
    """Keep reading the page's events for ``seconds`` (an unread event stream stalls Chromium)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        browser._pump(0.02)
        _attach_workers(browser)


def _attach_workers(browser: Browser) -> None:
    """Attach to each new service worker; switch on the events of each newly attached worker."""
    if not hasattr(browser, "watched"):
        return
    start = browser.scanned if browser.scanned <= len(browser.events) else 0  # open() starts a new list
    browser.scanned = len(browser.events)
    for event in browser.events[start:]:
        method, params = event.get("method"), event.get("params", {})
        if method == "Target.targetCreated" and params["targetInfo"]["type"] == "service_worker":
            _watch(browser, params["targetInfo"]["targetId"], None, "Target.attachToTarget",
                   targetId=params["targetInfo"]["targetId"], flatten=True)
        elif method == "Target.attachedToTarget":
            session = params["sessionId"]
            for command in ("Network.enable", "Runtime.enable", "Log.enable"):
                _watch(browser, f"{session} {command}", session, command)
            _watch(browser, f"{session} attach", session, "Target.setAutoAttach", autoAttach=True, flatten=True,
                   waitForDebuggerOnStart=True)
            _watch(browser, f"{session} run", session, "Runtime.runIfWaitingForDebugger")


def _watch(browser: Browser, key: str, session: str | None, method: str, **params) -> None:
    """Send a command once per ``key``, without waiting for its answer (it arrives among the events)."""
    if key not in browser.watched:
        browser.watched.add(key)
        _post(browser, session, method, **params)


def _post(browser: Browser, session: str | None, method: str, **params) -> None:
    """Send a command without waiting for its answer (it arrives later, among the events)."""
    browser._next_id += 1
    message = {"id": browser._next_id, "method": method, "params": params}
    browser.ws.send(json.dumps({**message, "sessionId": session} if session else message))


NAVIGATING = ("navigated or closed", "Cannot find context", "Execution context was destroyed")


def wait_for(browser: Browser, expression: str, timeout: float, what: str, every: float = 0.1):
    """Poll a JavaScript expression every ``every`` seconds until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = browser.evaluate(expression)
        except RuntimeError as err:  # the page is navigating (a click, a reload): ask the next page
            if not any(words in str(err) for words in NAVIGATING):
                raise
            value = None
        if value:
            return value
        pump(browser, every)
    raise TimeoutError(f"{what}: not within {timeout:g} s")


def wait_until_idle(browser: Browser, timeout: float) -> None:
    """Until the notebook's kernel is the Pyodide kernel and idle."""
    wait_for(browser, f"(() => {{ const [name, idle] = {KERNEL}; return name.includes('Pyodide') && idle; }})()",
             timeout, "the Pyodide kernel to start")


def click_at(browser: Browser, x: float, y: float) -> None:
    """Move the mouse there (a menu item is chosen only once hovered), press and release."""
    browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def click(browser: Browser, selector_js: str) -> None:
    """Scroll an element (a JavaScript expression for it) into view and click its middle."""
    box = browser.evaluate(f"""(() => {{ const e = {selector_js}; e.scrollIntoView({{block: 'center'}});
      const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
    click_at(browser, *box)


def key(browser: Browser, name: str, code: int, modifiers: int = 0) -> None:
    """Press and release one key (``Enter``, or a letter), with modifiers (``SHIFT``, ``CTRL``)."""
    physical = name if len(name) > 1 else f"Key{name.upper()}"
    for kind in ("rawKeyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", type=kind, key=name, code=physical, windowsVirtualKeyCode=code,
                     modifiers=modifiers)


def cell_count(browser: Browser) -> int:
    return browser.evaluate(f"{CELLS}.length")


def cell_text(browser: Browser, index: int) -> str:
    """The code in a cell's editor."""
    return browser.evaluate(f"{CELLS}[{index}].querySelector('.jp-InputArea-editor').innerText")


def output(browser: Browser, index: int) -> str:
    """The text of a cell's outputs."""
    return browser.evaluate(f"(() => {{ const o = {CELLS}[{index}].querySelector('.jp-OutputArea');"
                            " return o ? o.innerText : ''; })()")


def type_into(browser: Browser, index: int, code: str) -> None:
    """Click into a cell's editor, select all of it, and type ``code`` in its place."""
    click(browser, f"{CELLS}[{index}].querySelector('.jp-InputArea-editor')")
    key(browser, "a", 65, CTRL)
    browser.send("Input.insertText", text=code)


def run(browser: Browser, index: int, timeout: float) -> float:
    """Click into a cell, press Shift+Enter, and wait until it has run; the seconds it took."""
    click(browser, f"{CELLS}[{index}].querySelector('.jp-InputArea-editor')")
    before = _prompt(browser, index)
    started = time.monotonic()
    key(browser, "Enter", 13, SHIFT)
    done = (f"(() => {{ const p = {CELLS}[{index}].querySelector('.jp-InputPrompt').innerText;"
            f" return /\\[\\d+\\]/.test(p) && p !== {json.dumps(before)}; }})()")
    wait_for(browser, done, timeout, f"cell {index} to run", every=0.01)
    return time.monotonic() - started


def _prompt(browser: Browser, index: int) -> str:
    return browser.evaluate(f"{CELLS}[{index}].querySelector('.jp-InputPrompt').innerText")


def menu(browser: Browser, top: str, item: str) -> None:
    """Open a menu of the menu bar and choose one of its items, by their labels."""
    click(browser, f"[...document.querySelectorAll('.lm-MenuBar-itemLabel')].find(e => e.innerText.trim() === "
                   f"{json.dumps(top)})")
    click(browser, f"[...document.querySelectorAll('.lm-Menu-itemLabel')].find(e => e.innerText.trim() === "
                   f"{json.dumps(item)})")


def reload(browser: Browser, timeout: float) -> None:
    """Reload the page, and wait until the notebook is back with all its cells on screen."""
    cells = cell_count(browser)
    browser.evaluate("window.__beforeReload = true")
    browser.send("Page.reload")
    wait_for(browser, f"!window.__beforeReload && {CELLS}.length === {cells} && {CELLS}.every(c => "
                      "c.querySelector('.jp-InputArea-editor .cm-content'))", timeout, "the page to reload")
