"""``python -m autograder count PATH [--json] [--live]``: a model's parameters, layer by layer.

Exit codes: 0 counted (and, with ``--live``, Keras agrees); 1 Keras disagrees; 2 bad input; 3 counted, but
Keras could not rebuild the model to check it (``live: unavailable``, with one line of why).
"""

from __future__ import annotations

import json
import sys

from ..errors import ConfigError
from ..reference import ModelCount, count, load_config
from ..reference._load import load_text

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
    parser.set_defaults(run=run)


UNAVAILABLE = 3  # the exit code when Keras could not rebuild the model: the reference count still stands


def run(args) -> int:
    config = _read(args.path)
    ours = count(config)
    theirs, why = _live(config) if args.live else (None, None)
    problems = disagreements(ours, theirs) if theirs else []
    if args.json:
        out = ours.to_dict()
        if theirs:
            out["live"] = {"total": theirs.total, "trainable": theirs.trainable,
                           "non_trainable": theirs.non_trainable, "agrees": not problems,
                           "disagreements": problems}
        elif why:
            out["live"] = {"available": False, "why": why}
        print(json.dumps(out, indent=2))
    else:
        from ..report import print_model

        print_model(ours, theirs, problems)
        if why:
            print(f"live: unavailable ({why})")
    return 1 if problems else UNAVAILABLE if why else 0


def _live(config: dict) -> tuple[ModelCount | None, str | None]:
    """Keras's count, or None and one line of why Keras could not rebuild the model."""
    from .. import live
    from ..errors import LiveKerasError

    try:
        return live.count(config), None
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
    mine = {layer.name: layer for layer in ours.layers}
    for real in theirs.layers:
        layer = mine.get(real.name)
        if layer is None:
            problems.append(f"layer {real.name}: missing from the reference count")
        elif layer.params != real.params:
            problems.append(f"layer {real.name}: reference {layer.params} vs Keras {real.params}")
    return problems
