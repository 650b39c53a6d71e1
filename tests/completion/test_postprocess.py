"""Cleaning model answers into fillings, one rule at a time."""

from __future__ import annotations

import pytest

from completion.postprocess import clean_filling, is_multiline_hole
from context.model import HoleContext


def hole(prefix: str, suffix: str = "\n", kind: str = "expression") -> HoleContext:
    line = prefix.count("\n")
    return HoleContext(path="m.py", line=line, column=len(prefix) - prefix.rfind("\n") - 1,
                       hole_kind=kind, prefix=prefix, suffix=suffix)


@pytest.mark.parametrize("answer,expected", [
    ("```python\nshapes[0]\n```", "shapes[0]"),
    ("Here is the code:\n```python\nshapes[0]\n```\nIt picks the first.", "shapes[0]"),
    ("shapes[0]<|endoftext|>", "shapes[0]"),
    ("<|fim_middle|>shapes[0]<|im_end|>", "shapes[0]"),
    ("shapes[0]\nprint('more')", "shapes[0]"),  # an expression hole is one line
])
def test_markup_prose_and_extra_lines_go(answer: str, expected: str) -> None:
    assert clean_filling(answer, hole("    best: Shape = ")) == expected


def test_echo_of_the_current_line_is_trimmed() -> None:
    assert clean_filling("best: Shape = shapes[0]", hole("    best: Shape = ")) == "shapes[0]"


def test_overlap_with_the_suffix_is_trimmed() -> None:
    h = hole("    total = scale(c, ", ")\n    return total\n")
    assert clean_filling("factor)", h) == "factor"


def test_a_name_ending_like_the_next_line_begins_is_not_cut() -> None:
    # `localname` ends `attrlocalname` and begins the next line: no echo of it
    h = hole("        if prefix:\n            a", "\n        localname = str(localname)\n")
    assert clean_filling("ttrlocalname = prefix + attrlocalname", h) == "ttrlocalname = prefix + attrlocalname"
    # a whole echoed line still goes, and so does the rest of a name the cursor stands before
    h = hole("    total = ", "\n    return total\n")
    assert clean_filling("1.0\n    return total", h, shape=None) == "1.0"
    assert clean_filling("scale_factor)", hole("    total = scale(c, the_", "factor)\n")) == "scale_"


def test_the_next_lines_statement_one_block_out_is_the_answers_own() -> None:
    # `for ... else:` whose body is the line that follows the loop too, one block out
    prefix = "    for k in keys:\n        if k:\n            break\n    else:\n        "
    h = hole(prefix, "\n    clean.append(k)\n    return clean\n", kind="block")
    assert clean_filling("clean.append(k)", h) == "clean.append(k)"
    # the same line where it stands is an echo
    h = hole(prefix, "\n        clean.append(k)\n    return clean\n", kind="block")
    assert clean_filling("clean.append(k)", h) == ""


def test_stop_strings_cut_the_answer() -> None:
    assert clean_filling("shapes[0]<EOT>junk", hole("    x = "), stops=("<EOT>",)) == "shapes[0]"


def test_multi_line_body_is_reindented_and_stops_at_the_block_end() -> None:
    h = hole("def f(xs: list[int]) -> int:\n    ", "\n\ndef g() -> None:\n    pass\n", kind="statement")
    assert is_multiline_hole(h)
    assert not is_multiline_hole(hole("def f(xs: list[int]) -> int:\n    ", kind="expression"))
    answer = "total = 0\nfor x in xs:\n    total += x\nreturn total\n\ndef other():\n    pass"
    assert clean_filling(answer, h) == "total = 0\n    for x in xs:\n        total += x\n    return total"


def test_a_bracket_the_suffix_closes_is_not_doubled() -> None:
    h = hole("    return Point(1.0, ", ")\n")
    assert clean_filling("2.0)", h) == "2.0"


def test_open_brackets_keep_a_call_on_several_lines() -> None:
    h = hole("    p = Point(", "\n")
    assert clean_filling("x=1.0,\n        y=2.0,\n    )", h) == "x=1.0,\n        y=2.0,\n    )"


def test_the_closer_of_a_bracket_opened_lines_above_the_hole_stays() -> None:
    # a line of its own inside `[`, which nothing after the hole closes: the answer closes it
    h = hole("def f(ys):\n    xs = [\n        ", "\n    return xs\n", kind="statement")
    answer = "y\n        for y in ys\n    ]\n    return xs"
    assert clean_filling(answer, h) == "y\n        for y in ys\n    ]"
