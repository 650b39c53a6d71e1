"""``self.attr`` in a class that may be mixed into others (none of its bases is the project's):
an attribute the class lacks that another file of the workspace spells, and that is spelled like
none of the class's members, is the host's (``self._save`` of a namespace mixin that the parser
class combining the mixins defines), not a slip. A typo of the class's own member, an attribute no
other file spells, and a class with a base of the project's are still reported."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer

HOST = """from dc import Namespace
from base import Base


class Parser(Base, Namespace):
    def _save(self, key, value):
        self.data[key] = value
"""
BASE = "class Base:\n    def __init__(self):\n        self.data = {}\n"
MIXIN = """class Namespace(object):
    def _start_date(self, attrs):
        self.push_date = attrs
        {line}
"""


def unknown_attributes(root: Path, line: str, name: str = "dc.py", text: str = MIXIN) -> list[str]:
    (root / "host.py").write_text(HOST, encoding="utf-8")
    (root / "base.py").write_text(BASE, encoding="utf-8")
    source = text.format(line=line)
    path = root / name
    path.write_text(source, encoding="utf-8")
    return [d.message for d in Analyzer(root).diagnose(path, source) if d.code == "unknown-attribute"]


def test_an_attribute_the_host_of_a_mixin_defines_is_not_reported(tmp_path: Path) -> None:
    assert unknown_attributes(tmp_path, "self._save('date', attrs)") == []
    assert unknown_attributes(tmp_path, "cls_value = self.data") == []  # Base's, spelled in base.py


def test_a_typo_of_the_mixins_own_member_is_reported(tmp_path: Path) -> None:
    found = unknown_attributes(tmp_path, "self._start_dat(attrs)")
    assert len(found) == 1 and "did you mean '_start_date'" in found[0]


def test_an_attribute_no_other_file_spells_is_reported(tmp_path: Path) -> None:
    found = unknown_attributes(tmp_path, "self._svae('date', attrs)")
    assert len(found) == 1 and "'_svae'" in found[0]


def test_a_class_with_a_base_of_the_project_is_not_a_mixin(tmp_path: Path) -> None:
    text = "from base import Base\n\n\nclass Sub(Base):\n    def run(self):\n        {line}\n"
    found = unknown_attributes(tmp_path, "self._save('date', 1)", name="sub.py", text=text)
    assert len(found) == 1 and "'_save'" in found[0]
