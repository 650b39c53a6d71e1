"""A definition that a class's member block already shows is not packed a second time, and the
members of the classes used at the hole come before the other definitions used nearby."""

from __future__ import annotations

from completion.prompt import candidate_blocks, plan_prompt, render_chat_text
from context.model import Definition, HoleContext, Location

MEMBERS = (
    "# state: StateBlock\n"
    "class StateBlock(StateBase):\n"
    "    line: int\n"
    "    def getLines(self, begin: int, end: int) -> str: ...\n"
    "    def push(self, ttype: str) -> Token: ..."
)


def _hole() -> HoleContext:
    where = Location("/w/pkg/state_block.py", 10)
    return HoleContext(
        path="/w/pkg/rule.py", line=3, column=4, hole_kind="statement",
        prefix="def rule(state):\n    x = 1\n    y = 2\n    ", suffix="\n",
        nearby_members=(Definition("pkg.state_block.StateBlock", "members", MEMBERS, where, 0.5, "StateBlock"),),
        cross_file=(
            Definition("pkg.util.isSpace", "function", "def isSpace(code: int) -> bool: ...",
                       Location("/w/pkg/util.py", 3)),
            Definition("pkg.state_block.StateBlock.getLines", "method",
                       "class StateBlock:\n    def getLines(self, begin: int, end: int) -> str: ...", where),
        ),
    )


def test_a_member_listed_in_its_class_block_is_not_repeated() -> None:
    _, text, _ = plan_prompt(_hole(), 2048, render_chat_text, root="/w")
    assert text.count("def getLines(") == 1
    assert "def isSpace(code: int)" in text  # not shown otherwise: kept


def test_the_members_of_the_classes_used_at_the_hole_come_before_definitions_used_nearby() -> None:
    token = Definition("pkg.token.Token", "members",
                       "# token: Token\nclass Token:\n    content: str\n    def attrGet(self, name: str) -> str: ...",
                       Location("/w/pkg/token.py", 5), 0.33, "Token")
    hole = _hole()
    hole = HoleContext(**{**hole.__dict__, "nearby_members": (*hole.nearby_members, token)})
    blocks = [b for b in candidate_blocks(hole, "", "/w") if b.section != "facts"]

    def priority(text: str) -> float:
        return next(b.priority for b in blocks if text in b.text)

    assert priority("class Token:") < priority("def isSpace(")  # the second class used at the hole
    assert priority("class StateBlock(") < priority("def isSpace(")
