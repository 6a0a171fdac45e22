"""What a class did on one assignment: per question, the share right, the wrong answers and misconceptions.

The values here are plain data read from the course (:mod:`.course`, :mod:`.verdicts`); the page, the CSV
and the chart are drawn from a :class:`ClassReport` alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["TOP", "ClassReport", "Mark", "QuestionSummary", "Submission", "WrongAnswer", "known_questions",
           "summarize", "title"]

TOP = 5  # wrong answers shown per question


@dataclass(frozen=True)
class Mark:
    """One test cell's verdict, as the graded notebook records it."""

    question: str
    correct: bool
    answer: str = ""  # the learner's answer as the grader read it; "" when none was recorded
    mistake: str | None = None  # the misconception code the wrong answer shows, if one was diagnosed
    review: bool = False  # flagged for an instructor to look at (the note is in Submission.notes)


@dataclass(frozen=True)
class Submission:
    """One learner's submission: the gradebook's score and the marks of the graded notebook."""

    student: str
    score: float | None  # None when the gradebook holds no grade for it
    max_score: float | None
    marks: Mapping[str, Mark] | None  # question id → mark; None when there is no readable graded notebook
    notes: tuple[tuple[str, str], ...] = ()  # (question id, the grader's review note), for the instructor


@dataclass(frozen=True)
class WrongAnswer:
    """One wrong answer given to a question, the misconception diagnosed in it, and how many gave it."""

    answer: str
    mistake: str | None
    count: int


@dataclass(frozen=True)
class QuestionSummary:
    """How the class did on one question."""

    question: str
    submissions: int  # every submission, answered or not
    right: int
    answered: int  # submissions whose graded notebook has a verdict for this question
    flagged: int  # answers flagged for review
    wrong_answers: tuple[WrongAnswer, ...]  # every distinct wrong answer, most common first
    misconceptions: tuple[tuple[str, int], ...]  # (code, count), most common first

    @property
    def share_right(self) -> float:
        return self.right / self.submissions if self.submissions else 0.0

    @property
    def top_wrong(self) -> tuple[WrongAnswer, ...]:
        return self.wrong_answers[:TOP]


@dataclass(frozen=True)
class ClassReport:
    """One assignment's report: its submissions, a summary per question, and misconceptions overall."""

    assignment: str
    submissions: tuple[Submission, ...]
    questions: tuple[QuestionSummary, ...]
    misconceptions: tuple[tuple[str, int], ...]  # (code, count) over every question, most common first

    @property
    def graded(self) -> int:
        """How many submissions have a readable graded notebook."""
        return sum(s.marks is not None for s in self.submissions)

    @property
    def mean_score(self) -> tuple[float, float] | None:
        """The mean score and the assignment's points, from the gradebook (None if it holds no score)."""
        scored = [s for s in self.submissions if s.score is not None]
        if not scored:
            return None
        return sum(s.score for s in scored) / len(scored), max(s.max_score or 0.0 for s in scored)


def summarize(assignment: str, submissions: Sequence[Submission], order: Iterable[str] = ()) -> ClassReport:
    """The report of these submissions: questions in ``order`` first, then any other seen, sorted."""
    known = list(dict.fromkeys(order))
    seen = {q for s in submissions if s.marks for q in s.marks}
    questions = tuple(_question(q, submissions) for q in known + sorted(seen - set(known)))
    overall: Counter[str] = Counter()
    for summary in questions:
        overall.update(dict(summary.misconceptions))
    return ClassReport(assignment, tuple(submissions), questions, _ranked(overall))


def _question(question: str, submissions: Sequence[Submission]) -> QuestionSummary:
    answered = [s.marks[question] for s in submissions if s.marks and question in s.marks]
    wrong = [m for m in answered if not m.correct]
    answers = Counter((m.answer, m.mistake) for m in wrong)
    return QuestionSummary(
        question, len(submissions), sum(m.correct for m in answered), len(answered),
        sum(m.review for m in answered),
        tuple(WrongAnswer(answer, mistake, n) for (answer, mistake), n in _ranked(answers)),
        _ranked(Counter(m.mistake for m in wrong if m.mistake)))


def _ranked(counts: Counter) -> tuple:
    """(key, count) pairs, most common first; ties in the order of the key (None as "")."""
    def order(item):
        key = item[0] if isinstance(item[0], tuple) else (item[0],)
        return -item[1], tuple("" if part is None else part for part in key)

    return tuple(sorted(counts.items(), key=order))


def title(code: str) -> str:
    """The one-line title of a misconception code (a code this version does not know says so)."""
    from ..grading.misconceptions import by_code

    try:
        return by_code(code).title
    except KeyError:
        return "a code not in this version's misconception catalogue"


def known_questions(assignment: str) -> tuple[list[str], dict[str, str]]:
    """The package's questions of an assignment, in book order, and grade id → question id
    (both empty for an assignment the package does not know)."""
    from ..grading.questions import ASSIGNMENTS, all_questions

    questions = all_questions(assignment) if assignment in ASSIGNMENTS else []
    return [q.id for q in questions], {q.grade_id: q.id for q in questions}
