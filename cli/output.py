"""What the CLI prints: text for people, JSON for tools (``--json``, batches). Lines and columns
are 1-based; the JSON of a hole's context is the one both front ends share
(:mod:`completion.jsonio`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from completion.check import Checked
from completion.model import CompletionReport, ContextReport, EditReport, Round
from completion.next_edits import NextEditsReport
from context.model import Diagnostic


def jsonl(result: dict[str, object]) -> str:
    """One JSON line, ASCII only: line separators inside strings (U+2028, form feeds) stay
    escaped so that every consumer splits lines where we do."""
    return json.dumps(result, ensure_ascii=True) + "\n"


def pretty_json(result: dict[str, object]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1) + "\n"


# -- for people --------------------------------------------------------------------------------
def write_context(report: ContextReport, out: TextIO) -> None:
    h = report.hole
    out.write(f"hole {Path(h.path).name}:{h.line + 1}:{h.column + 1} ({h.hole_kind})\n")
    source = f"  ({h.expected_type_source})" if h.expected_type_source else ""
    out.write(f"expected type: {h.expected_type or 'unknown'}{source}\n")
    if h.call:
        out.write(f"call: {h.call.signature}  [parameter {h.call.active_name}]\n")
    if h.receiver:
        out.write(f"receiver: {h.receiver}: {h.receiver_type or 'unknown'}\n")
    sections = [
        ("typing context", [f"{b.name}: {b.type or '?'}  ({b.kind})" for b in h.typing_context]),
        ("relevant types", [d.text for d in h.relevant_types]),
        ("relevant headers", [f"{d.text}    # fit {d.score}" for d in h.relevant_headers]),
        ("receiver members", [d.text for d in h.receiver_members]),
        ("definitions used nearby", [d.text for d in h.cross_file]),
    ]
    for title, items in sections:
        if items:
            out.write(f"\n== {title}\n" + "\n".join(items) + "\n")
    out.write(
        f"\n== prompt ({report.prompt_tokens}/{report.budget} tokens, {report.elapsed_ms:.1f} ms)\n"
    )
    out.write(report.prompt + "\n")


def diagnostic_line(path: str, d: Diagnostic) -> str:
    """``PATH:LINE:COL: severity: message [source]``, as compilers write them."""
    return f"{path}:{d.line + 1}:{d.column + 1}: {d.severity}: {d.message} [{d.source}]"


# -- for tools ---------------------------------------------------------------------------------
def _diagnostics_json(diagnostics: Sequence[Diagnostic]) -> list[dict[str, object]]:
    return [d.to_json() for d in diagnostics]


def _rounds_json(rounds: Sequence[Round]) -> list[dict[str, object]]:
    return [
        {"index": r.index, "candidate": r.candidate, "diagnostics": _diagnostics_json(r.diagnostics)}
        for r in rounds
    ]


def _timings_json(timings: dict[str, float]) -> dict[str, float]:
    return {name: round(ms, 2) for name, ms in timings.items()}


def completion_json(report: CompletionReport) -> dict[str, object]:
    r = report.range
    return {
        "text": report.text,
        "range": {
            "start": {"line": r.start_line + 1, "column": r.start_column + 1},
            "end": {"line": r.end_line + 1, "column": r.end_column + 1},
        },
        "candidates": [
            {
                "text": c.text,
                "source": c.source,
                "label": c.label,
                "verified": c.verified,
                "diagnostics": _diagnostics_json(c.diagnostics),
            }
            for c in report.candidates
        ],
        "verified": report.verified,
        "held_back_reason": report.held_back_reason,
        "shape": report.shape,
        "rounds": _rounds_json(report.rounds),
        "diagnostics": _diagnostics_json(report.diagnostics),
        "backend": report.backend,
        "model": report.model,
        "expected_type": report.context.hole.expected_type,
        "prompt_tokens": report.context.prompt_tokens,
        "timings": _timings_json(report.timings),
    }


def write_completion(report: CompletionReport, out: TextIO, err: TextIO) -> None:
    """The filling on ``out``; on ``err`` why it was held back (nothing on ``out`` then) or the
    problems left in it."""
    if report.held_back_reason:
        err.write(f"holepilot: held back {report.text!r} (automatic trigger): "
                  f"{report.held_back_reason}\n")
        return
    out.write(report.text + "\n")
    for d in report.diagnostics:
        err.write(f"holepilot: note: the filling still has: {d.message}\n")


def edit_json(report: EditReport) -> dict[str, object]:
    return {
        "diff": report.diff,
        "new_text": report.new_text,
        "diagnostics": _diagnostics_json(report.diagnostics),
        "rounds": _rounds_json(report.rounds),
        "backend": report.backend,
        "model": report.model,
        "timings": _timings_json(report.timings),
    }


def check_json(path: str, checked: Checked, elapsed_ms: float) -> dict[str, object]:
    """The diagnostics of a file, which checkers gave them, and why one did not run."""
    return {
        "path": path,
        "diagnostics": _diagnostics_json(checked.diagnostics),
        "errors": error_count(checked.diagnostics),
        "checkers": list(checked.checkers),
        "not_run": {run.name: run.reason for run in checked.runs if not run.ran},
        "elapsed_ms": round(elapsed_ms, 2),
    }


def checkers_line(checked: Checked) -> str:
    """One line for stderr: which checkers ran, and why one did not."""
    ran = " and ".join(checked.checkers)
    skipped = "; ".join(f"{run.name} did not run: {run.reason}" for run in checked.runs if not run.ran)
    return f"holepilot: checked by {ran}" + (f" only ({skipped})" if skipped else "")


def next_edits_json(path: str, report: NextEditsReport, shown: Callable[[str], str],
                    elapsed_ms: float) -> dict[str, object]:
    """One answer of ``next-edit``: ``path`` as asked, the edits with LSP-style ranges (0-based,
    UTF-16 columns) and their files as ``shown`` names them, the edits the cap left out."""
    data = report.to_json()
    edits = [{**edit, "path": shown(edit["path"])} for edit in data["edits"]]
    holes = [{**hole, "path": shown(hole["path"])} for hole in data["holes"]]
    return {"path": path, "edits": edits, "more": report.more, "changes": data["changes"], "holes": holes,
            "notes": data["notes"], "elapsed_ms": round(elapsed_ms, 2)}


def write_next_edits(report: NextEditsReport, shown: Callable[[str], str], out: TextIO, err: TextIO) -> None:
    """One line per edit (``PATH:LINE:COL reason``, 1-based, columns in characters) with its new
    text indented below; places to fix by hand; the summary on ``err``."""
    for edit in report.edits:
        span = edit.span
        out.write(f"{shown(edit.path)}:{span.start_line + 1}:{span.start_column + 1} {edit.reason}\n")
        new_text = edit.new_text.split("\n") if edit.new_text else ["(delete)"]
        out.write("".join(f"    {line}\n" for line in new_text))
    for hole in report.holes:
        out.write(f"{shown(hole.path)}:{hole.line + 1}:{hole.column + 1} to fix by hand: {hole.reason}\n")
    files = len({e.path for e in report.edits})
    what = f" ({'; '.join(report.changes)})" if report.changes else ""
    more = f"; {report.more} more not proposed (--max-edits)" if report.more else ""
    err.write(f"holepilot: {len(report.edits)} edit{'s' if len(report.edits) != 1 else ''} in "
              f"{files} file{'s' if files != 1 else ''}{what}{more}\n")
    for note in report.notes:
        err.write(f"holepilot: note: {note}\n")


def error_count(diagnostics: Sequence[Diagnostic]) -> int:
    return sum(d.severity == "error" for d in diagnostics)
