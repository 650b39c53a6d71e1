"""``holepilot doctor``: every check passes against a working scripted model server; a closed
port fails the backend check with a fix and a non-zero exit code."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from completion.api import Engine
from completion.doctor import DoctorReport, check_fim_profile, format_report, run_doctor
from completion.settings import Settings, parse_settings
from tests.security.workspace import cli_env, make_secret_workspace, run_cli
from tests.support.llm_server import ScriptedLLMServer

StartServer = Callable[..., ScriptedLLMServer]
MODEL = "scripted-model"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def engines() -> AsyncIterator[Callable[..., Engine]]:
    made: list[Engine] = []

    def make(root: Path, **settings: object) -> Engine:
        engine = Engine(root, Settings(**settings))  # type: ignore[arg-type]
        made.append(engine)
        return engine

    yield make
    for engine in made:
        await engine.aclose()


def by_name(report: DoctorReport) -> dict[str, dict[str, object]]:
    return {check["name"]: check for check in report.to_json()["checks"]}


async def test_every_check_passes_against_a_working_model_server(
    tmp_path: Path, llm_server: StartServer, engines: Callable[..., Engine]
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": "width * height"}])
    engine = engines(workspace.root, backend="openai", base_url=server.url, model=MODEL)
    report = await run_doctor(engine)
    assert report.ok, format_report(report)
    checks = by_name(report)
    assert list(checks) == [
        "settings",
        "backend",
        "backend reachable",
        "FIM profile",
        "sample completion",
        "pyright",
        "workspace index",
    ]
    assert "width * height" in str(checks["sample completion"]["detail"])
    # app.py holds a credential, local_settings.py is gitignored: nothing indexed is shown
    index = str(checks["workspace index"]["detail"])
    assert "1 Python file, 1 kept out of prompts as private, 0 not summarized" in index
    assert any(r.path == "/v1/models" for r in server.requests)  # probed
    assert any(r.path == "/v1/chat/completions" for r in server.requests)  # sampled
    assert all(check["fix"] == "" for check in checks.values())


async def test_a_closed_port_fails_the_backend_with_a_fix(
    tmp_path: Path, engines: Callable[..., Engine]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    engine = engines(tmp_path, backend="openai", base_url=url, model=MODEL, max_retries=0)
    report = await run_doctor(engine)
    assert not report.ok
    checks = by_name(report)
    reachable = checks["backend reachable"]
    assert reachable["ok"] is False
    assert "unreachable" in str(reachable["detail"])
    assert "start the openai server" in str(reachable["fix"]) and url in str(reachable["fix"])
    assert checks["sample completion"]["ok"] is False
    assert checks["settings"]["ok"] is True
    text = format_report(report)
    assert "[FAIL] backend reachable" in text and "fix: start the openai server" in text


async def test_a_model_the_server_does_not_serve_fails_with_a_fix(
    tmp_path: Path, llm_server: StartServer, engines: Callable[..., Engine]
) -> None:
    server = llm_server([{"answer": "1"}], models=["other-model"])
    engine = engines(tmp_path, backend="openai", base_url=server.url, model=MODEL)
    report = await run_doctor(engine, sample=False)
    reachable = by_name(report)["backend reachable"]
    assert reachable["ok"] is False
    assert "holepilot.model" in str(reachable["fix"])
    assert "sample completion" not in by_name(report)


async def test_settings_warnings_fail_the_settings_check(
    tmp_path: Path, engines: Callable[..., Engine]
) -> None:
    _settings, warnings = parse_settings({"backend": "static", "budgetTokens": "lots"})
    assert warnings
    engine = engines(tmp_path, backend="static")
    report = await run_doctor(engine, warnings=warnings)
    checks = by_name(report)
    assert (
        checks["settings"]["ok"] is False and "budget" in str(checks["settings"]["detail"]).lower()
    )
    assert checks["backend reachable"]["ok"] is True  # static needs no server
    assert checks["sample completion"]["ok"] is True
    assert not report.ok


async def test_an_explicit_fim_profile_contradicting_the_model_fails(
    tmp_path: Path, engines: Callable[..., Engine]
) -> None:
    wrong = engines(tmp_path, model="qwen2.5-coder:1.5b-base", fim_profile="codellama")
    check = check_fim_profile(wrong, "ollama")
    assert not check.ok and "'qwen'" in check.fix
    right = engines(tmp_path, model="qwen2.5-coder:1.5b-base", fim_profile="qwen")
    assert check_fim_profile(right, "ollama").ok
    chat = engines(tmp_path, model="qwen2.5-coder:1.5b-base", fim_profile="codellama")
    assert check_fim_profile(chat, "openai").ok


@pytest.mark.slow
async def test_pyright_runs_when_enabled(tmp_path: Path, engines: Callable[..., Engine]) -> None:
    engine = engines(tmp_path, backend="static", pyright=True)
    report = await run_doctor(engine, sample=False)
    pyright = by_name(report)["pyright"]
    assert pyright["ok"] is True, pyright
    assert "basedpyright" in str(pyright["detail"])


# -- the CLI (``holepilot doctor``) ------------------------------------------------------------
def test_cli_doctor_exits_zero_when_all_pass(tmp_path: Path, llm_server: StartServer) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": "width * height"}])
    args = ["--backend", "openai", "--base-url", server.url, "--model", MODEL, "--root"]
    result = run_cli("doctor", *args, str(workspace.root), "--json", cwd=workspace.root)
    assert result.returncode == 0, (result.stdout, result.stderr)
    data = json.loads(result.stdout)
    assert data["ok"] is True and len(data["checks"]) == 7
    text = run_cli("doctor", *args, str(workspace.root), cwd=workspace.root)
    assert text.returncode == 0 and "[ok] backend reachable" in text.stdout


def test_cli_doctor_exits_non_zero_on_a_closed_port(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_cli(
        "doctor",
        "--backend",
        "openai",
        "--base-url",
        url,
        "--model",
        MODEL,
        "--root",
        str(tmp_path),
        "--json",
        cwd=tmp_path,
    )
    assert result.returncode != 0
    data = json.loads(result.stdout)
    reachable = next(c for c in data["checks"] if c["name"] == "backend reachable")
    assert reachable["ok"] is False and reachable["fix"]


# -- the language server (``holepilot.doctor``) ------------------------------------------------
def lsp_doctor(root: Path, options: dict[str, object], tmp_path: Path) -> dict[str, object]:
    from tests.security.test_lsp_security import command, language_server

    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    with language_server(root, options, env, tmp_path / "server.log") as client:
        reply = command(client, "holepilot.doctor")
    assert reply.error is None, reply.error
    result: dict[str, object] = reply.result
    return result


def test_lsp_doctor_returns_the_engine_report(tmp_path: Path, llm_server: StartServer) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": "width * height"}])
    options = {"backend": "openai", "baseUrl": server.url, "model": MODEL}
    result = lsp_doctor(workspace.root, options, tmp_path)
    checks = {c["name"]: c for c in result["checks"]}  # type: ignore[attr-defined]
    assert {"backend reachable", "FIM profile", "sample completion", "workspace index"} <= set(
        checks
    )
    assert result["ok"] is True, result
    assert "width * height" in checks["sample completion"]["detail"]


def test_lsp_doctor_reports_a_closed_port_with_a_fix(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    options = {"backend": "openai", "baseUrl": url, "model": MODEL, "maxRetries": 0}
    result = lsp_doctor(tmp_path, options, tmp_path)
    checks = {c["name"]: c for c in result["checks"]}  # type: ignore[attr-defined]
    assert result["ok"] is False
    assert checks["backend reachable"]["ok"] is False
    assert "start the openai server" in checks["backend reachable"]["fix"]
