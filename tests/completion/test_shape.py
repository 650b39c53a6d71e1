"""The shape of a suggestion follows the hole: one line inside a line, balanced brackets, a
block after an opener; a streamed answer is complete exactly when cleaning would cut it."""

from __future__ import annotations

import dataclasses

import pytest

from completion.postprocess import answer_complete, clean_filling
from completion.settings import Settings, parse_settings
from completion.shape import Shape, inline_end, shape_for, statement_window
from context.model import HoleContext

SETTINGS = Settings()


def hole(prefix: str, suffix: str = "\n", kind: str = "expression") -> HoleContext:
    return HoleContext(path="m.py", line=prefix.count("\n"), column=len(prefix) - prefix.rfind("\n") - 1,
                       hole_kind=kind, prefix=prefix, suffix=suffix)  # type: ignore[arg-type]


BODY = "def total(xs: list[int]) -> int:\n    "
AFTER = "\n\nprint(total([1]))\n"


@pytest.mark.parametrize("prefix,suffix,kind,expected,reason", [
    ("    best = ", "\n", "expression", "line", "an expression inside a line"),
    ("    if s.area() > ", ":\n", "expression", "line", "an expression inside a line"),
    ("    r.", "\n", "attribute", "line", "an attribute inside a line"),
    ("    grown.append(scale(c, ", "))\n", "argument", "brackets",
     "inside `(`, which the code after the hole closes"),
    ("    p = Point(", "\n    return p\n", "argument", "brackets",
     "after `(`, which nothing after the hole closes"),
    ("    values = [\n        1,\n        ", "\n    ]\n", "expression", "brackets",
     "inside `[`, which the code after the hole closes"),
    (BODY, AFTER, "statement", "block", "an empty line after the block opener `def total(xs: list[int]) -> int:`"),
    ("    for x in xs:  # each\n        ", "\n    return 0\n", "statement", "block",
     "an empty line after the block opener `for x in xs:  # each`"),
    ("    total = 0\n    ", "\n    return total\n", "statement", "statement",
     "an empty line between statements"),
    # an empty line inside brackets goes on their statement
    ("    xs = [\n        ", "\n    return xs\n", "statement", "brackets",
     "after `[`, which nothing after the hole closes"),
])
def test_the_hole_decides_the_shape(prefix: str, suffix: str, kind: str, expected: str, reason: str) -> None:
    shape = shape_for(hole(prefix, suffix, kind), SETTINGS)
    assert (shape.kind, shape.reason) == (expected, reason)


def test_limits_come_from_the_settings_and_the_overall_cap() -> None:
    settings = dataclasses.replace(SETTINGS, line_max_tokens=20, brackets_max_tokens=70,
                                   block_max_tokens=300, block_max_lines=5, max_tokens=256)
    assert shape_for(hole("    x = "), settings).max_tokens == 20
    assert shape_for(hole("    p = Point(", "\n"), settings).max_tokens == 70
    block = shape_for(hole(BODY, AFTER, "statement"), settings)
    assert (block.max_tokens, block.max_lines) == (256, 5), "max_tokens caps every shape"


def test_newline_stops_only_where_a_newline_ends_the_suggestion() -> None:
    assert shape_for(hole("    x = "), SETTINGS).stops == ("\n",)
    assert shape_for(hole("    f(", ")\n"), SETTINGS).stops == ("\n",)
    assert shape_for(hole("    p = Point(", "\n"), SETTINGS).stops == ()
    assert shape_for(hole(BODY, AFTER, "statement"), SETTINGS).stops == ()
    assert shape_for(hole("    x = "), SETTINGS, continuation=False).stops == (), "chat answers may open with a fence"


def test_out_of_range_limits_are_reported_and_replaced() -> None:
    settings, warnings = parse_settings({"lineMaxTokens": 0, "blockMaxLines": 10_000, "bracketsMaxTokens": "x",
                                         "blockMaxTokens": 512})
    assert (settings.line_max_tokens, settings.block_max_lines, settings.brackets_max_tokens) == (48, 24, 128)
    assert settings.block_max_tokens == 512
    assert len(warnings) == 3 and all("using" in w for w in warnings)


