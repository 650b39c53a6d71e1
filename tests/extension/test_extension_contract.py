"""The requests, notifications and commands the VS Code extension uses are the server's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lsp_server.server import create_server

SOURCES = Path(__file__).resolve().parents[2] / "vscode-extension" / "src"
SERVER = Path(__file__).resolve().parents[2] / "lsp_server"


@pytest.fixture(scope="module")
def server() -> Any:
    return create_server()


def _source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.ts")))


def _methods_sent() -> set[str]:
    """Method names sent literally, or through a constant (``export const NAME = 'method'``)."""
    source = _source()
    constants = dict(re.findall(r"const (\w+) = '([\w/.]+)'", source))
    sent = re.findall(r"send(?:Request|Notification)\(\s*(?:'([\w/.]+)'|([A-Z_]+)\b)", source)
    return {literal or constants[name] for literal, name in sent if literal or name in constants}


def _commands_executed() -> set[str]:
    return set(re.findall(r"command: '(holepilot\.\w+)',\s*arguments", _source()))


def test_the_sources_are_found() -> None:
    assert "holepilot/context" in _methods_sent()
    assert {
        "textDocument/didShowCompletion",
        "textDocument/didPartiallyAcceptCompletion",
        "holepilot/didAcceptCompletion",
        "holepilot/nextEdits",
    } <= _methods_sent()
    assert {
        "holepilot.inlineChat",
        "holepilot.fillHole",
        "holepilot.doctor",
    } <= _commands_executed()


@pytest.mark.parametrize("method", sorted(_methods_sent()))
def test_every_method_the_extension_sends_is_served(server: Any, method: str) -> None:
    assert method in server.protocol.fm.features


@pytest.mark.parametrize("command", sorted(_commands_executed()))
def test_every_command_the_extension_executes_is_registered(server: Any, command: str) -> None:
    assert command in server.protocol.fm.commands


def test_the_status_notification_the_extension_listens_to_is_sent() -> None:
    listened = set(re.findall(r"onNotification\(\s*'([\w/]+)'", _source()))
    assert listened == {"holepilot/status"}
    server_code = "\n".join(p.read_text(encoding="utf-8") for p in SERVER.rglob("*.py"))
    assert '"holepilot/status"' in server_code
