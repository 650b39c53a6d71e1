"""Receivers the index cannot follow are asked of jedi: within a time cap, and kept when late."""

from __future__ import annotations

from pathlib import Path

import pytest

from context import jedi_types
from context.api import Analyzer
from context.model import HoleContext

LEX = Path(__file__).parent / "fixtures" / "lex"
USE = LEX / "lex" / "scratch_use.py"
COPIED = (
    "import copy\n"
    "from lex.reader import Reader\n\n\n"
    "def run(r: Reader) -> None:\n"
    "    c = copy.copy(r)\n"
    "    c.<>\n"
)


def _hole(analyzer: Analyzer, text: str, marker: str = "<>") -> HoleContext:
    before, _, _ = text.partition(marker)
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return analyzer.hole_context(USE, line, column, text.replace(marker, ""))


def test_a_late_answer_of_jedi_is_noted_then_used_by_the_next_request() -> None:
    analyzer = Analyzer(LEX, jedi_cap_s=0.0)  # never waits: the first answer is always late
    first = _hole(analyzer, COPIED)
    assert first.receiver_type == "_T"  # the index's answer: a type variable it cannot bind
    assert first.notes == ("the type of `c` was asked of jedi: jedi did not answer within 0 ms",)
    assert analyzer.jedi is not None and analyzer.jedi.settle(120.0)
    second = _hole(analyzer, COPIED.replace("    c.<>", "    c.sk<>"))  # typed on: same place
    assert (second.receiver_type, second.notes) == ("Reader", ())
    assert second.nearby_members[0].kind == "receiver"
    assert "def skip(self, count: int = 1) -> None: ..." in second.nearby_members[0].text


def test_without_jedi_the_index_answers_alone() -> None:
    hole = _hole(Analyzer(LEX, jedi_cap_s=None), COPIED)
    assert (hole.receiver_type, hole.notes) == ("_T", ())


def test_receivers_the_index_follows_are_not_asked_of_jedi() -> None:
    analyzer = Analyzer(LEX, jedi_cap_s=0.0)
    hole = _hole(analyzer, "from lex.reader import Reader\n\n\ndef run(r: Reader) -> None:\n    r.<>\n")
    assert hole.receiver_type == "Reader" and hole.notes == ()
    assert analyzer.jedi is not None and analyzer.jedi.asked == 0


def test_receivers_used_near_a_statement_hole_take_jedi_answers_kept_from_before() -> None:
    analyzer = Analyzer(LEX, jedi_cap_s=0.0)
    text = (
        "import copy\n"
        "from lex.reader import Reader\n\n\n"
        "def run(r: Reader) -> None:\n"
        "    c = copy.copy(r)\n"
        "    c.skip()\n"
        "    <>\n"
    )
    first = _hole(analyzer, text)
    assert not any(d.text.startswith("# c: ") for d in first.nearby_members)
    assert analyzer.jedi is not None and analyzer.jedi.asked == 1 and analyzer.jedi.settle(120.0)
    second = _hole(analyzer, text)
    assert second.nearby_members[0].text.startswith("# c: Reader\nclass Reader(BaseReader):")


def test_a_worker_that_cannot_start_leaves_the_index_answer_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jedi_types.sys, "executable", str(LEX / "no-such-python"))
    analyzer = Analyzer(LEX, jedi_cap_s=1.0)
    hole = _hole(analyzer, COPIED)
    assert hole.receiver_type == "_T"
    assert hole.notes == ("the type of `c` was asked of jedi: jedi could not be started (1 tries)",)
