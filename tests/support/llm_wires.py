"""The wire formats of the scripted LLM server, one per endpoint (OpenAI chat and text
completions, Ollama generate and chat, llama.cpp completion and infill, Anthropic messages):
how a streamed answer is framed and chunked, what a whole answer and an error look like, and
which request bodies the real server would refuse."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _sse(data: str, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def _ndjson(data: str) -> bytes:
    return f"{data}\n".encode()


Frame = tuple[str | None, Any]  # (SSE event name, payload: a dict or a raw string)


@dataclass(frozen=True)
class Wire:
    framing: str  # "sse" | "ndjson"
    stream_default: bool
    piece: Callable[[str, str], Frame]  # (text, model) -> frame
    start: Callable[[str], list[Frame]]
    end: Callable[[str], list[Frame]]
    whole: Callable[[str, str], dict[str, Any]]
    error: Callable[[int, str], dict[str, Any]]

    def frame(self, event: str | None, payload: Any) -> bytes:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        return _sse(data, event) if self.framing == "sse" else _ndjson(data)

    @property
    def content_type(self) -> str:
        return "text/event-stream" if self.framing == "sse" else "application/x-ndjson"


def openai_error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "scripted_error", "code": status}}


def _openai_chat_piece(text: str, model: str) -> Frame:
    delta = {"role": "assistant", "content": text}
    return None, {"object": "chat.completion.chunk", "model": model,
                  "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}


def _openai_chat_end(model: str) -> list[Frame]:
    last = {"object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    return [(None, last), (None, "[DONE]")]


def _openai_chat_whole(text: str, model: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": text}
    return {"object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}


def _openai_text_piece(text: str, model: str) -> Frame:
    return None, {"object": "text_completion", "model": model,
                  "choices": [{"index": 0, "text": text, "finish_reason": None}]}


def _openai_text_end(model: str) -> list[Frame]:
    last = {"object": "text_completion", "model": model,
            "choices": [{"index": 0, "text": "", "finish_reason": "stop"}]}
    return [(None, last), (None, "[DONE]")]


def _openai_text_whole(text: str, model: str) -> dict[str, Any]:
    return {"object": "text_completion", "model": model,
            "choices": [{"index": 0, "text": text, "finish_reason": "stop"}]}


def _ollama_error(status: int, message: str) -> dict[str, Any]:
    return {"error": message}


def _ollama_generate_whole(text: str, model: str) -> dict[str, Any]:
    return {"model": model, "response": text, "done": True, "done_reason": "stop"}


def _ollama_chat_whole(text: str, model: str) -> dict[str, Any]:
    return {"model": model, "message": {"role": "assistant", "content": text},
            "done": True, "done_reason": "stop"}


def _llamacpp_error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "type": "scripted_error"}}


def _anthropic_error(status: int, message: str) -> dict[str, Any]:
    kind = {401: "authentication_error", 404: "not_found_error", 429: "rate_limit_error"}
    return {"type": "error", "error": {"type": kind.get(status, "api_error"), "message": message}}


def _anthropic_start(model: str) -> list[Frame]:
    message = {"id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
               "content": [], "stop_reason": None, "usage": {"input_tokens": 1, "output_tokens": 0}}
    block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    return [("message_start", {"type": "message_start", "message": message}),
            ("content_block_start", block)]


def _anthropic_piece(text: str, model: str) -> Frame:
    return "content_block_delta", {"type": "content_block_delta", "index": 0,
                                   "delta": {"type": "text_delta", "text": text}}


def _anthropic_end(model: str) -> list[Frame]:
    delta = {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
             "usage": {"output_tokens": 1}}
    return [("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", delta), ("message_stop", {"type": "message_stop"})]


def _anthropic_whole(text: str, model: str) -> dict[str, Any]:
    return {"id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn"}


def _none(model: str) -> list[Frame]:
    return []


def _llamacpp_piece(text: str, model: str) -> Frame:
    return None, {"content": text, "stop": False}


def _llamacpp_end(model: str) -> list[Frame]:
    return [(None, {"content": "", "stop": True, "stop_type": "eos"})]


WIRES: dict[str, Wire] = {
    "/v1/chat/completions": Wire("sse", False, _openai_chat_piece, _none, _openai_chat_end,
                                 _openai_chat_whole, openai_error),
    "/v1/completions": Wire("sse", False, _openai_text_piece, _none, _openai_text_end,
                            _openai_text_whole, openai_error),
    "/api/generate": Wire("ndjson", True,
                          lambda text, model: (None, {"model": model, "response": text, "done": False}),
                          _none,
                          lambda model: [(None, {"model": model, "response": "", "done": True,
                                                 "done_reason": "stop"})],
                          _ollama_generate_whole, _ollama_error),
    "/api/chat": Wire("ndjson", True,
                      lambda text, model: (None, {"model": model, "done": False,
                                                  "message": {"role": "assistant", "content": text}}),
                      _none,
                      lambda model: [(None, {"model": model, "done": True, "done_reason": "stop",
                                             "message": {"role": "assistant", "content": ""}})],
                      _ollama_chat_whole, _ollama_error),
    "/infill": Wire("sse", False, _llamacpp_piece, _none, _llamacpp_end,
                    lambda text, model: {"content": text, "stop": True}, _llamacpp_error),
    "/completion": Wire("sse", False, _llamacpp_piece, _none, _llamacpp_end,
                        lambda text, model: {"content": text, "stop": True}, _llamacpp_error),
    "/v1/messages": Wire("sse", False, _anthropic_piece, _anthropic_start, _anthropic_end,
                         _anthropic_whole, _anthropic_error),
}


def split_answer(answer: str) -> list[str]:
    """Word-sized chunks (each with its leading whitespace) that join back to ``answer``."""
    return re.findall(r"\s*\S+|\s+", answer)


def request_problem(path: str, body: Any) -> str | None:
    """A 400 message when the body misses what the real server would require."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    required = {
        "/v1/chat/completions": ("messages", list), "/v1/completions": ("prompt", str),
        "/api/generate": ("prompt", str), "/api/chat": ("messages", list),
        "/completion": ("prompt", str), "/v1/messages": ("messages", list),
        "/infill": ("input_prefix", str),
    }[path]
    name, kind = required
    if not isinstance(body.get(name), kind):
        return f"'{name}' must be a {kind.__name__}"
    if path == "/api/generate" and body.get("raw") and any(body.get(k) for k in ("template", "system", "context")):
        return "raw mode does not support template, system, or context"
    extra = body.get("input_extra", [])
    if path == "/infill" and not (
        isinstance(extra, list)
        and all(isinstance(e, dict) and {"filename", "text"} <= set(e) for e in extra)
    ):
        return "'input_extra' must be a list of {filename, text}"
    return None

