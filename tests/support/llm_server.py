"""A scripted LLM server on loopback that speaks the OpenAI, Ollama, llama.cpp and Anthropic
wire formats, streaming and not, with scripted answers and faults.

In-process (pytest)::

    with ScriptedLLMServer([{"match": "def add", "answer": "return a + b"}]) as server:
        ...  # talk to server.url
        assert server.requests[0].path == "/v1/chat/completions"

or through the ``llm_server`` fixture (a factory; every test may use it)::

    def test_x(llm_server):
        server = llm_server([{"answer": "return a + b"}], api_key="k")

As a process (editor end-to-end tests)::

    python -m tests.support.llm_server --script FILE.json [--port 0] [--max-seconds 600]

prints ``{"port": N, "url": "http://127.0.0.1:N"}`` on one line, then serves until killed or
until ``--max-seconds`` pass. ``GET /__requests`` returns the requests received so far.

The script is an ordered list of rules, or an object ``{"rules": [...], "api_key": "...",
"models": [...]}``. A rule::

    {"match": "substring or null", "answer": "text", "status": 200, "headers": {...},
     "fault": null | "hang" | "cut" | "truncated" | "invalid_json" | "bad_schema" | "slow",
     "delay": 0.0, "times": null | int, "path": null | "/v1/completions"}

The first rule whose ``match`` occurs in the request body (the whole JSON text) answers a POST;
``times`` limits how often a rule is used; ``path`` restricts a rule to one endpoint. GET
endpoints (model lists, health, version) only consult rules whose ``path`` names them.

Faults: ``hang`` reads the request and never answers (until the client leaves or the server
stops); ``cut`` streams a few chunks, then drops the connection mid-body; ``truncated`` ends the
HTTP body cleanly but without the wire format's end marker; ``invalid_json`` and ``bad_schema``
(valid JSON, wrong shape) corrupt the payloads; ``slow`` waits ``delay`` seconds between chunks
(otherwise ``delay`` is waited before answering). Any HTTP ``status`` answers with that status
and the rule's ``headers`` (e.g. ``Retry-After``). With ``api_key`` set, a request without
``Authorization: Bearer KEY`` or ``x-api-key: KEY`` gets 401.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import pytest

FAULTS = (None, "hang", "cut", "truncated", "invalid_json", "bad_schema", "slow")
DEFAULT_MODELS = ("scripted-model",)
ANTHROPIC_VERSION_HEADER = "anthropic-version"


@dataclass
class Rule:
    match: str | None = None
    answer: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    delay: float = 0.0
    times: int | None = None
    path: str | None = None
    used: int = 0

    @classmethod
    def from_json(cls, raw: dict[str, Any] | Rule) -> Rule:
        if isinstance(raw, Rule):
            return raw
        known = {"match", "answer", "status", "headers", "fault", "delay", "times", "path"}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown rule keys: {sorted(unknown)}")
        rule = cls(**raw)
        if rule.fault not in FAULTS:
            raise ValueError(f"unknown fault {rule.fault!r}; expected one of {FAULTS}")
        return rule

    def applies(self, method: str, path: str, text: str) -> bool:
        if self.path is not None and not path.startswith(self.path):
            return False
        if self.path is None and method != "POST":
            return False
        if self.match is not None and self.match not in text:
            return False
        return self.times is None or self.used < self.times


@dataclass
class RecordedRequest:
    """One request as received: ``body`` is the parsed JSON (None when absent or invalid)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    text: str

    def __getitem__(self, key: str) -> Any:
        return self.body[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default) if isinstance(self.body, dict) else default

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "headers": self.headers, "body": self.body}


@dataclass
class Script:
    rules: list[Rule]
    api_key: str | None = None
    models: tuple[str, ...] = DEFAULT_MODELS

    @classmethod
    def from_json(cls, raw: Any) -> Script:
        if isinstance(raw, Script):
            return raw
        if isinstance(raw, list):
            raw = {"rules": raw}
        rules = [Rule.from_json(rule) for rule in raw.get("rules", [])]
        models = tuple(raw.get("models") or DEFAULT_MODELS)
        return cls(rules=rules, api_key=raw.get("api_key"), models=models)


# --- wire formats -------------------------------------------------------------------------


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


def _openai_error(status: int, message: str) -> dict[str, Any]:
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
                                 _openai_chat_whole, _openai_error),
    "/v1/completions": Wire("sse", False, _openai_text_piece, _none, _openai_text_end,
                            _openai_text_whole, _openai_error),
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


def _request_problem(path: str, body: Any) -> str | None:
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


# --- the HTTP server ----------------------------------------------------------------------


