"""JSON shapes of results, shared by the CLI (``--json``, batch) and the LSP ``holepilot/*`` methods."""

from __future__ import annotations

from typing import Any

from completion.model import CompletionReport, ContextReport, EditReport
from context.model import Binding, CallInfo, Definition


def definition_json(d: Definition) -> dict[str, Any]:
    loc = d.location
    return {
        "name": d.name,
        "kind": d.kind,
        "text": d.text,
        "path": loc.path if loc else None,
        "line": loc.line + 1 if loc else None,
        "score": d.score,
        "type": d.type,
    }


def binding_json(b: Binding) -> dict[str, Any]:
    loc = b.location
    return {
        "name": b.name,
        "type": b.type,
        "kind": b.kind,
        "text": f"{b.name}: {b.type}" if b.type else b.name,
        "path": loc.path if loc else None,
        "line": loc.line + 1 if loc else None,
    }


def call_json(c: CallInfo | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "callee": c.callee,
        "signature": c.signature,
        "parameters": list(c.parameters),
        "active_parameter": c.active_parameter,
        "active_name": c.active_name,
    }


def context_json(report: ContextReport) -> dict[str, Any]:
    h = report.hole
    return {
        "path": h.path,
        "line": h.line + 1,
        "column": h.column + 1,
        "hole_kind": h.hole_kind,
        "expected_type": h.expected_type,
        "expected_type_source": h.expected_type_source,
        "typing_context": [binding_json(b) for b in h.typing_context],
        "relevant_types": [definition_json(d) for d in h.relevant_types],
        "relevant_headers": [definition_json(d) for d in h.relevant_headers],
        "receiver": h.receiver,
        "receiver_type": h.receiver_type,
        "receiver_members": [definition_json(d) for d in h.receiver_members],
        "call": call_json(h.call),
        "cross_file": [definition_json(d) for d in h.cross_file],
        "prompt": report.prompt,
        "prompt_tokens": report.prompt_tokens,
        "budget": report.budget,
        "sections": [
            {"name": s.name, "tokens": s.tokens, "included": s.included} for s in report.sections
        ],
        "elapsed_ms": round(report.elapsed_ms, 2),
    }


def completion_json(report: CompletionReport) -> dict[str, Any]:
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
                "diagnostics": [d.to_json() for d in c.diagnostics],
            }
            for c in report.candidates
        ],
        "rounds": [
            {
                "index": rd.index,
                "candidate": rd.candidate,
                "diagnostics": [d.to_json() for d in rd.diagnostics],
            }
            for rd in report.rounds
        ],
        "diagnostics": [d.to_json() for d in report.diagnostics],
        "backend": report.backend,
        "model": report.model,
        "expected_type": report.context.hole.expected_type,
        "prompt_tokens": report.context.prompt_tokens,
        "timings": {k: round(v, 2) for k, v in report.timings.items()},
    }


def edit_json(report: EditReport) -> dict[str, Any]:
    return {
        "diff": report.diff,
        "new_text": report.new_text,
        "diagnostics": [d.to_json() for d in report.diagnostics],
        "rounds": [
            {
                "index": rd.index,
                "candidate": rd.candidate,
                "diagnostics": [d.to_json() for d in rd.diagnostics],
            }
            for rd in report.rounds
        ],
        "backend": report.backend,
        "model": report.model,
        "timings": {k: round(v, 2) for k, v in report.timings.items()},
    }