@pytest.mark.parametrize("code,closes,end", [
    ("shapes[0]\nprint(1)", 0, 9),
    ("\n\nshapes[0]\nmore", 0, 11),  # newlines before any code do not end it
    ("factor), 2)\n", 0, 6),  # a closer it did not open
    ("f(a,\n  b)\nnext", 0, 9),  # its own brackets may span lines
    ("x=1.0,\n    y=2.0,\n)\nprint(p)", 1, 19),
    ("'a)b' + c)", 0, 9),  # brackets in strings do not count
    ("x  # note (\n", 0, 11),
    ("shapes[0", 0, None),
])
def test_inline_end(code: str, closes: int, end: int | None) -> None:
    assert inline_end(code, closes) == end


TABLE = 'PINNED = {\n    spec.name: spec\n    for spec in (\n        Spec("httpx", "0.28.1", ("httpx",)),\n        Spec("rich", '
CALL = "    result = call(\n        first,\n        other(a, "


@pytest.mark.parametrize("prefix,suffix,closes,reason", [
    (TABLE, "\n    )\n}\n", 1, "after `(` inside `(`, which the code after the hole closes"),
    (CALL, "\n    )\n", 1, "after `(` inside `(`, which the code after the hole closes"),
    ("    x = {\n        'a': f(", "\n    }\n", 1, "after `(` inside `{`, which the code after the hole closes"),
    ("    x = f(g(", "))\n", 0, "inside `(`, which the code after the hole closes"),
    ("    values = [\n        1,\n        ", "\n    ]\n", 0, "inside `[`, which the code after the hole closes"),
])
def test_a_closer_lined_up_with_an_outer_bracket_leaves_the_inner_ones_to_the_answer(
        prefix: str, suffix: str, closes: int, reason: str) -> None:
    """The code after the hole closes the bracket whose line its closer lines up with: the
    brackets opened inside it are the answer's to close, on the line it writes."""
    at = hole(prefix, suffix, "argument")
    shape = shape_for(at, SETTINGS)
    assert (shape.kind, shape.closes, shape.reason) == ("brackets", closes, reason)
    if prefix == TABLE:
        answer = '"13.9.4", ("rich",)),\n        Spec("textual", "0.89.1", ("textual",)),\n'
        assert clean_filling(answer, at, shape=shape) == '"13.9.4", ("rich",)),'
        assert answer_complete(answer[: answer.index("\n") + 1], at, shape)
        assert not answer_complete('"13.9.4", ("rich",))', at, shape)


def test_block_ends_where_the_code_dedents_below_it() -> None:
    shape = shape_for(hole(BODY, AFTER, "statement"), SETTINGS)
    answer = "total = 0\n    for x in xs:\n        total += x\n    return total\nprint(total([2]))\n"
    assert shape.end(answer) == answer.index("\nprint")
    assert shape.end("total = 0\n    for x in xs:\n") is None


@pytest.mark.parametrize("continuation", [True, False])
def test_a_statement_ends_with_its_line_or_with_the_block_it_opens(continuation: bool) -> None:
    at = hole("def f(xs):\n    total = 0\n    ", "\n    return total\n", "statement")
    shape = shape_for(at, SETTINGS, continuation=continuation)
    assert shape.stops == () and shape.max_tokens == 256
    assert shape.end("total += 1\n    more = 2\n") == len("total += 1")
    # A completion model continues the buffer; a chat model's snippet starts at column 0.
    body, after = (("for x in xs:\n        total += x\n", "    return total\n") if continuation
                   else ("for x in xs:\n    total += x\n", "return total\n"))
    assert shape.end(body + after) == len(body) - 1
    assert shape.end(body) is None, "the body may go on"
    filled = clean_filling(body + after, at, shape=shape)
    assert filled == "for x in xs:\n        total += x"


def test_block_ends_before_a_new_definition_and_after_its_line_limit() -> None:
    shape = shape_for(hole("class A:\n    ", "\n", "statement"), SETTINGS)
    answer = "def f(self):\n        return 1\n\n    def g(self):\n        return 2\n"
    assert answer[: shape.end(answer)].rstrip() == "def f(self):\n        return 1"
    short = dataclasses.replace(shape, max_lines=2)
    assert short.end("a = 1\n    b = 2\n    c = 3\n") == len("a = 1\n    b = 2")


