"""Fillings of a hole for the LSP front: type-ahead cache, then the filling cache, then the engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from completion.model import Candidate, CompletionReport, TextRange, Trigger
from context.positions import offset_at, position_at
from lsp_server.caches import hole_key
from lsp_server.session import Session, Snapshot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Filling:
    texts: tuple[str, ...]
    span: TextRange  # internal coordinates of what each text replaces
    source: str  # "model" | "cache" | "type-ahead"
    report: CompletionReport | None = None
    # per text, the first problem the checker still finds in it; "" when it is verified (the
    # caches hold verified texts only)
    problems: tuple[str, ...] = ()

    def problem(self, index: int) -> str:
        return self.problems[index] if index < len(self.problems) else ""


def _distinct(texts: list[str], n: int) -> tuple[str, ...]:
    seen: list[str] = []
    for text in texts:
        if text and text not in seen:
            seen.append(text)
    return tuple(seen[:n])


def _relative_span(text: str, cursor: int, span: TextRange) -> tuple[int, int]:
    start = offset_at(text, span.start_line, span.start_column, strict=False)
    end = offset_at(text, span.end_line, span.end_column, strict=False)
    return start - cursor, end - cursor


def _absolute_span(text: str, cursor: int, delta: tuple[int, int]) -> TextRange:
    start = position_at(text, cursor + delta[0])
    end = position_at(text, cursor + delta[1])
    return TextRange(start[0], start[1], end[0], end[1])


def cached_filling(
    session: Session, snap: Snapshot, line: int, column: int, n: int
) -> Filling | None:
    """A filling with no model request: the rest of the shown completion the user is typing,
    or the fillings cached for the same text around the hole."""
    cursor = offset_at(snap.text, line, column, strict=False)
    prefix, suffix = snap.text[:cursor], snap.text[cursor:]
    session.caches.count_filling_lookup()
    rest = session.caches.type_ahead.rest(snap.uri, prefix, suffix)
    if rest:
        return Filling(rest[:n], TextRange(line, column, line, column), "type-ahead")
    cached = session.caches.fillings.get(hole_key(snap.path, prefix, suffix))
    if cached is not None and cached[2] >= n:
        texts, delta, _ = cached
        return Filling(texts[:n], _absolute_span(snap.text, cursor, delta), "cache")
    return None


async def model_filling(
    session: Session,
    snap: Snapshot,
    line: int,
    column: int,
    n: int,
    trigger: Trigger = "explicit",
) -> Filling | None:
    """The engine's ``n`` best fillings, verified ones first; the verified ones are remembered
    for the caches. None when there is none, or when an automatic trigger held it back."""
    report = await session.complete(snap, line, column, n, trigger)
    if report is None or report.held_back_reason:
        return None
    ranked = _distinct_candidates(report, n)
    if not ranked:
        return None
    texts = tuple(c.text for c in ranked)
    verified = tuple(c.text for c in ranked if c.verified)
    if verified:
        _remember(
            session, snap, line, column, report, verified, n if verified == texts else len(verified)
        )
    return Filling(texts, report.range, "model", report, tuple(_first_problem(c) for c in ranked))


def _distinct_candidates(report: CompletionReport, n: int) -> list[Candidate]:
    """The report's candidates in their order (verified first), one per distinct text."""
    texts = _distinct([c.text for c in report.candidates], n)
    if not texts and report.text:  # a report without candidates: its filling, unchecked
        return [Candidate(report.text, report.diagnostics, report.backend)]
    return [next(c for c in report.candidates if c.text == text) for text in texts]


def _first_problem(candidate: Candidate) -> str:
    if candidate.verified:
        return ""
    if candidate.diagnostics:
        return candidate.diagnostics[0].message
    return "not checked"


def _remember(
    session: Session,
    snap: Snapshot,
    line: int,
    column: int,
    report: CompletionReport,
    texts: tuple[str, ...],
    asked: int,
) -> None:
    """Verified fillings only: a cached one may be shown on an automatic trigger."""
    cursor = offset_at(snap.text, line, column, strict=False)
    prefix, suffix = snap.text[:cursor], snap.text[cursor:]
    key = hole_key(snap.path, prefix, suffix)
    session.caches.fillings.put(
        key, (texts, _relative_span(snap.text, cursor, report.range), asked)
    )
    if report.range == TextRange(line, column, line, column):
        session.caches.type_ahead.remember(snap.uri, prefix, suffix, texts)


async def fill_hole(
    session: Session, snap: Snapshot, line: int, column: int, n: int
) -> Filling | None:
    """The best ``n`` fillings at (line, column) of ``snap``; None when there is none."""
    found = cached_filling(session, snap, line, column, n)
    return found if found is not None else await model_filling(session, snap, line, column, n)
