"""Attributes assigned by unpacking a call's result in ``__init__`` (``self.a, self.b =
parse(x)``) take the types of the items of the call's annotated result, across modules."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer

ROOT = Path(__file__).parent / "fixtures" / "unpack"
ROUTE = ROOT / "pkg" / "route.py"


def test_an_attribute_unpacked_from_a_call_has_its_item_type() -> None:
    text = ROUTE.read_text(encoding="utf-8")
    line = text.split("\n").index("        return self.convertors[key].convert(value)")
    column = len("        return self.convertors[key].")
    hole = Analyzer(ROOT).hole_context(ROUTE, line, column, text)
    assert hole.receiver_type == "Convertor"
    receiver = [d for d in hole.nearby_members if d.kind == "receiver"]
    assert receiver and "def convert(self, value: str) -> object: ..." in receiver[0].text
