"""``python -m autograder layers [--json]``: every Keras class the reference counter knows."""

from __future__ import annotations

import json

from ..reference import known_classes

__all__ = ["add_parser"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("layers", help="list the Keras layer classes the counter knows")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(run=run)


def run(args) -> int:
    names = known_classes()
    print(json.dumps(names) if args.json else "\n".join(names))
    return 0
