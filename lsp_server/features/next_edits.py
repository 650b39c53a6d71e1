"""Next edits over LSP (registered in :mod:`lsp_server.features`): after the user changed a
definition, the edits that must follow, from
:meth:`completion.api.Engine.next_edits_to_show`.

- ``holepilot/nextEdits`` (``TextDocumentPositionParams``) answers
  ``{"edits": [{uri, range, newText, reason}], "more": N, "changes": [...]}``: the edits of every
  file, those of the document after the cursor first; ``more`` counts the proposals the cap left
  out.
- ``textDocument/copilotInlineEdit`` gives the document's own edits in the shape of Copilot's
  language server (``{textDocument: {uri, version}, position}`` →
  ``{"edits": [{text, textDocument: {uri, version}, range}]}``), so the editor plugins written
  for its next-edit suggestions work unchanged; in a document the user did not edit, they are
  its edits of the ripple of the newest edit (made in another open document).
- The code action "Update N call sites" on the edited definition carries the whole ripple as
  one ``WorkspaceEdit`` (versioned ``documentChanges`` when the client takes them).

The text before the edit is the one before the newest step of the document's edit history
(recorded at ``didChange``): an edit the user undid proposes nothing. An answer computed while
the document changed again is ``ContentModified``; edits of another open document that changed
meanwhile are left out; files on disk are checked by the engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcInvalidParams

from completion.errors import HolepilotError
from completion.next_edits import NextEditsReport, NextEditsRequest
from context.ripple_model import RippleEdit
from lsp_server import gating
from lsp_server.access import HolepilotOff, document_path, off_reason, real_path
from lsp_server.convert import (
    copilot_inline_edit,
    internal_position,
    next_edit_json,
    plain,
    ripple_workspace_edit,
)
from lsp_server.server import HolepilotServer, lsp_errors
from lsp_server.session import Snapshot

logger = logging.getLogger(__name__)

NEXT_EDITS = "holepilot/nextEdits"
COPILOT_INLINE_EDIT = "textDocument/copilotInlineEdit"
COPILOT_SHOWN_INLINE_EDIT = "textDocument/didShowInlineEdit"


@dataclass(frozen=True)
class Proposals:
    """The edits to show after the edit of ``snap``, each with the URI and version of its file."""

    snap: Snapshot
    report: NextEditsReport
    edits: tuple[tuple[str, int | None, RippleEdit], ...]

    def of_document(self) -> list[tuple[str, int | None, RippleEdit]]:
        return [e for e in self.edits if e[0] == self.snap.uri]


def _position_params(params: Any) -> tuple[str, int | None, types.Position]:
    """``{textDocument: {uri, version?}, position: {line, character}}``."""
    raw = plain(params)
    document = raw.get("textDocument") if isinstance(raw, dict) else None
    uri = document.get("uri") if isinstance(document, dict) else None
    position = raw.get("position") if isinstance(raw, dict) else None
    if not isinstance(uri, str) or not isinstance(position, dict):
        raise JsonRpcInvalidParams("expected {textDocument: {uri}, position: {line, character}}")
    try:
        at = types.Position(line=int(position["line"]), character=int(position["character"]))
    except (KeyError, TypeError, ValueError) as error:
        raise JsonRpcInvalidParams("'position' must be {line, character}") from error
    version = document.get("version") if isinstance(document, dict) else None
    return uri, version if isinstance(version, int) and not isinstance(version, bool) else None, at


def _open_documents(ls: HolepilotServer) -> dict[str, tuple[str, str, int | None]]:
    """Real path → (URI, text, version) of every open document holepilot serves."""
    found: dict[str, tuple[str, str, int | None]] = {}
    for uri in list(ls.session.documents.texts):
        try:
            real = real_path(document_path(uri))
        except JsonRpcException:
            continue
        if off_reason(ls.session.projects.privacy_for(real), real, is_open=True) is not None:
            continue  # a private buffer is no input
        document = ls.workspace.get_text_document(uri)
        found[str(real)] = (uri, document.source, document.version)
    return found


async def proposals(ls: HolepilotServer, snap: Snapshot, position: types.Position | None) -> Proposals:
    """The edits that follow the newest edit of ``snap``'s document, ordered for showing: the
    document's own from ``position`` on, then those before it, then other files by path."""
    line, column = internal_position(snap.text, position) if position is not None else (None, None)
    opened = _open_documents(ls)
    me = str(real_path(snap.path))
    buffers = {path: text for path, (_, text, _) in opened.items() if path != me}
    request = NextEditsRequest(snap.path, text=snap.text, line=line, column=column, buffers=buffers)
    report = await ls.session.projects.engine_for(snap.path).next_edits_to_show(request)
    ls.drop_if_moved_on(snap)
    edits: list[tuple[str, int | None, RippleEdit]] = []
    for edit in report.edits:
        if edit.path == me or edit.path == report.path:
            edits.append((snap.uri, snap.version, edit))
        elif edit.path in opened:
            uri, _, version = opened[edit.path]
            if ls.workspace.get_text_document(uri).version != version:
                logger.info("next edits: %s changed meanwhile, its edits are left out", uri)
                continue
            edits.append((uri, version, edit))
        else:
            edits.append((uris.from_fs_path(edit.path) or Path(edit.path).as_uri(), None, edit))
    cursor = (position.line, position.character) if position is not None else (0, 0)

    def order(item: tuple[str, int | None, RippleEdit]) -> tuple[int, str, int, int]:
        uri, _, edit = item
        start = (edit.span.start_line, edit.span.start_character)
        rank = 0 if uri == snap.uri and start >= cursor else 1 if uri == snap.uri else 2
        return rank, uri, *start

    return Proposals(snap, report, tuple(sorted(edits, key=order)))


