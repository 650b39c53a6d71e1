"""The prompt plan: never over budget, the most useful sections survive, rendering is pure."""

from __future__ import annotations

from pathlib import Path

import pytest

from completion.errors import BudgetError
from completion.prompt import plan_prompt, render_chat_text
from completion.tokens import count_tokens
from context.api import Analyzer
from context.model import Definition, HoleContext, Location

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "shapes"
GOLDEN = Path(__file__).parent / "golden_chat_prompt.txt"


@pytest.fixture(scope="module")
def hole():  # type: ignore[no-untyped-def]
    return Analyzer(EXAMPLE).hole_context(EXAMPLE / "shapes" / "report.py", 25, 13)


def test_a_budget_below_the_instructions_is_a_clear_error(hole) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BudgetError, match="cannot hold"):
        plan_prompt(hole, 32, render_chat_text, root=str(EXAMPLE))


@pytest.mark.parametrize("budget", [128, 256, 512, 1024, 2048, 4096])
def test_never_exceeds_the_budget(hole, budget: int) -> None:  # type: ignore[no-untyped-def]
    _, text, _ = plan_prompt(hole, budget, render_chat_text, root=str(EXAMPLE))
    assert count_tokens(text) <= budget


def test_small_budget_keeps_the_facts_and_the_expected_type_first(hole) -> None:  # type: ignore[no-untyped-def]
    _plan, text, uses = plan_prompt(hole, 400, render_chat_text, root=str(EXAMPLE))
    assert "Expected type: Point" in text
    included = {u.name for u in uses if u.included}
    assert "facts" in included and "types" in included
    assert "class Point" in text


def test_large_budget_includes_more_code_and_sections(hole) -> None:  # type: ignore[no-untyped-def]
    small, _, _ = plan_prompt(hole, 400, render_chat_text, root=str(EXAMPLE))
    large, _, _ = plan_prompt(hole, 4096, render_chat_text, root=str(EXAMPLE))
    assert len(large.blocks) > len(small.blocks)
    assert len(large.prefix) >= len(small.prefix)


def test_paths_are_relative_to_the_workspace(hole) -> None:  # type: ignore[no-untyped-def]
    _, text, _ = plan_prompt(hole, 2048, render_chat_text, root=str(EXAMPLE))
    assert str(EXAMPLE) not in text
    assert "# shapes/model.py:" in text


def test_golden_rendering(hole) -> None:  # type: ignore[no-untyped-def]
    _, text, _ = plan_prompt(hole, 1024, render_chat_text, root=str(EXAMPLE))
    if not GOLDEN.exists():
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


LEX = REPO / "tests" / "context" / "fixtures" / "lex"


def test_members_of_the_classes_used_near_a_statement_hole_enter_the_prompt() -> None:
    """At the start of a line after ``self.reader.skip()``, the prompt lists what ``Reader`` offers,
    inherited members under the class that defines them."""
    path = LEX / "lex" / "holes_receivers.py"
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if text.strip() == "self.reader.skip()") + 2
    lines[line] = " " * 8  # the statement is not written yet
    hole = Analyzer(LEX).hole_context(path, line, 8, "\n".join(lines))
    assert hole.hole_kind == "statement"
    _, text, _ = plan_prompt(hole, 1024, render_chat_text, root=str(LEX))
    assert count_tokens(text) <= 1024
    reader = text.index("class Reader(BaseReader):")
    base = text.index("class BaseReader:")
    assert "def expect(self, kind: str) -> Token: ..." in text[reader:base]
    assert "def skip(self, count: int = 1) -> None: ..." in text[base:]


def test_an_attribute_holes_receiver_members_are_listed_under_their_classes() -> None:
    path = LEX / "lex" / "holes_receivers.py"
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if text.strip() == 'self.reader.expect("name")')
    hole = Analyzer(LEX).hole_context(path, line, len("        self.reader."))
    _, text, _ = plan_prompt(hole, 1024, render_chat_text, root=str(LEX))
    block = text[text.index("# self.reader: Reader") :]
    assert block.index("class Reader(BaseReader):") < block.index("def expect(")
    assert block.index("class BaseReader:") < block.index("def peek(")


def test_a_long_listing_that_does_not_fit_gives_the_items_that_do() -> None:
    index = "\n".join(["# more of c_ast (pkg.c_ast), used in this file",
                       *(f"class Node{i}(Node): ...  # Node{i}(name, coord=None)" for i in range(60))])
    module = Definition("pkg.c_ast (used in this file)", "module", index, Location("/w/pkg/c_ast.py", 0))
    whole = Definition("pkg.util.helper", "function", "def helper(x: int) -> str: ...", Location("/w/pkg/util.py", 3))
    hole = HoleContext(path="/w/pkg/gen.py", line=3, column=4, hole_kind="statement",
                       prefix="import c_ast\n\ndef gen(n):\n    ", suffix="\n", cross_file=(whole, module))
    _, text, _ = plan_prompt(hole, 700, render_chat_text, root="/w")
    assert count_tokens(text) <= 700
    assert "def helper(x: int) -> str: ..." in text and "class Node0(Node): ..." in text
    assert "class Node59(Node)" not in text  # its head only
    _, roomy, _ = plan_prompt(hole, 4096, render_chat_text, root="/w")
    assert "class Node59(Node)" in roomy
