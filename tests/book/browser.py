"""Headless Chromium for the browser tests, driven by Playwright, and a record of what went wrong on a page.

Playwright's own browser download does not work here: it drives Debian's ``chromium`` instead
(``executable_path``; `make system` or `apt-get install chromium` installs it). :func:`chromium` opens one page
in a fresh profile; its :class:`Recorder` keeps every request the page, its workers and its service worker
made, every console message and every error they reported; :meth:`Recorder.problems` turns them into readable failures.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run"]
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"  # no host but the test's server resolves
LOCAL = ("data:", "blob:", "about:")


@dataclass
class Recorder:
    """Every request's URL, every console message (``"type: text"``) and every error a browser context
    reported, in the order they came."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        """Record the context's pages, workers and service workers from now on."""
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self._response)
        context.on("requestfailed", self._failed)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(f"uncaught exception: {error.error}"))

    def clear(self) -> None:
        self.requests, self.console, self.errors = [], [], []

    def problems(self, origin: str) -> list[str]:
        """Everything that went wrong, one readable line each: errors, then requests outside ``origin``."""
        outside = [f"request outside the site (the book must work offline): {url}"
                   for url in self.requests if not url.startswith((origin, *LOCAL))]
        return self.errors + outside

    def _console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")
        if message.type in ("error", "assert"):
            where = message.location.get("url", "") if message.location else ""
            self.errors.append(f"console {message.type}: {message.text} {where}".strip())

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _failed(self, request: Request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # a request the page itself cancelled (DevTools: canceled)
            self.errors.append(f"request failed ({failure}): {request.url}")


@contextlib.contextmanager
def chromium(profile: Path, *flags: str, timeout: float = 60, **context_options) -> Iterator[tuple[Page, Recorder]]:
    """A headless Debian Chromium with a fresh profile in ``profile`` and one page, and what records it.
    ``context_options`` are Playwright's (``viewport``, ``is_mobile``...); ``timeout`` is in seconds."""
    if not Path(CHROMIUM).is_file():
        raise RuntimeError(f"{CHROMIUM} is missing: an administrator installs it with "
                           f"`sudo apt-get install chromium` (or `make system` as root)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=[*FLAGS, *flags],
            viewport=context_options.pop("viewport", {"width": 1280, "height": 900}), **context_options)
        recorder = Recorder()
        recorder.attach(context)
        context.set_default_timeout(timeout * 1000)
        page = context.pages[0] if context.pages else context.new_page()
        try:
            yield page, recorder
        finally:
            context.close()


def open_quietly(page: Page, url: str) -> None:
    """Go to ``url`` and wait until it has loaded and made no request for half a second."""
    page.goto(url, wait_until="networkidle")


def screenshot(page: Page, path: Path) -> None:
    """Save a PNG of the whole page, not only the window."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
