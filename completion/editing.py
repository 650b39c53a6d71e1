"""Inline chat: an instruction applied to a selection, as a CursorCore conversation, checked
against diagnostics and repaired in error rounds. With the static backend, the placeholders
(``...`` used as values, ``__hole__``) inside the selection are filled instead.

When every answer of the model is outside the edit format, that is an :class:`EditError`;
when the static backend finds no placeholder to fill, the text comes back unchanged with
:data:`STATIC_CANNOT_FOLLOW` as the report's note."""

from __future__ import annotations

import dataclasses
import difflib
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from completion.check import render_error_report
from completion.cursorcore import (
    IM_END,
    NEXT_END,
    render_conversation,
    to_chat_messages,
)
from completion.cursorcore_answers import MalformedAnswer, read_answer
from completion.errors import EditError
from completion.history import clip_snapshots
from completion.model import EditFormat, EditRequest, HoleRequest, Round
from completion.requests import edit_request
from completion.static_filler import static_candidates
from context.model import Diagnostic
from context.positions import common_head, common_tail, offset_at, position_at
from context.secrets import mask_secrets

if TYPE_CHECKING:
    from completion.api import Engine

log = logging.getLogger(__name__)
STATIC_CANNOT_FOLLOW = (
    "the static backend cannot follow instructions: it only fills placeholders (`...` used as a "
    "value, `__hole__`) in the selection, and found none to fill; choose a model backend "
    "(holepilot.backend)"
)
WINDOW_LINES = 80
HISTORY_STEPS = 3


def unified(path: Path, old: str, new: str, root: Path) -> str:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _offsets(text: str, request: EditRequest) -> tuple[int, int]:
    start = offset_at(text, request.start_line, request.start_column, strict=False)
    end = offset_at(text, request.end_line, request.end_column, strict=False)
    return min(start, end), max(start, end)


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of whole lines around the selection that the model sees and may change."""
    lines = text.split("\n")
    first = max(0, text.count("\n", 0, start) - WINDOW_LINES)
    last = min(len(lines), text.count("\n", 0, end) + WINDOW_LINES + 1)
    w_start = sum(len(x) + 1 for x in lines[:first])
    w_end = min(len(text), sum(len(x) + 1 for x in lines[:last]))
    return w_start, w_end


def _shown_area(code: str, area: int | tuple[int, int]) -> int | tuple[int, int]:
    """Cursor or selection offsets of ``code`` moved to its masked form."""
    if isinstance(area, int):
        return len(mask_secrets(code[:area]))
    return len(mask_secrets(code[: area[0]])), len(mask_secrets(code[: area[1]]))


def restore_unchanged_lines(original: str, shown: str, edited: str) -> str:
    """``edited`` (an edit of the masked ``shown``) with every line the edit kept taken from
    ``original``: masked literals come back wherever the model did not touch them."""
    if shown == original:
        return edited
    old_lines, shown_lines = original.split("\n"), shown.split("\n")
    new_lines = edited.split("\n")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, shown_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out.extend(old_lines[i1:i2] if tag == "equal" else new_lines[j1:j2])
    return "\n".join(out)


async def model_edit(
    engine: Engine,
    path: Path,
    text: str,
    request: EditRequest,
    fmt: EditFormat,
    diagnose: Callable[[str], Awaitable[list[Diagnostic]]],
    before: list[Diagnostic],
    earlier_versions: Sequence[str] = (),
) -> tuple[str, list[Round]]:
    """The edit of ``text`` the model proposes for ``request``; ``earlier_versions`` (whole
    texts, oldest first) are the versions before ``text`` in this conversation, shown after
    the file's own edit history."""
    start, end = _offsets(text, request)
    w_start, w_end = _window(text, start, end)
    code = text[w_start:w_end]
    area: int | tuple[int, int] = (
        (start - w_start, end - w_start) if end > start else start - w_start
    )
    first_line = text.count("\n", 0, w_start)
    last_line = first_line + code.count("\n") + (0 if code.endswith("\n") else 1)
    steps = [*engine.history.steps_for(str(path))[-HISTORY_STEPS:], *earlier_versions]
    history = clip_snapshots(steps, text, first_line, last_line)
    # The model sees credential-like literals masked; lines it leaves alone get them back.
    shown = mask_secrets(code)
    history = [mask_secrets(step) for step in history]
    if shown != code:
        area = _shown_area(code, area)
    instruction = request.instruction
    best: tuple[str, int] | None = None
    rounds: list[Round] = []
    malformed: MalformedAnswer | None = None
    for index in range(engine.settings.max_rounds + 1):
        messages = to_chat_messages(history, shown, instruction, area, fmt)
        raw = render_conversation(history, shown, instruction, area, fmt)
        model_request = edit_request(
            messages, raw, engine.model_modes(), engine.settings, (NEXT_END, IM_END)
        )
        answer = await engine.generate(model_request)
        try:
            edited = read_answer(shown, answer, fmt)
        except MalformedAnswer as error:
            log.info("round %d: the answer is not a %s edit (%s)", index, fmt, error)
            malformed = error
            instruction = f"{request.instruction}\n\n{format_reminder(fmt, error)}"
            continue
        new_code = restore_unchanged_lines(code, shown, edited)
        if code.endswith("\n") and not new_code.endswith("\n"):
            new_code += "\n"  # answers rarely carry the file's last newline
        candidate = text[:w_start] + new_code + text[w_end:]
        problems = [d for d in await diagnose(candidate) if d not in before]
        rounds.append(Round(index, new_code, tuple(problems)))
        if best is None or len(problems) < best[1]:
            best = (candidate, len(problems))
        if not problems or new_code == code:
            break
        report = render_error_report(problems, new_code, str(path))
        instruction = f"{request.instruction}\n\nYour previous edit introduced these problems; avoid them:\n{report}"
    if best is None:
        raise EditError(f"the model's answer is not a '{fmt}' edit ({malformed}): nothing changed")
    return best[0], rounds


