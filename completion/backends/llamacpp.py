"""llama.cpp server wire format: ``/infill`` (the server builds fill-in-the-middle from
prefix, suffix and ``input_extra`` files) and ``/completion`` for raw prompts; both stream
server-sent events whose last one carries ``"stop": true``. A constraint goes as a GBNF
``grammar``."""

from __future__ import annotations

from typing import Any

from completion.backends.base import ModelRequest
from completion.backends.streams import (
    Event,
    Piece,
    WireError,
    error_message,
    field_of,
    load_object,
)
from completion.backends.transport import HttpBackend, WireCall
from completion.errors import ServerError


def _sampling(request: ModelRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stream": True,
        "n_predict": request.max_tokens,
        "temperature": request.temperature,
        "cache_prompt": True,  # stable prefixes hit the server's prompt cache
    }
    if request.stop:
        body["stop"] = list(request.stop)
    if request.constraint is not None:
        body["grammar"] = request.constraint.grammar()
    return body


def decode_event(event: Event) -> Piece:
    chunk = load_object(event.data)
    message = error_message(chunk)
    if message is not None:
        raise WireError(f"error in stream: {message}")
    stop = field_of(chunk, "stop", kind=bool)
    # the last event says why it stopped: "stopped_limit" (older servers) or "stop_type"
    limit = stop and (chunk.get("stopped_limit") is True or chunk.get("stop_type") == "limit")
    return Piece(field_of(chunk, "content"), stop, limit)


class LlamaCppBackend(HttpBackend):
    name = "llamacpp"
    modes = frozenset({"fim", "text"})
    constraint_kinds = frozenset({"grammar"})

    def wire_call(self, request: ModelRequest) -> WireCall:
        body = _sampling(request)
        if self.model:
            body["model"] = self.model
        if request.mode == "fim" and request.use_server_fim:
            extra = [{"filename": name, "text": text} for name, text in request.context_chunks]
            body.update(input_prefix=request.prefix, input_suffix=request.suffix, input_extra=extra)
            return WireCall("/infill", body, "sse", decode_event)
        body["prompt"] = request.prompt
        return WireCall("/completion", body, "sse", decode_event)

    async def probe(self) -> None:
        # The server serves the one model it was started with; health says it is loaded.
        health = await self.get_json("/health")
        if health.get("status") != "ok":
            raise self.error(ServerError, self.url("/health"), f"status {health.get('status')!r}")
