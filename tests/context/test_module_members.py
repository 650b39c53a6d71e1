"""Functions and classes of a workspace module the file reaches through the module's name
(``from . import util`` then ``util.check_metadata(...)``) are offered with the definitions
used near a hole, even where the hole's own statement is not written yet."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer

ROOT = Path(__file__).parent / "fixtures" / "modmembers"
USE = ROOT / "pkg" / "use.py"


def test_a_module_used_through_its_name_offers_the_members_the_file_uses() -> None:
    text = USE.read_text(encoding="utf-8")
    # a statement hole at the start of a new line of ``lists``, far from any use of the module
    text = text.replace("    print(total)\n", "    print(total)\n    \n")
    line = text.split("\n").index("    ")
    hole = Analyzer(ROOT).hole_context(USE, line, 4, text)
    texts = {d.name: d.text for d in hole.cross_file}
    assert any(t.startswith("def check_metadata(") for t in texts.values()), texts
    assert any(t.startswith("class Collector") for t in texts.values()), texts
    assert not any("unused_here" in t for t in texts.values())  # the file never uses it
