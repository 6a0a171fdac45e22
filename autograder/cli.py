"""The command line: ``python -m autograder COMMAND ...``.

Each command lives in its own module under :mod:`autograder.commands` and exposes
``add_parser(subparsers)``, which registers its arguments and sets ``run``, a
function of the parsed arguments that returns the exit code. Any
:class:`AutograderError` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .errors import AutograderError

__all__ = ["main"]

COMMANDS = ("count", "layers", "questions", "check", "grade", "release", "demo", "report", "autograde", "keys",
            "doctor")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's (so `count` never imports grading code)."""
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in [only] if only in COMMANDS else COMMANDS:
        importlib.import_module(f"autograder.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except AutograderError as err:
        print(f"autograder {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): end quietly, without a traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
