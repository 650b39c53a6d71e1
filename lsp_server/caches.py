"""Session caches: contexts per document version, fillings by the text around the hole,
and the completion last shown, so that typing exactly what it predicted costs no request
(:class:`SessionCaches` holds the three)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from completion.lru import LruCache
from completion.model import ContextReport

logger = logging.getLogger(__name__)

PREFIX_KEY_CHARS = 1500
SUFFIX_KEY_CHARS = 500


def hole_key(path: str, prefix: str, suffix: str) -> tuple[str, str, str]:
    """The text around a hole that decides its filling."""
    return path, prefix[-PREFIX_KEY_CHARS:], suffix[:SUFFIX_KEY_CHARS]


@dataclass(frozen=True)
class ShownCompletion:
    """A completion shown at a hole: ``prefix`` is the document text before the hole."""

    prefix: str
    suffix: str
    texts: tuple[str, ...]


class TypeAheadCache:
    """Serves the rest of a shown completion while the user types exactly its characters."""

    def __init__(self) -> None:
        self._shown: dict[str, ShownCompletion] = {}
        self.hits = 0
        self.misses = 0

    def remember(self, uri: str, prefix: str, suffix: str, texts: tuple[str, ...]) -> None:
        if any(texts):
            self._shown[uri] = ShownCompletion(prefix, suffix, texts)

    def rest(self, uri: str, prefix: str, suffix: str) -> tuple[str, ...] | None:
        """What remains of the shown completions after the characters typed since."""
        shown = self._shown.get(uri)
        rests = None if shown is None else _remaining(shown, prefix, suffix)
        if rests:
            self.hits += 1
        else:
            self.misses += 1
        return rests

    def forget(self, uri: str) -> None:
        self._shown.pop(uri, None)

    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


def _remaining(shown: ShownCompletion, prefix: str, suffix: str) -> tuple[str, ...] | None:
    if suffix != shown.suffix or len(prefix) <= len(shown.prefix):
        return None
    if not prefix.startswith(shown.prefix):
        return None
    typed = prefix[len(shown.prefix) :]
    rests = tuple(
        t[len(typed) :] for t in shown.texts if t.startswith(typed) and len(t) > len(typed)
    )
    return rests or None


ContextKey = tuple[str, int, int, int]  # uri, version (or the hash of a file's text), position
# text around the hole -> (fillings, their span relative to the cursor, how many were asked)
Fillings = tuple[tuple[str, ...], tuple[int, int], int]
HIT_RATE_LOG_EVERY = 50  # fillings looked up


class SessionCaches:
    """The caches of one server, whose hit rates are logged now and then and at shutdown."""

    def __init__(self) -> None:
        # few: a report holds the document's text around the hole
        self.contexts: LruCache[ContextKey, ContextReport] = LruCache("context", 16)
        self.fillings: LruCache[tuple[str, str, str], Fillings] = LruCache("filling", 256)
        self.type_ahead = TypeAheadCache()
        self.filling_lookups = 0

    def changed(self, uri: str) -> None:
        """The document changed: its contexts are stale (the type-ahead follows the typing)."""
        self.contexts.drop_where(lambda key: key[0] == uri)

    def closed(self, uri: str) -> None:
        self.changed(uri)
        self.type_ahead.forget(uri)

    def count_filling_lookup(self) -> None:
        self.filling_lookups += 1
        if self.filling_lookups % HIT_RATE_LOG_EVERY == 0:
            self.log_hit_rates()

    def log_hit_rates(self) -> None:
        logger.info(
            "cache hit rates: context %.2f, filling %.2f, type-ahead %.2f",
            self.contexts.hit_rate(),
            self.fillings.hit_rate(),
            self.type_ahead.hit_rate(),
        )
