"""The entry point: ``serve`` over stdio or TCP, other subcommands to the CLI, logs off stdout."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from lsp_server.main import main
from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, SHAPES, server_env

TIMEOUT = 60


def test_serve_help_names_the_transport_options(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "--tcp" in out and "--log-file" in out and "--log-level" in out


def test_other_subcommands_go_to_the_cli(tmp_path: Path):
    source = tmp_path / "shapes.py"
    source.write_text(SHAPES, encoding="utf-8")
    position = f"{source}:{HOLE_LINE + 1}:{HOLE_COLUMN + 1}"
    done = subprocess.run(
        [sys.executable, "-m", "lsp_server", "context", position, "--json"],
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["expected_type"] == "Shape"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serve_over_tcp_logs_to_the_log_file(tmp_path: Path):
    port = free_port()
    log_file = tmp_path / "server.log"
    command = [
        sys.executable,
        "-m",
        "lsp_server",
        "--tcp",
        f"127.0.0.1:{port}",
        "--log-file",
        str(log_file),
    ]
    server = await asyncio.create_subprocess_exec(
        *command,
        env=server_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:

        async def listening() -> None:
            assert server.stderr is not None
            while b"Serving on" not in await server.stderr.readline():
                pass

        await asyncio.wait_for(listening(), TIMEOUT)
        client = LanguageClient("tcp-test", "1")
        await client.start_tcp("127.0.0.1", port)
        result = await asyncio.wait_for(
            client.initialize_async(
                types.InitializeParams(capabilities=types.ClientCapabilities())
            ),
            TIMEOUT,
        )
        assert result.server_info is not None and result.server_info.name == "holepilot"
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
        await client.stop()
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), TIMEOUT)
    assert server.stdout is not None
    assert await server.stdout.read() == b""  # stdout stays clean on TCP too
    assert "holepilot serving on tcp" in log_file.read_text(encoding="utf-8")


async def test_server_logs_reach_the_client(start_session):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    await asyncio.wait_for(
        session.request(
            "holepilot/context",
            {
                "textDocument": {"uri": uri},
                "position": {"line": HOLE_LINE, "character": HOLE_COLUMN},
            },
        ),
        TIMEOUT,
    )
    messages = [m.message for m in session.client.log_messages]
    assert any(m.startswith("completion.api: context shapes.py") for m in messages), messages
