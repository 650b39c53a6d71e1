"""The completion layer's view of checking: new problems across an edit, splicing, the report."""

from __future__ import annotations

import pytest

from completion.check import check_text, new_problems, render_error_report, splice, to_diagnostic
from completion.model import Diagnostic
from context.api import Analyzer
from context.model import Problem
from tests.diagnostics.conftest import FIXTURES


def diag(line: int, message: str, column: int = 0, end_column: int = 1) -> Diagnostic:
    return Diagnostic(line, column, line, end_column, "error", message, "names")


def test_to_diagnostic_keeps_every_field() -> None:
    problem = Problem(3, 4, 3, 9, "error", "undefined name 'x'", "names", "undefined-name")
    d = to_diagnostic(problem)
    assert (d.line, d.column, d.end_line, d.end_column, d.severity, d.message, d.source, d.code) == (
        3, 4, 3, 9, "error", "undefined name 'x'", "names", "undefined-name")


def test_splice_replaces_a_range_and_rejects_bad_ones() -> None:
    assert splice("total = ...\n", 8, 11, "a + b") == "total = a + b\n"
    assert splice("héllo😀", 6, 6, "!") == "héllo😀!"
    with pytest.raises(ValueError):
        splice("abc", 2, 1, "x")


def test_problems_below_the_edit_are_matched_after_shifting() -> None:
    before = [diag(1, "a"), diag(10, "b")]
    after = [diag(1, "a"), diag(12, "b"), diag(5, "c")]
    # lines 4..4 (one line) became three lines: everything below moves down by two
    assert new_problems(before, after, 4, 1, 3) == [diag(5, "c")]


def test_a_problem_that_moved_without_the_edit_moving_it_is_new() -> None:
    before = [diag(10, "b")]
    after = [diag(10, "b")]  # the edit added two lines above it: it should be at 12
    assert new_problems(before, after, 4, 1, 3) == [diag(10, "b")]


def test_problems_inside_the_edit_match_by_message() -> None:
    before = [diag(4, "syntax error: invalid syntax"), diag(4, "undefined name 'q'")]
    after = [diag(5, "undefined name 'q'"), diag(4, "undefined name 'z'")]
    assert new_problems(before, after, 4, 1, 2) == [diag(4, "undefined name 'z'")]


def test_duplicates_are_counted() -> None:
    before = [diag(1, "a")]
    after = [diag(1, "a"), diag(1, "a")]
    assert new_problems(before, after, 5, 1, 1) == [diag(1, "a")]


def test_report_positions_are_relative_to_the_filling() -> None:
    filling = "area(shapez)\nprint(totl)"
    problems = [diag(7, "undefined name 'shapez'", column=13, end_column=19),
                diag(8, "undefined name 'totl'", column=6, end_column=10)]
    report = render_error_report(problems, filling, "/w/geo.py", start_line=7, start_column=8)
    lines = report.split("\n")
    assert lines[0] == "Your code for geo.py has 2 problems:"
    assert lines[1] == "- 1:6 undefined name 'shapez'"
    assert lines[2] == "    area(shapez)"
    assert lines[3] == "         ^^^^^^"
    assert lines[4] == "- 2:7 undefined name 'totl'"
    assert lines[6] == "          ^^^^"


def test_report_without_the_filling_position_uses_file_positions() -> None:
    report = render_error_report([diag(7, "undefined name 'x'", column=2)], "x", "geo.py")
    assert "line 8:3 of the file: undefined name 'x'" in report
    assert render_error_report([], "x", "geo.py") == ""


def test_check_text_and_new_problems_on_a_real_filling() -> None:
    analyzer = Analyzer(FIXTURES)
    path = FIXTURES / "filling_case.py"
    buffer = "from shapes import Circle, Point\n\nc = Circle(Point(0, 0), 1.0)\nr = \nprint(r)\n"
    start = buffer.index("r = ") + 4
    before = check_text(analyzer, path, buffer)
    good = check_text(analyzer, path, splice(buffer, start, start, "c.radius"))
    bad = check_text(analyzer, path, splice(buffer, start, start, "c.radious"))
    assert new_problems(before, good, 3, 1, 1) == []
    introduced = new_problems(before, bad, 3, 1, 1)
    assert [d.message for d in introduced] == ["'Circle' has no attribute 'radious' (did you mean 'radius'?)"]
    assert (introduced[0].line, introduced[0].column) == (3, 6)
