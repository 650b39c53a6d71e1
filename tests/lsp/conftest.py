"""End-to-end fixtures: the real server as a subprocess over stdio, driven by pytest-lsp with
recorded editor capabilities, against scripted model servers on loopback."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_server.convert import plain
from tests.support.llm_server import ScriptedLLMServer

REPO = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 20
NO_SAMPLE = {"sample": False}  # holepilot.doctor without a sample completion: a quick round trip

SHAPES = """\
from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float

    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5


@dataclass
class Shape:
    name: str
    corner: Point


def make_point(x: float, y: float) -> Point:
    return Point(x, y)


def describe(shape: Shape) -> str:
    return shape.name


def largest(shapes: list[Shape], origin: Point, label: str) -> Shape:
    best: Shape = ...
    return best
"""

# 0-based line of the `...` placeholder in SHAPES and its column
HOLE_LINE = SHAPES.splitlines().index("    best: Shape = ...")
HOLE_COLUMN = len("    best: Shape = ")


@dataclass
class Session:
    client: LanguageClient
    root: Path
    statuses: list[dict[str, Any]] = field(default_factory=list)

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str, version: int = 1) -> str:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        item = types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(
        self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str
    ) -> None:
        edit = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=start[0], character=start[1]),
                end=types.Position(line=end[0], character=end[1]),
            ),
            text=text,
        )
        params = types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[edit],
        )
        self.client.text_document_did_change(params)

    async def raw_request(self, method: str, params: Any) -> Any:
        """Send a request as raw JSON, bypassing the test client's typing of params."""
        msg_id = str(uuid.uuid4())
        future: Future[Any] = Future()
        self.client.protocol._request_futures[msg_id] = future
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
        self.client.protocol._send_data(message)
        return plain(await asyncio.wrap_future(future))

    async def request(self, method: str, params: Any) -> Any:
        return plain(await self.client.protocol.send_request_async(method, params))

    async def command(self, name: str, *arguments: Any) -> Any:
        params = types.ExecuteCommandParams(command=name, arguments=list(arguments))
        return plain(await self.client.workspace_execute_command_async(params))


def server_env(tmp_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env.pop("HOLEPILOT_API_KEY", None)
    env.update(extra or {})
    return env


StartSession = Callable[..., Awaitable[Session]]


@pytest_asyncio.fixture
async def start_session(tmp_path: Path) -> AsyncIterator[StartSession]:
    """Start the server; initialize it with the given editor's recorded capabilities."""
    started: list[Session] = []

    async def start(
        editor: str = "visual-studio-code",
        options: dict[str, Any] | None = None,
        *,
        env: dict[str, str] | None = None,
        initialize: bool = True,
        configuration: dict[str, Any] | None = None,
    ) -> Session:
        root = tmp_path / "workspace"
        root.mkdir(exist_ok=True)
        command = [sys.executable, "-m", "lsp_server", "--log-level", "INFO"]
        config = ClientServerConfig(server_command=command, server_env=server_env(tmp_path, env))
        client = await config.start()
        assert isinstance(client, LanguageClient)
        session = Session(client, root)
        client.feature("holepilot/status")(lambda params: session.statuses.append(plain(params)))
        if configuration is not None:
            client.set_configuration(configuration)
        started.append(session)
        if initialize:
            params = types.InitializeParams(
                capabilities=client_capabilities(editor),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="workspace")],
                initialization_options={"backend": "static", "debounceMs": 0, **(options or {})},
            )
            await client.initialize_session(params)
        return session

    yield start
    for session in started:
        if session.client.capabilities is not None:
            await asyncio.wait_for(session.client.shutdown_session(), STOP_TIMEOUT)
        await asyncio.wait_for(session.client.stop(), STOP_TIMEOUT)


@pytest.fixture
def llm() -> Callable[[list[dict[str, Any]]], ScriptedLLMServer]:
    """Start scripted model servers on loopback; they stop at the end of the test."""
    servers: list[ScriptedLLMServer] = []

    def make(script: list[dict[str, Any]]) -> ScriptedLLMServer:
        server = ScriptedLLMServer(script).start()
        servers.append(server)
        return server

    yield make  # type: ignore[misc]
    for server in servers:
        server.stop()


def openai_options(url: str, **extra: Any) -> dict[str, Any]:
    return {"backend": "openai", "baseUrl": url, "model": "scripted-model", "maxRounds": 0, **extra}
