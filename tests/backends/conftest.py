"""Helpers of the backend tests: every backend is built by make_backend from real settings
and talks HTTP to a ScriptedLLMServer on loopback."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from completion.backends import Backend, ChatMessage, ModelRequest, make_backend
from completion.settings import Settings
from tests.support.llm_server import ScriptedLLMServer

KEY = "sk-test-9f8e7d6c5b4a3f2e1d0c"
MODEL = "scripted-model"
BACKENDS = ("openai", "openai-completions", "ollama", "llamacpp", "anthropic")

CHAT = ModelRequest(
    "chat",
    system="Fill the hole with Python code.",
    messages=(ChatMessage("user", "def add(a: int, b: int) -> int:\n    <HOLE>"),),
    stop=("\n\n", "```"),
    max_tokens=48,
    temperature=0.1,
)
FIM = ModelRequest(
    "fim",
    prompt="<fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))<fim_middle>",
    prefix="def add(a, b):\n    ",
    suffix="\n\nprint(add(1, 2))",
    context_chunks=(("shapes.py", "class Shape: ...\n"),),
    use_server_fim=True,
    stop=("\ndef ",),
    max_tokens=32,
    temperature=0.0,
)
# The request each backend answers in the fault tests, and the path it posts to.
PRIMARY = {
    "openai": (CHAT, "/v1/chat/completions"),
    "openai-completions": (FIM, "/v1/completions"),
    "ollama": (FIM, "/api/generate"),
    "llamacpp": (FIM, "/infill"),
    "anthropic": (CHAT, "/v1/messages"),
}


def settings_for(name: str, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "backend": name,
        "base_url": url,
        "model": MODEL,
        "request_timeout_s": 2.0,
        "connect_timeout_s": 1.0,
        "max_retries": 2,
    }
    values.update(overrides)
    return dataclasses.replace(Settings(), **values)


@contextlib.asynccontextmanager
async def backend_for(name: str, url: str, **overrides: Any) -> AsyncIterator[Backend]:
    backend = make_backend(settings_for(name, url, **overrides), env={"HOLEPILOT_API_KEY": KEY})
    try:
        yield backend
    finally:
        await backend.aclose()


@contextlib.contextmanager
def scripted(rules: list[dict[str, Any]], **options: Any) -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer(rules, api_key=KEY, **options) as server:
        yield server


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)
