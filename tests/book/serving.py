"""The built book served over HTTP on 127.0.0.1, on a free port, for as long as a fixture needs it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@contextlib.contextmanager
def serve(folder: Path, handler: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    """``folder`` served by ``handler``; the site's address, ending in ``/``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
