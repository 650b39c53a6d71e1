"""A module with thousands of globals: only the globals the typing context shows are inferred."""

from __future__ import annotations

from pathlib import Path

import pytest

from context import api
from context.api import MAX_BINDINGS, Analyzer
from context.infer import Scope


def test_only_the_globals_shown_have_their_values_inferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "helpers.py").write_text("def make(n: int) -> int:\n    return n\n", encoding="utf-8")
    lines = ["from helpers import make", *(f"value_{i} = make({i})" for i in range(3000)), "x = "]
    path = tmp_path / "big.py"
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    calls: list[str] = []
    original = Scope.symbol_value

    def counted(self: Scope, symbol: api.Symbol) -> object:
        calls.append(symbol.name)
        return original(self, symbol)

    monkeypatch.setattr(Scope, "symbol_value", counted)
    hole = Analyzer(tmp_path, jedi_cap_s=None).hole_context(path, len(lines) - 1, 4, text)
    assert len(hole.typing_context) == MAX_BINDINGS
    assert hole.typing_context[0].type == "int"
    assert len([c for c in calls if c.startswith("value_")]) <= MAX_BINDINGS
