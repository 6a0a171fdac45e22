"""The grader's side of per-learner variants: whose numbers a submission is graded on, and copies.

The grader never asks the notebook which variant it holds. It recomputes the learner's key from
the course secret and the learner's id (:func:`autograder.grading.variants.learner_key`), grades
every question against that variant, passes the variant's sizes into the kernel (so ``show``
returns them there), and rewrites each ``show`` cell's output with the variant it graded (the
feedback page shows the learner's own models).

Copies are flagged for the instructor only on specific evidence (:func:`review_copies`): a wrong answer
counts against a classmate when it is their variant's key and no catalogued misconception of the learner's own
variant explains it, weighed by how likely an honest slip is to land on some key there (the class's keys per
whole number around it: near 1 among small numbers, tiny among large ones). Two such answers matching the same
classmate are a strong flag, one rare one a weak flag, when chance would give that evidence at most
:data:`ALPHA` of the time; a forgotten bias that lands on a classmate's key is no evidence
(``python -m benchmarks.copy_flags`` measures both error rates). A notebook whose ``show`` cells showed the
book's numbers was worked without a learner key (:func:`numbers_seen`): flagged for review, never a copy.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import nbformat

from ..grading.learner import ENV_SIZES, render
from ..grading.questions import Question
from ..grading.variants import learner_key

SHOW_CALL = re.compile(r"""^\s*(?:\w+\s*=\s*)?(?:autograder\.)?show\(\s*(["'])([^"']+)\1""", re.MULTILINE)
__all__ = ["BOOK", "COPY_NOTE", "Learner", "Match", "add_note", "copied_from", "copy_notes", "match", "numbers_seen",
           "numbers_seen_in", "render_prompts", "review_copies", "without_key_note"]

BOOK = "the book's"  # whose numbers an answer matches when they are no learner's
COPY_NOTE = ("This number is the answer for other numbers than yours (another learner's variant of this question, "
             "or the book's): work from the model shown above this question.")
# The per-answer note of before review_copies, kept while a caller may still import it:
COPY_REVIEW = "For review: this answer is the key of {whose} variant of this question, not of this learner's."
STRONG = ("For review: possible copy (strong: {n} answers match {whose} variant, not this learner's: {cells}; "
          "no catalogued misconception of this learner's own numbers explains them; an honest slip would land on "
          "one classmate's keys like this with a chance of about {chance}).")
WEAK = ("For review: possible copy (weak: 1 answer matches {whose} variant, not this learner's: {cells}; no "
        "catalogued misconception of this learner's own numbers explains it; an honest slip would land on some "
        "classmate's key there with a chance of about {chance}).")
WITHOUT_KEY_MARK = "For review: worked without a key"
WITHOUT_KEY = (WITHOUT_KEY_MARK + " ({why}), so this learner saw the book's numbers, not their own. "
               "{graded}")
GRADED_OWN = ("Graded on their own numbers; to grade such submissions on the book's numbers, set "
              "c.Variants.without_key = \"book\" and autograde again.")
GRADED_BOOK = "Graded on the book's numbers (c.Variants.without_key = \"book\")."
ALPHA = 0.01  # flag when an honest slip would give this evidence with at most this chance
_WHOSE = re.compile(r"<small>(The book's numbers|Numbers for [^<]*|Practice numbers[^<]*)\.</small>")
_INT = re.compile(r"^(?:np\.u?int\d+\()?(\d+)(?:\.0)?\)?$")


@dataclass(frozen=True)
class Learner:
    """Whose numbers to grade on: ``key`` (None: the book's numbers) and, for spotting copied
    answers, the class's keys: ``(id, key)`` for every learner on the roster, in its order."""

    student: str = ""
    key: str | None = None
    class_keys: tuple[tuple[str, str], ...] = ()

    @classmethod
    def in_course(cls, secret: str, student: str, roster: list[str], enabled: bool = True) -> Learner:
        """A course's learner: keys from the course secret (none when variants are off)."""
        if not enabled:
            return cls(student)
        return cls(student, learner_key(secret, student), tuple((s, learner_key(secret, s)) for s in roster))

    @classmethod
    def submitted(cls, secret: str, student: str, roster: list[str], enabled: bool, *, seen: str | None,
                  without_key: str = "flag") -> tuple[Learner, str | None]:
        """A course's learner for one submission, and the instructor's note if it was worked without a key
        (``seen``: :func:`numbers_seen` of the notebook as submitted, "book"): graded on the book's numbers
        when ``without_key`` is "book", else on their own numbers; flagged either way, never silently zeroed."""
        learner = cls.in_course(secret, student, roster, enabled)
        if not enabled or seen != "book":
            return learner, None
        why = "its show() cells, as submitted, show the book's numbers"
        if without_key == "book":
            return cls(student), without_key_note(why, graded_on_book=True)
        return learner, without_key_note(why, graded_on_book=False)

    def questions(self, questions: dict[str, Question]) -> dict[str, Question]:
        """Each question as this learner was asked it."""
        return {grade_id: q.variant(self.key) for grade_id, q in questions.items()}

    def env(self, questions: dict[str, Question]) -> dict[str, str]:
        """What the grading kernel is told: the sizes ``show`` returns there."""
        return {ENV_SIZES: json.dumps({q.id: q.shown_sizes for q in questions.values() if q.sizes})}

    def whose(self) -> str:
        return f"Numbers for {self.student}." if self.key and self.student else "The book's numbers."


def copied_from(question: Question, *, value: object, base: Question, learner: Learner) -> str | None:
    """Whose variant ``value`` answers, when it is not this learner's (``question``): a classmate's id
    ("bob's"), "the book's", or None. Only for questions that vary, and numbers."""
    if not base.varies or learner.key is None or not isinstance(value, int) or isinstance(value, bool):
        return None
    if base.grade(value).correct:
        return BOOK
    whose = (s for s in _answered_by(base, learner.class_keys).get(value, ()) if s != learner.student)
    return next((f"{other}'s" for other in whose), None)


@lru_cache(maxsize=256)  # one question of one class: computed once per grading process, not per notebook
def _answered_by(base: Question, class_keys: tuple[tuple[str, str], ...]) -> dict[int, tuple[str, ...]]:
    """Each right answer of ``base``'s variants in the class, and whose variants it answers (roster order)."""
    found: dict[int, list[str]] = {}
    for student, key in class_keys:
        found.setdefault(base.variant(key).solution, []).append(student)
    return {value: tuple(students) for value, students in found.items()}


@dataclass(frozen=True)
class Match:
    """One wrong answer that is another variant's key and that no misconception of the learner's own
    variant explains: whose (classmates' ids in roster order, or :data:`BOOK`), and ``chance``: how likely
    a wrong number there is to be some classmate's key anyway (the class's distinct keys per whole number
    between half and twice the answer: near 1 among small numbers, tiny among large ones)."""

    grade_id: str
    whose: tuple[str, ...]
    chance: float


def match(grade_id: str, base: Question, value: object, learner: Learner, explained: bool) -> Match | None:
    """The evidence in one wrong answer ``value`` to ``base`` (the book's question), if any. An answer a
    misconception of the learner's own variant ``explained`` is no evidence (``chance`` 1): it only adds to
    other answers matching the same classmate."""
    value = _whole(value)
    if value is None or not base.varies or learner.key is None:
        return None
    keys = _answered_by(base, learner.class_keys)
    holders = (BOOK,) if value == base.solution else tuple(s for s in keys.get(value, ()) if s != learner.student)
    chance = 1.0 if explained else _density(base, learner.class_keys, value)
    return Match(grade_id, holders, chance) if holders else None


@lru_cache(maxsize=256)
def _sorted_keys(base: Question, class_keys: tuple[tuple[str, str], ...]) -> tuple[int, ...]:
    return tuple(sorted(_answered_by(base, class_keys)))


def _density(base: Question, class_keys: tuple[tuple[str, str], ...], value: int) -> float:
    """The class's distinct keys per whole number between half and twice ``value`` (at most 1)."""
    keys, low, high = _sorted_keys(base, class_keys), value // 2, 2 * value
    return min(1.0, (bisect.bisect_right(keys, high) - bisect.bisect_left(keys, low)) / max(1, high - low))


def _whole(value: object) -> int | None:
    """An answer as the whole number it is (an int, or as the grader described it: ``'1234'``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    found = _INT.match(value.strip()) if isinstance(value, str) else None
    return int(found.group(1)) if found else None


def copy_notes(matches: list[Match], class_size: int) -> dict[str, str]:
    """The instructor's note on each answer that is evidence of a copy, for the classmate (or the book) whose
    keys the answers match least likely by chance: 2 answers or more (strong), or 1 (weak), when an honest
    slip would give that evidence with a chance of at most :data:`ALPHA`; {} otherwise."""
    chances = _chances(matches, class_size)
    if not chances:
        return {}
    chance = min(chances.values())
    tied = [whose for whose, c in chances.items() if c == chance]  # classmates who share the same variants
    mine = [m for m in matches if tied[0] in m.whose]
    if chance > ALPHA or (BOOK in tied and len(mine) < 2):
        return {}
    cells, about = ", ".join(m.grade_id for m in mine), f"{chance:.0e}" if chance < 0.001 else f"{chance:.1%}"
    if BOOK in tied:
        note = without_key_note(f"{len(mine)} answers are the book's keys: {cells}", graded_on_book=False)
    else:
        note = (STRONG if len(mine) >= 2 else WEAK).format(n=len(mine), whose=_names(tied), cells=cells, chance=about)
    return {m.grade_id: note for m in mine}


def _names(classmates: list[str]) -> str:
    """``bob's``; ``bob's or carol's`` (learners who share these variants)."""
    return " or ".join(f"{whose}'s" for whose in classmates[:5]) + (" (or others')" if len(classmates) > 5 else "")


def _chances(matches: list[Match], class_size: int) -> dict[str, float]:
    """For each classmate (in the order first matched), the chance that honest slips match their keys so:
    one answer, the density of keys there; several, the product of densities, times the chance that they
    all land on the same one of the class's learners."""
    chances: dict[str, float] = {}
    for whose in dict.fromkeys(w for m in matches if m.chance < 1 for w in m.whose):
        mine = [m.chance for m in matches if whose in m.whose]
        chances[whose] = math.prod(mine) / max(1, class_size) ** (len(mine) - 1)
    return chances


def without_key_note(why: str, *, graded_on_book: bool) -> str:
    """The instructor's note on a submission worked without a learner key."""
    return WITHOUT_KEY.format(why=why, graded=GRADED_BOOK if graded_on_book else GRADED_OWN)


def add_note(review: str | None, note: str | None) -> str | None:
    """``review`` with ``note`` after it; a note on work without a key replaces the one the answers gave."""
    if not note:
        return review
    kept = review.split(WITHOUT_KEY_MARK)[0].strip() if review and note.startswith(WITHOUT_KEY_MARK) else review
    return f"{kept} {note}" if kept else note


def review_copies(results: list, questions: dict[str, Question], learner: Learner) -> list:
    """``results`` (the pipeline's, one per test cell) with a review note on each answer that is evidence of
    a copy (:func:`copy_notes`); a strong flag also tells the learner that the number answers other numbers."""
    matches = [found for r in results if not r.correct
               for found in [match(r.grade_id, questions[r.grade_id], r.answer, learner, r.mistake is not None)]
               if found is not None]
    notes = copy_notes(matches, len(learner.class_keys))
    return [_noted(r, notes[r.grade_id]) if r.grade_id in notes else r for r in results]


def _noted(result, note: str):
    review = add_note(result.review, note)
    if "(strong:" not in note:
        return replace(result, review=review)
    verdict = replace(result.verdict, feedback=f"{result.verdict.feedback}\n{COPY_NOTE}",
                      hint=f"{result.verdict.hint} {COPY_NOTE}".strip())
    return replace(result, verdict=verdict, review=review)


def numbers_seen(nb) -> str | None:
    """Whose numbers a submitted notebook's ``show`` cells showed the learner, from their outputs as
    submitted: "book" (every one the book's), "own" (a learner key or practice words), None (no outputs)."""
    seen = {found.group(1).startswith("The book") for cell in nb.cells
            if cell.cell_type == "code" and SHOW_CALL.search(cell.source)
            for output in cell.get("outputs", []) for text in _texts(output) for found in _WHOSE.finditer(text)}
    return None if not seen else "book" if seen == {True} else "own"


def numbers_seen_in(path) -> str | None:
    """:func:`numbers_seen` of a submitted notebook file (None if it cannot be read)."""
    try:
        return numbers_seen(nbformat.read(path, as_version=4))
    except Exception:  # not a notebook, or missing: graded as it is elsewhere, no verdict on its numbers here
        return None


def _texts(output) -> list[str]:
    data = output.get("data") or {}
    values = [data.get("text/markdown"), data.get("text/plain"), output.get("text")]
    return ["".join(v) if isinstance(v, list) else v for v in values if isinstance(v, (str, list))]


def render_prompts(nb, questions: dict[str, Question], learner: Learner) -> None:
    """Each ``show("<question>")`` cell shows the variant it was graded on, whatever the kernel printed."""
    by_id = {q.id: q for q in questions.values()}
    for cell in nb.cells:
        found = SHOW_CALL.search(cell.source) if cell.cell_type == "code" else None
        question = by_id.get(found.group(2)) if found else None
        if question is not None:
            markdown = render(question, whose=learner.whose())
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": markdown,
                                                                         "text/plain": markdown})]
