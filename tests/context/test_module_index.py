"""What a file reaches through a module's name or an imported value: every class and function
of the module the file uses (the most used in full, the others one line each), the class of a
value imported from another module, and after ``module.`` the module's classes as class lines."""

from __future__ import annotations

import re
from pathlib import Path

from context.api import Analyzer
from context.model import HoleContext

ROOT = Path(__file__).parent / "fixtures" / "modindex"
BUILD = ROOT / "pkg" / "build.py"


def _hole(old: str, new: str) -> HoleContext:
    text = BUILD.read_text(encoding="utf-8").replace(old, new)
    line = next(i for i, t in enumerate(text.split("\n")) if t == new.split("\n")[-1])
    column = len(new.split("\n")[-1])
    return Analyzer(ROOT, jedi_cap_s=None).hole_context(BUILD, line, column, text)


def _class_lines(texts: list[str]) -> set[str]:
    return {m.group(1) for t in texts for m in re.finditer(r"^\s*class (\w+)[(:]", t, re.M)}


def test_every_class_the_file_uses_through_a_module_is_offered() -> None:
    hole = _hole("    return status == 0", "    return ")
    classes = _class_lines([d.text for d in hole.cross_file])
    # five classes used through ``nodes.``: more than are shown in full
    assert {"Constant", "Name", "Call", "Return", "Assign"} <= classes, classes
    index = next(d for d in hole.cross_file if d.kind == "module")
    assert "# Return(value: Node)" in index.text or "# Assign(target: Node, value: Node)" in index.text
    assert "walk" not in index.text  # the file never uses it


def test_an_imported_value_brings_its_class() -> None:
    hole = _hole("    return status == 0", "    return ")
    assert any(d.text.startswith("class LookupDict(dict):") for d in hole.cross_file), [
        d.name for d in hole.cross_file]


def test_after_a_modules_name_its_classes_are_class_lines() -> None:
    hole = _hole("    return status == 0", "    return nodes.")
    assert hole.receiver == "nodes"
    texts = {d.name: d.text for d in hole.receiver_members}
    assert texts["Call"].startswith("class Call(Node): ...")
    assert "Call(func: Node, args: list[Node])" in texts["Call"]
    assert texts["walk"].startswith("def walk(")


def test_a_module_imported_and_not_used_yet_offers_its_members() -> None:
    path = ROOT / "pkg" / "fresh.py"
    text = path.read_text(encoding="utf-8").replace("    return text", "    return ")
    hole = Analyzer(ROOT, jedi_cap_s=None).hole_context(path, 4, 11, text)
    index = next(d for d in hole.cross_file if d.kind == "module")
    assert index.text.startswith("# nodes (pkg.nodes), not used yet")
    assert "class Call(Node): ...  # Call(func: Node, args: list[Node])" in index.text
    assert "def walk(node: Node) -> list[Node]: ..." in index.text


def test_a_class_listed_with_its_members_is_not_repeated_as_a_bare_header() -> None:
    hole = _hole("    return status in (codes.moved, codes.found)",
                 "    return status in (codes.moved, codes.found)\n    ")
    assert any(d.name == "pkg.status.LookupDict" for d in hole.nearby_members)
    assert not any(d.name == "pkg.status.LookupDict" for d in hole.cross_file)


def test_a_modules_values_after_the_dot_have_their_inferred_types_and_classes(tmp_path: Path) -> None:
    tokens = ("class _TokenType(tuple):\n    def __getattr__(self, name):\n        new = _TokenType(self + (name,))\n"
              "        new.parent = self\n        return new\n\n\nToken = _TokenType()\nKeyword = Token.Keyword\n"
              "LIMIT: int = 3\n")
    (tmp_path / "tokens.py").write_text(tokens, encoding="utf-8")
    text = "import tokens\n\nKINDS = {'IS': tokens.}\n"
    path = tmp_path / "use.py"
    path.write_text(text, encoding="utf-8")
    hole = Analyzer(tmp_path).hole_context(path, 2, text.index("tokens.") - text.index("KINDS") + len("tokens."), text)
    texts = [d.text for d in hole.receiver_members]
    assert "Keyword: _TokenType" in texts and "Token: _TokenType" in texts and "LIMIT: int" in texts
    classes = [i for i, t in enumerate(texts) if t.startswith("class _TokenType(tuple):")]
    assert len(classes) == 1 and classes[0] < texts.index("Keyword: _TokenType")  # the class once, first
