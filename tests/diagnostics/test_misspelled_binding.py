"""A name the buffer binds that nothing reads and no code knows, spelled like a known name but for
two neighbouring letters swapped or a doubled letter written once, is reported as a misspelling:
valid code, but a slip far more often than a choice (``statr = pos + 1``, ``INOF = 3``)."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from context.model import Diagnostic


def _bindings(root: Path, text: str, files: dict[str, str] | None = None) -> list[Diagnostic]:
    for name, content in (files or {}).items():
        (root / name).write_text(content, encoding="utf-8")
    return [d for d in Analyzer(root).diagnose(root / "app.py", text) if d.code == "misspelled-binding"]


def test_a_variable_spelled_like_a_known_name_with_two_letters_swapped_is_reported(tmp_path: Path) -> None:
    found = _bindings(tmp_path, "def parse(text, pos):\n    statr = pos + 1\n    return text\n")
    assert [(d.line, d.column, d.end_column) for d in found] == [(1, 4, 9)]
    assert "'statr'" in found[0].message and "did you mean 'start'?" in found[0].message


def test_a_class_member_other_modules_read_under_the_right_name_is_reported(tmp_path: Path) -> None:
    use = "from app import Group\n\nprint(Group.INFO, Group.DEBUG)\n"
    text = "from enum import Enum\n\n\nclass Group(Enum):\n    DEBUG = 2\n    INOF = 3\n"
    found = _bindings(tmp_path, text, {"use.py": use})
    assert [(d.line, d.column) for d in found] == [(5, 4)] and "did you mean 'INFO'?" in found[0].message


def test_an_attribute_of_self_with_a_doubled_letter_written_once_is_reported(tmp_path: Path) -> None:
    text = "class Client:\n    def __init__(self, address):\n        self.adress = address\n"
    found = _bindings(tmp_path, text)
    assert [(d.line, d.column, d.end_column) for d in found] == [(2, 13, 19)]
    assert "did you mean 'address'?" in found[0].message


def test_names_read_known_elsewhere_numbered_short_or_defined_are_left_alone(tmp_path: Path) -> None:
    text = ("def parse(text, pos):\n"
            "    statr = pos + 1\n"  # read below: a name chosen, not a slip
            "    m12, m21 = 1, 2\n"  # digits swapped: two names
            "    tpo = 3\n"  # too short to tell
            "    items2 = [text]\n"  # a letter added is a name of its own
            "    return text[statr:], m12, m21, tpo, items2\n"
            "\n\n"
            "def udgettext(domain):\n"  # an interface's names come in families
            "    return domain\n"
            "\n\n"
            "dugettext = udgettext\n")  # and aliases
    assert _bindings(tmp_path, text) == []
    assert _bindings(tmp_path, "statr = 1\n", {"other.py": "statr = 2\n"}) == []  # known elsewhere
    assert len(_bindings(tmp_path, "satrt = 1\n")) == 1
