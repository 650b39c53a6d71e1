"""The one batch loop of the CLI: JSONL requests in (a file, or ``-`` for stdin), one JSON
result a line out, in order, from one warm engine. A bad line gets ``{"error": ...}`` on its
line and the rest go on; a batch source that cannot be read is bad input as a whole."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TextIO

from cli.args import UsageError
from cli.output import jsonl
from completion.errors import HolepilotError
from completion.model import HoleRequest
from completion.settings import checked_setting
from context.errors import ContextError
from context.workspace import read_source

JsonObject = dict[str, object]
Handle = Callable[[JsonObject], Awaitable[JsonObject]]


async def run_batch(source: str, handle: Handle, out: TextIO) -> None:
    """Answer every request line of ``source`` with ``handle``, each as soon as it is done."""
    for number, line in numbered_lines(source):
        out.write(jsonl(await answer(number, line, handle)))
        out.flush()


async def answer(number: int, line: str | bytes, handle: Handle) -> JsonObject:
    """The result of one request line, or its error."""
    try:
        request = json.loads(line)
        if not isinstance(request, dict):
            raise UsageError("each line must be a JSON object")
        return await handle(request)
    except UnicodeDecodeError as error:
        return {"error": f"line {number}: not UTF-8 (invalid byte 0x{error.object[error.start]:02x})"}
    except json.JSONDecodeError as error:
        return {"error": f"line {number}: invalid JSON ({error.msg})"}
    except (UsageError, ContextError, HolepilotError) as error:
        return {"error": f"line {number}: {error}"}


def numbered_lines(source: str) -> Iterator[tuple[int, str | bytes]]:
    """The non-blank lines of a batch file (read whole, so that a file that is not UTF-8 text
    is refused before any answer) or of stdin (as they come, undecoded)."""
    if source == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        lines: Iterator[str | bytes] = iter(stream)
    else:
        try:
            lines = iter(read_source(Path(source)).splitlines())
        except ContextError as error:
            raise UsageError(f"--batch {error}") from error
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield number, line


def hole_request(obj: JsonObject) -> HoleRequest:
    """``{"path", "line", "column", "budget"?, "text"?}`` (1-based) as a request."""
    path = obj.get("path")
    if not isinstance(path, str) or not path:
        raise UsageError("each line needs 'path', a string")
    line, column = _position_number(obj, "line"), _position_number(obj, "column")
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        raise UsageError("'text' must be a string")
    budget = obj.get("budget")
    if budget is not None:
        try:
            budget = checked_setting("budget_tokens", budget)
        except ValueError as error:
            raise UsageError(f"'budget' {error}") from error
    assert budget is None or isinstance(budget, int)
    return HoleRequest(path, line - 1, column - 1, text, budget)


def _position_number(obj: JsonObject, key: str) -> int:
    value = obj.get(key, 1)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UsageError(f"'{key}' must be a number")
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"'{key}' must be a number") from None
    if number < 1:
        raise UsageError(f"'{key}' starts at 1")
    return number


def next_edit_fields(obj: JsonObject) -> tuple[str, str | None, str]:
    """``{"path", "text"?, "previous"}`` of a ``next-edit`` line: the edit made ``previous``
    (the file's text before it) into ``text`` (default: the file on disk)."""
    path, text = checked_path(obj)
    previous = obj.get("previous")
    if not isinstance(previous, str):
        raise UsageError("each line needs 'previous', the file's text before the edit (a string)")
    return path, text, previous


def checked_path(obj: JsonObject) -> tuple[str, str | None]:
    """``{"path", "text"?}`` of a ``check`` line."""
    path, text = obj.get("path"), obj.get("text")
    if not isinstance(path, str) or not path:
        raise UsageError("each line needs 'path', a string")
    if text is not None and not isinstance(text, str):
        raise UsageError("'text' must be a string")
    return path, text
