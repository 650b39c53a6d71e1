"""Values made by an operator take what the operand classes' operator methods return; a dict
display whose keys are of unknown type still types its values; a module variable whose value is a
long chain of calls keeps the callees, across modules."""

from __future__ import annotations

from pathlib import Path

from tests.context.receivers import receiver_at

CORE = '''
import datetime


class Element:
    def __or__(self, other: object) -> "Alternatives": ...
    def __radd__(self, other: str) -> "Sequence": ...
    def set_name(self, name: str) -> "Element": ...


class Alternatives(Element):
    def first(self) -> Element: ...


class Sequence(Element):
    def items(self) -> list[Element]: ...


class Regex(Element):
    def __init__(self, pattern: str) -> None: ...
    def pattern(self) -> str: ...


quoted = Regex(r'"(?:[^"\\n\\r\\\\]|(?:"")|(?:\\\\(?:[^x]|x[0-9a-fA-F]+)))*"' + r"'(?:[^'\\n\\r]|(?:''))*'").set_name("quoted string")
'''


def _receiver(tmp_path: Path, expression: str) -> str | None:
    text = f"import datetime\nfrom core import Regex, quoted\n\nvalue = {expression}\nvalue.\n"
    return receiver_at(tmp_path, {"core.py": CORE, "use.py": text}, "use.py")


def test_an_operator_gives_what_the_left_operands_method_returns(tmp_path: Path) -> None:
    assert _receiver(tmp_path, 'Regex("a") | Regex("b")') == "Alternatives"  # not the operands' Regex


def test_a_reflected_operator_of_the_right_operand(tmp_path: Path) -> None:
    assert _receiver(tmp_path, '"x" + Regex("b")') == "Sequence"


def test_of_overloads_the_one_that_takes_the_other_operand(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "datetime.datetime.now() - datetime.timedelta(1)") == "datetime"
    assert _receiver(tmp_path, "datetime.datetime.now() - datetime.datetime.now()") == "timedelta"


def test_builtin_operators_keep_their_types(tmp_path: Path) -> None:
    assert _receiver(tmp_path, '"a" + "b"') == "str"
    assert _receiver(tmp_path, "[1] + [2]") == "list[int]"


def test_a_module_variable_made_by_a_long_chain_of_calls(tmp_path: Path) -> None:
    assert _receiver(tmp_path, "quoted") == "Element"


def test_a_dict_display_with_keys_of_unknown_type_still_types_its_values(tmp_path: Path) -> None:
    assert _receiver(tmp_path, '{unknown_key: Regex("a")}[unknown_key]') == "Regex"
