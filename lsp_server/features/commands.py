"""``workspace/executeCommand`` (inline chat, fill hole, doctor) and ``textDocument/codeAction``
(fill hole, edit the selection, and "Update N call sites" from :mod:`lsp_server.features.next_edits`)."""

from __future__ import annotations

import logging
import re
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from completion.doctor import Check, run_doctor
from completion.model import EditRequest, TextRange
from context.positions import code_points_to_utf16, split_lines
from lsp_server.access import HolepilotOff
from lsp_server.conversations import Conversation
from lsp_server.convert import changed_span, internal_position, plain, replace_edit
from lsp_server.features.next_edits import update_call_sites
from lsp_server.filling import fill_hole
from lsp_server.server import HolepilotServer, lsp_errors

logger = logging.getLogger(__name__)

INLINE_CHAT = "holepilot.inlineChat"
FILL_HOLE = "holepilot.fillHole"
DOCTOR = "holepilot.doctor"

PLACEHOLDER = re.compile(r"\.\.\.|\b__hole__\b")
INCOMPLETE_END = re.compile(
    r"(=|\(|\[|\{|,|\.|\+|-|\*|/|%|\band|\bor|\bnot|\bin|\breturn|\byield|\bawait|\bif|\belse|\blambda)\s*$"
)


def _argument(args: tuple[Any, ...]) -> dict[str, Any]:
    raw = plain(args[0]) if args else None
    if not isinstance(raw, dict) or not isinstance(raw.get("uri"), str):
        raise JsonRpcInvalidParams("expected one argument object with a 'uri'")
    return raw


def _position(raw: Any, name: str) -> types.Position:
    try:
        return types.Position(line=int(raw["line"]), character=int(raw["character"]))
    except (TypeError, KeyError, ValueError) as error:
        raise JsonRpcInvalidParams(f"'{name}' must be {{line, character}}") from error


def _range(raw: Any) -> types.Range:
    if not isinstance(raw, dict):
        raise JsonRpcInvalidParams("'range' must be {start, end}")
    return types.Range(
        start=_position(raw.get("start"), "range.start"), end=_position(raw.get("end"), "range.end")
    )


@lsp_errors
async def fill_hole_command(ls: HolepilotServer, *args: Any) -> dict[str, Any]:
    arg = _argument(args)
    snap = ls.snapshot(arg["uri"])
    line, column = internal_position(snap.text, _position(arg.get("position"), "position"))
    filling = await fill_hole(ls.session, snap, line, column, 1)
    ls.drop_if_moved_on(snap)
    text = filling.texts[0] if filling else ""
    span = filling.span if filling else TextRange(line, column, line, column)
    edit = replace_edit(snap.uri, snap.text, span, text)
    if arg.get("apply") and text:
        await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label="Fill hole")
        )
    return {"edit": edit, "text": text}


def _conversation_argument(arg: dict[str, Any]) -> tuple[str | None, int | None, bool]:
    """The conversation id, the turns the client keeps (its own undos) and whether to undo."""
    conversation_id = arg.get("conversationId")
    if conversation_id is not None and not isinstance(conversation_id, str):
        raise JsonRpcInvalidParams("'conversationId' must be a string")
    turns = arg.get("turns")
    if turns is not None and (not isinstance(turns, int) or isinstance(turns, bool) or turns < 0):
        raise JsonRpcInvalidParams("'turns' must be a number of turns (0 or more)")
    return conversation_id, turns, arg.get("undo") is True


@lsp_errors
async def inline_chat_command(ls: HolepilotServer, *args: Any) -> dict[str, Any]:
    """An instruction applied to a selection. With a ``conversationId`` it is a follow-up
    of that conversation (the previous proposal in its history; ``turns`` first drops the
    turns the client undid); with ``undo: true`` the conversation goes back one turn."""
    arg = _argument(args)
    conversation_id, turns, undo = _conversation_argument(arg)
    instruction = arg.get("instruction")
    if undo:
        return _undo_turn(ls, arg["uri"], conversation_id, turns)
    if not isinstance(instruction, str) or not instruction.strip():
        raise JsonRpcInvalidParams("inline chat needs a non-empty 'instruction'")
    snap = ls.snapshot(arg["uri"])
    conversation, note = ls.session.conversations.resume(conversation_id, snap.uri, snap.text)
    if turns is not None:
        del conversation.reports[turns:]
    selection = _range(arg.get("range"))
    start = internal_position(snap.text, selection.start)
    end = internal_position(snap.text, selection.end)
    request = EditRequest(
        snap.path, *start, *end, instruction, text=snap.text, format=arg.get("format"),
        earlier=conversation.earlier(),
    )
    report = await ls.session.projects.engine_for(request.path).edit(request)
    ls.drop_if_moved_on(snap)
    conversation.reports.append((instruction, report))
    answer = _chat_answer(snap.text, snap.uri, conversation, note)
    if arg.get("apply") and report.new_text != snap.text:
        await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=answer["edit"], label=instruction)
        )
    return answer


