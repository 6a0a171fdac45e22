"""Benchmark 2: ``python -m autograder count model.json`` as a whole process, against the obvious
script that imports Keras, loads the same JSON and calls ``count_params()``."""

from __future__ import annotations

from ._timing import CACHE, process_seconds, python

_KERAS_SCRIPT = ("import sys, keras; m = keras.models.model_from_json(open(sys.argv[1]).read()); "
                 "print(m.count_params())")


def run(model: str = "ResNet50") -> dict:
    from .applications import config_text

    config_text(model)
    path = str(CACHE / "applications" / f"{model}.json")
    ours = process_seconds([python(), "-m", "autograder", "count", path, "--json"])
    theirs = process_seconds([python(), "-c", _KERAS_SCRIPT, path], repeat=3)
    return {"model": model, "autograder_s": ours, "keras_s": theirs}


def report(r: dict) -> str:
    return (f"Cold start on {r['model']}: `python -m autograder count` {r['autograder_s']:.2f} s "
            f"(target ≤ 0.5 s) vs import Keras + model_from_json + count_params() {r['keras_s']:.2f} s: "
            f"{r['keras_s'] / r['autograder_s']:.0f}× faster")


if __name__ == "__main__":
    print(report(run()))
