"""When does a prompt hold a definition, and how much recall does a method reach.

The rule reads the prompt text only (see benchmarks/README.md, "The header rule"). Whitespace is
ignored at the start of a line and between tokens; names match whole.

**Top-level functions and classes** (and nested classes, by their own name) appear when a line
starts with ``def NAME(`` / ``async def NAME(`` (or ``[`` for PEP 695 generics), or with
``class NAME`` followed by ``(``, ``:`` or ``[``.

**Members** (``method``, ``property``, ``attribute`` of a class ``C``) appear when a line starts
with the member's *signature* and either

- the line lies in a block headed by ``C``: after a line ``class C(``/``class C:`` and indented
  deeper than it, or after a comment line ``# members of RECEIVER: TYPE`` whose ``TYPE`` names
  ``C`` and up to the next blank line (the form the engine prints receiver members in); or
- the line is *marked* with ``C``: a trailing comment naming ``C`` (``def visit(…): ...  # Base``).

A member also appears when a line starts with it qualified by its class (``pkg.C`` too):
``def C.NAME(`` / ``async def C.NAME(`` (how headers print a method), or ``C.NAME:`` (a field
or property with its type). A bare ``C.NAME(`` is not enough: it is what a call looks like.

Signatures: a method's is ``def NAME(`` / ``async def NAME(`` / ``NAME(``; a property's is
``def NAME(`` / ``async def NAME(`` / ``NAME:``; an attribute's is ``NAME:`` or ``NAME =``.

Recall is micro-averaged: found (hole, definition) pairs over all pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from benchmarks.recall_index import Definition

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CLASS_LINE = re.compile(r"^[ \t]*class[ \t]+([A-Za-z_]\w*)[ \t]*[(:\[]")
_MEMBERS_LINE = re.compile(r"^[ \t]*#[ \t]*members of .*?:(.*)$")
_FENCE = re.compile(r"^[ \t]*```")


@lru_cache(maxsize=4096)
def header_pattern(name: str, is_class: bool) -> re.Pattern[str]:
    escaped = re.escape(name)
    if is_class:
        return re.compile(rf"^[ \t]*class[ \t]+{escaped}[ \t]*[(:\[]", re.MULTILINE)
    return re.compile(rf"^[ \t]*(?:async[ \t]+)?def[ \t]+{escaped}[ \t]*[(\[]", re.MULTILINE)


@lru_cache(maxsize=8192)
def signature_pattern(name: str, kind: str) -> re.Pattern[str]:
    """A line (indentation stripped) that starts with the member's signature."""
    escaped = re.escape(name)
    define = rf"(?:async[ \t]+)?def[ \t]+{escaped}[ \t]*[(\[]"
    forms = {
        "method": [define, rf"{escaped}[ \t]*\("],
        "property": [define, rf"{escaped}[ \t]*:(?!:)"],
        "attribute": [rf"{escaped}[ \t]*:(?!:)", rf"{escaped}[ \t]*=(?!=)"],
    }[kind]
    return re.compile(rf"^(?:{'|'.join(forms)})")


@lru_cache(maxsize=8192)
def qualified_pattern(owner: str, name: str) -> re.Pattern[str]:
    qualified = rf"(?:[A-Za-z_][\w.]*\.)?{re.escape(owner)}\.{re.escape(name)}[ \t]*"
    define = rf"(?:async[ \t]+)?def[ \t]+{qualified}[(\[]"
    return re.compile(rf"^[ \t]*(?:{define}|{qualified}:(?!:))", re.MULTILINE)


@dataclass(frozen=True)
class PromptLine:
    text: str  # without indentation
    owners: frozenset[str]  # classes whose blocks hold the line
    marks: frozenset[str]  # identifiers of the line's trailing comment


def _trailing_comment(text: str) -> str:
    """The comment at the end of a code line (a ``#`` outside quotes), or ``""``."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return text[index + 1 :]
    return ""


class PromptLines:
    """The prompt's lines with the class blocks they lie in (see the module docstring)."""

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.lines: list[PromptLine] = []
        classes: list[tuple[int, str]] = []  # (indentation of the class line, class name)
        members: tuple[int, frozenset[str]] | None = None  # an open "# members of" block
        for raw in prompt.split("\n"):
            text = raw.lstrip(" \t")
            indent = len(raw) - len(text)
            if not text or _FENCE.match(raw):
                members = None
                if text:
                    classes = []
                continue
            classes = [(level, name) for level, name in classes if level < indent]
            if members is not None and indent < members[0]:
                members = None
            owners = {name for _, name in classes} | (members[1] if members else set())
            marks = frozenset(_IDENTIFIER.findall(_trailing_comment(text)))
            self.lines.append(PromptLine(text, frozenset(owners), marks))
            header = _MEMBERS_LINE.match(raw)
            if header:
                members = (indent, frozenset(_IDENTIFIER.findall(header.group(1))))
                continue
            found = _CLASS_LINE.match(raw)
            if found:
                classes.append((indent, found.group(1)))

    def holds(self, definition: Definition) -> bool:
        owner = definition.owner
        if not definition.is_member or owner is None:
            return (
                header_pattern(definition.name, definition.is_class).search(self.prompt) is not None
            )
        if qualified_pattern(owner, definition.name).search(self.prompt):
            return True
        signature = signature_pattern(definition.name, definition.kind)
        return any(
            (owner in line.owners or owner in line.marks) and signature.match(line.text)
            for line in self.lines
        )


def appears(prompt: str, definition: Definition) -> bool:
    return PromptLines(prompt).holds(definition)


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
    """For each definition, whether it appears in ``prompt``."""
    definitions = list(definitions)
    if not definitions:
        return []
    lines = PromptLines(prompt)
    return [lines.holds(d) for d in definitions]
