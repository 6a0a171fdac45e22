"""``Verdict``, the grader's answer on one answer: a value type that imports nothing of the package.

Every kind of question returns one (:meth:`.questions.Question.grade`), and :mod:`.verdicts` gives it out;
it lives here, below both, so that neither imports the other's importers (no import cycle).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Verdict"]


@dataclass(frozen=True)
class Verdict:
    """The grader's answer: is it correct, which misconception (a catalogue code), and the feedback."""

    question: str
    correct: bool
    mistake: str | None
    feedback: str
    headline: str = ""  # the parts of ``feedback`` (see :class:`.feedback.Words`); empty: feedback says it all
    case: str = ""
    misconception: str = ""
    hint: str = ""

    @classmethod
    def said(cls, question: str, correct: bool, words, mistake: str | None = None) -> Verdict:
        """A verdict whose feedback is ``words`` (a :class:`.feedback.Words` or plain text)."""
        if isinstance(words, str):
            return cls(question, correct, mistake, words, headline=words)
        return cls(question, correct, mistake, words.text, words.headline, words.case, words.misconception,
                   words.hint)

    def to_dict(self) -> dict:
        return asdict(self)