def _snapshot(ls: HolepilotServer, uri: str) -> Snapshot | None:
    """The document, or None when holepilot is off for it (private, or excluded from
    suggestions: the status says why) or disabled."""
    try:
        snap = ls.snapshot(uri)
    except HolepilotOff:
        return None
    if not ls.session.settings.current.enable or gating.excluded(ls, snap):
        return None
    return snap


@lsp_errors
async def next_edits(ls: HolepilotServer, params: Any) -> dict[str, Any]:
    uri, _, position = _position_params(params)
    snap = _snapshot(ls, uri)
    if snap is None:
        return {"edits": [], "more": 0, "changes": []}
    found = await proposals(ls, snap, position)
    return {
        "edits": [next_edit_json(edit, uri) for uri, _, edit in found.edits],
        "more": found.report.more,
        "changes": list(found.report.changes),
    }


@lsp_errors
async def copilot_inline_edits(ls: HolepilotServer, params: Any) -> dict[str, Any]:
    uri, version, position = _position_params(params)
    snap = _snapshot(ls, uri)
    if snap is None:
        return {"edits": []}
    if version is not None and snap.version is not None and version != snap.version:
        raise JsonRpcContentModified(f"{uri} is at version {snap.version}, not {version}")
    mine = (await proposals(ls, snap, position)).of_document()
    source = None if mine else _last_edited(ls, snap)
    if source is not None:  # the ripple of the edit made in another document reaches this one
        mine = [e for e in (await proposals(ls, source, None)).edits if e[0] == snap.uri]
        ls.drop_if_moved_on(snap)
    return {"edits": [copilot_inline_edit(e, uri, version) for uri, version, e in mine]}


def shown_inline_edit(ls: HolepilotServer, params: Any) -> None:
    """What the next-edit plugins of Copilot's language server report when they show an edit:
    noted in the log (an unknown notification would be a warning each time)."""
    item = plain(params).get("item") if isinstance(plain(params), dict) else None
    logger.debug("next edit shown: %s", item.get("range") if isinstance(item, dict) else item)


def _last_edited(ls: HolepilotServer, snap: Snapshot) -> Snapshot | None:
    """The open document of the project's newest edit, when it is another one than ``snap``'s."""
    steps = ls.session.projects.engine_for(snap.path).history.steps
    if not steps or steps[-1].path == str(real_path(snap.path)):
        return None
    opened = _open_documents(ls).get(steps[-1].path)
    return ls.snapshot(opened[0]) if opened is not None else None


async def update_call_sites(
    ls: HolepilotServer, snap: Snapshot, selection: types.Range
) -> list[types.CodeAction]:
    """"Update N call sites" when ``selection`` touches a definition the newest edit changed
    and the change has a ripple; nothing otherwise."""
    engine = ls.session.projects.engine_for(snap.path)
    try:
        changed = engine.changed_definitions(snap.path, snap.text)
    except ValueError as error:  # a text Python cannot compile (lone surrogates): no ripple
        logger.info("no call sites to update in %s: %s", snap.path, error)
        return []
    lines = (selection.start.line, selection.end.line)
    if not any(first <= lines[1] and lines[0] <= last for first, last, _ in changed):
        return []
    try:
        found = await proposals(ls, snap, None)
    except JsonRpcContentModified:
        return []  # the document moved on: the client asks again
    except HolepilotError as error:  # the other actions are still offered
        logger.warning("no call sites to update in %s: %s", snap.path, error)
        return []
    if not found.edits:
        return []
    count = len(found.edits)
    capabilities = ls.client_capabilities.workspace
    versioned = bool(
        capabilities and capabilities.workspace_edit and capabilities.workspace_edit.document_changes
    )
    return [
        types.CodeAction(
            title=f"Update {count} call site{'s' if count != 1 else ''}",
            kind=types.CodeActionKind.RefactorRewrite,
            edit=ripple_workspace_edit(list(found.edits), versioned),
            is_preferred=True,
        )
    ]
