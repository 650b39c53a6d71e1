"""``textDocument/inlineCompletion`` and ``textDocument/completion`` (registered in
:mod:`lsp_server.features`)."""

from __future__ import annotations

import logging

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified

from completion.model import TextRange
from context.positions import offset_at, position_at
from lsp_server.access import HolepilotOff
from lsp_server.background import Superseded
from lsp_server.convert import apply_span, internal_position, internal_range, lsp_range
from lsp_server.filling import Filling, cached_filling, fill_hole, model_filling
from lsp_server.ranking import ranked_items
from lsp_server.server import HolepilotServer, lsp_errors
from lsp_server.session import Snapshot

logger = logging.getLogger(__name__)

AUTOMATIC_ITEMS = 1
INVOKED_ITEMS = 3
STATIC_BACKENDS = ("static", "")


def _with_selected(
    snap: Snapshot, selected: types.SelectedCompletionInfo
) -> tuple[Snapshot, TextRange, tuple[int, int]]:
    """The snapshot as if the selected completion-widget item were accepted, the range it
    replaces, and the (line, column) right after its text in that snapshot."""
    span = internal_range(snap.text, selected.range)
    text = apply_span(snap.text, span, selected.text)
    after = offset_at(text, span.start_line, span.start_column) + len(selected.text)
    return Snapshot(snap.uri, snap.path, text, snap.version), span, position_at(text, after)


ACCEPT_COMMAND = "holepilot.didAcceptCompletion"  # the client's acceptance feedback


def _inline_items(
    snap: Snapshot,
    position: types.Position,
    filling: Filling,
    lead: str,
    start: TextRange | None,
) -> list[types.InlineCompletionItem]:
    """Items replacing the filling's span (or, with a selected item, from its start), in the
    filling's order (verified first) for the editor's next/previous cycling; an unverified one
    is marked with its remaining problem in its command's title."""
    span = filling.span
    if start is not None:
        span = TextRange(start.start_line, start.start_column, start.end_line, start.end_column)
    edit_range = lsp_range(snap.text, span)
    return [
        types.InlineCompletionItem(
            insert_text=lead + text,
            range=edit_range,
            command=_unverified_mark(snap, position, lead + text, filling.problem(index)),
        )
        for index, text in enumerate(filling.texts)
    ]


def _unverified_mark(
    snap: Snapshot, position: types.Position, text: str, problem: str
) -> types.Command | None:
    """For an unverified item: the acceptance command, titled with the problem left in it."""
    if not problem:
        return None
    feedback = {
        "uri": snap.uri,
        "position": {"line": position.line, "character": position.character},
        "text": text,
    }
    return types.Command(
        title=f"holepilot: unverified: {problem}", command=ACCEPT_COMMAND, arguments=[feedback]
    )


async def _fill_for_trigger(
    ls: HolepilotServer, snap: Snapshot, line: int, column: int, automatic: bool
) -> Filling | None:
    """Invoked: several fillings now. Automatic: one; from the caches at once, else after the
    debounce, the latest request of the document winning."""
    if not automatic:
        return await fill_hole(ls.session, snap, line, column, INVOKED_ITEMS)
    filling = cached_filling(ls.session, snap, line, column, AUTOMATIC_ITEMS)
    if filling is not None:
        ls.session.automatic.cancel(snap.uri)  # an older request still waiting is moot
        return filling
    work = model_filling(ls.session, snap, line, column, AUTOMATIC_ITEMS, "automatic")
    return await ls.session.automatic.run(snap.uri, work)


async def _inline_filling(
    ls: HolepilotServer,
    snap: Snapshot,
    position: types.Position,
    params: types.InlineCompletionParams,
) -> list[types.InlineCompletionItem]:
    selected = params.context.selected_completion_info
    work_snap, lead, start = snap, "", None
    line, column = internal_position(snap.text, position)
    if selected is not None:
        work_snap, start, (line, column) = _with_selected(snap, selected)
        lead = selected.text
    automatic = params.context.trigger_kind == types.InlineCompletionTriggerKind.Automatic
    filling = await _fill_for_trigger(ls, work_snap, line, column, automatic)
    if filling is None:
        return []
    return _inline_items(snap, position, filling, lead, start)


@lsp_errors
async def inline_completion(
    ls: HolepilotServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    try:
        snap = ls.snapshot(params.text_document.uri)
    except HolepilotOff:  # a private file: nothing, and the status says why
        return None
    if not ls.session.settings.current.enable:
        return None
    automatic = params.context.trigger_kind == types.InlineCompletionTriggerKind.Automatic
    try:
        items = await _inline_filling(ls, snap, params.position, params)
    except Superseded:
        items = []
    if ls.moved_on(snap):
        if automatic:
            raise JsonRpcContentModified(f"{snap.uri} changed since version {snap.version}")
        return types.InlineCompletionList(items=[])
    return types.InlineCompletionList(items=items)


@lsp_errors
async def completion(ls: HolepilotServer, params: types.CompletionParams) -> types.CompletionList:
    try:
        snap = ls.snapshot(params.text_document.uri)
    except HolepilotOff:  # a private file: nothing, and the status says why
        return types.CompletionList(is_incomplete=False, items=[])
    if not ls.session.settings.current.enable:
        return types.CompletionList(is_incomplete=False, items=[])
    line, column = internal_position(snap.text, params.position)
    report = await ls.session.context(snap, line, column)
    items = ranked_items(report.hole)
    if _model_configured(ls):
        filling = await fill_hole(ls.session, snap, line, column, 1)
        if filling is not None and _model_configured(ls):  # "auto" may resolve to static
            items.insert(0, _model_item(snap.text, filling))
    ls.drop_if_moved_on(snap)
    return types.CompletionList(is_incomplete=False, items=items)


def _model_configured(ls: HolepilotServer) -> bool:
    status = ls.session.projects.backend_status()
    return status is not None and status.backend not in STATIC_BACKENDS


def _model_item(text: str, filling: Filling) -> types.CompletionItem:
    filled = filling.texts[0]
    first_line = filled.strip().splitlines()[0] if filled.strip() else filled
    return types.CompletionItem(
        label=first_line[:60],
        kind=types.CompletionItemKind.Snippet,
        detail=_model_detail(filling.problem(0)),
        documentation=types.MarkupContent(kind=types.MarkupKind.PlainText, value=filled),
        sort_text="00",
        filter_text=first_line,
        text_edit=types.TextEdit(range=lsp_range(text, filling.span), new_text=filled),
        insert_text_format=types.InsertTextFormat.PlainText,
    )


def _model_detail(problem: str) -> str:
    """The completion item's detail: an unverified filling says what is left in it."""
    return (
        f"holepilot: model filling (unverified: {problem})"
        if problem
        else "holepilot: model filling"
    )