def follow_up_area(original: str, proposal: str, start: int, end: int) -> tuple[int, int]:
    """The selection ``start``..``end`` of ``original`` carried over to ``proposal``, widened
    to cover what the proposal changed (so the follow-up's area holds the previous edit)."""
    head = common_head(original, proposal)
    tail = common_tail(original, proposal, min(len(original), len(proposal)) - head)
    old_end, new_end = len(original) - tail, len(proposal) - tail

    def moved(offset: int, inside: int) -> int:
        if offset <= head:
            return offset
        return offset + new_end - old_end if offset >= old_end else inside

    return min(moved(start, head), head), max(moved(end, new_end), new_end)


def follow_up_instruction(request: EditRequest) -> str:
    """The user's turn of a follow-up: the earlier instructions (already carried out in the
    current code) and the new one."""
    earlier = "\n".join(f"- {turn.instruction}" for turn in request.earlier)
    return (
        f"Earlier instructions in this conversation, already carried out in the current "
        f"code:\n{earlier}\n\nNow: {request.instruction}"
    )


def follow_up_request(text: str, request: EditRequest) -> EditRequest:
    """A follow-up turn as a plain request on the last proposal: its selection carried over
    to the proposal, its instruction with the earlier ones."""
    proposal = request.earlier[-1].new_text
    start, end = follow_up_area(text, proposal, *_offsets(text, request))
    (start_line, start_column), (end_line, end_column) = position_at(proposal, start), position_at(proposal, end)
    return dataclasses.replace(
        request,
        start_line=start_line,
        start_column=start_column,
        end_line=end_line,
        end_column=end_column,
        instruction=follow_up_instruction(request),
        text=proposal,
        earlier=(),
    )


def format_reminder(fmt: EditFormat, error: MalformedAnswer) -> str:
    """What the next round says about an answer outside the edit format."""
    return (
        f"Your previous answer could not be applied ({error}). Answer with the edit in the "
        f"'{fmt}' format, between <|next_start|> and <|next_end|>."
    )


async def static_edit(engine: Engine, path: Path, text: str, request: EditRequest) -> str:
    """Fill every placeholder inside the selection with the best static candidate (the
    instruction itself is beyond the static backend)."""
    start, end = _offsets(text, request)
    result = text
    for marker in ("__hole__", "..."):
        search = start
        while True:
            at = result.find(marker, search, end + (len(result) - len(text)))
            if at < 0:
                break
            line = result.count("\n", 0, at)
            column = at - (result.rfind("\n", 0, at) + 1)
            if marker == "..." and result.split("\n")[line].strip() == "...":
                search = at + len(marker)
                continue
            report = await engine.context_async(HoleRequest(str(path), line, column, result))
            candidates = static_candidates(report.hole)
            if not candidates:
                search = at + len(marker)
                continue
            result = result[:at] + candidates[0].text + result[at + len(marker) :]
            search = at + len(candidates[0].text)
    log.info("static edit filled the placeholders of the selection in %s", path.name)
    return result


__all__ = ["STATIC_CANNOT_FOLLOW", "follow_up_request", "model_edit", "static_edit", "unified"]
