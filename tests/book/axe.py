"""axe-core, the accessibility engine, fetched once from the npm registry and kept in a cache outside the repo.

`npm pack` downloads the pinned release and checks it against the registry's integrity hash; the test then checks
the script's own SHA-256, so a cached copy that changed is refused. Offline, a cached copy is enough.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

VERSION = "4.14.1"
SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # of package/axe.min.js
CACHE = Path(os.environ.get("AXE_CORE_CACHE", Path.home() / ".cache" / "keras-params-course")) / f"axe-core-{VERSION}"

# Run every rule on the page; keep only the serious and critical violations, one readable line each.
AXE_RUN = """;
axe.run(document, {resultTypes: ['violations']}).then(result => result.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.impact} ${v.id} (${v.help}): ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')))"""


def axe_source() -> str:
    """The text of axe.min.js, from the cache or, the first time, from the npm registry."""
    script = CACHE / "axe.min.js"
    if not script.is_file():
        _fetch(script)
    text = script.read_bytes()
    if hashlib.sha256(text).hexdigest() != SHA256:
        pytest.fail(f"{script} is not axe-core {VERSION} (its SHA-256 differs): delete it to fetch it again")
    return text.decode()


def _fetch(script: Path) -> None:
    """`npm pack axe-core@VERSION` into a temporary folder, and keep axe.min.js from the package."""
    if not shutil.which("npm"):
        pytest.fail(f"npm is not installed, so axe-core {VERSION} cannot be fetched: install Node.js and npm "
                    f"(apt-get install npm), or put axe.min.js at {script}")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["npm", "pack", f"axe-core@{VERSION}", "--silent", "--pack-destination", folder],
                              capture_output=True, text=True, timeout=300, check=False)
        packed = Path(folder) / f"axe-core-{VERSION}.tgz"
        if done.returncode or not packed.is_file():
            pytest.fail(f"could not fetch axe-core {VERSION} from the npm registry ({done.stderr.strip()[-200:]}); "
                        f"connect to the registry once, or put axe.min.js at {script}")
        with tarfile.open(packed) as archive:
            member = archive.extractfile("package/axe.min.js")
            script.parent.mkdir(parents=True, exist_ok=True)
            partial = script.with_suffix(".part")
            partial.write_bytes(member.read())
            partial.replace(script)
