"""Incremental parsers of streamed answers (server-sent events and NDJSON) and the helpers
wire formats use to read their payloads. Pure: lines in, events out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from completion.errors import BackendError, BadResponse


class WireError(Exception):
    """A payload the wire format cannot accept; the transport maps it to ``error_class``."""

    def __init__(self, detail: str, error_class: type[BackendError] = BadResponse) -> None:
        super().__init__(detail)
        self.error_class = error_class


@dataclass(frozen=True)
class Event:
    name: str | None  # the SSE ``event:`` field; None for NDJSON lines and unnamed events
    data: str


@dataclass(frozen=True)
class Piece:
    text: str = ""
    done: bool = False  # the wire format's end marker was seen
    limit: bool = False  # the server says it stopped at the request's token limit


class LineParser(Protocol):
    def feed(self, line: str) -> list[Event]: ...

    def finish(self) -> list[Event]: ...


class SseParser:
    """Server-sent events: ``event:``/``data:`` fields, dispatched on a blank line."""

    def __init__(self) -> None:
        self._name: str | None = None
        self._data: list[str] = []

    def feed(self, line: str) -> list[Event]:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return []  # a comment (keep-alive)
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            self._name = value
        elif field == "data":
            self._data.append(value)
        return []

    def finish(self) -> list[Event]:
        return self._dispatch()

    def _dispatch(self) -> list[Event]:
        events = [Event(self._name, "\n".join(self._data))] if self._data else []
        self._name, self._data = None, []
        return events


class NdjsonParser:
    """One JSON document per non-blank line."""

    def feed(self, line: str) -> list[Event]:
        return [Event(None, line)] if line.strip() else []

    def finish(self) -> list[Event]:
        return []


class TextFilter(Protocol):
    def feed(self, text: str) -> str: ...


JSON_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/"}


class JsonStringText:
    """The text of an answer framed as one JSON string (a server under a JSON-schema
    constraint answers ``"RED"``), decoded as it streams. An answer that does not open with a
    quote passes through unchanged: the server ignored the constraint."""

    def __init__(self) -> None:
        self._state = "start"  # "start" | "string" | "escape" | "unicode" | "end" | "raw"
        self._hex = ""
        self._high: int | None = None  # a UTF-16 high surrogate waiting for its pair

    def feed(self, text: str) -> str:
        out: list[str] = []
        for index, ch in enumerate(text):
            if self._state == "raw":
                out.append(text[index:])
                break
            self._step(ch, out)
        return "".join(out)

    def _step(self, ch: str, out: list[str]) -> None:
        state = self._state
        if state == "start":
            if ch == '"':
                self._state = "string"
            elif not ch.isspace():
                self._state = "raw"
                out.append(ch)
        elif state == "string":
            if ch == "\\":
                self._state = "escape"
            elif ch == '"':
                self._state = "end"
            else:
                out.append(ch)
        elif state == "escape":
            self._state = "unicode" if ch == "u" else "string"
            if ch != "u":
                out.append(JSON_ESCAPES.get(ch, ch))
        elif state == "unicode":
            self._hex += ch
            if len(self._hex) == 4:
                self._code_unit(int(self._hex, 16) if _is_hex(self._hex) else 0xFFFD, out)
                self._hex, self._state = "", "string"

    def _code_unit(self, unit: int, out: list[str]) -> None:
        if 0xD800 <= unit < 0xDC00:
            self._high = unit
            return
        if 0xDC00 <= unit < 0xE000 and self._high is not None:
            unit = 0x10000 + ((self._high - 0xD800) << 10) + (unit - 0xDC00)
        self._high = None
        out.append(chr(unit))


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def make_parser(framing: str) -> LineParser:
    return SseParser() if framing == "sse" else NdjsonParser()


def load_object(data: str) -> dict[str, Any]:
    """The JSON object in ``data``, or a WireError."""
    try:
        value = json.loads(data)
    except ValueError as error:
        raise WireError(f"invalid JSON in answer: {error.args[0]}") from error
    if not isinstance(value, dict):
        raise WireError(f"unexpected schema: expected a JSON object, got {type(value).__name__}")
    return value


def field_of(obj: Any, *path: str | int, kind: type | tuple[type, ...] = str) -> Any:
    """``obj[path[0]][path[1]]...`` checked to be of ``kind``, or a WireError naming the path."""
    value = obj
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            raise WireError(f"unexpected schema: no {_dotted(path)}") from None
    if not isinstance(value, kind):
        raise WireError(f"unexpected schema: {_dotted(path)} is {type(value).__name__}")
    return value


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def error_message(obj: Any) -> str | None:
    """The message of an ``{"error": ...}`` payload (OpenAI, Ollama, llama.cpp, Anthropic)."""
    if not isinstance(obj, dict) or "error" not in obj:
        return None
    error = obj["error"]
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or error)
    return str(error)
