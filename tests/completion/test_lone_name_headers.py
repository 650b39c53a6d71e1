"""A line holding a name and a colon only (``esle:``) is a syntax error the built-in check
misses (tree-sitter reads it with the next line as an annotated assignment): the verdict on a
buffer says so, and leaves valid code alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from completion.check import check_text, lone_name_headers
from context.api import Analyzer

MISSPELLED_ELSE = """def f(a):
    if a:
        x = 1
    esle:
        x = None
    return x
"""


def test_a_misspelled_else_is_a_syntax_error_with_a_hint() -> None:
    [found] = lone_name_headers(MISSPELLED_ELSE)
    assert (found.line, found.column, found.end_column) == (3, 4, 9)
    assert found.source == "syntax" and found.severity == "error"
    assert "`esle:` is not a statement; did you mean `else:`?" in found.message


@pytest.mark.parametrize("text", [
    MISSPELLED_ELSE.replace("esle", "else"),  # keywords are statements
    "d = {\n    key:\n        1,\n}\n",  # a dict's key on a line of its own
    'def f():\n    """Usage:\n\n    note:\n        text\n    """\n',  # a docstring
    "match x:\n    case _:\n        pass\n",  # soft keywords
])
def test_valid_code_is_left_alone(text: str) -> None:
    assert lone_name_headers(text) == []


def test_a_line_the_parser_does_not_fail_at_is_left_alone() -> None:
    # the buffer fails elsewhere first: no claim about the name's line
    text = "def f(:\n    pass\n" + MISSPELLED_ELSE
    assert lone_name_headers(text) == []


def test_check_text_adds_it_to_the_built_in_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(MISSPELLED_ELSE.replace("esle", "else"), encoding="utf-8")
    analyzer = Analyzer(tmp_path)
    assert check_text(analyzer, path, path.read_text(encoding="utf-8")) == []
    found = check_text(analyzer, path, MISSPELLED_ELSE)
    assert [d.line for d in found if d.source == "syntax"] == [3]
