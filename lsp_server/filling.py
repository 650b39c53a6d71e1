"""Fillings of a hole for the LSP front: type-ahead cache, then the filling cache, then the engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from completion.model import CompletionReport, TextRange
from context.positions import offset_at, position_at
from lsp_server.caches import hole_key
from lsp_server.session import Session, Snapshot

logger = logging.getLogger(__name__)

HIT_RATE_LOG_EVERY = 50


@dataclass(frozen=True)
class Filling:
    texts: tuple[str, ...]
    span: TextRange  # internal coordinates of what each text replaces
    source: str  # "model" | "cache" | "type-ahead"
    report: CompletionReport | None = None


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
    _maybe_log_hit_rates(session)
    rest = session.type_ahead.rest(snap.uri, prefix, suffix)
    if rest:
        return Filling(rest[:n], TextRange(line, column, line, column), "type-ahead")
    cached = session.fillings.get(hole_key(snap.path, prefix, suffix))
    if cached is not None and cached[2] >= n:
        texts, delta, _ = cached
        return Filling(texts[:n], _absolute_span(snap.text, cursor, delta), "cache")
    return None


async def model_filling(
    session: Session, snap: Snapshot, line: int, column: int, n: int
) -> Filling | None:
    """The engine's ``n`` best fillings, remembered for the caches."""
    report = await session.complete(snap, line, column, n)
    if report is None:
        return None
    texts = _distinct([report.text, *(c.text for c in report.candidates)], n)
    if not texts:
        return None
    cursor = offset_at(snap.text, line, column, strict=False)
    prefix, suffix = snap.text[:cursor], snap.text[cursor:]
    key = hole_key(snap.path, prefix, suffix)
    session.fillings.put(key, (texts, _relative_span(snap.text, cursor, report.range), n))
    if report.range == TextRange(line, column, line, column):
        session.type_ahead.remember(snap.uri, prefix, suffix, texts)
    return Filling(texts, report.range, "model", report)


async def fill_hole(
    session: Session, snap: Snapshot, line: int, column: int, n: int
) -> Filling | None:
    """The best ``n`` fillings at (line, column) of ``snap``; None when there is none."""
    found = cached_filling(session, snap, line, column, n)
    return found if found is not None else await model_filling(session, snap, line, column, n)


def _maybe_log_hit_rates(session: Session) -> None:
    session.fill_requests += 1
    if session.fill_requests % HIT_RATE_LOG_EVERY == 0:
        session.log_hit_rates()
