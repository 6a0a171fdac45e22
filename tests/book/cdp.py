"""Just enough of the Chrome DevTools protocol to open pages in headless Chromium and see what went wrong.

Debian's `chromium` is driven over a websocket (`websocket-client`): no browser download, no Node.
:class:`Browser` sends commands and keeps every event; :func:`problems` turns a page's events into
readable failures (console errors, uncaught exceptions, failed or non-local requests, HTTP errors).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import websocket

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--remote-allow-origins=*",
         "--remote-debugging-port=0", "--window-size=1280,900"]
DEVTOOLS = re.compile(r"DevTools listening on (ws://\S+)")
IDLE_SECONDS = 0.5  # a page is loaded once its load event fired and no request was in flight this long


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, profile: Path, timeout: float = 60, flags: tuple[str, ...] = ()):
        self.timeout = timeout
        self.process = subprocess.Popen([CHROMIUM, *FLAGS, *flags, f"--user-data-dir={profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.ws = websocket.create_connection(_page_socket(self._devtools_port()), timeout=timeout,
                                              suppress_origin=True)
        self.events: list[dict] = []
        self._next_id = 0
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")

    def _devtools_port(self) -> int:
        """Chromium prints its DevTools address on stderr; keep draining stderr afterwards."""
        deadline = time.monotonic() + self.timeout
        for line in self.process.stderr:
            found = DEVTOOLS.search(line)
            if found:
                threading.Thread(target=self.process.stderr.read, daemon=True).start()
                return int(found.group(1).split(":")[2].split("/")[0])
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"{CHROMIUM} did not start its DevTools server; is Debian's chromium installed?")

    def send(self, method: str, **params) -> dict:
        """Send one command and return its result, keeping any events that arrive meanwhile."""
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def open(self, url: str) -> list[dict]:
        """Navigate to ``url``, wait until it has loaded and gone quiet, and return its events."""
        self.events = []
        self.send("Page.navigate", url=url)
        deadline, quiet_since = time.monotonic() + self.timeout, None
        while time.monotonic() < deadline:
            self._pump(IDLE_SECONDS / 5)
            idle = _loaded(self.events) and not _in_flight(self.events)
            quiet_since = (quiet_since or time.monotonic()) if idle else None
            if quiet_since and time.monotonic() - quiet_since >= IDLE_SECONDS:
                return self.events
        raise TimeoutError(f"{url} did not finish loading within {self.timeout} s")

    def _pump(self, seconds: float) -> None:
        self.ws.settimeout(seconds)
        try:
            self.events.append(json.loads(self.ws.recv()))
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self.ws.settimeout(self.timeout)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def evaluate_async(self, expression: str):
        """The value of a JavaScript expression that gives a promise, once the promise has settled."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """Save a PNG of the whole page, not only the window."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.ws.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _page_socket(port: int) -> str:
    with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")


def _loaded(events: list[dict]) -> bool:
    return any(e.get("method") == "Page.loadEventFired" for e in events)


def _in_flight(events: list[dict]) -> set[str]:
    started = {e["params"]["requestId"] for e in events if e.get("method") == "Network.requestWillBeSent"}
    ended = {e["params"]["requestId"] for e in events
             if e.get("method") in ("Network.loadingFinished", "Network.loadingFailed")}
    return started - ended


def problems(events: list[dict], origin: str) -> list[str]:
    """Everything that went wrong on a page, one readable line each."""
    urls = {e["params"]["requestId"]: e["params"]["request"]["url"]
            for e in events if e.get("method") == "Network.requestWillBeSent"}
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        check = _CHECKS.get(method)
        message = check(params, origin) if check else None
        if message:
            found.append(f"{message} {urls.get(params.get('requestId'), '')}".strip())
    return found


def _console(params: dict, origin: str) -> str | None:
    if params["type"] not in ("error", "assert"):
        return None
    text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"])
    return f"console {params['type']}: {text}"


def _exception(params: dict, origin: str) -> str:
    details = params["exceptionDetails"]
    return f"uncaught exception: {details.get('exception', {}).get('description', details['text'])}"


def _log(params: dict, origin: str) -> str | None:
    entry = params["entry"]
    return f"log error: {entry['text']} {entry.get('url', '')}".strip() if entry["level"] == "error" else None


def _request(params: dict, origin: str) -> str | None:
    local = params["request"]["url"].startswith((origin, "data:", "blob:", "about:"))
    return None if local else "request outside the site (the book must work offline):"


def _response(params: dict, origin: str) -> str | None:
    response = params["response"]
    return f"HTTP {response['status']}:" if response["status"] >= 400 else None


def _failed(params: dict, origin: str) -> str | None:
    return None if params.get("canceled") else f"request failed ({params['errorText']}):"


_CHECKS = {
    "Runtime.consoleAPICalled": _console,
    "Runtime.exceptionThrown": _exception,
    "Log.entryAdded": _log,
    "Network.requestWillBeSent": _request,
    "Network.responseReceived": _response,
    "Network.loadingFailed": _failed,
}
