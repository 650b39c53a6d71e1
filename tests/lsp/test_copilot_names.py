"""Clients written for Copilot's language server (its Neovim plugins, its next-edit plugins)
send these names; holepilot serves every one, so they report to it and get answers unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from lsp_server.server import create_server

COPILOT_METHODS = (
    "textDocument/copilotInlineEdit",  # next-edit suggestions
    "textDocument/didShowInlineEdit",
    "textDocument/didShowCompletion",
    "textDocument/didPartiallyAcceptCompletion",
)
COPILOT_COMMANDS = ("github.copilot.didAcceptCompletionItem",)


@pytest.fixture(scope="module")
def server() -> Any:
    return create_server()


@pytest.mark.parametrize("method", COPILOT_METHODS)
def test_copilot_methods_are_served(server: Any, method: str) -> None:
    assert method in server.protocol.fm.features


@pytest.mark.parametrize("command", COPILOT_COMMANDS)
def test_copilot_commands_are_registered(server: Any, command: str) -> None:
    assert command in server.protocol.fm.commands
