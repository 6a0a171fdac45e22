"""Copy flags on a simulated class: how often an honest learner is flagged, and how often a copier is caught.

For each assignment, a class of ``honest`` learners answers every question that varies on their own
numbers: right most of the time, else a catalogued misconception of their own variant (the biases forgotten
most often), else a slip no misconception explains (a typo, an off-by-a-little, a factor of ten; a budget's
value a little off). ``copiers`` more learners for each k = 1, 2, 3 do the same but copy k answers from one
honest classmate (that classmate's key, on questions where it is not their own). Every answer is graded on
the learner's own variant, as ``nbgrader autograde`` grades it, and the grader's own copy review
(:func:`autograder.trusted.variants.review_copies`) decides the flags.

- **false-flag rate**: honest learners with any copy flag (weak or strong), over all honest learners;
- **catch rate** for each k: copiers flagged against the classmate they copied from (strong: 2 answers or more).

Targets: false flags under 1 %; every copier with 2 or more copied answers caught. ::

    python -m benchmarks.copy_flags                  # every assignment, 200 honest learners each
    python -m benchmarks.copy_flags --learners 200 --seed 1 a02_dense
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass

from autograder.course import ASSIGNMENTS
from autograder.grading.misconceptions import CATALOGUE
from autograder.grading.questions import Question, all_questions
from autograder.grading.variants import learner_key
from autograder.trusted.pipeline import Result
from autograder.trusted.variants import Learner, review_copies

SECRET = "copy-flags-simulation"
RIGHT, MISCONCEPTION = 0.65, 0.25  # else a slip (0.10)
FAVOURITE = {"BIAS_MISSING": 4.0}  # how much likelier than another applicable misconception
COPIED = (1, 2, 3)


@dataclass(frozen=True)
class Rates:
    """What one simulated class gave: honest learners flagged, and copiers caught for each k."""

    honest: int
    false_flags: int
    copiers: dict[int, int]
    caught: dict[int, int]
    strong: dict[int, int]

    @property
    def false_flag_rate(self) -> float:
        return self.false_flags / self.honest

    def catch_rate(self, k: int) -> float:
        return self.caught[k] / self.copiers[k]

    def __add__(self, other: Rates) -> Rates:
        add = lambda a, b: {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}  # noqa: E731
        return Rates(self.honest + other.honest, self.false_flags + other.false_flags, add(self.copiers, other.copiers),
                     add(self.caught, other.caught), add(self.strong, other.strong))


def simulate(assignment: str, honest: int = 200, copiers: int = 10, seed: int = 0) -> Rates:
    """One class of ``assignment``: ``honest`` learners and ``copiers`` copiers for each k, graded."""
    rng = random.Random(f"{seed}/{assignment}")
    questions = {q.grade_id: q for q in all_questions(assignment) if q.varies}
    honest_ids = [f"learner{i:03d}" for i in range(honest)]
    plan = {f"copier{k}_{i:02d}": (k, rng.choice(honest_ids)) for k in COPIED for i in range(copiers)}
    roster = [*honest_ids, *plan]
    keys = {s: learner_key(SECRET, s) for s in roster}
    learners = {s: Learner(s, keys[s], tuple(keys.items())) for s in roster}
    flags = {s: _flags(_answers(rng, questions, keys[s], plan.get(s), keys), questions, learners[s]) for s in roster}
    return Rates(honest, sum(bool(flags[s]) for s in honest_ids),
                 {k: copiers for k in COPIED},
                 {k: sum(_against(flags[s], source) for s, (n, source) in plan.items() if n == k) for k in COPIED},
                 {k: sum(_against(flags[s], source, "(strong:") for s, (n, source) in plan.items() if n == k)
                  for k in COPIED})


def _against(notes: list[str], source: str, strength: str = "possible copy") -> bool:
    return any(strength in note and f"{source}'s" in note for note in notes)


def _answers(rng, questions: dict[str, Question], key: str, copies: tuple | None, keys: dict) -> dict[str, int]:
    """grade id → the learner's number: honest, with k answers copied from a classmate for a copier."""
    answers = {gid: _honest(rng, q.variant(key)) for gid, q in questions.items()}
    if copies:
        k, source = copies
        differ = [gid for gid, q in questions.items() if q.variant(keys[source]).solution != q.variant(key).solution]
        for gid in rng.sample(differ, min(k, len(differ))):
            answers[gid] = questions[gid].variant(keys[source]).solution
    return answers


