"""Score prompts of every method against the definitions each hole's true code uses."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.recall_baselines import WindowIndex, jaccard_prompt, local_window
from benchmarks.recall_index import Definition
from benchmarks.recall_mining import Hole, cursor_offset
from benchmarks.recall_scoring import Tally, hits

BUDGETS = (1024, 2048, 4096)
METHODS = ("local", "jaccard", "holepilot", "surfaced")
# "surfaced" is a diagnostic, not a method: every definition holepilot's analysis listed for the
# hole, before packing into the budget. Its gap to "holepilot" is what the budget cut loses.
# How far around the cursor a name counts as "near" (lines before, lines after).
NEAR_BEFORE = 30
NEAR_AFTER = 8


def visibility(hole: Hole, definition: Definition) -> str:
    """Where the buffer still shows the definition's name once the cut is made:
    ``near`` the cursor, only ``elsewhere`` in the file (e.g. its import), or ``absent``
    (reached through a module attribute such as ``events.Key``)."""
    word = re.compile(rf"\b{re.escape(definition.name)}\b")
    lines = hole.text.split("\n")
    near = "\n".join(lines[max(0, hole.line - 1 - NEAR_BEFORE) : hole.line + NEAR_AFTER])
    if word.search(near):
        return "near"
    return "elsewhere" if word.search(hole.text) else "absent"


def baseline_prompts(holes: list[Hole], windows: WindowIndex, budget: int) -> dict[str, list[str]]:
    """The local-window and Jaccard prompts of every hole at ``budget``."""
    local: list[str] = []
    retrieved: list[str] = []
    for hole in holes:
        offset = cursor_offset(hole.text, hole.line, hole.column)
        local.append(local_window(hole.text, offset, budget))
        retrieved.append(jaccard_prompt(windows, hole.path, hole.text, offset, budget))
    return {"local": local, "jaccard": retrieved}


@dataclass
class Scores:
    """Recall tallies of one method at one budget, overall and broken down."""

    overall: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_definition: dict[str, Tally] = field(default_factory=dict)  # a definition's kind
    by_visibility: dict[str, Tally] = field(default_factory=dict)  # see :func:`visibility`
    missed: Counter[Definition] = field(default_factory=Counter)

    def add(self, hole: Hole, found: list[bool]) -> None:
        for definition, hit in zip(hole.definitions, found, strict=True):
            self.overall.add(hit)
            self.by_kind.setdefault(hole.kind, Tally()).add(hit)
            self.by_definition.setdefault(definition.kind, Tally()).add(hit)
            self.by_visibility.setdefault(visibility(hole, definition), Tally()).add(hit)
            if not hit:
                self.missed[definition] += 1

    def merge(self, other: Scores) -> None:
        self.overall.found += other.overall.found
        self.overall.total += other.overall.total
        for mine, theirs in (
            (self.by_kind, other.by_kind),
            (self.by_definition, other.by_definition),
            (self.by_visibility, other.by_visibility),
        ):
            for key, tally in theirs.items():
                target = mine.setdefault(key, Tally())
                target.found += tally.found
                target.total += tally.total
        self.missed.update(other.missed)

    def to_json(self) -> dict[str, object]:
        return {
            **self.overall.to_json(),
            "by_kind": {key: tally.to_json() for key, tally in sorted(self.by_kind.items())},
            "by_definition": {
                key: tally.to_json() for key, tally in sorted(self.by_definition.items())
            },
            "by_visibility": {
                key: tally.to_json() for key, tally in sorted(self.by_visibility.items())
            },
        }


def found_per_hole(holes: list[Hole], prompts: list[str]) -> list[list[bool]]:
    """For each hole, which of its definitions the matching prompt holds."""
    return [hits(prompt, hole.definitions) for hole, prompt in zip(holes, prompts, strict=True)]


def score_found(holes: list[Hole], found: list[list[bool]]) -> Scores:
    scores = Scores()
    for hole, hole_found in zip(holes, found, strict=True):
        scores.add(hole, hole_found)
    return scores


def most_missed(scores: Scores, limit: int = 15) -> list[dict[str, object]]:
    return [{**d.to_json(), "missed": count} for d, count in scores.missed.most_common(limit)]
