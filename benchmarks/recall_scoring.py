"""When does a prompt hold a definition, and how much recall does a method reach.

A definition *appears* in a prompt when some line of the prompt starts (after indentation) with
its header:

- ``def NAME(`` or ``async def NAME(`` (also ``def NAME[`` for PEP 695 generics), or
- ``class NAME`` followed by ``(``, ``:`` or ``[``.

Spaces between the tokens are allowed. The name must match exactly; a header of the same name
from elsewhere also counts (the rule cannot tell them apart, and is the same for every method).
Recall is micro-averaged: found (hole, definition) pairs over all pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from benchmarks.recall_index import Definition


@lru_cache(maxsize=4096)
def header_pattern(name: str, is_class: bool) -> re.Pattern[str]:
    escaped = re.escape(name)
    if is_class:
        return re.compile(rf"^[ \t]*class[ \t]+{escaped}[ \t]*[(:\[]", re.MULTILINE)
    return re.compile(rf"^[ \t]*(?:async[ \t]+)?def[ \t]+{escaped}[ \t]*[(\[]", re.MULTILINE)


def appears(prompt: str, name: str, is_class: bool) -> bool:
    return header_pattern(name, is_class).search(prompt) is not None


@dataclass
class Tally:
    found: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.found += int(hit)
        self.total += 1

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {"found": self.found, "total": self.total, "recall": round(self.recall, 4)}


def hits(prompt: str, definitions: Iterable[Definition]) -> list[bool]:
    """For each definition, whether its header appears in ``prompt``."""
    return [appears(prompt, d.name, d.is_class) for d in definitions]