def _honest(rng, question: Question) -> int:
    """An honest learner's answer to their own variant: right, a misconception of it, or a slip."""
    chance = rng.random()
    if chance < RIGHT:
        return question.solution
    wrong = _misconceptions(question) if chance < RIGHT + MISCONCEPTION else {}
    if wrong:
        return rng.choices(list(wrong), weights=list(wrong.values()))[0]
    return _slip(rng, question)


_WRONG: dict[int, dict[int, float]] = {}


def _misconceptions(question: Question) -> dict[int, float]:
    """The numbers the catalogue's wrong formulas give for a count question's variant, with their weights
    (a budget question: none here; its wrong values are slips near the answer, which grading diagnoses)."""
    if question.kind != "count":
        return {}
    if id(question) not in _WRONG:
        found: dict[int, float] = {}
        for mistake in CATALOGUE:
            for _, number in mistake.numbers(question.model, question.asks):
                found[number] = max(found.get(number, 0.0), FAVOURITE.get(mistake.code, 1.0))
        _WRONG[id(question)] = found
    return _WRONG[id(question)]


def _slip(rng, question: Question) -> int:
    """A mistake no formula explains: a typo in one digit, a little off, a factor of ten (a budget: ±1–3)."""
    right = question.solution
    if question.kind == "budget":
        return max(1, right + rng.choice((-3, -2, -1, 1, 2, 3)))
    digits = list(str(right))
    kind = rng.randrange(3)
    if kind == 0:
        at = rng.randrange(len(digits))
        digits[at] = rng.choice([d for d in "0123456789" if d != digits[at] and (at or d != "0")] or ["1"])
        return int("".join(digits))
    return right + rng.choice((-1, 1)) * rng.randrange(1, 20) if kind == 1 else right * 10


def _flags(answers: dict[str, int], questions: dict[str, Question], learner: Learner) -> list[str]:
    """The copy notes the grader writes on this learner's answers."""
    results = []
    for gid, value in answers.items():
        verdict = questions[gid].variant(learner.key).grade(value)
        results.append(Result(gid, 1.0, verdict, None, repr(value)))
    return [r.review for r in review_copies(results, questions, learner) if r.review]


def run(assignments: Sequence[str] = ASSIGNMENTS, honest: int = 200, copiers: int = 10, seed: int = 0) -> Rates:
    """Every assignment's class, added up."""
    total = simulate(assignments[0], honest, copiers, seed)
    for assignment in assignments[1:]:
        total = total + simulate(assignment, honest, copiers, seed)
    return total


def report(rates: Rates, assignments: Sequence[str]) -> str:
    lines = [f"{len(assignments)} assignment(s) × {rates.honest // len(assignments)} honest learners "
             f"and {rates.copiers[1] // len(assignments)} copiers per k",
             f"false-flag rate: {rates.false_flag_rate:.2%} ({rates.false_flags} of {rates.honest} honest learners; "
             "target < 1 %)"]
    for k in COPIED:
        lines.append(f"catch rate, k = {k} copied: {rates.catch_rate(k):.1%} ({rates.caught[k]} of {rates.copiers[k]}; "
                     f"strong: {rates.strong[k]}){'' if k < 2 else ' (target 100 %)'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*", default=list(ASSIGNMENTS))
    parser.add_argument("--learners", type=int, default=200, help="honest learners per class")
    parser.add_argument("--copiers", type=int, default=10, help="copiers per k in each class")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(report(run(args.assignments, args.learners, args.copiers, args.seed), args.assignments))


if __name__ == "__main__":
    main()
