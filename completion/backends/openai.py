"""OpenAI wire format: ``openai`` speaks ``/v1/chat/completions``; ``openai-completions``
speaks ``/v1/completions`` with ``suffix`` for server-side fill-in-the-middle. Both stream
server-sent events ending with ``data: [DONE]``.

OpenAI's own API refuses fields it does not define; a compatible server that takes vLLM-style
``guided_choice`` / ``guided_regex`` gets a constraint in them when the settings say so
(``guidedDecoding``)."""

from __future__ import annotations

from typing import Any

from completion.backends.base import ConstraintKind, HttpConfig, ModelRequest
from completion.backends.streams import (
    Event,
    Piece,
    WireError,
    error_message,
    field_of,
    load_object,
)
from completion.backends.transport import HttpBackend, WireCall
from completion.errors import NotFound

MAX_STOP_SEQUENCES = 4  # the API refuses more
END_MARKER = "[DONE]"
GUIDED: frozenset[ConstraintKind] = frozenset({"guided_choice", "guided_regex"})


def _sampling(request: ModelRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stream": True,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    if request.stop:
        body["stop"] = list(request.stop[:MAX_STOP_SEQUENCES])
    return body


def _chunk_object(event: Event) -> dict[str, Any] | None:
    """The chunk's JSON object, or None for the end marker."""
    if event.data.strip() == END_MARKER:
        return None
    chunk = load_object(event.data)
    message = error_message(chunk)
    if message is not None:
        raise WireError(f"error in stream: {message}")
    return chunk


def decode_chat_event(event: Event) -> Piece:
    chunk = _chunk_object(event)
    if chunk is None:
        return Piece(done=True)
    choices = field_of(chunk, "choices", kind=list)
    if not choices:
        return Piece()  # a usage-only chunk
    content = field_of(choices, 0, "delta", kind=dict).get("content")
    if content is not None and not isinstance(content, str):
        raise WireError("unexpected schema: choices[0].delta.content is not text")
    return Piece(content or "", limit=_at_limit(choices))


def decode_text_event(event: Event) -> Piece:
    chunk = _chunk_object(event)
    if chunk is None:
        return Piece(done=True)
    choices = field_of(chunk, "choices", kind=list)
    if not choices:
        return Piece()
    return Piece(field_of(choices, 0, "text"), limit=_at_limit(choices))


def _at_limit(choices: list[Any]) -> bool:
    """The chunk ends the answer at the token limit (``finish_reason: "length"``)."""
    return isinstance(choices[0], dict) and choices[0].get("finish_reason") == "length"


class _OpenAIBackend(HttpBackend):
    def __init__(self, config: HttpConfig) -> None:
        super().__init__(config)
        # Only a server said to take them (vLLM and the like) gets the guided fields.
        self.constraint_kinds = GUIDED if config.guided_decoding else frozenset()

    def _sampling(self, request: ModelRequest) -> dict[str, Any]:
        body = _sampling(request)
        constraint = request.constraint
        if constraint is not None and not constraint.heads and "guided_choice" in self.constraint_kinds:
            body["guided_choice"] = list(constraint.choices)
        elif constraint is not None and "guided_regex" in self.constraint_kinds:
            body["guided_regex"] = constraint.regex()
        return body

    async def probe(self) -> None:
        url = self.url("/v1/models")
        listing = await self.get_json("/v1/models")
        models = [m.get("id") for m in listing.get("data") or [] if isinstance(m, dict)]
        # Some compatible servers list nothing; only a list without the model is a miss.
        if models and self.model not in models:
            raise self.error(NotFound, url, f"model '{self.model}' is not served")


class OpenAIChatBackend(_OpenAIBackend):
    name = "openai"
    modes = frozenset({"chat"})

    def wire_call(self, request: ModelRequest) -> WireCall:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += [{"role": m.role, "content": m.content} for m in request.messages]
        body = {"model": self.model, "messages": messages, **self._sampling(request)}
        return WireCall("/v1/chat/completions", body, "sse", decode_chat_event)


class OpenAICompletionsBackend(_OpenAIBackend):
    name = "openai-completions"
    modes = frozenset({"fim", "text"})

    def wire_call(self, request: ModelRequest) -> WireCall:
        body: dict[str, Any] = {"model": self.model, **self._sampling(request)}
        if request.mode == "fim" and request.use_server_fim:
            body.update(prompt=request.prefix, suffix=request.suffix)
        else:
            body["prompt"] = request.prompt
        return WireCall("/v1/completions", body, "sse", decode_text_event)
