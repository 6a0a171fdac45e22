"""Benchmark 3: count a GPT-3-sized model (about 175 billion parameters) that no machine here can build.

A 96-block GPT-like model is built by Keras with tiny, distinctive sizes, written with
``to_json()``, then rescaled to d_model 12288, 96 heads, vocabulary 50257 and context 2048
(:func:`autograder.rescale.rescale`). The reference counter counts it in a fresh process;
we record its wall time and peak memory, and the memory Keras would need for the float32
weights alone. Peak memory is the child's VmHWM: unlike ru_maxrss, which Linux carries over
from the parent through fork and exec, it starts afresh in the new process, so a parent that
has imported Keras (as `make bench` has by then) does not inflate it.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

from autograder.rescale import rescale

from ._timing import CACHE, QUIET

SMALL = {"d_model": 24, "heads": 3, "key_dim": 8, "ff": 96, "vocab": 101, "context": 37}
GPT3 = {"d_model": 12288, "heads": 96, "key_dim": 128, "ff": 49152, "vocab": 50257, "context": 2048}
BLOCKS = 96


def small_gpt(blocks: int = BLOCKS, *, d_model=24, heads=3, key_dim=8, ff=96, vocab=101, context=37):
    """A GPT-like functional model: token and position embeddings, pre-norm blocks, an LM head."""
    import keras
    from keras import layers

    tokens = keras.Input(shape=(context,), dtype="int32", name="tokens")
    positions = keras.Input(shape=(context,), dtype="int32", name="positions")
    x = layers.Add()([layers.Embedding(vocab, d_model)(tokens), layers.Embedding(context, d_model)(positions)])
    for _ in range(blocks):
        h = layers.LayerNormalization()(x)
        x = layers.Add()([x, layers.MultiHeadAttention(heads, key_dim)(h, h)])
        h = layers.LayerNormalization()(x)
        h = layers.Dense(d_model, activation=None)(layers.Dense(ff, activation="gelu")(h))
        x = layers.Add()([x, h])
    logits = layers.Dense(vocab, use_bias=False)(layers.LayerNormalization()(x))
    return keras.Model([tokens, positions], logits)


def gpt3_config_path():
    """The rescaled config, written once to benchmarks/.cache/gpt3.json."""
    path = CACHE / "gpt3.json"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        small = json.loads(small_gpt().to_json())
        mapping = {SMALL[k]: GPT3[k] for k in SMALL}
        path.write_text(json.dumps(rescale(small, mapping)))
    return path


_CHILD = """
import re, sys, time
start = time.perf_counter()
from autograder import reference
result = reference.count(sys.argv[1])
elapsed = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak_kib = re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1)
print(result.total, elapsed, peak_kib)
"""


def run() -> dict:
    path = gpt3_config_path()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True,
                         text=True, env=QUIET).stdout.split()
    total, seconds, peak_kib = int(out[0]), float(out[1]), int(out[2])
    return {"total": total, "seconds": seconds, "peak_mb": peak_kib / 1024,
            "keras_float32_gb": total * 4 / 1e9, "layers": len(json.loads(path.read_text())["config"]["layers"]),
            "machine_gb": resource.getpagesize() * _pages() / 1e9}


def _pages() -> int:
    import os

    return os.sysconf("SC_PHYS_PAGES")


def report(r: dict) -> str:
    return (f"GPT-3-sized config ({r['layers']} layers): {r['total']:,} parameters counted in "
            f"{r['seconds']:.3f} s, peak memory {r['peak_mb']:.0f} MB (targets: < 1 s, < 100 MB); Keras would need "
            f"{r['keras_float32_gb']:.0f} GB for the float32 weights alone, this machine has {r['machine_gb']:.0f} GB")


if __name__ == "__main__":
    start = time.perf_counter()
    print(report(run()))
    print(f"(including building the small model once: {time.perf_counter() - start:.1f} s)")