class _ClientGone(Exception):
    """The client closed the connection while being answered."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read .requests
        return

    def setup(self) -> None:
        super().setup()
        # Small streamed chunks must not wait for Nagle's algorithm.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner.untrack(self.connection)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    # -- dispatch

    def _dispatch(self, method: str) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        text = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        path = self.path.split("?", 1)[0]
        if path == "/__requests":
            self._send_json(200, [r.as_json() for r in owner.requests])
            return
        owner.record(method, path, dict(self.headers.items()), text)
        try:
            self._answer(method, path, text)
        except _ClientGone:
            owner.note_disconnect(path)
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            owner.note_disconnect(path)
            self.close_connection = True

    def _answer(self, method: str, path: str, text: str) -> None:
        owner = self.server.owner
        wire = WIRES.get(path)
        problem = self._auth_problem(path)
        if problem is not None:
            self._send_json(401 if "key" in problem else 400,
                            (wire.error if wire else _openai_error)(401, problem))
            return
        rule = owner.pick(method, path, text)
        if method == "GET":
            self._answer_get(path, rule)
        elif wire is None:
            self._send_json(404, _openai_error(404, f"no such endpoint: {path}"))
        elif rule is None:
            self._send_json(500, wire.error(500, "no scripted rule matches this request"))
        else:
            self._answer_post(wire, path, text, rule)

    def _auth_problem(self, path: str) -> str | None:
        key = self.server.owner.script.api_key
        given_bearer = self.headers.get("Authorization", "")
        given_x = self.headers.get("x-api-key")
        if path == "/v1/messages":
            if not given_x:
                return "x-api-key header is required"
            if not self.headers.get(ANTHROPIC_VERSION_HEADER):
                return "anthropic-version header is required"
        if key is None:
            return None
        if given_bearer == f"Bearer {key}" or given_x == key:
            return None
        return "invalid api key"

    def _answer_get(self, path: str, rule: Rule | None) -> None:
        if rule is not None and (rule.status != 200 or rule.fault is not None):
            self._answer_fault_or_status(None, rule, "", "")
            return
        models = self.server.owner.script.models
        listing = {
            "/v1/models": {"object": "list", "data": [
                {"id": m, "object": "model", "type": "model", "display_name": m} for m in models]},
            "/api/tags": {"models": [{"name": m, "model": m} for m in models]},
            "/api/version": {"version": "0.0.0-scripted"},
            "/health": {"status": "ok"},
        }
        if path in listing:
            self._send_json(200, listing[path])
        elif path.startswith("/v1/models/") and path.removeprefix("/v1/models/") in models:
            model = path.removeprefix("/v1/models/")
            self._send_json(200, {"id": model, "object": "model", "type": "model"})
        else:
            self._send_json(404, _openai_error(404, f"not found: {path}"))

    def _answer_post(self, wire: Wire, path: str, text: str, rule: Rule) -> None:
        body = json.loads(text) if _is_json(text) else None
        problem = _request_problem(path, body)
        if problem is not None:
            self._send_json(400, wire.error(400, problem))
            return
        assert isinstance(body, dict)
        model = str(body.get("model") or self.server.owner.script.models[0])
        if rule.status != 200 or rule.fault == "hang":
            self._answer_fault_or_status(wire, rule, model, text)
            return
        if rule.fault != "slow":
            self._pause(rule.delay)
        if body.get("stream", wire.stream_default):
            self._stream(wire, rule, model)
        else:
            self._whole(wire, rule, model)

    def _answer_fault_or_status(self, wire: Wire | None, rule: Rule, model: str, text: str) -> None:
        if rule.fault == "hang":
            self._pause(None)
            self.close_connection = True
            return
        self._pause(rule.delay)
        error = wire.error if wire else _openai_error
        message = rule.answer or f"scripted status {rule.status}"
        self._send_json(rule.status, error(rule.status, message), rule.headers)

    # -- writers

    def _whole(self, wire: Wire, rule: Rule, model: str) -> None:
        if rule.fault == "invalid_json":
            self._send_raw(200, b'{"oops": ', "application/json", rule.headers)
        elif rule.fault == "bad_schema":
            self._send_json(200, {"unexpected": rule.answer}, rule.headers)
        else:
            self._send_json(200, wire.whole(rule.answer, model), rule.headers)

    def _stream(self, wire: Wire, rule: Rule, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", wire.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for name, value in rule.headers.items():
            self.send_header(name, value)
        self.end_headers()
        for event, payload in wire.start(model):
            self._chunk(wire.frame(event, payload))
        pieces = split_answer(rule.answer)
        if rule.fault == "cut":
            pieces = pieces[: max(1, len(pieces) // 2)]
        for index, piece in enumerate(pieces):
            if rule.fault == "slow" and index:
                self._pause(rule.delay)
            self._chunk(self._piece_frame(wire, rule, piece, model))
        if rule.fault == "cut":
            self._drop_connection()
            return
        if rule.fault != "truncated":
            for event, payload in wire.end(model):
                self._chunk(wire.frame(event, payload))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _piece_frame(self, wire: Wire, rule: Rule, piece: str, model: str) -> bytes:
        event, payload = wire.piece(piece, model)
        if rule.fault == "invalid_json":
            return wire.frame(event, '{"oops": ' + json.dumps(piece))
        if rule.fault == "bad_schema":
            return wire.frame(event, {"unexpected": piece})
        return wire.frame(event, payload)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _drop_connection(self) -> None:
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_raw(self, status: int, data: bytes, kind: str, headers: dict[str, str] | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _pause(self, seconds: float | None) -> None:
        """Wait ``seconds`` (None: until the server stops), noticing a client that leaves."""
        if seconds is not None and seconds <= 0:
            return
        owner = self.server.owner
        deadline = None if seconds is None else time.monotonic() + seconds
        while not owner.stopping.is_set():
            left = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if left <= 0:
                return
            readable, _, _ = select.select([self.connection], [], [], left)
            if readable and not owner.stopping.is_set() and not self._peek():
                raise _ClientGone

    def _peek(self) -> bytes:
        try:
            return self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return b""


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, port: int, owner: ScriptedLLMServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", port), _Handler)


class ScriptedLLMServer:
    """A loopback LLM server answering from a script; a context manager that stops itself."""

    def __init__(self, script: Any, *, port: int = 0, api_key: str | None = None,
                 models: list[str] | tuple[str, ...] | None = None) -> None:
        self.script = Script.from_json(script)
        if api_key is not None:
            self.script.api_key = api_key
        if models is not None:
            self.script.models = tuple(models)
        self.requests: list[RecordedRequest] = []
        self.disconnects: list[str] = []
        self.connections_opened = 0
        self.stopping = threading.Event()
        self._changed = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._http = _HTTPServer(port, self)
        self.port: int = self._http.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.01},
            name=f"scripted-llm-{self.port}", daemon=True,
        )
        self._started = False

    # -- lifecycle

    def start(self) -> ScriptedLLMServer:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        if self._started:
            self._http.shutdown()
            self._thread.join()
        with self._changed:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._http.server_close()

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- bookkeeping (called from handler threads)

    def track(self, connection: socket.socket) -> None:
        with self._changed:
            self._connections.add(connection)
            self.connections_opened += 1

    def untrack(self, connection: socket.socket) -> None:
        with self._changed:
            self._connections.discard(connection)

    def record(self, method: str, path: str, headers: dict[str, str], text: str) -> None:
        body = json.loads(text) if text and _is_json(text) else None
        lowered = {name.lower(): value for name, value in headers.items()}
        with self._changed:
            self.requests.append(RecordedRequest(method, path, lowered, body, text))
            self._changed.notify_all()

    def pick(self, method: str, path: str, text: str) -> Rule | None:
        with self._changed:
            for rule in self.script.rules:
                if rule.applies(method, path, text):
                    rule.used += 1
                    return rule
        return None

    def note_disconnect(self, path: str) -> None:
        with self._changed:
            self.disconnects.append(path)
            self._changed.notify_all()

    # -- waiting without sleeping

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """True once ``count`` requests have arrived, False after ``timeout`` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.requests) >= count, timeout)

    def wait_for_disconnect(self, timeout: float = 5.0) -> bool:
        """True once a client has left in the middle of an answer."""
        with self._changed:
            return self._changed.wait_for(lambda: bool(self.disconnects), timeout)

    def posts(self) -> Iterator[RecordedRequest]:
        return (r for r in self.requests if r.method == "POST")


@pytest.fixture
def llm_server() -> Iterator[Callable[..., ScriptedLLMServer]]:
    """A factory of started servers (``llm_server(rules, api_key=...)``), all stopped after
    the test."""
    servers: list[ScriptedLLMServer] = []

    def start(script: Any, **options: Any) -> ScriptedLLMServer:
        server = ScriptedLLMServer(script, **options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--script", required=True, help="JSON file: a list of rules or an object")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    with open(args.script, encoding="utf-8") as handle:
        script = json.load(handle)
    with ScriptedLLMServer(script, port=args.port) as server:
        sys.stdout.write(json.dumps({"port": server.port, "url": server.url}) + "\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            server.stopping.wait(args.max_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
