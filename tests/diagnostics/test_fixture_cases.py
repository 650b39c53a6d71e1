"""Each case file under ``cases/`` is checked as a module of the fixture workspace; the comments
in it say which problem each line must have, or that it must have none."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.api import Analyzer
from context.model import Diagnostic
from tests.diagnostics.conftest import CASES, FIXTURES
from tests.diagnostics.fixture_format import Expected, parse_expectations

CASE_FILES = sorted(CASES.glob("*.txt"))


def _matches(problem: Diagnostic, expected: Expected) -> bool:
    return (problem.line == expected.line and problem.source == expected.source
            and expected.fragment in problem.message
            and (expected.column is None or problem.column == expected.column))


def _describe(problems: list[Diagnostic]) -> str:
    return "\n".join(f"  {p.line + 1}:{p.column} [{p.source}] {p.message}" for p in problems) or "  (none)"


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_file(analyzer: Analyzer, case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    problems = analyzer.diagnose(FIXTURES / f"{case.stem}_case.py", text)
    expectations = parse_expectations(text)
    missing = [e for e in expectations if e.source and not any(_matches(p, e) for p in problems)]
    expected_lines = {e.line for e in expectations if e.source}
    unexpected = [p for p in problems if p.line not in expected_lines]
    assert not missing and not unexpected, (
        f"missing: {missing}\nunexpected:\n{_describe(unexpected)}\nall problems:\n{_describe(problems)}")


def test_case_files_hold_expectations() -> None:
    for case in CASE_FILES:
        assert parse_expectations(case.read_text(encoding="utf-8")), case.name
