"""A small least-recently-used map (the engine's and the server's caches)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


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
