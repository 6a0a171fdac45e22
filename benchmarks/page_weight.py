"""Benchmark: what each page of the built book weighs, and which pages scroll sideways on a phone.

The built book (``_build/html``, from `make book`) is served on 127.0.0.1 and every published page is opened in
headless Chromium with its cache off, as on a first visit: the **weight** is the bytes transferred for the page
and everything it loads (Playwright's request sizes: headers and bodies), and whether MathJax and the theme's
Font Awesome script are among them. Then each page is opened at 390 px (a phone) and counted if the page is
wider than the window (``document.documentElement.scrollWidth > clientWidth``).

Issue 21's targets: MathJax (2.3 MB) only on pages with math, no Font Awesome script (1.5 MB), no page that
scrolls sideways at 390 px.

    python -m benchmarks.page_weight            # prints a Markdown table
    python -m benchmarks.page_weight FOLDER     # another built site
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

from playwright.sync_api import Page

from tests.book.browser import OFFLINE, chromium
from tests.book.building import HTML, published_pages
from tests.book.serving import serve

FIRST = "index.html"  # the book's address: a redirect to the preface
PHONE = {"width": 390, "height": 900}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle(self):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser moved on to the next page
            super().handle()


def weigh(page: Page, url: str) -> dict:
    """Open ``url`` with nothing cached: bytes transferred, requests, and whether MathJax or Font Awesome came."""
    finished = []

    def record(request):
        finished.append(request)

    page.on("requestfinished", record)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", record)
    sizes = [request.sizes() for request in finished]
    urls = " ".join(request.url for request in finished)
    return {"bytes": sum(s["responseHeadersSize"] + s["responseBodySize"] for s in sizes),
            "requests": len(finished), "mathjax": "mathjax" in urls.lower(), "fontawesome": "fontawesome.js" in urls}


def wider_than_the_window(page: Page, url: str) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    page.goto(url, wait_until="networkidle")
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def run(folder: Path = HTML) -> dict:
    """Every page's weight at 1280 px (cold) and its excess width at 390 px."""
    if not (folder / FIRST).is_file():
        raise SystemExit(f"no built book in {folder}: run `make book` first")
    pages = [FIRST, *published_pages()] if folder == HTML else [FIRST, *_pages(folder)]
    with serve(folder, _Quiet) as site, tempfile.TemporaryDirectory() as profile:
        with chromium(Path(profile) / "desktop", OFFLINE) as (page, _):
            devtools = page.context.new_cdp_session(page)
            devtools.send("Network.enable")
            devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every page as a first visit
            weights = {name: weigh(page, site + name) for name in pages}
        with chromium(Path(profile) / "phone", OFFLINE, viewport=PHONE, is_mobile=True) as (page, _):
            wider = {name: wider_than_the_window(page, site + name) for name in pages[1:]}
    return {"weights": weights, "wider": wider}


def _pages(folder: Path) -> list[str]:
    names = (p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    return sorted(n for n in names if not n.startswith(("_static/", "_sources/", "lite/")) and n != FIRST)


def report(result: dict) -> str:
    """A Markdown table, one row per page, then the first page's weight and the count of wide pages."""
    rows = ["| page | transferred | requests | MathJax | Font Awesome JS | wider at 390 px |",
            "|---|--:|--:|---|---|--:|"]
    for name, w in result["weights"].items():
        wider = result["wider"].get(name)
        rows.append(f"| {name} | {w['bytes']:,} B | {w['requests']} | {'yes' if w['mathjax'] else 'no'} "
                    f"| {'yes' if w['fontawesome'] else 'no'} | {'' if wider is None else f'{wider} px'} |")
    first = result["weights"][FIRST]["bytes"]
    wide = sum(1 for excess in result["wider"].values() if excess > 0)
    return "\n".join([*rows, "", f"First page ({FIRST} → the preface): {first:,} bytes ({first / 1e6:.2f} MB).",
                      f"Pages that scroll sideways at 390 px: {wide} of {len(result['wider'])}."])


if __name__ == "__main__":
    print(report(run(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HTML)))
