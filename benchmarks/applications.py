"""Benchmark 1: count every keras.applications model from its config, three ways, side by side.

- the floor: ``json.loads`` of the config text;
- the reference counter: ``reference.count(json.loads(text))`` (parse included);
- Keras: ``model_from_json(text).count_params()`` (builds every weight).
Configs are generated once with ``weights=None`` into benchmarks/.cache/applications/.
"""

from __future__ import annotations

import gc
import json
import time

from autograder import reference

from ._timing import CACHE, best_of

MODELS = [
    "Xception", "VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
    "ResNet152V2", "InceptionV3", "InceptionResNetV2", "MobileNet", "MobileNetV2", "MobileNetV3Small",
    "MobileNetV3Large", "DenseNet121", "DenseNet169", "DenseNet201", "NASNetMobile", "NASNetLarge",
    *[f"EfficientNetB{i}" for i in range(8)],
    *[f"EfficientNetV2{s}" for s in ("B0", "B1", "B2", "B3", "S", "M", "L")],
    "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
]


def config_text(name: str) -> str:
    path = CACHE / "applications" / f"{name}.json"
    if not path.exists():
        import keras

        path.parent.mkdir(parents=True, exist_ok=True)
        model = getattr(keras.applications, name)(weights=None)
        path.write_text(model.to_json())
        del model
        keras.backend.clear_session()
        gc.collect()
    return path.read_text()


def keras_seconds(text: str) -> tuple[float, int]:
    import keras

    start = time.perf_counter()
    model = keras.models.model_from_json(text)
    total = model.count_params()
    seconds = time.perf_counter() - start
    del model
    keras.backend.clear_session()
    gc.collect()
    return seconds, total


def run(names=MODELS) -> list[dict]:
    rows = []
    for name in names:
        text = config_text(name)
        floor = best_of(lambda text=text: json.loads(text), repeat=7)
        ours = best_of(lambda text=text: reference.count(json.loads(text)), repeat=7)
        total = reference.count(json.loads(text)).total
        theirs, keras_total = keras_seconds(text)
        rows.append({"model": name, "params": total, "agrees": total == keras_total, "json_s": floor,
                     "reference_s": ours, "keras_s": theirs})
    return rows


def report(rows: list[dict]) -> str:
    lines = ["| model | parameters | json.loads | reference | Keras build + count | vs Keras | vs json.loads |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['params']:,}{'' if r['agrees'] else ' (DISAGREES)'} | "
                     f"{r['json_s'] * 1e3:.2f} ms | {r['reference_s'] * 1e3:.2f} ms | {r['keras_s']:.2f} s | "
                     f"{r['keras_s'] / r['reference_s']:,.0f}× faster | {r['reference_s'] / r['json_s']:.2f}× |")
    j, o, k = (sum(r[key] for r in rows) for key in ("json_s", "reference_s", "keras_s"))
    lines.append(f"| **all {len(rows)}** | | {j * 1e3:.1f} ms | {o * 1e3:.1f} ms | {k:.1f} s | "
                 f"**{k / o:,.0f}× faster** | **{o / j:.2f}×** |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(run()))
