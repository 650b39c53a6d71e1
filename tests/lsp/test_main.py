"""The entry point: ``serve`` over stdio or TCP, other subcommands to the CLI, logs off stdout."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from lsp_server.main import main, serve
from tests.fuzz.jsonrpc import JsonRpcClient
from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, REPO, SHAPES, server_env

TIMEOUT = 60


def test_serve_help_names_the_transport_options(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "--tcp" in out and "--log-file" in out and "--log-level" in out
    assert "--allow-remote" in out and "authToken" in out and "HOLEPILOT_SERVER_TOKEN" in out


def test_other_subcommands_go_to_the_cli(tmp_path: Path):
    source = tmp_path / "shapes.py"
    source.write_text(SHAPES, encoding="utf-8")
    position = f"{source}:{HOLE_LINE + 1}:{HOLE_COLUMN + 1}"
    done = subprocess.run(
        [sys.executable, "-m", "holepilot", "context", position, "--json"],
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["expected_type"] == "Shape"


def tcp_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return server_env(tmp_path, {"XDG_RUNTIME_DIR": str(tmp_path / "run"), **extra})


async def listening(server: asyncio.subprocess.Process) -> tuple[int, Path]:
    """The port and the token file a ``--tcp 127.0.0.1:0`` server names on stderr."""
    assert server.stderr is not None
    while True:
        line = (await server.stderr.readline()).decode()
        assert line, "the server exited before listening"
        found = re.search(r"listening on 127\.0\.0\.1:(\d+); .* the file (.+) as ", line)
        if found:
            return int(found.group(1)), Path(found.group(2))


async def test_serve_over_tcp_with_the_token_logs_to_the_log_file(tmp_path: Path):
    log_file = tmp_path / "server.log"
    command = [
        sys.executable,
        "-m",
        "lsp_server",
        "--tcp",
        "127.0.0.1:0",
        "--log-file",
        str(log_file),
    ]
    server = await asyncio.create_subprocess_exec(
        *command,
        env=tcp_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        port, token_file = await asyncio.wait_for(listening(server), TIMEOUT)
        assert token_file.is_relative_to(tmp_path / "run")
        client = LanguageClient("tcp-test", "1")
        await client.start_tcp("127.0.0.1", port)
        token = token_file.read_text(encoding="utf-8").strip()
        params = types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options={"authToken": token}
        )
        result = await asyncio.wait_for(client.initialize_async(params), TIMEOUT)
        assert result.server_info is not None and result.server_info.name == "holepilot"
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
        await client.stop()
        assert await asyncio.wait_for(server.wait(), TIMEOUT) == 0
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), TIMEOUT)
    assert server.stdout is not None
    assert await server.stdout.read() == b""  # stdout stays clean on TCP too
    logged = log_file.read_text(encoding="utf-8")
    assert "holepilot serving on tcp" in logged and str(token_file) in logged
    assert token not in logged
    assert "unknown holepilot setting" not in logged  # the token is no setting
    assert not token_file.exists()


async def test_a_tcp_server_stopped_by_sigterm_removes_its_token_file(tmp_path: Path):
    server = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "lsp_server", "--tcp", "127.0.0.1:0"],
        env=tcp_env(tmp_path),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        port, token_file = await asyncio.wait_for(listening(server), TIMEOUT)
        assert token_file.exists()
        # a client in session, holding the connection open
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        token = token_file.read_text(encoding="utf-8").strip()
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"capabilities": {}, "initializationOptions": {"authToken": token}},
            }
        ).encode()
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        assert b"Content-Length" in await asyncio.wait_for(reader.readline(), TIMEOUT)
        server.terminate()
        assert await asyncio.wait_for(server.wait(), TIMEOUT) == 0
        writer.close()
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
    assert not token_file.exists()
    assert server.stderr is not None
    assert b"Traceback" not in await server.stderr.read()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--tcp", "nonsense"], "--tcp expects HOST:PORT such as 127.0.0.1:2087, not 'nonsense'"),
        (["--tcp", "127.0.0.1:80x"], "--tcp 127.0.0.1:80x: the port must be a number from 0 to"),
        (["--tcp", "127.0.0.1:99999"], "--tcp 127.0.0.1:99999: the port must be a number"),
        (["--tcp", "0.0.0.0:0"], "give --allow-remote to do so anyway: anyone who can reach"),
        (["--tcp", "[::]:0"], "would listen beyond this machine"),
        (["--allow-remote"], "--allow-remote goes with --tcp"),
        (["--log-level", "LOUD"], "argument --log-level: invalid choice: 'LOUD'"),
        (["--log-file", "{missing}/server.log"], "cannot open the log file"),
        (["--verbose"], "unrecognized arguments: --verbose"),
    ],
)
def test_bad_serve_arguments_are_one_line_and_exit_2(tmp_path: Path, capsys, argv, says):
    argv = [arg.format(missing=tmp_path / "missing") for arg in argv]
    assert serve(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("holepilot serve: ")
    assert says in captured.err
    assert not (tmp_path / "missing").exists()


def test_a_port_in_use_is_one_line_and_exit_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(["--tcp", f"127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err == f"holepilot serve: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_a_short_token_in_the_environment_is_one_line_and_exit_2(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "lsp_server", "--tcp", "127.0.0.1:0"],
        env=tcp_env(tmp_path, HOLEPILOT_SERVER_TOKEN="short"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == "holepilot serve: HOLEPILOT_SERVER_TOKEN is too short: use at least 16 characters\n"
    )


def test_the_entry_point_reports_bad_arguments_without_a_traceback(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "lsp_server", "--tcp", "127.0.0.1:80x"],
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "holepilot serve: --tcp 127.0.0.1:80x: the port must be a number from 0 to 65535"
    ]


def stdio_session_stderr(tmp_path: Path, *options: str) -> tuple[str, list[dict[str, Any]]]:
    """Run a stdio session (initialize, a context request, shutdown): stderr and the
    notifications the client got."""
    source = tmp_path / "shapes.py"
    source.write_text(SHAPES, encoding="utf-8")
    stderr_file = tmp_path / "stderr.txt"
    with stderr_file.open("wb") as stderr:
        client = JsonRpcClient(
            [sys.executable, "-m", "lsp_server", *options], REPO, stderr, env=server_env(tmp_path)
        )
        try:
            params = {
                "processId": None,
                "rootUri": tmp_path.as_uri(),
                "capabilities": {},
                "initializationOptions": {"backend": "static"},
            }
            assert client.request("initialize", params, TIMEOUT).error is None
            client.notify("initialized", {})
            where = {
                "textDocument": {"uri": source.as_uri()},
                "position": {"line": HOLE_LINE, "character": HOLE_COLUMN},
            }
            assert client.request("holepilot/context", where, TIMEOUT).error is None
        finally:
            assert client.stop() == 0
    return stderr_file.read_text(encoding="utf-8"), client.notifications


def test_over_stdio_info_logs_go_to_the_client_not_to_stderr(tmp_path: Path):
    """Editors show a server's stderr as errors: INFO goes to window/logMessage only."""
    stderr, notifications = stdio_session_stderr(tmp_path)
    logged = [n["params"]["message"] for n in notifications if n["method"] == "window/logMessage"]
    assert any(m.startswith("completion.api: context shapes.py") for m in logged), logged
    assert " INFO " not in stderr, stderr[-2000:]


def test_an_explicit_log_level_also_applies_to_stderr(tmp_path: Path):
    stderr, _ = stdio_session_stderr(tmp_path, "--log-level", "INFO")
    assert "INFO completion.api: context shapes.py" in stderr, stderr[-2000:]


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