def _undo_turn(ls: HolepilotServer, uri: str, conversation_id: str | None, turns: int | None) -> dict[str, Any]:
    """The conversation one turn back (after keeping its first ``turns``): its proposal before."""
    if conversation_id is None:
        raise JsonRpcInvalidParams("'undo' needs the 'conversationId' of the conversation")
    snap = ls.snapshot(uri)
    conversation, why_not = ls.session.conversations.find(conversation_id, snap.uri, snap.text)
    if conversation is None:
        raise JsonRpcInvalidParams(f"nothing to undo: {why_not.split(':')[0]}")
    if turns is not None:
        del conversation.reports[turns:]
    del conversation.reports[-1:]
    return _chat_answer(snap.text, snap.uri, conversation, "")


def _chat_answer(text: str, uri: str, conversation: Conversation, note: str) -> dict[str, Any]:
    """The conversation's current proposal (none after its first turn is undone) as the
    command's answer: the edit, the diff, the problems it leaves, the id and turn."""
    report = conversation.reports[-1][1] if conversation.reports else None
    new_text = report.new_text if report is not None else text
    span, replacement = changed_span(text, new_text)
    notes = [part for part in (note, report.note if report is not None else "") if part]
    return {
        "edit": replace_edit(uri, text, span, replacement),
        "diff": report.diff if report is not None else "",
        "diagnostics": [problem.to_json() for problem in report.diagnostics] if report else [],
        "newText": new_text,
        "conversationId": conversation.id,
        "turn": len(conversation.reports),
        "newConversation": bool(note),
        **({"note": "; ".join(notes)} if notes else {}),
    }


async def doctor_report(ls: HolepilotServer, sample: bool) -> dict[str, Any]:
    """The server's own checks, then the engine's (:func:`completion.doctor.run_doctor`)."""
    settings, projects = ls.session.settings, ls.session.projects
    enable = settings.current.enable
    checks = [
        _check("enabled", enable, f"holepilot.enable = {enable}", "set holepilot.enable to true")
    ]
    engine = projects.engine
    detail = "started" if engine is not None else (projects.error or "not started")
    checks.append(_check("engine", engine is not None, detail, "see the server log"))
    if engine is not None:
        report = await run_doctor(engine, sample=sample, warnings=settings.warnings)
        checks += [check.to_json() for check in report.checks]
    return {"ok": all(c["ok"] for c in checks), "checks": checks}


def _check(name: str, ok: bool, detail: str, fix: str) -> dict[str, object]:
    return Check(name, ok, detail, fix).to_json()


def hole_positions(text: str, selection: types.Range) -> list[types.Position]:
    """Placeholders (``...``, ``__hole__``) and incomplete line ends within the selection's lines."""
    lines = split_lines(text)
    found: list[types.Position] = []
    for number in range(selection.start.line, min(selection.end.line, len(lines) - 1) + 1):
        line = lines[number]
        match = PLACEHOLDER.search(line)
        if match:
            found.append(
                types.Position(line=number, character=code_points_to_utf16(line, match.start()))
            )
        elif line.strip() and INCOMPLETE_END.search(line.split("#", 1)[0]):
            found.append(
                types.Position(line=number, character=code_points_to_utf16(line, len(line)))
            )
    return found


def command_action(
    title: str, kind: types.CodeActionKind, command: str, argument: dict[str, Any]
) -> types.CodeAction:
    """A code action that runs one of holepilot's commands with one argument."""
    return types.CodeAction(
        title=title,
        kind=kind,
        command=types.Command(title=title, command=command, arguments=[argument]),
    )


async def doctor(ls: HolepilotServer, *args: Any) -> dict[str, Any]:
    options = plain(args[0]) if args else {}
    sample = not (isinstance(options, dict) and options.get("sample") is False)
    return await doctor_report(ls, sample)


CODE_ACTION_KINDS = [types.CodeActionKind.RefactorRewrite, types.CodeActionKind.QuickFix]


async def code_action(ls: HolepilotServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    try:
        snap = ls.snapshot(params.text_document.uri)
    except HolepilotOff:  # a private file: no actions offered
        return []
    uri = params.text_document.uri
    actions = [
        command_action(
            "Fill hole with holepilot",
            types.CodeActionKind.QuickFix,
            FILL_HOLE,
            {"uri": uri, "position": position, "apply": True},
        )
        for position in hole_positions(snap.text, params.range)[:1]
    ]
    if params.range.start != params.range.end:
        actions.append(
            command_action(
                "Edit selection with holepilot…",
                types.CodeActionKind.RefactorRewrite,
                INLINE_CHAT,
                {"uri": uri, "range": params.range},
            )
        )
    if ls.session.settings.current.enable:
        actions += await update_call_sites(ls, snap, params.range)
    return actions
