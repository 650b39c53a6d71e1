"""End to end through ``holepilot`` (``python -m holepilot``) against scripted model servers
on loopback: secrets never reach a model, API keys never reach output, plain http to other
hosts is refused, and generated code is never run."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.security.workspace import (
    SECRETS,
    cli_env,
    make_secret_workspace,
    run_cli,
)
from tests.support.llm_server import ScriptedLLMServer

StartServer = Callable[..., ScriptedLLMServer]
API_KEY = "sk-test-" + "holepilotLeakCheck0x5f1e"


def model_args(url: str, *extra: str) -> list[str]:
    return ["--backend", "openai", "--base-url", url, "--model", "m", "--json", *extra]


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} reached {where}"


# -- secrets in the workspace ------------------------------------------------------------------
def test_completion_requests_carry_no_secret_of_the_workspace(
    tmp_path: Path, llm_server: StartServer
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": "make_vault('x')"}])
    result = run_cli(
        "complete",
        workspace.position,
        *model_args(server.url, "--max-rounds", "1"),
        cwd=workspace.root,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "make_vault('x')"
    posts = [r for r in server.requests if r.method == "POST"]
    assert posts, "the model was never asked"
    for request in posts:
        assert "make_vault" in request.text  # the code around the hole did go out
        assert_no_secret(request.text, f"the request body to {request.path}")


def test_context_prompt_carries_no_secret_of_the_workspace(tmp_path: Path) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    result = run_cli(
        "context", workspace.position, *model_args("http://127.0.0.1:9"), cwd=workspace.root
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "def make_vault(name: str) -> Vault" in data["prompt"]
    assert 'API_TOKEN = "***"' in data["prompt"]
    assert_no_secret(data["prompt"], "the prompt")
    for section in ("relevant_types", "relevant_headers", "cross_file"):
        assert_no_secret(json.dumps(data[section]), section)


# -- API keys ----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [401, 500])
def test_api_key_never_reaches_output_or_logs(
    tmp_path: Path, llm_server: StartServer, status: int
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"status": status, "answer": f"rejected {status}"}], models=["m"])
    env = cli_env(HOLEPILOT_API_KEY=API_KEY)
    result = run_cli(
        "--log-level",
        "DEBUG",
        "complete",
        workspace.position,
        *model_args(server.url),
        cwd=workspace.root,
        env=env,
    )
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert str(status) in result.stderr
    assert API_KEY not in result.stdout
    assert API_KEY not in result.stderr
    assert API_KEY[-12:] not in result.stderr  # not even its tail
    # the key was really used: the model server saw it
    assert any(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in server.requests)


# -- plain http --------------------------------------------------------------------------------
def test_plain_http_to_another_host_is_refused_before_connecting(
    tmp_path: Path, llm_server: StartServer
) -> None:
    # 0.0.0.0 is not a loopback address, yet a connection to it would stay on this machine and
    # reach the scripted server: the refusal must come before any connection.
    server = llm_server([{"answer": "make_vault('x')"}])
    workspace = make_secret_workspace(tmp_path / "ws")
    url = f"http://0.0.0.0:{server.port}"
    result = run_cli("complete", workspace.position, *model_args(url), cwd=workspace.root)
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "plain http" in result.stderr and "allowInsecureHttp" in result.stderr
    assert result.stdout == ""
    assert server.requests == []
    assert server.connections_opened == 0


def test_plain_http_to_loopback_is_allowed(tmp_path: Path, llm_server: StartServer) -> None:
    server = llm_server([{"answer": "make_vault('x')"}])
    workspace = make_secret_workspace(tmp_path / "ws")
    result = run_cli(
        "complete",
        workspace.position,
        *model_args(server.url.replace("127.0.0.1", "localhost")),
        cwd=workspace.root,
    )
    assert result.returncode == 0, result.stderr
    assert server.requests


# -- generated code ----------------------------------------------------------------------------
PAYLOADS = (
    "__import__('os').system('touch PWNED')",
    "exec(\"open('PWNED', 'w').write('x')\")",
    "eval(compile(\"__import__('pathlib').Path('PWNED').touch()\", 'x', 'exec'))",
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_generated_code_is_never_executed(
    tmp_path: Path, llm_server: StartServer, payload: str
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": payload}])
    result = run_cli(
        "complete",
        workspace.position,
        *model_args(server.url, "--max-rounds", "2", "-n", "2"),
        cwd=workspace.root,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    texts = [data["text"]] + [c["text"] for c in data["candidates"]]
    texts += [r["candidate"] for r in data["rounds"]]
    assert any("PWNED" in text for text in texts)  # the payload was a real candidate
    assert len([r for r in server.requests if r.method == "POST"]) >= 1
    assert not list(tmp_path.rglob("PWNED"))
    assert not (Path.cwd() / "PWNED").exists()


def test_closed_port_is_closed() -> None:
    """The helper the doctor tests rely on: a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with socket.socket() as client, pytest.raises(OSError):
        client.settimeout(2)
        client.connect(("127.0.0.1", port))
