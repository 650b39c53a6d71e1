"""The scripted LLM server takes a client closing its connection as normal: no traceback."""

from __future__ import annotations

import json
import socket
import struct

import pytest

from tests.support.llm_server import ScriptedLLMServer


def _reset(connection: socket.socket) -> None:
    """Close with a reset (RST), as a client that drops a kept-alive connection may."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def test_a_kept_alive_connection_reset_between_requests_is_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    with ScriptedLLMServer([{"answer": "return a + b"}]) as server:
        port = int(server.url.rsplit(":", 1)[1])
        body = json.dumps({"prompt": "def add(a, b):", "stream": False}).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                               b"application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            answer = b""
            while b"return a + b" not in answer:
                data = connection.recv(4096)
                assert data, "the server closed before answering"
                answer += data
            _reset(connection)  # the server is now waiting for the next request on it
        assert server.wait_for_requests(1)
    assert "Traceback" not in capsys.readouterr().err
