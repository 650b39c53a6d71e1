"""The built-in checker through the receivers the inference follows: a misspelled member is caught
when the receiver's type is known, and never reported when the class is dynamic, cyclic or too
deep to know."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer
from tests.diagnostics.fixture_format import parse_expectations

WORKSPACE = Path(__file__).parent / "fixtures" / "lex"
CASES = WORKSPACE / "lex" / "check_receivers.py"


def test_misspelled_members_are_caught_through_inferred_receivers() -> None:
    text = CASES.read_text(encoding="utf-8")
    problems = Analyzer(WORKSPACE).diagnose(CASES, text)
    expected = parse_expectations(text)
    assert len([e for e in expected if e.source]) >= 10
    missing = [e for e in expected if e.source and not any(
        p.line == e.line and p.source == e.source and e.fragment in p.message for p in problems)]
    allowed = {e.line for e in expected if e.source}
    unexpected = [f"{p.line + 1}: {p.message}" for p in problems if p.line not in allowed]
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
