"""The HTTP side of the scripted LLM server: a threading HTTP server on loopback and its
request handler, which checks keys, picks the script's rule and answers in the endpoint's wire
format, with the rule's status, delay and faults."""

from __future__ import annotations

import itertools
import json
import select
import socket
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from tests.support.llm_script import RecordedRequest, Rule, json_body
from tests.support.llm_wires import (
    WIRES,
    Wire,
    limit_ends,
    obeyed,
    openai_error,
    request_limits,
    request_problem,
    split_answer,
    unknown_fields,
)

if TYPE_CHECKING:
    from tests.support.llm_server import ScriptedLLMServer

ANTHROPIC_VERSION_HEADER = "anthropic-version"
FOREVER_MIN_PAUSE_S = 0.001  # a stream without end still lets the server notice a client leaving


class _ClientGone(Exception):
    """The client closed the connection while being answered."""


# What writing to or reading from a connection the client closed raises: normal, not an error.
CLIENT_CLOSED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ScriptedHTTPServer
    recorded: RecordedRequest  # the request being answered

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

    def handle_one_request(self) -> None:
        """One request; a client that closes its connection between requests (a kept-alive
        connection reset while waiting for the next one) ends it quietly, as HTTP servers do."""
        try:
            super().handle_one_request()
        except CLIENT_CLOSED:
            self.close_connection = True

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
        self.recorded = owner.record(method, path, dict(self.headers.items()), text)
        try:
            self._answer(method, path, text)
        except (_ClientGone, *CLIENT_CLOSED):
            self.recorded.client_left = True
            owner.note_disconnect(path)
            self.close_connection = True

    def _answer(self, method: str, path: str, text: str) -> None:
        owner = self.server.owner
        wire = WIRES.get(path)
        problem = self._auth_problem(path)
        if problem is not None:
            self._send_json(401 if "key" in problem else 400,
                            (wire.error if wire else openai_error)(401, problem))
            return
        rule = owner.pick(method, path, text)
        if method == "GET":
            self._answer_get(path, rule)
        elif wire is None:
            self._send_json(404, openai_error(404, f"no such endpoint: {path}"))
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
            self._send_json(404, openai_error(404, f"not found: {path}"))

    def _answer_post(self, wire: Wire, path: str, text: str, rule: Rule) -> None:
        body = json_body(text)
        problem = request_problem(path, body)
        if problem is not None:
            self._send_json(400, wire.error(400, problem))
            return
        assert isinstance(body, dict)
        unknown = unknown_fields(path, body) if self.server.owner.script.strict else []
        if unknown:
            self._send_json(400, wire.error(400, f"Unrecognized request argument supplied: {unknown[0]}"))
            return
        model = str(body.get("model") or self.server.owner.script.models[0])
        if rule.status != 200 or rule.fault == "hang":
            self._answer_fault_or_status(wire, rule, model, text)
            return
        if rule.fault != "slow":
            self._pause(rule.delay)
        if body.get("stream", wire.stream_default):
            self._stream(wire, rule, model, body)
        else:
            self._whole(wire, rule, model)

    def _answer_fault_or_status(self, wire: Wire | None, rule: Rule, model: str, text: str) -> None:
        if rule.fault == "hang":
            self._pause(None)
            self.close_connection = True
            return
        self._pause(rule.delay)
        error = wire.error if wire else openai_error
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

    def _stream(self, wire: Wire, rule: Rule, model: str, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", wire.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for name, value in rule.headers.items():
            self.send_header(name, value)
        self.end_headers()
        for event, payload in wire.start(model):
            self._chunk(wire.frame(event, payload))
        for index, piece in enumerate(self._pieces(rule, body)):
            if rule.fault in ("slow", "forever") and index:
                self._pause(max(rule.delay, FOREVER_MIN_PAUSE_S if rule.fault == "forever" else 0.0))
                if self.server.owner.stopping.is_set():
                    break
            self._chunk(self._piece_frame(wire, rule, piece, model))
            self.recorded.chunks_sent += 1
        if rule.fault == "cut":
            self._drop_connection()
            return
        if rule.fault != "truncated":
            limited = rule.obey and limit_ends(split_answer(rule.answer), *request_limits(body))
            for event, payload in wire.end(model, limited):
                self._chunk(wire.frame(event, payload))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _pieces(self, rule: Rule, body: dict[str, Any]) -> Iterable[str]:
        """The answer's chunks, as the rule's fault and ``obey`` shape them."""
        pieces = split_answer(rule.answer)
        if rule.fault == "one_chunk":
            pieces = [rule.answer] if rule.answer else []
        if rule.obey:
            pieces = obeyed(pieces, *request_limits(body))
        if rule.fault == "cut":
            pieces = pieces[: max(1, len(pieces) // 2)]
        if rule.fault == "forever" and pieces:
            return itertools.cycle(pieces)
        return pieces

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


class ScriptedHTTPServer(ThreadingHTTPServer):
    """The loopback HTTP server answering for a :class:`ScriptedLLMServer`."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, port: int, owner: ScriptedLLMServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", port), _Handler)
