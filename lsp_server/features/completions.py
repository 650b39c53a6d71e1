"""``textDocument/inlineCompletion`` and ``textDocument/completion`` (registered in
:mod:`lsp_server.features`)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException

from completion.model import TextRange
from context.positions import offset_at, position_at
from lsp_server import gating, suggestions
from lsp_server.access import HolepilotOff
from lsp_server.background import Superseded
from lsp_server.convert import apply_span, internal_position, internal_range, lsp_range
from lsp_server.filling import Filling, cached_filling, fill_hole, model_filling
from lsp_server.pacing import AlternativesKey, Pacing, debounce_s, pacing_of
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
    ls: HolepilotServer, snap: Snapshot, line: int, column: int, automatic: bool, lead: str = ""
) -> Filling | None:
    """Invoked: several fillings, from the alternatives computed after an automatic one was
    shown there when there are, else now. Automatic: one; from the caches at once, else after
    the adaptive debounce, the latest request of the document winning; once shown, the
    alternatives are computed in the background for the editor's next-suggestion cycling."""
    pacing = pacing_of(ls.session)
    key: AlternativesKey = (snap.uri, snap.version, line, column, lead)
    if not automatic:
        found = await _alternatives(pacing, key)
        if found is not None:
            return found
        return await fill_hole(ls.session, snap, line, column, INVOKED_ITEMS)
    pacing.typing.observe(snap.uri, snap.version)
    pacing.alternatives.moved_on(snap.uri, snap.version)
    filling = cached_filling(ls.session, snap, line, column, AUTOMATIC_ITEMS)
    if filling is not None:
        ls.session.automatic.cancel(snap.uri)  # an older request still waiting is moot
    else:
        settings = ls.session.settings.current
        wait = debounce_s(settings, pacing.typing.interval_s(snap.uri), ls.session.projects.backend_status(),
                          pacing.durations.smoothed_s)
        extra = max(0.0, wait - settings.debounce_ms / 1000)  # the session waits debounce_ms itself
        logger.debug("automatic request of %s waits %.0f ms", snap.uri, wait * 1000)
        work = _after(extra, lambda: _timed(pacing, model_filling(ls.session, snap, line, column, AUTOMATIC_ITEMS,
                                                                  "automatic")))
        filling = await ls.session.automatic.run(snap.uri, work)
    if filling is not None:
        pacing.alternatives.start(key, functools.partial(_compute_alternatives, ls, snap, line, column, filling))
    return filling


async def _after(delay_s: float, make: Callable[[], Awaitable[Filling | None]]) -> Filling | None:
    """``make()`` awaited after ``delay_s`` (made only then: a cancelled wait leaves nothing)."""
    if delay_s > 0:
        await asyncio.sleep(delay_s)
    return await make()


async def _timed(pacing: Pacing, work: Awaitable[Filling | None]) -> Filling | None:
    """``work``, its duration remembered when it ends (a cancelled one says nothing)."""
    started = time.perf_counter()
    found = await work
    pacing.durations.add(time.perf_counter() - started)
    return found


async def _alternatives(pacing: Pacing, key: AlternativesKey) -> Filling | None:
    """The alternatives computed for ``key``, waited for when still computing; None when there
    are none."""
    pending = pacing.alternatives.get(key)
    if pending is None:
        return None
    pending.wanted.set()  # the editor asks now: no more pause
    try:
        found = await asyncio.shield(pending.task)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
        return None  # the document moved on
    if found is not None:
        pacing.alternatives.hits += 1
    return found


async def _compute_alternatives(
    ls: HolepilotServer, snap: Snapshot, line: int, column: int, shown: Filling, wanted: asyncio.Event
) -> Filling | None:
    """After a pause with no edit (or at once when the editor asks for the next suggestion):
    the fillings of an invoked request, after the shown one."""
    pause = ls.session.settings.current.debounce_max_ms / 1000
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wanted.wait(), pause)
    if ls.moved_on(snap):
        return None
    found = await fill_hole(ls.session, snap, line, column, INVOKED_ITEMS)
    if found is None:
        return shown
    return _merged(shown, found)


def _merged(shown: Filling, found: Filling) -> Filling:
    """The shown filling first, then the other distinct texts of ``found`` (same span only)."""
    if found.span != shown.span:
        return shown
    texts, problems = list(shown.texts), [shown.problem(i) for i in range(len(shown.texts))]
    for index, text in enumerate(found.texts):
        if text not in texts and len(texts) < INVOKED_ITEMS:
            texts.append(text)
            problems.append(found.problem(index))
    return Filling(tuple(texts), shown.span, found.source, found.report, tuple(problems))


ACCEPT_WAIT_S = 0.5  # the accepted text may reach the document after the report of it
ACCEPT_WAIT_STEP_S = 0.02


def after_accept(ls: HolepilotServer, uri: str, line: object, character: object, text: str) -> None:
    """A suggestion was accepted: the likely next completion, at the end of the accepted text,
    is asked for in the background and cached for the next automatic request there."""
    if not isinstance(line, int) or not isinstance(character, int) or not text.strip():
        return
    if not ls.session.settings.current.enable:
        return
    ls.spawn(_prefetch_after_accept(ls, uri, line, character, text))


async def _prefetch_after_accept(ls: HolepilotServer, uri: str, line: int, character: int, text: str) -> None:
    waited = 0.0
    while True:
        try:
            snap = ls.snapshot(uri)
        except (HolepilotOff, JsonRpcException) as error:
            logger.debug("no prefetch after an accept in %s: %s", uri[:120], error)
            return
        end = accepted_end(snap.text, line, character, text)
        if end is not None:
            break
        if waited >= ACCEPT_WAIT_S:
            logger.debug("no prefetch: the accepted text is not in %s", uri[:120])
            return
        await asyncio.sleep(ACCEPT_WAIT_STEP_S)
        waited += ACCEPT_WAIT_STEP_S
    end_line, end_column = end
    if cached_filling(ls.session, snap, end_line, end_column, AUTOMATIC_ITEMS) is not None:
        return
    pacing_of(ls.session).prefetches += 1
    logger.info("prefetching the next completion at %s:%d:%d", snap.path, end_line + 1, end_column + 1)
    await model_filling(ls.session, snap, end_line, end_column, AUTOMATIC_ITEMS, "automatic")


def accepted_end(document: str, line: int, character: int, text: str) -> tuple[int, int] | None:
    """(line, column) right after the accepted ``text`` nearest the position it was offered at
    (its item may have replaced a span before it); None when the document does not hold it."""
    lines = document.split("\n")
    if not 0 <= line < len(lines):
        return None
    at = offset_at(document, line, min(character, len(lines[line])), strict=False)
    window = ACCEPT_SEARCH_CHARS + len(text)
    best: int | None = None
    start = document.find(text, max(0, at - window))
    while start != -1 and start <= at + ACCEPT_SEARCH_CHARS:
        if best is None or abs(start - at) < abs(best - at):
            best = start
        start = document.find(text, start + 1)
    return position_at(document, best + len(text)) if best is not None else None


ACCEPT_SEARCH_CHARS = 200


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
    filling = await _fill_for_trigger(ls, work_snap, line, column, automatic, lead)
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
    if not ls.session.settings.current.enable or gating.suggestion_refused(ls, snap, params):
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
    return types.InlineCompletionList(items=suggestions.with_ids(ls.session.suggestions, snap, params, items))


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
