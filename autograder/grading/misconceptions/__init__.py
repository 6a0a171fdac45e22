"""Misconceptions: every known wrong idea about parameter counts, and how a wrong answer is matched to one.

- :mod:`.catalogue`: the data, ``CATALOGUE``: a stable code, title, feedback, example
  question and wrong formula per misconception, most specific first; :func:`by_code`;
- :mod:`.mistake`: :class:`Mistake`, one entry, and the numbers its wrong formula gives;
- :mod:`.rules`: wrong formulas for one layer, as patches of the reference rules;
- :mod:`.models`: wrong ideas about a whole model (the batch dimension, a shared layer, frozen weights);
- :mod:`.diagnosis`: a learner's number, budget value or function matched against the catalogue.

Codes are never renamed: feedback, fixtures and gradebooks refer to them.
"""

from __future__ import annotations

from .catalogue import CATALOGUE, by_code
from .diagnosis import Diagnosis, diagnose, diagnose_budget, diagnose_function
from .mistake import Mistake

__all__ = ["CATALOGUE", "Diagnosis", "Mistake", "by_code", "diagnose", "diagnose_budget", "diagnose_function"]
