"""Ollama wire format: ``/api/generate`` (raw prompt, or ``suffix`` for server-side
fill-in-the-middle) and ``/api/chat``; both stream NDJSON ending with ``"done": true``. A
constraint goes as a JSON schema in ``format``: the answer is then a JSON string, decoded as it
streams."""

from __future__ import annotations

from typing import Any

from completion.backends.base import ModelRequest
from completion.backends.streams import (
    Event,
    JsonStringText,
    Piece,
    WireError,
    error_message,
    field_of,
    load_object,
)
from completion.backends.transport import HttpBackend, WireCall
from completion.errors import NotFound


def _options(request: ModelRequest) -> dict[str, Any]:
    options: dict[str, Any] = {"num_predict": request.max_tokens, "temperature": request.temperature}
    if request.stop:
        options["stop"] = list(request.stop)
    return options


def _line_object(event: Event) -> tuple[dict[str, Any], bool]:
    line = load_object(event.data)
    message = error_message(line)
    if message is not None:
        raise WireError(f"error in stream: {message}")
    return line, field_of(line, "done", kind=bool)


def decode_generate_line(event: Event) -> Piece:
    line, done = _line_object(event)
    text = line.get("response", "") if done else field_of(line, "response")
    return Piece(text if isinstance(text, str) else "", done, _at_limit(line, done))


def decode_chat_line(event: Event) -> Piece:
    line, done = _line_object(event)
    if done and "message" not in line:
        return Piece(done=True, limit=_at_limit(line, done))
    return Piece(field_of(line, "message", "content"), done, _at_limit(line, done))


def _at_limit(line: dict[str, Any], done: bool) -> bool:
    """The last line says the answer stopped at ``num_predict`` (``done_reason: "length"``)."""
    return done and line.get("done_reason") == "length"


def _same_model(wanted: str, served: str) -> bool:
    return served == wanted or (":" not in wanted and served == f"{wanted}:latest")


class OllamaBackend(HttpBackend):
    name = "ollama"
    modes = frozenset({"fim", "chat", "text"})
    constraint_kinds = frozenset({"json_schema"})

    def wire_call(self, request: ModelRequest) -> WireCall:
        common: dict[str, Any] = {"model": self.model, "stream": True, "options": _options(request)}
        if request.constraint is not None:
            common["format"] = request.constraint.json_schema()
        text_filter = JsonStringText if request.constraint is not None else None
        if request.mode == "chat":
            messages = [{"role": "system", "content": request.system}] if request.system else []
            messages += [{"role": m.role, "content": m.content} for m in request.messages]
            body = {**common, "messages": messages}
            return WireCall("/api/chat", body, "ndjson", decode_chat_line, text_filter)
        if request.mode == "fim" and request.use_server_fim:
            body = {**common, "prompt": request.prefix, "suffix": request.suffix}
        else:
            body = {**common, "prompt": request.prompt, "raw": True}
        return WireCall("/api/generate", body, "ndjson", decode_generate_line, text_filter)

    async def probe(self) -> None:
        tags = await self.get_json("/api/tags")
        served = [m.get("name") or m.get("model") or "" for m in tags.get("models") or []
                  if isinstance(m, dict)]
        if not any(_same_model(self.model, name) for name in served):
            detail = f"model '{self.model}' is not pulled (try: ollama pull {self.model})"
            raise self.error(NotFound, self.url("/api/tags"), detail)

    async def version(self) -> str:
        """The server's version (``/api/version``)."""
        answer = await self.get_json("/api/version")
        return str(answer.get("version", "unknown"))
