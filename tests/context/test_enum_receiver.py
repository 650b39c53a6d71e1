"""After ``EnumClass.`` any member of the enumeration may come next: all are listed, each on a
short line, beyond the limits that hold for other classes' members."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from context.members import RECEIVER_LIMITS

ROOT = Path(__file__).parent / "fixtures" / "modmembers"
USE = ROOT / "pkg" / "keyuse.py"


def test_an_attribute_hole_on_an_enumeration_lists_all_its_members() -> None:
    text = USE.read_text(encoding="utf-8")
    line = text.split("\n").index('    "a": Keys.Key3,')
    hole = Analyzer(ROOT).hole_context(USE, line, len('    "a": Keys.'), text)
    blocks = [d for d in hole.nearby_members if d.name.startswith("pkg.keys.Keys")]
    listed = {row.strip().split(":")[0] for d in blocks for row in d.text.split("\n")[2:]}
    assert sum(RECEIVER_LIMITS) < 60  # more members than the limits of other classes
    assert {f"Key{i}" for i in range(60)} <= listed
