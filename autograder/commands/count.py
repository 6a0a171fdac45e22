"""``python -m autograder count PATH [--json] [--live] [--custom-objects FILE.py ...]``: a model's parameters,
layer by layer.

Built-in layers are counted by formula, without Keras. With ``--custom-objects`` (the files that define the
user's classes, as Keras's ``custom_objects``), each custom layer is built alone in Keras on the input shape
the counter inferred for it, and a subclassed model is counted by Keras per layer; with ``--live`` or
``--custom-objects``, Keras also gives the output shape of a Lambda without ``output_shape`` and of an op the
counter has no rule for.

A keras-hub model's config (a preset's ``config.json``, a task's ``task.json``) is counted by the family
modules of ``autograder.reference.hub``, which say which family and preset shape they recognised; a keras-hub
class without a module there is refused (exit 2), never guessed.

Exit codes: 0 counted (and, with ``--live``, Keras agrees); 1 Keras disagrees; 2 bad input; 3 counted, but
Keras could not rebuild the model to check it (``live: unavailable``, with one line of why).
"""

from __future__ import annotations

import json
import sys

from ..errors import ConfigError
from ..reference import ModelCount, count, hub, load_config, load_text

__all__ = ["add_parser", "disagreements"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "count", help="count a model's parameters from its config, with each derivation",
        description="Count a Keras 3 model's parameters from model.to_json() output or a .keras file, "
                    "without importing Keras.")
    parser.add_argument("path", help="a JSON file written from model.to_json(), a .keras archive, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--live", action="store_true",
                        help="also count with Keras; exit 1 if Keras and the reference counter disagree")
    parser.add_argument("--memory", action="store_true",
                        help="also give the weights' bytes under the model's dtype policy and training memory "
                             "(weights, gradients, optimizer variables) for SGD, momentum, Adam and AdamW")
    parser.add_argument("--custom-objects", action="append", default=[], metavar="FILE.py",
                        help="a Python file that defines your own layers, models or functions (repeatable); "
                             "each custom layer is then built alone in Keras to count it")
    parser.set_defaults(run=run)


UNAVAILABLE = 3  # the exit code when Keras could not rebuild the model: the reference count still stands


def run(args) -> int:
    config = _read(args.path)
    if hub.is_hub_config(config):
        return _run_hub(config, args)
    custom = _custom_objects(args.custom_objects)
    ours = _count(config, custom, args.live)
    theirs, why = _live(config, custom) if args.live else (None, None)
    problems = disagreements(ours, theirs) if theirs else []
    if args.json:
        out = ours.to_dict()
        if theirs:
            out["live"] = {"total": theirs.total, "trainable": theirs.trainable,
                           "non_trainable": theirs.non_trainable, "agrees": not problems,
                           "disagreements": problems}
        elif why:
            out["live"] = {"available": False, "why": why}
        print(json.dumps(_with_memory(out, ours, config, args), indent=2))
    else:
        from ..report import print_model

        print_model(ours, theirs, problems)
        if why:
            print(f"live: unavailable ({why})")
        _print_memory(ours, config, args)
    return 1 if problems else UNAVAILABLE if why else 0


def _run_hub(config: dict, args) -> int:
    """A keras-hub backbone or task, counted from its hyperparameters without Keras."""
    if args.live or args.custom_objects:
        raise ConfigError("--live and --custom-objects do not apply to a keras-hub config: it is counted from its "
                          "hyperparameters alone (the counts are checked against keras-hub in tests/keras)")
    counted = hub.count_hub(config)
    if args.json:
        print(json.dumps(_with_memory(counted.to_dict(), counted, config, args), indent=2))
    else:
        from ..hub_report import print_hub

        print_hub(counted)
        _print_memory(counted, config, args)
    return 0


def _with_memory(out: dict, counted, config: dict, args) -> dict:
    if getattr(args, "memory", False):
        from ..memory_report import memory_dict, model_dtype

        out["memory"] = memory_dict(counted, model_dtype(config))
    return out


def _print_memory(counted, config: dict, args) -> None:
    if getattr(args, "memory", False):
        from ..memory_report import model_dtype, print_memory

        print_memory(counted, model_dtype(config))


def _custom_objects(paths: list[str]) -> dict | None:
    if not paths:
        return None
    from .. import live

    return live.load_custom_objects(paths)


def _count(config: dict, custom: dict | None, with_keras: bool) -> ModelCount:
    """The reference count; with Keras at hand, Keras counts what no formula can (custom layers, Lambdas)."""
    if custom is None and not with_keras:
        return count(config)  # the usual case: Keras is never imported
    from .. import live

    return live.count_custom(config, custom)


def _live(config: dict, custom: dict | None) -> tuple[ModelCount | None, str | None]:
    """Keras's count, or None and one line of why Keras could not rebuild the model."""
    from .. import live
    from ..errors import LiveKerasError

    try:
        return live.count(config, custom), None
    except LiveKerasError as err:
        return None, str(err)


def _read(path: str) -> dict:
    if path == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise ConfigError("nothing on standard input; expected the JSON of model.to_json()")
        return load_text(text, "standard input")
    return load_config(path)


def disagreements(ours: ModelCount, theirs: ModelCount) -> list[str]:
    """Every difference between two counts of the same model, one line each."""
    problems = []
    if ours.params != theirs.params:
        problems.append(f"totals: reference {ours.params} vs Keras {theirs.params}")
    for real, layer in _pairs(ours, theirs):
        if layer is None:
            problems.append(f"layer {real.name}: missing from the reference count")
        elif layer.params != real.params:
            problems.append(f"layer {real.name}: reference {layer.params} vs Keras {real.params}")
    return problems


def _pairs(ours: ModelCount, theirs: ModelCount) -> list:
    """Keras's layers with ours, by name; by position for a subclassed model Keras built twice (its layers'
    names are made up anew on each build: dense, then dense_4)."""
    mine = {layer.name: layer for layer in ours.layers}
    if any(real.name in mine for real in theirs.layers) or len(ours.layers) < len(theirs.layers):
        return [(real, mine.get(real.name)) for real in theirs.layers]
    same = all(a.class_name == b.class_name for a, b in zip(theirs.layers, ours.layers, strict=False))
    return list(zip(theirs.layers, ours.layers, strict=False)) if same else [(r, None) for r in theirs.layers]
