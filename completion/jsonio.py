"""The JSON shape of a hole's context, shared by both front ends: the CLI's ``context --json``
and batches, and the language server's ``holepilot/context`` method. Lines and columns are
1-based, as people and editors' messages count them."""

from __future__ import annotations

from completion.model import ContextReport
from context.model import Binding, CallInfo, Definition


def definition_json(d: Definition) -> dict[str, object]:
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


def binding_json(b: Binding) -> dict[str, object]:
    loc = b.location
    return {
        "name": b.name,
        "type": b.type,
        "kind": b.kind,
        "text": f"{b.name}: {b.type}" if b.type else b.name,
        "path": loc.path if loc else None,
        "line": loc.line + 1 if loc else None,
    }


def call_json(c: CallInfo | None) -> dict[str, object] | None:
    if c is None:
        return None
    return {
        "callee": c.callee,
        "signature": c.signature,
        "parameters": list(c.parameters),
        "active_parameter": c.active_parameter,
        "active_name": c.active_name,
    }


def context_json(report: ContextReport) -> dict[str, object]:
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
        "nearby_members": [definition_json(d) for d in h.nearby_members],
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
