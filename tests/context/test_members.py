"""The members of the classes used around a hole: which classes, which members, in which blocks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from context.api import Analyzer
from context.members import FIRST_LIMITS, RECEIVER_LIMITS
from context.model import HoleContext
from context.secrets import with_masked_definitions

LEX = Path(__file__).parent / "fixtures" / "lex"
USE = LEX / "lex" / "scratch_use.py"


def _hole(text: str, marker: str = "<>") -> HoleContext:
    before, _, _ = text.partition(marker)
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return Analyzer(LEX).hole_context(USE, line, column, text.replace(marker, ""))


def _classes(block: str) -> list[str]:
    return [line.split("(")[0].split(":")[0].removeprefix("class ") for line in block.split("\n")
            if line.startswith("class ")]


def test_a_statement_hole_lists_the_members_of_the_receivers_used_above_it() -> None:
    hole = _hole(
        "from lex.env import Environment\n\n\n"
        "def run(env: Environment) -> None:\n"
        "    reader = env.open_reader('x')\n"
        "    reader.skip()\n"
        "    <>\n"
    )
    assert hole.hole_kind == "statement"
    first = hole.nearby_members[0]
    assert first.kind == "members" and first.name == "lex.reader.Reader"
    assert first.text.startswith("# reader: Reader\nclass Reader(BaseReader):")
    assert _classes(first.text) == ["Reader", "BaseReader"]  # inherited members under their class
    assert "    def skip(self, count: int = 1) -> None: ..." in first.text.split("class BaseReader:")[1]


def test_members_the_file_uses_come_first_when_a_class_has_many() -> None:
    hole = _hole(
        "from lex.wide import make_wide\n\n\n"
        "def run() -> None:\n"
        "    w = make_wide()\n"
        "    w.m33()\n"
        "    w.m33()\n"
        "    <>\n"
    )
    blocks = [d for d in hole.nearby_members if d.name.startswith("lex.wide.Wide")]
    first = blocks[0]
    assert first.kind == "members"
    assert "def m33(self) -> int: ..." in first.text  # used twice in the file: kept first
    assert "def m39(self) -> int: ..." not in first.text
    assert sum(line.lstrip().startswith("def ") for line in first.text.split("\n")) == FIRST_LIMITS[0]
    assert [d.kind for d in blocks[1:]] == ["more"] * (len(blocks) - 1)
    assert "# …" in blocks[-1].text  # how many were left out


def test_the_receiver_of_an_attribute_hole_comes_first_in_blocks_of_its_own() -> None:
    hole = _hole(
        "from lex.wide import make_wide\n\n\n"
        "def run() -> None:\n"
        "    make_wide().<>\n"
    )
    kinds = [d.kind for d in hole.nearby_members]
    assert kinds[0] == "receiver" and hole.nearby_members[0].name == "lex.wide.Wide"
    assert kinds[1 : len(RECEIVER_LIMITS)] == ["more"] * (len(RECEIVER_LIMITS) - 1)


def test_classes_of_the_holes_own_file_and_of_the_standard_library_are_left_out() -> None:
    hole = _hole(
        "import pathlib\n"
        "from lex.visitor import Visitor\n\n\n"
        "class Local(Visitor):\n"
        "    def own(self) -> None:\n"
        "        pass\n\n"
        "    def run(self, path: pathlib.Path) -> None:\n"
        "        self.own()\n"
        "        path.exists()\n"
        "        <>\n"
    )
    listed = [c for d in hole.nearby_members for c in _classes(d.text)]
    assert "Visitor" in listed  # inherited from another module
    assert "Local" not in listed and "Path" not in listed


def test_member_blocks_are_masked_like_every_definition() -> None:
    secret = "sk-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"  # a made-up key
    hole = _hole(
        "from lex.env import Environment\n\n\n"
        "def run(env: Environment) -> None:\n"
        "    env.copy()\n"
        "    <>\n"
    )
    assert hole.nearby_members
    leaky = hole.nearby_members[0]
    leaky = dataclasses.replace(leaky, text=leaky.text + f'\n    api_key = "{secret}"')
    masked = with_masked_definitions(dataclasses.replace(hole, nearby_members=(leaky,)))
    assert secret not in masked.nearby_members[0].text


def test_a_local_bound_just_above_and_unused_since_comes_first() -> None:
    hole = _hole(
        "from lex.env import Environment\n"
        "from lex.rules import Parser\n\n\n"
        "def run(env: Environment, parser: Parser) -> None:\n"
        "    env.open_reader('x').skip()\n"
        "    lines = parser.tokenize('t')\n"
        "    env.copy()\n"
        "    <>\n"
    )
    assert hole.nearby_members[0].name == "lex.rules.Lines"
    assert hole.nearby_members[0].text.startswith("# lines: Lines\n")


def test_members_whose_result_fits_the_expected_type_come_first() -> None:
    hole = _hole(
        "from lex.wide import make_wide\n\n\n"
        "def run() -> bytes:\n"
        "    w = make_wide()\n"
        "    w.m33()\n"
        "    return <>\n"
    )
    first = next(d for d in hole.nearby_members if d.name == "lex.wide.Wide")
    assert "def label(self) -> bytes: ..." in first.text


def test_an_override_sees_the_method_it_overrides_first() -> None:
    hole = _hole(
        "from lex.wide import Wide\n\n\n"
        "class Mine(Wide):\n"
        "    def m37(self) -> int:\n"
        "        self.m1()\n"
        "        return <>\n"
    )
    first = hole.nearby_members[0]
    assert first.kind == "members" and first.text.startswith("# self: Mine\n")
    assert "def m37(self) -> int: ..." in first.text.split("class Wide:")[1]


def test_the_fields_of_an_attribute_holes_receiver_have_their_members_shown() -> None:
    hole = _hole(
        "from lex.rules import Parser\n\n\n"
        "def run(parser: Parser) -> None:\n"
        "    parser.<>\n"
    )
    names = [d.name for d in hole.nearby_members if d.kind != "more"]
    assert names[:2] == ["lex.rules.Parser", "lex.rules.Ruler"]  # right after the receiver
    assert hole.nearby_members[names.index("lex.rules.Ruler")].text.startswith("# parser.ruler: ")


def test_a_receiver_is_kept_when_its_line_cannot_be() -> None:
    hole = _hole(
        "from lex.rules import Parser\n\n\n"
        "def run(parser: Parser) -> dict:\n"
        "    return {\n"
        "        'server': (parser.<>\n"
        "        'client': 1,\n"
        "    }\n"
    )
    assert hole.hole_kind == "attribute"
    assert (hole.receiver, hole.receiver_type) == ("parser", "Parser")


def test_private_members_of_another_class_are_shown_when_the_file_reads_them() -> None:
    hole = _hole(
        "from lex.rules import Outcome\n\n\n"
        "def run(outcome: Outcome) -> None:\n"
        "    if outcome._error is None:\n"
        "        outcome.value()\n"
        "    <>\n"
    )
    block = next(d for d in hole.nearby_members if d.name == "lex.rules.Outcome")
    assert "_error: Exception | None" in block.text
    assert "_hidden" not in block.text
