"""Hole fixtures in the style of jedi's test files.

A comment ``# ? key=value ...`` above a line describes the hole in that line: ``at="text"`` puts
the cursor right after the first ``text`` in the line (default: at ``__hole__`` if present, else
the end of the line). Keys: ``expected`` (the expected type, or None), ``types`` (names that must be
among the relevant types), ``headers`` (labels that must be among the relevant headers),
``absent`` (labels that must not be), ``members`` (receiver members), ``receiver`` (its type),
``call`` (``callee:parameter``), ``bindings`` (``name:type`` in the typing context), ``nearby``
(``Class.member`` listed under ``class Class`` among the member blocks of the classes used around
the hole).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from context.api import Analyzer

FIXTURES = Path(__file__).parent / "fixtures" / "geo"
WORKSPACES = (FIXTURES, Path(__file__).parent / "fixtures" / "lex")


@dataclass(frozen=True)
class Case:
    path: Path
    line: int  # 0-based
    column: int
    spec: dict[str, str]

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line + 1}:{self.column + 1}"


def _cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(p for root in WORKSPACES for p in root.glob("*/holes_*.py")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            stripped = line.strip()
            if not stripped.startswith("# ?"):
                continue
            spec = dict(item.split("=", 1) for item in shlex.split(stripped[3:]))
            target = lines[i + 1]
            if "at" in spec:
                column = target.index(spec["at"]) + len(spec["at"])
            elif "__hole__" in target:
                column = target.index("__hole__")
            else:
                column = len(target)
            cases.append(Case(path, i + 1, column, spec))
    return cases


CASES = _cases()


ANALYZERS: dict[Path, Analyzer] = {}


def _analyzer_for(path: Path) -> Analyzer:
    root = next(r for r in WORKSPACES if path.is_relative_to(r))
    if root not in ANALYZERS:
        ANALYZERS[root] = Analyzer(root)
    return ANALYZERS[root]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return _analyzer_for(FIXTURES / "geo" / "base.py")


def members_by_class(text: str) -> set[str]:
    """``Class.member`` for each member line of a member block, under the class it is listed in."""
    found: set[str] = set()
    owner = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if line.startswith("class "):
            owner = stripped[len("class ") :].split("(")[0].split(":")[0]
        elif line.startswith("    ") and owner and not stripped.startswith(("#", "@")):
            name = stripped.removeprefix("async ").removeprefix("def ").split("(")[0].split(":")[0]
            found.add(f"{owner}.{name.strip()}")
    return found


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hole(case: Case) -> None:
    hole = _analyzer_for(case.path).hole_context(case.path, case.line, case.column)
    spec = case.spec
    if "expected" in spec:
        got = (hole.expected_type or "None").replace(" ", "")
        assert got == spec["expected"], (
            f"{case}: expected type {hole.expected_type!r} ({hole.expected_type_source})"
        )
    type_names = {_short(d.name) for d in hole.relevant_types}
    for name in filter(None, spec.get("types", "").split(",")):
        assert name in type_names, f"{case}: {name} not among relevant types {sorted(type_names)}"
    labels = [d.name for d in hole.relevant_headers]
    for name in filter(None, spec.get("headers", "").split(",")):
        assert name in labels, f"{case}: {name} not among relevant headers {labels}"
    for name in filter(None, spec.get("absent", "").split(",")):
        assert name not in labels, f"{case}: {name} should not be a relevant header"
    members = {m.name for m in hole.receiver_members}
    for name in filter(None, spec.get("members", "").split(",")):
        assert name in members, f"{case}: {name} not among members {sorted(members)}"
    if "receiver" in spec:
        assert hole.receiver_type == spec["receiver"], f"{case}: receiver type {hole.receiver_type}"
    if "call" in spec:
        callee, param = spec["call"].split(":")
        assert hole.call is not None, f"{case}: no call found"
        assert hole.call.signature.startswith(callee + "("), f"{case}: callee {hole.call.signature}"
        assert hole.call.active_name == param, f"{case}: active parameter {hole.call.active_name}"
    listed = {m for d in hole.nearby_members for m in members_by_class(d.text)}
    for name in filter(None, spec.get("nearby", "").split(",")):
        assert name in listed, f"{case}: {name} not among the members nearby {sorted(listed)}"
    bindings = {(b.name, (b.type or "").replace(" ", "")) for b in hole.typing_context}
    for pair in filter(None, spec.get("bindings", "").split(",v" if False else ";")):
        for item in pair.split(","):
            name, _, type_text = item.partition(":")
            assert (name, type_text) in bindings, (
                f"{case}: binding {item} not in {sorted(bindings)}"
            )


def test_fixtures_are_found() -> None:
    assert len(CASES) >= 20


def test_an_empty_line_in_a_body_is_a_statement_hole(analyzer: Analyzer, tmp_path: Path) -> None:
    text = "def f(xs: list[int]) -> int:\n    total = 0\n    \n    return total\n"
    hole = analyzer.hole_context(FIXTURES / "geo" / "scratch.py", 2, 4, text)
    assert hole.hole_kind == "statement"
    inside_call = "def f(xs: list[int]) -> int:\n    return max(\n        \n    )\n"
    hole = analyzer.hole_context(FIXTURES / "geo" / "scratch.py", 2, 8, inside_call)
    assert hole.hole_kind == "argument"
