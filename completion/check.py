"""Checking fillings: diagnostics of a buffer, the problems a filling introduced, and the
error report a model is re-prompted with."""

from __future__ import annotations

from pathlib import Path

from completion.model import Diagnostic
from context.api import Analyzer
from context.model import Problem


def to_diagnostic(problem: Problem) -> Diagnostic:
    return Diagnostic(problem.line, problem.column, problem.end_line, problem.end_column, problem.severity,
                      problem.message, problem.source, problem.code)


def check_text(analyzer: Analyzer, path: Path | str, text: str) -> list[Diagnostic]:
    return [to_diagnostic(p) for p in analyzer.diagnose(path, text)]


def splice(text: str, start: int, end: int, filling: str) -> str:
    return text[:start] + filling + text[end:]


def new_problems(before: list[Diagnostic], after: list[Diagnostic], edit_start_line: int,
                 old_line_count: int, new_line_count: int) -> list[Diagnostic]:
    """Problems in ``after`` that were not in ``before`` (lines after the edit shifted back)."""
    shift = new_line_count - old_line_count
    seen = {(d.message, d.line) for d in before}
    out = []
    for d in after:
        line = d.line - shift if d.line >= edit_start_line + new_line_count else d.line
        if (d.message, line) not in seen:
            out.append(d)
    return out


def render_error_report(problems: list[Diagnostic], filling: str, path: str) -> str:
    lines = [f"The code you proposed for the hole, `{filling.strip()[:200]}`, has these problems:"]
    for d in problems:
        lines.append(f"- {Path(path).name}:{d.line + 1}:{d.column + 1}: {d.message} [{d.source}]")
    lines.append("Answer again with a corrected filling only.")
    return "\n".join(lines)
