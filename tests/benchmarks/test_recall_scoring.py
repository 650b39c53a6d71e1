"""The header rule for members: under its class, in a members block, marked, or qualified."""

from __future__ import annotations

from benchmarks.recall_index import Definition
from benchmarks.recall_scoring import PromptLines, appears, hits

EXPECT = Definition("pkg/readers.py", "Reader.expect", 7, "method")
DONE = Definition("pkg/readers.py", "Reader.done", 11, "property")
LIMIT = Definition("pkg/readers.py", "Reader.limit", 2, "attribute")
VISIT = Definition("pkg/base.py", "Visitor.visit", 2, "method")
INNER = Definition("pkg/a.py", "Outer.Inner.run", 9, "method")


def test_members_under_their_class_block() -> None:
    prompt = (
        "```python\n"
        "class Reader(Base):\n"
        '    """Reads."""\n'
        "    limit: int = 3\n"
        "\n"
        "    @property\n"
        "    def done(self) -> bool: ...\n"
        "    async def expect(self, token: str) -> bool: ...\n"
        "```\n"
    )
    assert appears(prompt, EXPECT) and appears(prompt, DONE) and appears(prompt, LIMIT)


def test_a_member_under_another_class_or_after_the_block_does_not_count() -> None:
    other_class = "class Writer:\n    def expect(self, token: str) -> bool: ...\n"
    assert not appears(other_class, EXPECT)
    after_block = "class Reader:\n    ...\ndef expect(self, token: str) -> bool: ...\n"
    assert not appears(after_block, EXPECT)
    fenced_off = "class Reader:\n```\n```python\n    def expect(self): ...\n"
    assert not appears(fenced_off, EXPECT)


def test_the_engines_members_block_counts_until_a_blank_line() -> None:
    prompt = (
        "# members of self.reader: Reader | None\n"
        "limit: int\n"
        "done: bool\n"
        "def expect(self, token: str) -> bool: ...\n"
        "\n"
        "def visit(self, node: object) -> None: ...\n"
    )
    assert appears(prompt, LIMIT) and appears(prompt, DONE) and appears(prompt, EXPECT)
    assert not appears(prompt, VISIT)  # after the blank line: no class heads it


def test_an_inherited_member_counts_under_its_own_class_or_marked_with_it() -> None:
    under_subclass = "class Parser(Visitor):\n    def visit(self, node: object) -> None: ...\n"
    assert not appears(under_subclass, VISIT)
    members_of_subclass = "# members of self: Parser\ndef visit(self, node: object) -> None: ...\n"
    assert not appears(members_of_subclass, VISIT)
    marked = "# members of self: Parser\ndef visit(self, node: object) -> None: ...  # Visitor\n"
    assert appears(marked, VISIT)
    marked_anywhere = "def visit(self, node: object) -> None: ...  # from Visitor\n"
    assert appears(marked_anywhere, VISIT)
    in_a_string = "def visit(self, node='# Visitor') -> None: ...\n"
    assert not appears(in_a_string, VISIT)


def test_qualified_forms() -> None:
    assert appears("def Reader.expect(self, token: str) -> bool\n", EXPECT)
    assert appears("  async def pkg.readers.Reader.expect(token: str) -> bool\n", EXPECT)
    assert appears("Reader.limit: int\n", LIMIT)
    assert appears("Reader.done: bool\n", DONE)
    assert not appears("Reader.expect('x')\n", EXPECT)  # a call, not a signature
    assert not appears("x = Reader.expect\n", EXPECT)
    assert not appears("def ReaderX.expect(self): ...\n", EXPECT)


def test_signatures_by_kind() -> None:
    block = "class Reader:\n"
    assert appears(block + "    expect(token: str) -> bool\n", EXPECT)
    assert not appears(block + "    expect: Callable[[str], bool]\n", EXPECT)
    assert appears(block + "    limit = 3\n", LIMIT)
    assert not appears(block + "    limit == 3\n", LIMIT)
    assert not appears(block + "    limits: int\n", LIMIT)
    assert not appears(block + "    done(self)\n", DONE)


def test_nested_class_members_and_top_level_definitions() -> None:
    prompt = "class Outer:\n    class Inner:\n        def run(self) -> None: ...\n"
    assert appears(prompt, INNER)
    assert appears(prompt, Definition("pkg/a.py", "Outer.Inner", 8, "class"))
    assert appears(
        "def open_reader(text: str) -> Reader: ...\n", Definition("p.py", "open_reader", 1)
    )
    # A top-level function does not need a class: any header of its name counts, as before.
    assert appears(
        "class X:\n    def open_reader(self): ...\n", Definition("p.py", "open_reader", 1)
    )


def test_hits_reads_the_prompt_once_for_all_definitions() -> None:
    lines = PromptLines("class Reader:\n    limit: int\n")
    assert [line.owners for line in lines.lines] == [frozenset(), frozenset({"Reader"})]
    assert hits("class Reader:\n    limit: int\n", [LIMIT, EXPECT]) == [True, False]
    assert hits("anything", []) == []
