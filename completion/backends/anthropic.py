"""Anthropic wire format: ``/v1/messages`` with the system prompt apart, an
``anthropic-version`` header, and named server-sent events ending with ``message_stop``."""

from __future__ import annotations

from typing import Any

from completion.backends.base import ModelRequest
from completion.backends.streams import Event, Piece, WireError, field_of, load_object
from completion.backends.transport import HttpBackend, WireCall
from completion.errors import BackendError, BadResponse, RateLimited, ServerError

API_VERSION = "2023-06-01"
_STREAM_ERRORS: dict[str, type[BackendError]] = {
    "overloaded_error": ServerError,
    "api_error": ServerError,
    "rate_limit_error": RateLimited,
}


def decode_event(event: Event) -> Piece:
    payload = load_object(event.data)
    kind = event.name or field_of(payload, "type")
    if kind == "content_block_delta":
        delta = field_of(payload, "delta", kind=dict)
        if delta.get("type", "text_delta") != "text_delta":
            return Piece()  # not text (e.g. tool input)
        return Piece(field_of(delta, "text"))
    if kind == "message_stop":
        return Piece(done=True)
    if kind == "message_delta":  # the stop reason, before message_stop
        delta = payload.get("delta")
        return Piece(limit=isinstance(delta, dict) and delta.get("stop_reason") == "max_tokens")
    if kind == "error":
        error_type = str(field_of(payload, "error", "type"))
        message = payload["error"].get("message", "")
        raise WireError(f"{error_type}: {message}", _STREAM_ERRORS.get(error_type, BadResponse))
    return Piece()  # message_start, content_block_start/stop, message_delta, ping, newer events


class AnthropicBackend(HttpBackend):
    name = "anthropic"
    modes = frozenset({"chat"})
    constraint_kinds = frozenset()  # the Messages API takes no constraint on the text

    def _headers(self, api_key: str | None) -> dict[str, str]:
        headers = {"anthropic-version": API_VERSION}
        if api_key:
            headers["x-api-key"] = api_key
        return headers

    def wire_call(self, request: ModelRequest) -> WireCall:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
        }
        if request.system:
            body["system"] = request.system
        if request.stop:
            body["stop_sequences"] = list(request.stop)
        return WireCall("/v1/messages", body, "sse", decode_event)

    async def probe(self) -> None:
        # Retrieving one model accepts aliases ("...-latest") that the list does not show.
        await self.get_json(f"/v1/models/{self.model}")
