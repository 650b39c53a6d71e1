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
    end: Callable[[str, bool], list[Frame]]  # (model, the token limit ended the answer)
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


def _openai_chat_end(model: str, limited: bool) -> list[Frame]:
    last = {"object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "length" if limited else "stop"}]}
    return [(None, last), (None, "[DONE]")]


def _openai_chat_whole(text: str, model: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": text}
    return {"object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}


def _openai_text_piece(text: str, model: str) -> Frame:
    return None, {"object": "text_completion", "model": model,
                  "choices": [{"index": 0, "text": text, "finish_reason": None}]}


def _openai_text_end(model: str, limited: bool) -> list[Frame]:
    last = {"object": "text_completion", "model": model,
            "choices": [{"index": 0, "text": "", "finish_reason": "length" if limited else "stop"}]}
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


def _anthropic_end(model: str, limited: bool) -> list[Frame]:
    delta = {"type": "message_delta", "delta": {"stop_reason": "max_tokens" if limited else "end_turn"},
             "usage": {"output_tokens": 1}}
    return [("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", delta), ("message_stop", {"type": "message_stop"})]


def _anthropic_whole(text: str, model: str) -> dict[str, Any]:
    return {"id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn"}


def _none(model: str) -> list[Frame]:
    return []


def _ollama_reason(limited: bool) -> str:
    return "length" if limited else "stop"


def _llamacpp_piece(text: str, model: str) -> Frame:
    return None, {"content": text, "stop": False}


def _llamacpp_end(model: str, limited: bool) -> list[Frame]:
    return [(None, {"content": "", "stop": True, "stop_type": "limit" if limited else "eos",
                    "stopped_limit": limited})]


WIRES: dict[str, Wire] = {
    "/v1/chat/completions": Wire("sse", False, _openai_chat_piece, _none, _openai_chat_end,
                                 _openai_chat_whole, openai_error),
    "/v1/completions": Wire("sse", False, _openai_text_piece, _none, _openai_text_end,
                            _openai_text_whole, openai_error),
    "/api/generate": Wire("ndjson", True,
                          lambda text, model: (None, {"model": model, "response": text, "done": False}),
                          _none,
                          lambda model, limited: [(None, {"model": model, "response": "", "done": True,
                                                          "done_reason": _ollama_reason(limited)})],
                          _ollama_generate_whole, _ollama_error),
    "/api/chat": Wire("ndjson", True,
                      lambda text, model: (None, {"model": model, "done": False,
                                                  "message": {"role": "assistant", "content": text}}),
                      _none,
                      lambda model, limited: [(None, {"model": model, "done": True,
                                                      "done_reason": _ollama_reason(limited),
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



_OPENAI_SAMPLING = {"model", "stream", "stream_options", "max_tokens", "temperature", "top_p", "n",
                    "stop", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
                    "user", "seed"}
_LLAMACPP = {"model", "prompt", "stream", "n_predict", "temperature", "top_k", "top_p", "min_p",
             "stop", "seed", "cache_prompt", "n_keep", "n_indent", "typical_p", "repeat_penalty",
             "repeat_last_n", "presence_penalty", "frequency_penalty", "grammar", "json_schema",
             "ignore_eos", "logit_bias", "n_probs", "samplers", "t_max_predict_ms", "id_slot",
             "return_tokens", "timings_per_token", "response_fields"}
# The request fields each real API defines (a strict script refuses any other).
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "/v1/chat/completions": frozenset(_OPENAI_SAMPLING | {
        "messages", "max_completion_tokens", "top_logprobs", "tools", "tool_choice",
        "parallel_tool_calls", "response_format", "service_tier", "store", "metadata",
        "modalities", "prediction", "reasoning_effort"}),
    "/v1/completions": frozenset(_OPENAI_SAMPLING | {"prompt", "suffix", "echo", "best_of"}),
    "/api/generate": frozenset({"model", "prompt", "suffix", "images", "format", "options",
                                "system", "template", "stream", "raw", "keep_alive", "context",
                                "think"}),
    "/api/chat": frozenset({"model", "messages", "tools", "format", "options", "stream",
                            "keep_alive", "think"}),
    "/completion": frozenset(_LLAMACPP),
    "/infill": frozenset(_LLAMACPP | {"input_prefix", "input_suffix", "input_extra"}),
    "/v1/messages": frozenset({"model", "messages", "max_tokens", "system", "stop_sequences",
                               "stream", "temperature", "top_p", "top_k", "metadata", "tools",
                               "tool_choice", "thinking", "service_tier"}),
}


def unknown_fields(path: str, body: dict[str, Any]) -> list[str]:
    """The fields of ``body`` the real API at ``path`` does not define."""
    known = KNOWN_FIELDS.get(path)
    return [] if known is None else sorted(set(body) - known)


def request_limits(body: dict[str, Any]) -> tuple[tuple[str, ...], int | None]:
    """The stop sequences and the token limit a request asks for, in any of the wire formats."""
    options = body.get("options") if isinstance(body.get("options"), dict) else {}
    stop = body.get("stop", body.get("stop_sequences", options.get("stop")))
    stops = (stop,) if isinstance(stop, str) else tuple(s for s in stop or () if isinstance(s, str) and s)
    for limit in (body.get("max_tokens"), body.get("n_predict"), options.get("num_predict")):
        if isinstance(limit, int) and limit > 0:
            return stops, limit
    return stops, None


def limit_ends(pieces: list[str], stops: tuple[str, ...], limit: int | None) -> bool:
    """A server honouring ``stops`` and ``limit`` ends the answer at the limit (not at a stop
    or at its end): its last event says so."""
    if limit is None or len(pieces) <= limit:
        return False
    text = "".join(pieces[:limit])
    return not any(s in text for s in stops)


def obeyed(pieces: list[str], stops: tuple[str, ...], limit: int | None) -> list[str]:
    """The chunks a server honouring ``stops`` and ``limit`` (chunks as tokens) would send."""
    pieces = pieces[:limit] if limit is not None else pieces
    text = "".join(pieces)
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=len(text))
    out: list[str] = []
    used = 0
    for piece in pieces:
        if used >= cut:
            break
        out.append(piece[: cut - used])
        used += len(piece)
    return [p for p in out if p]
