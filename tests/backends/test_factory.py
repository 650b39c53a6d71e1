"""make_backend and resolve_auto: settings in, a backend (or a clear ConfigError) out."""

from __future__ import annotations

import logging
import time

import pytest

from completion.backends import api_key_from_env, make_backend, resolve_auto
from completion.backends.anthropic import AnthropicBackend
from completion.backends.llamacpp import LlamaCppBackend
from completion.backends.ollama import OllamaBackend
from completion.backends.openai import OpenAIChatBackend, OpenAICompletionsBackend
from completion.errors import ConfigError
from completion.settings import Settings, parse_settings
from tests.backends.conftest import FIM, KEY, closed_port, scripted, settings_for
from tests.support.llm_server import ScriptedLLMServer


@pytest.mark.parametrize(
    ("name", "kind", "url"),
    [("openai", OpenAIChatBackend, "https://api.openai.com"),
     ("openai-completions", OpenAICompletionsBackend, "https://api.openai.com"),
     ("ollama", OllamaBackend, "http://127.0.0.1:11434"),
     ("llamacpp", LlamaCppBackend, "http://127.0.0.1:8080"),
     ("anthropic", AnthropicBackend, "https://api.anthropic.com")],
)
async def test_defaults_per_backend(name: str, kind: type, url: str) -> None:
    settings, _ = parse_settings({"backend": name})
    backend = make_backend(settings, env={"HOLEPILOT_API_KEY": KEY})
    try:
        assert type(backend) is kind
        assert (backend.name, backend.base_url) == (name, url)
    finally:
        await backend.aclose()


@pytest.mark.parametrize("name", ["auto", "static"])
def test_auto_and_static_are_not_built_here(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        make_backend(Settings(backend=name), env={})


def test_unknown_backend() -> None:
    with pytest.raises(ConfigError, match="unknown backend 'gpt'"):
        make_backend(Settings(backend="gpt"), env={})


def test_remote_provider_without_a_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY") as caught:
        make_backend(Settings(backend="anthropic"), env={})
    assert "\n" not in str(caught.value)


async def test_local_openai_compatible_server_needs_no_key() -> None:
    backend = make_backend(settings_for("openai", "http://localhost:8000/v1"), env={})
    await backend.aclose()


def test_key_resolution_order() -> None:
    env = {"MY_KEY": "k1", "HOLEPILOT_API_KEY": "k2", "OPENAI_API_KEY": "k3", "ANTHROPIC_API_KEY": "k4"}
    assert api_key_from_env("openai", "MY_KEY", env) == "k1"
    assert api_key_from_env("openai", "", env) == "k2"
    del env["HOLEPILOT_API_KEY"]
    assert api_key_from_env("openai", "MISSING", env) == "k3"
    assert api_key_from_env("anthropic", "", env) == "k4"
    assert api_key_from_env("ollama", "", env) is None


async def test_key_from_the_named_variable_is_sent() -> None:
    with scripted([{"answer": "ok"}]) as server:
        settings = settings_for("openai-completions", server.url, api_key_env="TEAM_KEY")
        backend = make_backend(settings, env={"TEAM_KEY": KEY, "OPENAI_API_KEY": "wrong"})
        try:
            assert await backend.generate(FIM) == "ok"
        finally:
            await backend.aclose()
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_plain_http_to_a_remote_host_is_refused() -> None:
    settings = settings_for("ollama", "http://192.0.2.10:11434")
    with pytest.raises(ConfigError, match="allowInsecureHttp"):
        make_backend(settings, env={})


async def test_plain_http_to_a_remote_host_when_allowed_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    settings = settings_for("ollama", "http://192.0.2.10:11434", allow_insecure_http=True)
    backend = make_backend(settings, env={})
    await backend.aclose()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "plain http" in warnings[0].getMessage()


@pytest.mark.parametrize("url", ["ftp://127.0.0.1", "127.0.0.1:8080", "https://user:pw@example.com"])
def test_malformed_base_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        make_backend(settings_for("ollama", url), env={})


def test_settings_reach_the_transport() -> None:
    settings = settings_for("ollama", "http://[::1]:9", connect_timeout_s=0.7,
                            request_timeout_s=3.5, max_retries=4, max_concurrent_requests=3)
    backend = make_backend(settings, env={})
    config = backend._config  # type: ignore[attr-defined]
    assert (config.connect_timeout_s, config.request_timeout_s) == (0.7, 3.5)
    assert (config.max_retries, config.max_concurrent_requests, config.retry_after_cap_s) == (4, 3, 3.5)
    assert config.trust_env is False, "proxies are never used for loopback servers"


async def test_resolve_auto_respects_an_explicit_backend() -> None:
    name, reason = await resolve_auto(Settings(backend="anthropic"))
    assert name == "anthropic" and "set" in reason


async def test_resolve_auto_finds_a_local_ollama() -> None:
    with ScriptedLLMServer([]) as server:  # a local Ollama asks for no key
        name, reason = await resolve_auto(Settings(), probe_url=server.url)
    assert name == "ollama"
    assert "0.0.0-scripted" in reason and server.url in reason
    assert [r.path for r in server.requests] == ["/api/version"]


async def test_resolve_auto_falls_back_to_static_quickly() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    name, reason = await resolve_auto(Settings(), probe_url=url)
    assert name == "static"
    assert url in reason and "unreachable" in reason
    assert time.monotonic() - started < 1.5


async def test_resolve_auto_does_not_wait_on_a_hung_server() -> None:
    with ScriptedLLMServer([{"path": "/api/version", "fault": "hang"}]) as server:
        started = time.monotonic()
        name, reason = await resolve_auto(Settings(), probe_url=server.url)
    assert (name, time.monotonic() - started < 1.5) == ("static", True)
    assert "timed out" in reason
