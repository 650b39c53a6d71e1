"""The protocol forgets what it has finished: a server running for days does not fill up."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from lsp_server.server import create_server


class Sink:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self) -> None:
        pass


async def test_finished_notifications_and_requests_leave_no_futures_behind(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n", encoding="utf-8")
    server = create_server()
    protocol = server.protocol
    protocol.set_writer(Sink())  # type: ignore[arg-type]
    uri = (tmp_path / "a.py").as_uri()

    def handle(message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message})
        protocol.handle_message(json.loads(data, object_hook=protocol.structure_message))

    options = {"backend": "static", "debounceMs": 0}
    handle(
        {
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": tmp_path.as_uri(),
                "capabilities": {},
                "initializationOptions": options,
            },
        }
    )
    handle({"method": "initialized", "params": {}})
    handle(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": uri,
                    "languageId": "python",
                    "version": 1,
                    "text": "x = 1\n",
                }
            },
        }
    )
    for version in range(2, 202):
        handle(
            {
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": f"x = {version}\n"}],
                },
            }
        )
        handle(
            {
                "id": version,
                "method": "textDocument/expectedType",
                "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 4}},
            }
        )
    for _ in range(200):  # let every handler finish
        await asyncio.sleep(0.02)
        if not any(not f.done() for f in protocol._request_futures.values()):
            break
    await asyncio.sleep(0.05)
    assert len(protocol._request_futures) < 5, len(protocol._request_futures)
    if server.session.projects.engine is not None:
        await server.session.projects.engine.aclose()