# (hole, answer, whether a snippet reading of it ends before its end too)
ANSWERS = [
    (hole("    best: Shape = "), "shapes[0]\n    return best\n\ndef other():\n    pass\n", True),
    (hole("    best: Shape = "), "best: Shape = shapes[0]  # the first\nreturn best\n", True),
    (hole("    total = scale(c, ", ")\n"), "factor)\n    return total\n", True),
    (hole("    p = Point(", "\n    return p\n", "argument"), "x=1.0,\n        y=2.0,\n    )\n    return p\n", True),
    # Indented as a continuation: read as a snippet, nothing in it dedents below its first line.
    (hole(BODY, AFTER, "statement"), "total = 0\n    for x in xs:\n        total += x\n    return total\n\nprint(0)\n", False),
    (hole(BODY, AFTER, "statement"), "\n    return sum(xs)\n\n\ndef other() -> None:\n    pass\n", True),
    (hole("    x = "), "```python\nshapes[0]\n```\nExplanation: the first shape.\n", True),
    (hole("    x = "), "shapes[0]<|endoftext|>junk\nmore\n", True),
    (hole("    x = "), "Here is the code:\nshapes[0]\nmore\n", True),
    (hole("    total = 0\n    ", "\n    return total\n", "statement"),
     "for x in xs:\n        total += x\n    return total\n", False),
    (hole("    total = 0\n    ", "\n    return total\n", "statement"), "total += 1\nreturn total\n", True),
]


@pytest.mark.parametrize("continuation", [True, False])
@pytest.mark.parametrize("case", range(len(ANSWERS)))
def test_a_stream_is_complete_exactly_when_more_would_be_cut(case: int, continuation: bool) -> None:
    """Reading stops at the first point where the answer is complete; what the rest would
    have added is what cleaning cuts anyway."""
    at, answer, snippet_ends = ANSWERS[case]
    shape = shape_for(at, SETTINGS, continuation=continuation)
    stops = ("<|endoftext|>",)
    whole = clean_filling(answer, at, stops=stops, shape=shape)
    complete = [size for size in range(len(answer) + 1) if answer_complete(answer[:size], at, shape, stops=stops)]
    for size in complete:
        assert clean_filling(answer[:size], at, stops=stops, shape=shape) == whole, answer[:size]
    if continuation or snippet_ends:
        assert complete and complete[0] < len(answer), "a complete answer leaves the rest unread"


def test_a_completion_models_block_keeps_its_indentation() -> None:
    """A completion model continues the buffer: its later lines are already indented."""
    at = hole(BODY, AFTER, "statement")
    answer = "total = 0\n    for x in xs:\n        total += x\n    return total\nprint(1)"
    continued = clean_filling(answer, at, shape=shape_for(at, SETTINGS, continuation=True))
    assert continued == "total = 0\n    for x in xs:\n        total += x\n    return total"
    snippet = "total = 0\nfor x in xs:\n    total += x\nreturn total"
    assert clean_filling(snippet, at, shape=shape_for(at, SETTINGS, continuation=False)) == continued


def test_describe_names_kind_reason_and_limit() -> None:
    shape = Shape("line", "an expression inside a line", 48)
    assert shape.describe() == "line (an expression inside a line; at most 48 tokens)"


def test_the_statement_window_starts_at_a_definition_when_no_line_is_at_the_top_level() -> None:
    # a long method: no line within reach starts at column 0, and the docstring's apostrophe
    # must not be taken for a string's start
    prefix = ("class A:\n    def f(self, xs):\n        \"\"\"The widget's items.\"\"\"\n"
              + "        x = 1\n" * 60 + "        y = g(\n            xs,\n            ")
    assert statement_window(prefix).startswith("    def f(self, xs):")
    shape = shape_for(hole(prefix, "\n        return y\n", "statement"), SETTINGS)
    assert (shape.kind, shape.closes) == ("brackets", 1)
