"""``python -m autograder check QUESTION_ID ANSWER [--json]``: the verdict on one answer.

Exit code 0 when the answer is right, 1 when it is wrong, 2 for bad usage or an unknown id.
"""

from __future__ import annotations

import json

__all__ = ["add_parser", "parse_answer"]


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="grade one answer to one question",
        description="Grade one answer: exit 0 if right, 1 if wrong, 2 for an unknown question.")
    parser.add_argument("question", metavar="QUESTION_ID", help="e.g. dense.seed.layer1 (see `questions`)")
    parser.add_argument("answer", metavar="ANSWER", help="an integer, e.g. 514 (or a knob value for budget questions)")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.set_defaults(run=run)


def parse_answer(text: str) -> object:
    """An int literal (``514``, ``1_000``, ``-3``) becomes an int; anything else stays text,
    so the grader answers it with its odd-answer message."""
    try:
        return int(text.strip(), 10)
    except ValueError:
        return text


def run(args) -> int:
    from ..grading import get_question, verdict

    question = get_question(args.question)
    if question.kind == "function":
        from ..errors import QuestionError

        raise QuestionError(f"{question.id} asks for a function ({question.signature}), which cannot "
                            "be given on the command line; call autograder.check() from Python")
    result = verdict(question.id, parse_answer(args.answer))
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
    else:
        from ..grading.block import as_text

        print(as_text(result))
    return 0 if result.correct else 1
