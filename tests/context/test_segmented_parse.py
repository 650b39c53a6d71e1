"""The statement-segmented parse of a buffer equals a parse of the whole, line numbers and
all, and a large class that did not change is not put together again."""

from __future__ import annotations

import ast

import pytest

from context import parsing
from context.parsing import segmented_ast

LARGE_CLASS = (
    "import os\n\n\n"
    "@decorated\n"
    "# a comment between a decorator and its class\n"
    "class Big(Base):\n"
    '    """A class of many members."""\n\n'
    + "".join(
        f"    @property\n    def p{i}(self) -> int:\n        return {i}\n\n"
        f"    def m{i}(self, x: str = 'é😀') -> str:\n"
        f"        if x:\n            return x\n        else:\n            return ''\n\n"
        for i in range(40)
    )
    + "\n\ndef after():\n    try:\n        pass\n    except OSError:\n        pass\n"
    "else_value = 1\n"
    "if True:\n    x = (\n1)\nelse:\n    x = 2\n"
)


def dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


@pytest.mark.parametrize(
    "text",
    [LARGE_CLASS, LARGE_CLASS.replace("@decorated\n#", "#"), LARGE_CLASS.replace("\n", "\r\n")],
)
def test_the_segmented_parse_equals_a_whole_parse(text: str) -> None:
    assert len(text.split("\n")) > parsing.LARGE_CLASS_LINES
    parsed = segmented_ast(text)
    assert not parsed.replaced_lines
    assert dump(parsed.tree) == dump(ast.parse(text))


def test_segments_keep_decorators_continuations_and_brackets_with_their_statement() -> None:
    text = "@d\n\n# c\ndef f():\n    pass\nif x:\n    pass\nelse:\n    pass\nelsewhere = (\n1\n)\ny = 2\n"
    lines = text.split("\n")
    starts = [start for start, _ in parsing._segments(text, lines)]
    # neither "else:" nor (a prefix test, as before) "elsewhere"; "1" in the brackets is joined
    # with the statement above when it does not parse alone
    assert starts == [0, 5, 10, 12]


def test_members_of_a_large_class_are_split_where_each_starts() -> None:
    lines = LARGE_CLASS.split("\n")
    header_end = parsing._class_header_end(lines, 5, len(lines))
    assert header_end == 5
    ranges = parsing._member_ranges(lines, header_end + 1, header_end + 1 + 22)
    # the docstring, then each property with its decorator, then each method
    assert [start for start, _ in ranges] == [6, 8, 12, 18, 22]


def test_shifted_lines_equal_increment_lineno() -> None:
    source = LARGE_CLASS
    expected = ast.increment_lineno(ast.parse(source), 17)
    shifted = ast.parse(source)
    parsing._shift_lines(shifted.body, 17)
    assert dump(shifted) == dump(expected)


def test_an_unchanged_large_class_is_put_together_once() -> None:
    first = segmented_ast(LARGE_CLASS).tree
    edited = LARGE_CLASS.replace("def after():", "def after_edit():")
    second = segmented_ast(edited).tree
    big = [node for node in first.body if isinstance(node, ast.ClassDef)]
    again = [node for node in second.body if isinstance(node, ast.ClassDef)]
    assert big and big[0] is again[0]
    assert dump(second) == dump(ast.parse(edited))


def test_a_large_class_being_edited_is_put_together_once_per_text() -> None:
    segmented_ast(LARGE_CLASS)
    edited = LARGE_CLASS.replace("return 3\n", "return 33\n")  # inside the class
    first = segmented_ast(edited).tree
    second = segmented_ast(edited.replace("def after():", "def after_edit():")).tree
    big = [node for node in first.body if isinstance(node, ast.ClassDef)]
    again = [node for node in second.body if isinstance(node, ast.ClassDef)]
    assert big and big[0] is again[0]
    assert dump(first) == dump(ast.parse(edited))


def test_a_new_text_is_parsed_whole_once_and_an_edit_reparses_one_member(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (  # a text not seen before, its class large enough to be parsed member by member
        LARGE_CLASS.replace("@decorated\n#", "#").replace("import os", "import sys")
        .replace("Big", "Other").replace("after", "later").replace("x = 2", "x = 3")
    )
    parses: list[str] = []
    parse = parsing._parse

    def counted(source: str) -> ast.Module:
        parses.append(source)
        return parse(source)

    monkeypatch.setattr(parsing, "_parse", counted)
    assert dump(segmented_ast(text).tree) == dump(ast.parse(text))
    # one parse of the whole; alone, only the pieces of the statement "x = (" runs across
    assert parses[0] == text and all(len(source) < 40 for source in parses[1:])
    parses.clear()
    edited = text.replace("return 7\n", "return 77\n")
    assert dump(segmented_ast(edited).tree) == dump(ast.parse(edited))
    # of the class: its header and the one member edited, not each of its 80 members
    of_class = [source for source in parses if source.startswith("class ")]
    assert len(of_class) == 2 and "return 77" in of_class[-1]


CSS_CLASS = (
    "class Styled:\n"
    '    """Docstring."""\n\n'
    '    DEFAULT_CSS = """\n'
    + "".join(f"Styled{i} {{\n    color: red;\n}}\n" for i in range(30))
    + '    """\n\n'
    + "".join(f"    def m{i}(self) -> int:\n        return {i}\n\n" for i in range(60))
)


def test_lines_inside_a_triple_quoted_string_start_no_statement_nor_member() -> None:
    lines = CSS_CLASS.split("\n")
    assert parsing._segments(CSS_CLASS, lines) == [(0, len(lines))]  # the class, whole
    css_end = next(i for i, line in enumerate(lines) if line == '    """')
    ranges = parsing._member_ranges(lines, 1, len(lines))
    assert [start for start, _ in ranges][:3] == [1, 3, css_end + 2]  # the CSS is one member
    parsed = segmented_ast(CSS_CLASS + "\nx = 1\n")
    assert dump(parsed.tree) == dump(ast.parse(CSS_CLASS + "\nx = 1\n"))
