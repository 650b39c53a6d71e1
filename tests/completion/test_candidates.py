"""Closed candidate sets from the context: members after a dot, enum members, keyword names
and Literal values; what follows the part already typed; ranking and the miss report."""

from __future__ import annotations

from pathlib import Path

import pytest

from completion.candidates import candidate_set, literal_values
from context.api import Analyzer
from context.model import Binding, CallInfo, Definition, HoleContext

MODULE = '''import enum
from dataclasses import dataclass
from typing import Literal


class Color(enum.Enum):
    RED = 1
    GREEN = 2


Mode = Literal["fast", "slow", "auto"]


@dataclass
class Point:
    x: float
    y: float

    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5


def paint(color: Color, mode: Mode = "fast", width: int = 1) -> None:
    pass


def use(p: Point, chosen: Mode) -> None:
'''


@pytest.fixture(scope="module")
def at(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("closed")
    path = root / "mod.py"
    path.write_text(MODULE, encoding="utf-8")
    analyzer = Analyzer(root, None)

    def hole_at(line: str) -> HoleContext:
        text = MODULE + line + "\n    return None\n"
        return analyzer.hole_context(Path(path), MODULE.count("\n"), len(line), text)

    return hole_at


def test_members_of_a_known_receiver(at) -> None:  # type: ignore[no-untyped-def]
    closed = candidate_set(at("    value = p."))
    assert closed is not None and closed.kind == "member"
    assert closed.heads == ("x", "y", "norm") and closed.choices == ()
    assert closed.fits("norm() * 2") and closed.fits("x") and not closed.fits("nrm()")
    assert not closed.fits("xs")


def test_a_typed_part_of_the_name_is_left_out(at) -> None:  # type: ignore[no-untyped-def]
    closed = candidate_set(at("    value = p.no"))
    assert closed is not None and closed.heads == ("rm",)


def test_members_fitting_the_expected_type_come_first(at) -> None:  # type: ignore[no-untyped-def]
    hole = at("    value = p.")
    fitted = HoleContext(**{**hole.__dict__, "expected_type": "float",
                            "receiver_members": (Definition("label", "field", "label: str", type="str"),
                                                 *hole.receiver_members)})
    closed = candidate_set(fitted)
    assert closed is not None and closed.heads[:3] == ("x", "y", "norm") and closed.heads[3] == "label"


def test_enum_members_where_the_enum_is_expected(at) -> None:  # type: ignore[no-untyped-def]
    closed = candidate_set(at("    c: Color = Color."))
    assert closed is not None and closed.kind == "enum member"
    assert closed.choices == ("RED", "GREEN") and closed.heads == ()
    assert closed.fits("GREEN") and not closed.fits("BLUE") and not closed.fits("name")


def test_literal_values_and_names_of_that_type(at) -> None:  # type: ignore[no-untyped-def]
    closed = candidate_set(at("    m: Mode = "))
    assert closed is not None and closed.kind == "literal"
    assert closed.choices == ('"fast"', "'fast'", '"slow"', "'slow'", '"auto"', "'auto'", "chosen")
    assert closed.fits("'auto'") and closed.fits("chosen") and not closed.fits('"fsat"')


def test_a_positional_literal_argument_or_a_keyword_instead(at) -> None:  # type: ignore[no-untyped-def]
    closed = candidate_set(at("    paint(Color.RED, "))
    assert closed is not None and closed.kind == "literal"
    assert closed.heads == ("mode=", "width=")
    assert closed.fits("width=3") and closed.fits('"slow"') and not closed.fits("height=2")
    value = candidate_set(at("    paint(Color.RED, mode="))
    assert value is not None and value.heads == (), "after `mode=` only a value may come"


def test_inside_an_open_string_only_the_rest_of_a_value() -> None:
    hole = HoleContext("m.py", 0, 13, "expression", 'm: Mode = "s', "\n", expected_type="Literal[fast, slow, auto]")
    closed = candidate_set(hole)
    assert closed is not None and closed.choices == ('low"',)


def test_keyword_names_after_a_keyword_argument() -> None:
    """The context gives no call after a keyword argument yet; with one, the set is the
    parameters not given."""
    call = CallInfo("paint", "paint(color: Color, mode: Mode = 'fast', width: int = 1) -> None",
                    ("color", "mode", "width"), None, None)
    prefix = "paint(Color.RED, mode='fast', w"
    closed = candidate_set(HoleContext("m.py", 0, len(prefix), "argument", prefix, ")\n", call=call))
    assert closed is not None and closed.kind == "keyword" and closed.heads == ("idth=",)
    open_call = HoleContext("m.py", 0, 17, "argument", "paint(Color.RED, ", ")\n", call=call)
    assert candidate_set(open_call) is None, "a positional argument may still come"
    kwargs = CallInfo("f", "f(a: int, **rest: int) -> None", ("a", "**rest"), None, None)
    assert candidate_set(HoleContext("m.py", 0, 9, "argument", "f(a=1, ", ")", call=kwargs)) is None


@pytest.mark.parametrize("type_text,values", [
    ("Literal[fast, slow]", ["fast", "slow"]),
    ("Literal['a', 1, True] | None", ["'a'", "1", "True", "None"]),
    ("typing.Literal[Color.RED]", ["Color.RED"]),
    ("Literal[a] | int", None),
    ("str", None),
])
def test_literal_values(type_text: str, values: list[str] | None) -> None:
    assert literal_values(type_text) == values


def test_no_set_without_facts() -> None:
    assert candidate_set(HoleContext("m.py", 0, 4, "expression", "x = ", "\n")) is None
    private = HoleContext("m.py", 0, 3, "attribute", "p._", "\n",
                          receiver_members=(Definition("x", "field", "x: int", type="int"),))
    assert candidate_set(private) is None, "private members are not among those listed"
    complete = HoleContext("m.py", 0, 3, "attribute", "p.x", "\n",
                           receiver_members=(Definition("x", "field", "x: int"), Definition("xs", "field", "")))
    assert candidate_set(complete) is None, "`x` is already a whole member: the answer may be empty"


def test_rank_and_miss() -> None:
    hole = HoleContext("m.py", 0, 10, "expression", "m: Mode = ", "\n", expected_type="Literal[fast, slow]",
                       typing_context=(Binding("chosen", "Literal[fast, slow]", "parameter"),))
    closed = candidate_set(hole)
    assert closed is not None
    assert [closed.rank(t) for t in ('"fast"', "'slow'", "chosen", '"fsat"')] == [0, 3, 4, 5]
    miss = closed.miss('"fsat"', 3, 14)
    assert (miss.line, miss.column, miss.end_line, miss.end_column) == (3, 14, 3, 20)
    assert miss.code == "not-in-closed-set" and miss.severity == "error"
    assert '`"fsat"` is not one of the literal choices here: "fast"' in miss.message
