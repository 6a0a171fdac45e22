"""Benchmark 5: a ViT-Base-style model whose patch extraction is a custom layer (``benchmarks/vit_layers.py``),
counted with ``--custom-objects`` (the reference counter's formulas for every built-in layer, Keras for the
one custom layer alone) against building the whole model in Keras (``model_from_json`` + ``count_params()``).

Two measures, side by side: in one process where Keras is already imported (the counting itself), and as
whole processes (``python -m autograder count vit.json --custom-objects vit_layers.py`` against a script that
imports Keras, builds the model and counts it): both import Keras, since the user's file does.
"""

from __future__ import annotations

import json
from pathlib import Path

from ._timing import CACHE, best_of, process_seconds, python

LAYERS = Path(__file__).resolve().parent / "vit_layers.py"
SIZES = {"image": 224, "patch": 16, "dim": 768, "heads": 12, "mlp": 3072, "blocks": 12, "classes": 1000}
_KERAS_SCRIPT = ("import sys, keras; sys.path.insert(0, sys.argv[2]); from vit_layers import Patches; "
                 "m = keras.models.model_from_json(open(sys.argv[1]).read(), custom_objects={'Patches': Patches}); "
                 "print(m.count_params())")


def vit(*, image=224, patch=16, dim=768, heads=12, mlp=3072, blocks=12, classes=1000):
    """ViT-B/16 in the Keras example's style: Patches (custom), a projection, a position embedding indexed by
    ops on the patches (cumsum of ones), pre-norm transformer blocks, a classification head."""
    import keras
    from keras import layers, ops

    from .vit_layers import Patches

    images = keras.Input((image, image, 3))
    patches = Patches(patch)(images)
    positions = ops.cast(ops.cumsum(ops.ones_like(patches[:, :, 0]), axis=1) - 1, "int32")
    x = layers.Dense(dim)(patches) + layers.Embedding((image // patch) ** 2, dim)(positions)
    for _ in range(blocks):
        h = layers.LayerNormalization(epsilon=1e-6)(x)
        x = layers.Add()([x, layers.MultiHeadAttention(heads, dim // heads)(h, h)])
        h = layers.LayerNormalization(epsilon=1e-6)(x)
        x = layers.Add()([x, layers.Dense(dim)(layers.Dense(mlp, activation="gelu")(h))])
    x = layers.GlobalAveragePooling1D()(layers.LayerNormalization(epsilon=1e-6)(x))
    return keras.Model(images, layers.Dense(classes)(x))


def config_path() -> Path:
    path = CACHE / "vit_b16.json"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        path.write_text(vit(**SIZES).to_json())
    return path


def run() -> dict:
    import keras

    from autograder import live

    path = config_path()
    text = path.read_text()
    objects = live.load_custom_objects([LAYERS])
    ours_count = live.count_custom(json.loads(text), objects)
    ours = best_of(lambda: live.count_custom(json.loads(text), objects), repeat=5)
    theirs_model = keras.models.model_from_json(text, custom_objects=objects)
    theirs = best_of(lambda: keras.models.model_from_json(text, custom_objects=objects).count_params(), repeat=3)
    process_ours = process_seconds([python(), "-m", "autograder", "count", str(path), "--custom-objects", str(LAYERS),
                                    "--json"], repeat=3)
    process_theirs = process_seconds([python(), "-c", _KERAS_SCRIPT, str(path), str(LAYERS.parent)], repeat=3)
    return {"params": ours_count.total, "agrees": ours_count.total == theirs_model.count_params(),
            "custom_rows": [layer.formula for layer in ours_count.layers if "Keras" in layer.formula],
            "ours_s": ours, "keras_s": theirs, "process_ours_s": process_ours, "process_keras_s": process_theirs}


def report(r: dict) -> str:
    agree = "agrees with Keras" if r["agrees"] else "DISAGREES with Keras"
    return (f"ViT-B/16 with a custom Patches layer, {r['params']:,} parameters ({agree}); "
            f"the custom row: {r['custom_rows']}\n\n"
            "| | `count --custom-objects` | Keras builds the whole model | ratio |\n|---|---:|---:|---:|\n"
            f"| in one process (Keras imported) | {r['ours_s'] * 1e3:.0f} ms | {r['keras_s']:.2f} s | "
            f"**{r['keras_s'] / r['ours_s']:.0f}× faster** |\n"
            f"| whole process (both import Keras) | {r['process_ours_s']:.2f} s | {r['process_keras_s']:.2f} s | "
            f"{r['process_keras_s'] / r['process_ours_s']:.1f}× faster |")


if __name__ == "__main__":
    print(report(run()))
