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

The script format, with its faults, is described in :mod:`tests.support.llm_script`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import pytest

from tests.support.llm_http import ScriptedHTTPServer
from tests.support.llm_script import RecordedRequest, Rule, Script, json_body


class ScriptedLLMServer:
    """A loopback LLM server answering from a script; a context manager that stops itself."""

    def __init__(self, script: Any, *, port: int = 0, api_key: str | None = None,
                 models: list[str] | tuple[str, ...] | None = None, strict: bool | None = None) -> None:
        self.script = Script.from_json(script)
        if api_key is not None:
            self.script.api_key = api_key
        if strict is not None:
            self.script.strict = strict
        if models is not None:
            self.script.models = tuple(models)
        self.requests: list[RecordedRequest] = []
        self.disconnects: list[str] = []
        self.connections_opened = 0
        self.stopping = threading.Event()
        self._changed = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._http = ScriptedHTTPServer(port, self)
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

    def record(self, method: str, path: str, headers: dict[str, str], text: str) -> RecordedRequest:
        body = json_body(text)
        lowered = {name.lower(): value for name, value in headers.items()}
        recorded = RecordedRequest(method, path, lowered, body, text)
        with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        return recorded

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
