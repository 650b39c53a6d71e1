"""Whether a cursor stands inside a comment or a string literal (what the suggestion gate of
suggestInCommentsAndStrings asks), broken code and f-string interpolations included."""

from __future__ import annotations

import pytest

from context.cursor_place import in_comment_or_string

CASES = [
    ("x = 1  # the largest\n", 0, 21, True),  # at the end of a comment
    ("x = 1  # the largest\n", 0, 8, True),  # right after the '#'
    ("x = 1  # the largest\n", 0, 7, False),  # before the '#'
    ('s = "abc"\n', 0, 5, True),  # right after the opening quote
    ('s = "abc"\n', 0, 8, True),  # right before the closing quote
    ('s = "abc"\n', 0, 4, False),  # before the opening quote
    ('s = "abc"\n', 0, 9, False),  # after the closing quote
    ('s = f"a{x}b"\n', 0, 8, False),  # code inside the interpolation
    ('s = f"a{x}b"\n', 0, 11, True),  # string again after it
    ('def f():\n    """doc\n    more"""\n', 2, 4, True),  # a docstring's second line
    ("def f(\n    x,\n", 1, 5, False),  # broken code that is not a string
    ("def f():\n    return 1\n", 1, 11, False),
    ('s = "🐍 ab"\n', 0, 7, True),  # columns in code points, tree-sitter in bytes
    ('s = "🐍"  # café\n', 0, 7, False),  # between the string and the comment
    ('s = "🐍"  # café\n', 0, 14, True),
]


@pytest.mark.parametrize(("text", "line", "column", "inside"), CASES)
def test_comment_or_string_at_the_cursor(text: str, line: int, column: int, inside: bool) -> None:
    assert in_comment_or_string(text, line, column) is inside


def test_a_position_outside_the_text_is_not_inside_anything() -> None:
    assert in_comment_or_string("x = 1\n", 7, 0) is False
