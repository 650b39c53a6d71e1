"""Parsing a CursorCore answer back into code: the part between ``<|next_start|>`` and
``<|next_end|>`` is read in its edit format (whole file, locate and change, search and
replace) and applied to the old code; a malformed answer means "no change"."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from completion.cursorcore import (
    AREA_MARKERS,
    IM_END,
    NEXT_END,
    NEXT_START,
    SEARCH_AND_REPLACE,
    check_format,
)

logger = logging.getLogger(__name__)

_RANGE_LINE = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*$")
_FENCE_OPEN = re.compile(r"^\s*(`{3,})[^`]*$")


class MalformedAnswer(ValueError):
    """An answer that cannot be applied; :func:`parse_answer` turns it into "no change"."""


def parse_answer(old_code: str, answer: str, fmt: str) -> str:
    """The new code an answer describes. A malformed answer means "no change": the old
    code comes back and nothing is raised (the reason is logged at DEBUG)."""
    try:
        return read_answer(old_code, answer, fmt)
    except MalformedAnswer as error:
        logger.debug("malformed %s answer, keeping the code: %s", fmt, error)
        return old_code


def read_answer(old_code: str, answer: str, fmt: str) -> str:
    """The new code an answer describes; :class:`MalformedAnswer` says why there is none
    (an answer without a single edit block is not an edit either)."""
    check_format(fmt)
    body = answer_body(answer)
    if not fenced_blocks(body.split("\n")):
        raise MalformedAnswer("no code block")
    if fmt == "wf":
        return _apply_wf(old_code, body)
    if fmt == "lc":
        return _apply_lc(old_code, body)
    return _apply_sr(old_code, body)


def answer_body(answer: str) -> str:
    """The part between ``<|next_start|>`` and ``<|next_end|>`` (either may be missing),
    without cursor markers a model may have echoed."""
    body = answer.split(NEXT_START)[-1].split(NEXT_END)[0].split(IM_END)[0]
    for marker in AREA_MARKERS:
        body = body.replace(marker, "")
    return body


def fenced_blocks(lines: Sequence[str], start: int = 0) -> list[tuple[int, list[str]]]:
    """``(index of the opening fence, content lines)`` of every fenced block from ``start``."""
    blocks: list[tuple[int, list[str]]] = []
    index = start
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if not opening:
            index += 1
            continue
        ticks = opening.group(1)
        close = _closing_fence(lines, index + 1, ticks)
        if close is None:
            raise MalformedAnswer(f"unclosed code block at line {index + 1}")
        blocks.append((index, list(lines[index + 1 : close])))
        index = close + 1
    return blocks


def _closing_fence(lines: Sequence[str], start: int, ticks: str) -> int | None:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {"`"} and len(stripped) >= len(ticks):
            return index
    return None


def _apply_wf(old_code: str, body: str) -> str:
    blocks = fenced_blocks(body.split("\n"))
    if not blocks:
        raise MalformedAnswer("no code block")
    return "\n".join(blocks[0][1])


def _apply_lc(old_code: str, body: str) -> str:
    lines = body.split("\n")
    old_lines = old_code.split("\n")
    edits: list[tuple[int, int, list[str]]] = []
    for at, content in fenced_blocks(lines):
        where = _RANGE_LINE.match(lines[at - 1]) if at > 0 else None
        if where is None:
            raise MalformedAnswer(f"code block at line {at + 1} has no 'start,end' line")
        edits.append((int(where.group(1)), int(where.group(2)), content))
    return _replace_ranges(old_lines, edits)


def _replace_ranges(old_lines: list[str], edits: list[tuple[int, int, list[str]]]) -> str:
    edits = sorted(edits, key=lambda e: (e[0], e[1]))
    previous_end = 0
    for start, end, _ in edits:
        if not previous_end <= start <= end <= len(old_lines):
            raise MalformedAnswer(f"line range {start},{end} is out of order or out of range")
        previous_end = end
    new_lines = list(old_lines)
    for start, end, content in reversed(edits):
        new_lines[start:end] = content
    return "\n".join(new_lines)


def _apply_sr(old_code: str, body: str) -> str:
    old_lines = old_code.split("\n")
    edits: list[tuple[int, int, list[str]]] = []
    cursor = 0
    for _, content in fenced_blocks(body.split("\n")):
        if SEARCH_AND_REPLACE not in content:
            raise MalformedAnswer("block without a search-and-replace separator")
        split = content.index(SEARCH_AND_REPLACE)
        search, replace = content[:split], content[split + 1 :]
        start = _locate(old_lines, search, cursor)
        edits.append((start, start + len(search), replace))
        cursor = start + len(search)
    return _replace_ranges(old_lines, edits)


def _locate(lines: Sequence[str], search: Sequence[str], cursor: int) -> int:
    """First line index of ``search`` at or after ``cursor`` (else anywhere); trailing
    whitespace is ignored when an exact match does not exist."""
    if not search:
        raise MalformedAnswer("empty search text")
    for strip_trailing in (False, True):
        wanted = [x.rstrip() if strip_trailing else x for x in search]
        have = [x.rstrip() if strip_trailing else x for x in lines]
        for begin in (cursor, 0):
            for start in range(begin, len(have) - len(wanted) + 1):
                if have[start : start + len(wanted)] == wanted:
                    return start
    raise MalformedAnswer(f"search text not found: {search[0][:60]!r}")
