"""Error rounds: splice a candidate into the buffer, keep the problems it introduced (the
verdict of :func:`completion.check.introduced`: new, and on the filled span), re-prompt with a
report of them, and return the best candidate seen (fewest introduced problems)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from completion.check import Edit, introduced, render_error_report, splice
from completion.model import Candidate, Round
from context.model import Diagnostic

log = logging.getLogger(__name__)

Diagnose = Callable[[str], Awaitable[list[Diagnostic]]]
Ask = Callable[[tuple[tuple[str, str], ...]], Awaitable[str]]


@dataclass(frozen=True)
class Outcome:
    best: Candidate
    rounds: tuple[Round, ...]
    check_ms: float


@dataclass(frozen=True)
class Hole:
    path: str
    text: str  # the buffer
    start: int  # code-point offsets of what a filling replaces
    end: int

    @property
    def start_line(self) -> int:
        return self.text.count("\n", 0, self.start)

    @property
    def start_column(self) -> int:
        return self.start - (self.text.rfind("\n", 0, self.start) + 1)

    def edit(self, filling: str) -> Edit:
        return Edit.of(self.text, self.start, self.end, filling)


async def problems_of(
    hole: Hole, filling: str, before: list[Diagnostic], diagnose: Diagnose
) -> list[Diagnostic]:
    """The problems ``filling`` introduced: ``before`` is the diagnostics of the buffer without
    it (as the user has it: empty hole or placeholder)."""
    after = await diagnose(splice(hole.text, hole.start, hole.end, filling))
    return introduced(before, after, hole.edit(filling))


async def fill_with_rounds(
    hole: Hole, ask: Ask, diagnose: Diagnose, max_rounds: int, before: list[Diagnostic]
) -> Outcome:
    """Ask, check, and re-ask with the error report up to ``max_rounds`` times."""
    repair: tuple[tuple[str, str], ...] = ()
    rounds: list[Round] = []
    best: Candidate | None = None
    check_ms = 0.0
    for index in range(max_rounds + 1):
        filling = await ask(repair)
        started = time.perf_counter()
        problems = await problems_of(hole, filling, before, diagnose) if filling.strip() else []
        check_ms += (time.perf_counter() - started) * 1000
        rounds.append(Round(index, filling, tuple(problems)))
        candidate = Candidate(filling, tuple(problems), "model")
        if (
            best is None
            or len(problems) < len(best.diagnostics)
            or (not best.text.strip() and filling.strip())
        ):
            best = candidate
        if not problems:
            break
        log.info("round %d: %d new problem(s) in the filling; asking again", index, len(problems))
        report = render_error_report(problems, filling, hole.path, start_line=hole.start_line,
                                     start_column=hole.start_column)
        repair = (*repair, (filling, report))
    assert best is not None
    return Outcome(best, tuple(rounds), check_ms)


async def rank_by_problems(
    hole: Hole, candidates: list[Candidate], diagnose: Diagnose, before: list[Diagnostic]
) -> list[Candidate]:
    """Candidates with their new problems attached, those without problems first (stable)."""
    checked: list[Candidate] = []
    for c in candidates:
        problems = await problems_of(hole, c.text, before, diagnose)
        checked.append(Candidate(c.text, tuple(problems), c.source, c.label))
    return sorted(checked, key=lambda c: len(c.diagnostics))
