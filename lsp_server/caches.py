"""Session caches: contexts per document version, fillings by the text around the hole,
and the completion last shown, so that typing exactly what it predicted costs no request."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

PREFIX_KEY_CHARS = 1500
SUFFIX_KEY_CHARS = 500


class LruCache(Generic[K, V]):
    """A small LRU map that counts its hits and misses."""

    def __init__(self, name: str, capacity: int = 128) -> None:
        self.name = name
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def drop_where(self, predicate: object) -> None:
        for key in [k for k in self._items if callable(predicate) and predicate(k)]:
            del self._items[key]

    def clear(self) -> None:
        self._items.clear()

    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


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
