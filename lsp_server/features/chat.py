"""The ChatLSP requests and ``holepilot/context``: what a type checker knows at a hole
(registered in :mod:`lsp_server.features`).

Params of each: ``{textDocument: {uri}, position}`` (typed by :mod:`lsp_server.protocol`).
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from completion.jsonio import context_json
from completion.model import CompletionReport, ContextReport
from lsp_server.convert import definition_markup, internal_position, lsp_location, plain_markup
from lsp_server.server import HolepilotServer, lsp_errors
from lsp_server.session import Snapshot

logger = logging.getLogger(__name__)


async def _context_at(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> tuple[Snapshot, ContextReport]:
    snap = ls.snapshot(params.text_document.uri)
    line, column = internal_position(snap.text, params.position)
    return snap, await ls.session.context(snap, line, column)


async def _completion_at(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> CompletionReport | None:
    snap = ls.snapshot(params.text_document.uri)
    line, column = internal_position(snap.text, params.position)
    report = await ls.session.complete(snap, line, column, 1)
    ls.drop_if_moved_on(snap)
    return report


@lsp_errors
async def expected_type(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> dict[str, Any]:
    snap, report = await _context_at(ls, params)
    hole = report.hole
    result: dict[str, Any] = {"content": plain_markup(hole.expected_type or "")}
    if hole.expected_type_location is not None:
        result["location"] = lsp_location(hole.expected_type_location, {snap.path: snap.text})
    return result


@lsp_errors
async def relevant_types(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> dict[str, Any]:
    snap, report = await _context_at(ls, params)
    return _definitions_result(snap, report.hole.relevant_types)


@lsp_errors
async def relevant_headers(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> dict[str, Any]:
    snap, report = await _context_at(ls, params)
    return _definitions_result(snap, report.hole.relevant_headers)


@lsp_errors
async def llm_completion(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> dict[str, Any]:
    report = await _completion_at(ls, params)
    if report is None:
        return {"snippet": "", "context": ""}
    first = report.rounds[0].candidate if report.rounds else report.text
    return {"snippet": first, "context": report.context.prompt}


@lsp_errors
async def llm_completion_resolve_errors(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> dict[str, Any]:
    report = await _completion_at(ls, params)
    if report is None:
        return {"snippet": "", "context": ""}
    return {"snippet": report.text, "context": report.context.prompt}


@lsp_errors
async def holepilot_context(
    ls: HolepilotServer, params: types.TextDocumentPositionParams
) -> dict[str, Any]:
    _, report = await _context_at(ls, params)
    result: dict[str, Any] = context_json(report)
    return result


def _definitions_result(snap: Snapshot, definitions: Any) -> dict[str, Any]:
    located = {snap.path: snap.text}
    return {
        "contents": [definition_markup(d) for d in definitions],
        "locations": [
            lsp_location(d.location, located) for d in definitions if d.location is not None
        ],
    }
