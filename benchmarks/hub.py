"""Benchmark 3c: Llama 3 8B and Mixtral 8x7B counted from their keras-hub config vs built in Keras.

The reference counter reads the preset's ``config.json`` (tests/fixtures/hub/) in a fresh process that imports
only ``autograder.reference.hub``. Keras cannot build either model here (8,030,261,248 and 46,702,792,704
float32 weights: 32 and 187 GB), so keras-hub builds the largest slice of each that fits comfortably: the real
embedding and output tables and widths, with ``--blocks`` decoder blocks instead of 32 (one by default), in a
fresh process too. Peak memory is each child's own ``VmHWM`` (see benchmarks/gpt3.py); times are wall times
from the child's start, imports included, and of the counting or building alone.

    python -m benchmarks.hub [--blocks N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from ._timing import QUIET

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hub"
MODELS = {"Llama 3 8B": FIXTURES / "llama3_8b_en.json", "Mixtral 8x7B": FIXTURES / "mixtral_8_7b_en.json"}

_PEAK = """
def _peak_mb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1)) / 1024
"""

_COUNT = """
import json, re, sys, time
start = time.perf_counter()
from autograder.reference.hub import count_hub
begin = time.perf_counter()
counted = count_hub(sys.argv[1])
done = time.perf_counter()
""" + _PEAK + """
print(json.dumps({"total": counted.total, "active": counted.active, "seconds": done - start,
                  "work_seconds": done - begin, "peak_mb": _peak_mb()}))
"""

_BUILD = """
import json, re, sys, time
start = time.perf_counter()
import keras, keras_hub
config = json.load(open(sys.argv[1]))
cls = getattr(keras_hub.models, config["class_name"])
kwargs = {k: v for k, v in config["config"].items() if k not in ("name", "trainable", "dtype")}
kwargs["num_layers"] = int(sys.argv[2])
begin = time.perf_counter()
backbone = cls(**kwargs)
total = backbone.count_params()
done = time.perf_counter()
""" + _PEAK + """
print(json.dumps({"total": total, "seconds": done - start, "work_seconds": done - begin, "peak_mb": _peak_mb()}))
"""


def _child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                         env={**QUIET, "KERAS_BACKEND": "tensorflow"}).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(blocks: int = 1) -> dict:
    """Per model: the counter's result on the full config, and Keras's on a ``blocks``-block slice of it."""
    results = {}
    for name, path in MODELS.items():
        counted = _child(_COUNT, str(path))
        sliced = _child(_COUNT, str(_sliced(path, blocks)))
        built = _child(_BUILD, str(path), str(blocks))
        assert built["total"] == sliced["total"], f"{name}: Keras {built['total']} vs counter {sliced['total']}"
        results[name] = {"counted": counted, "built": built, "blocks": blocks,
                         "layers": json.loads(path.read_text())["config"]["num_layers"]}
    return results


def _sliced(path: Path, blocks: int) -> Path:
    """The same config with ``blocks`` decoder blocks, so that the counter checks what Keras built."""
    config = json.loads(path.read_text())
    config["config"]["num_layers"] = blocks
    out = Path(tempfile.gettempdir()) / f"hub-bench-{path.stem}-{blocks}.json"
    out.write_text(json.dumps(config))
    return out


def report(results: dict) -> str:
    rows = ["| model | counted from config | Keras builds a slice | time ratio | memory ratio |",
            "|---|---:|---:|---:|---:|"]
    for name, r in results.items():
        c, b = r["counted"], r["built"]
        active = f", {c['active']:,} active" if c["active"] != c["total"] else ""
        rows.append(
            f"| {name} | all {r['layers']} blocks: {c['total']:,} params{active}; {c['seconds']:.3f} s "
            f"({c['work_seconds'] * 1000:.1f} ms counting), {c['peak_mb']:.0f} MB "
            f"| {r['blocks']} of {r['layers']} blocks: {b['total']:,} params; {b['seconds']:.1f} s "
            f"({b['work_seconds']:.1f} s building), {b['peak_mb'] / 1024:.1f} GB "
            f"| **{b['seconds'] / c['seconds']:.0f}× faster** | **{b['peak_mb'] / c['peak_mb']:.0f}× less** |")
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1, help="decoder blocks Keras builds (default 1)")
    print(report(run(parser.parse_args().blocks)))
