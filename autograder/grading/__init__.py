"""Grading: questions, answers, the misconception catalogue and the verdict on an answer.

A grade cell is one line, ``check("dense.seed.layer1", answer)``: it returns for a right
answer and raises :class:`AssertionError` whose message is the feedback for a wrong one.
:func:`verdict` gives the same result as a :class:`Verdict` value.

- :mod:`.questions` and ``bank/``: the questions and their models;
- :mod:`.kinds`: the three kinds of question (count, function, budget), each grading its own answers;
- :mod:`.answers`: which answers are numbers at all;
- :mod:`.functions`: a learner's counting function run on seeded random arguments;
- :mod:`.misconceptions`: the catalogue, each a wrong formula with its feedback, and the diagnosis;
- :mod:`.verify`: answer keys checked against live Keras once, cached by content;
- :mod:`.feedback`: the words the learner reads;
- :mod:`.verdicts`: :func:`verdict` and :func:`check`;
- :mod:`.variants` and :mod:`.learner`: each learner's own numbers, and ``show``/``practice`` in the notebook.
"""

from __future__ import annotations

from .feedback import used_keras_to_count
from .kinds import BudgetQuestion, CountQuestion, FunctionQuestion
from .learner import practice, show
from .questions import Question, all_questions, get_question
from .verdicts import Verdict, check, verdict

__all__ = ["BudgetQuestion", "CountQuestion", "FunctionQuestion", "Question", "Verdict", "all_questions", "check",
           "get_question", "practice", "show", "used_keras_to_count", "verdict"]
