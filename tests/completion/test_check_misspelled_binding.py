"""A misspelled new name: valid code on its own line, but the code below reads the name it was
meant to be, which nothing defines — the built-in checker's hint there now points at the new
name, and the verdict charges the filling for it."""

from __future__ import annotations

from pathlib import Path

from completion.check import Edit, check_text, introduced
from context.api import Analyzer

BUFFER = '''def span(text, pos):
    end = pos + 4
    {hole}
    return text[start:end]
'''


def _charged(tmp_path: Path, filling: str) -> list[str]:
    before = BUFFER.format(hole="")
    start = before.index("    \n") + 4
    after = before[:start] + filling + before[start:]
    path = tmp_path / "span.py"
    path.write_text(before, encoding="utf-8")
    analyzer = Analyzer(tmp_path)
    edit = Edit.of(before, start, start, filling)
    return [d.message for d in introduced(check_text(analyzer, path, before), check_text(analyzer, path, after), edit)]


def test_a_new_name_one_letter_off_the_undefined_name_below_is_charged(tmp_path: Path) -> None:
    assert _charged(tmp_path, "stat = pos + 1") == ["'stat' looks misspelled: line 4 has undefined name 'start'"]


def test_a_slip_the_built_in_checker_names_already_is_charged_once(tmp_path: Path) -> None:
    assert _charged(tmp_path, "statr = pos + 1") == [
        "'statr' looks misspelled: nothing reads it and no code knows it; did you mean 'start'?"]


def test_the_right_name_or_an_unrelated_one_is_not(tmp_path: Path) -> None:
    assert _charged(tmp_path, "start = pos + 1") == []
    assert _charged(tmp_path, "width = pos + 1") == []  # the code below is as wrong as before
