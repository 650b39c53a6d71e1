"""The one scanner of rough Python text: code characters, open brackets, unbalanced ones."""

from __future__ import annotations

import pytest

from context.brackets import STRING, CodeScanner, OpenBrackets, code_of, open_brackets, unbalanced


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("f(a, 'x)')", f"f(a, {STRING})"),
        ('x = "a\\"b(" + y', f"x = {STRING} + y"),
        ("call(  # note (\n  b)", "call(  \n  b)"),
        ('s = """one (\ntwo""" + t', f"s = {STRING} + t"),
        ("x = 'open\ny = (", f"x = {STRING}\ny = ("),  # a one-quote string ends with its line
        ("r = '''", f"r = {STRING}"),
    ],
)
def test_code_characters_skip_strings_and_comments(text: str, code: str) -> None:
    assert code_of(text) == code


def test_a_triple_quoted_string_goes_on_in_the_next_piece() -> None:
    scanner = CodeScanner()
    assert [ch for _, ch in scanner.code('f("""doc (')] == ["f", "(", STRING]
    assert [ch for _, ch in scanner.code('still )""", b)')] == [",", " ", "b", ")"]


def test_open_brackets_carry_their_offsets_across_pieces() -> None:
    brackets = OpenBrackets()
    assert brackets.feed("a = f(x, [1,") == [("(", 5), ("[", 9)]
    assert brackets.feed(" 2]") == [("(", 5)]
    assert brackets.feed("\n  {") == [("(", 5), ("{", 18)]
    assert open_brackets("g(')', \"]\")") == []
    assert open_brackets("h(1))") == []  # a closer of nothing is left out


def test_unbalanced_lists_stray_closers_and_unclosed_openers_in_order() -> None:
    assert unbalanced("a(b[c)]") == ["(", "[", ")", "]"]
    assert unbalanced("x)") == [")"]
    assert unbalanced("f('(', {") == ["(", "{"]
    assert unbalanced("ok(1) # )") == []
