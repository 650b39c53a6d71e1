"""Checking candidate fillings: which problems a candidate introduced, and a compact report of
them for the model's next round.

    before = check_text(analyzer, path, buffer)
    after = check_text(analyzer, path, splice(buffer, start, end, filling))
    introduced = new_problems(before, after, start_line, old_line_count, new_line_count)
    report = render_error_report(introduced, filling, path, start_line=..., start_column=...)

Lines and columns are 0-based code points, as everywhere inside holepilot.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from completion.model import Diagnostic
from context.api import Analyzer
from context.model import Problem

MAX_REPORTED = 8
MAX_SNIPPET = 120


def to_diagnostic(problem: Problem) -> Diagnostic:
    return Diagnostic(
        line=problem.line,
        column=problem.column,
        end_line=problem.end_line,
        end_column=problem.end_column,
        severity=problem.severity,
        message=problem.message,
        source=problem.source,
        code=problem.code,
    )


def check_text(analyzer: Analyzer, path: str | Path, text: str | None = None) -> list[Diagnostic]:
    """The built-in diagnostics of a buffer (the file's text when ``text`` is None)."""
    return [to_diagnostic(p) for p in analyzer.diagnose(path, text)]


def splice(text: str, start_offset: int, end_offset: int, filling: str) -> str:
    """``text`` with the code points ``[start_offset, end_offset)`` replaced by ``filling``."""
    if not 0 <= start_offset <= end_offset <= len(text):
        raise ValueError(f"bad splice range {start_offset}..{end_offset} for a text of {len(text)} characters")
    return text[:start_offset] + filling + text[end_offset:]


def _shifted_line(line: int, edit_start_line: int, old_line_count: int, new_line_count: int) -> int | None:
    """Where a line of the old text is after the edit; None when the edit replaced it."""
    if line < edit_start_line:
        return line
    if line >= edit_start_line + old_line_count:
        return line + new_line_count - old_line_count
    return None


def new_problems(before: list[Diagnostic], after: list[Diagnostic], edit_start_line: int,
                 old_line_count: int, new_line_count: int) -> list[Diagnostic]:
    """The problems of ``after`` that ``before`` did not have.

    The edit replaced lines ``[edit_start_line, edit_start_line + old_line_count)`` of the old
    text by ``new_line_count`` lines. Problems outside the edit match by message and shifted line;
    problems inside it match by message only (the same problem on a line the edit rewrote).
    """
    outside: Counter[tuple[str, int]] = Counter()
    inside: Counter[str] = Counter()
    for d in before:
        shifted = _shifted_line(d.line, edit_start_line, old_line_count, new_line_count)
        if shifted is None:
            inside[d.message] += 1
        else:
            outside[(d.message, shifted)] += 1
    out: list[Diagnostic] = []
    for d in after:
        in_edit = edit_start_line <= d.line < edit_start_line + new_line_count
        if outside[(d.message, d.line)] > 0:
            outside[(d.message, d.line)] -= 1
        elif in_edit and inside[d.message] > 0:
            inside[d.message] -= 1
        else:
            out.append(d)
    return out


def _relative(d: Diagnostic, start_line: int, start_column: int, line_count: int) -> tuple[int, int] | None:
    """1-based (line, column) of a problem inside the filling; None when it lies outside."""
    line = d.line - start_line
    if not 0 <= line < line_count:
        return None
    column = d.column - start_column if line == 0 else d.column
    return line + 1, max(column, 0) + 1


def _snippet(filling_lines: list[str], d: Diagnostic, start_line: int, start_column: int) -> list[str]:
    index = d.line - start_line
    text = filling_lines[index]
    column = d.column - start_column if index == 0 else d.column
    end = d.end_column - start_column if index == 0 else d.end_column
    if d.end_line != d.line:
        end = len(text)
    column = max(0, min(column, len(text)))
    end = max(column + 1, min(end, len(text)))
    if len(text) > MAX_SNIPPET:
        return [f"    {text[:MAX_SNIPPET]}..."]
    return [f"    {text}", "    " + " " * column + "^" * (end - column)]


def render_error_report(problems: list[Diagnostic], filling: str, path: str, *, start_line: int | None = None,
                        start_column: int = 0) -> str:
    """A compact report for the model: each problem with its message and where it is.

    With ``start_line``/``start_column`` (where the filling starts in the document, 0-based) a
    problem inside the filling gets its line:column relative to the filling (1-based) and the
    offending line with a marker under its span; without them, its line:column in the file."""
    if not problems:
        return ""
    lines = filling.split("\n")
    shown = problems[:MAX_REPORTED]
    count = len(problems)
    out = [f"Your code for {Path(path).name} has {count} problem{'s' if count != 1 else ''}:"]
    for d in shown:
        where = _relative(d, start_line, start_column, len(lines)) if start_line is not None else None
        if where is None:
            out.append(f"- line {d.line + 1}:{d.column + 1} of the file: {d.message}")
            continue
        out.append(f"- {where[0]}:{where[1]} {d.message}")
        out.extend(_snippet(lines, d, start_line or 0, start_column))
    if count > len(shown):
        out.append(f"- ... and {count - len(shown)} more")
    return "\n".join(out)


__all__ = ["check_text", "new_problems", "render_error_report", "splice", "to_diagnostic"]
