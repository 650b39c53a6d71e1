"""The server serves only the workspace and what the client opened, and nothing of the files
the privacy rules exclude, over stdio and over TCP; a TCP client without the server's token
is dropped before anything is served.

Each probe is a request a stranger on the port, or a confused client, could send: a file
outside the workspace, a workspace ``.env``, a private key, a symlink out of the workspace,
URIs that are not local documents. Every one gets an LSP error saying why (or, for the
completion requests an editor sends by itself, an empty answer and a status saying why), no
file content, no model request, and the server stays up.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.jsonrpc import JsonRpcClient, Reply, TcpServer, frame, read_frame
from tests.security.workspace import (
    ENV_KEY,
    PEM_MARKER,
    REPO,
    SECRETS,
    SecretWorkspace,
    cli_env,
    make_secret_workspace,
)
from tests.support.llm_server import ScriptedLLMServer

StartServer = Callable[..., ScriptedLLMServer]
TIMEOUT_S = 60.0
TRANSPORTS = ("stdio", "tcp")
REQUEST_FAILED = -32803
INVALID_PARAMS = -32602
OUTSIDE_MARKER = "outside-the-workspace-4e1d"
SSH_MARKER = "b3BlbnNzaC1rZXktdjEAAAAAsshmarker"
DEPLOY_MARKER = "deploymarker0AAAAC3NzaC1lZDI1NTE5"
ALL_SECRETS = (*SECRETS, OUTSIDE_MARKER, SSH_MARKER, DEPLOY_MARKER)
PLAIN = "def area(width: float, height: float) -> float:\n    return width * height\n"
PLAIN_HOLE = (1, len("    return "))


@pytest.fixture
def workspace(tmp_path: Path) -> SecretWorkspace:
    """The secret workspace, plus a private SSH key (by name) and a deploy key (by content)
    inside it, a module outside it and a symlink from inside to that module."""
    secret = make_secret_workspace(tmp_path / "ws")
    private = "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n"
    (secret.root / "id_ed25519").write_text(private.format(SSH_MARKER), encoding="utf-8")
    (secret.root / "deploy_key").write_text(private.format(DEPLOY_MARKER), encoding="utf-8")
    outside = tmp_path / "elsewhere" / "notes.py"
    outside.parent.mkdir()
    outside.write_text(f'NOTE = "{OUTSIDE_MARKER}"\n', encoding="utf-8")
    (secret.root / "notes_link.py").symlink_to(outside)
    (secret.root / "plain.py").write_text(PLAIN, encoding="utf-8")
    return secret


def server_command(transport: str) -> list[str]:
    command = [sys.executable, "-m", "lsp_server", "--log-level", "DEBUG"]
    return [*command, "--tcp", "127.0.0.1:0"] if transport == "tcp" else command


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return cli_env(
        XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_RUNTIME_DIR=str(tmp_path / "run"), **extra
    )


@contextmanager
def language_server(
    transport: str, root: Path, options: dict[str, Any], tmp_path: Path
) -> Iterator[JsonRpcClient]:
    """The server over ``transport``, initialized for ``root`` (with the token over TCP)."""
    log = tmp_path / f"server-{transport}.log"
    env = server_env(tmp_path)
    command = server_command(transport)
    with log.open("wb") as stderr:
        if transport == "tcp":
            client = JsonRpcClient.over_tcp(command, REPO, log, env)
            assert client.tcp is not None and client.tcp.token_file is not None
            options = {**options, "authToken": client.tcp.token_file.read_text().strip()}
        else:
            client = JsonRpcClient(command, REPO, stderr, env=env)
        try:
            params = {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {"window": {"workDoneProgress": False}},
                "initializationOptions": {"debounceMs": 0, "maxRounds": 0, **options},
            }
            reply = client.request("initialize", params, TIMEOUT_S)
            assert reply.error is None, reply.error
            client.notify("initialized", {})
            yield client
        finally:
            client.stop()


def at(uri: str, line: int = 0, character: int = 0) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def open_document(client: JsonRpcClient, path: Path) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    return uri


def assert_refused(reply: Reply, code: int, *says: str) -> None:
    assert reply.error is not None, f"served: {reply.result!r}"[:300]
    assert reply.error["code"] == code, reply.error
    for words in says:
        assert words in reply.error["message"], reply.error
    assert "\n" not in reply.error["message"]


def said(client: JsonRpcClient, replies: list[Reply]) -> str:
    return json.dumps([[r.result, r.error] for r in replies] + client.notifications)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_files_outside_the_workspace_or_private_are_not_served(
    transport: str, workspace: SecretWorkspace, tmp_path: Path, llm_server: StartServer
) -> None:
    model = llm_server([{"answer": "x"}])
    options = {"backend": "openai", "baseUrl": model.url, "model": "scripted-model"}
    root = workspace.root
    outside = tmp_path / "elsewhere" / "notes.py"
    replies: list[Reply] = []
    with language_server(transport, root, options, tmp_path) as client:

        def ask(method: str, params: Any) -> Reply:
            replies.append(client.request(method, params, TIMEOUT_S))
            return replies[-1]

        not_served = "not open in the editor and not inside a workspace folder"
        assert_refused(ask("holepilot/context", at(outside.as_uri())), REQUEST_FAILED, not_served)
        assert_refused(
            ask("holepilot/documentText", {"textDocument": {"uri": outside.as_uri()}}),
            REQUEST_FAILED,
            "only documents the client opened",
        )
        link = (root / "notes_link.py").as_uri()
        assert_refused(ask("textDocument/expectedType", at(link)), REQUEST_FAILED, not_served)
        for name, why in [
            (".env", "holepilot is off for .env: it is an environment file"),
            ("id_ed25519", "holepilot is off for id_ed25519: it is a key or certificate file"),
            ("server.pem", "it is a key or certificate file"),
            ("deploy_key", "holepilot is off for deploy_key: it holds something that looks"),
            ("local_settings.py", "ignore rules"),
        ]:
            uri = (root / name).as_uri()
            assert_refused(ask("holepilot/context", at(uri)), REQUEST_FAILED, why)
            assert_refused(
                ask("holepilot/documentText", {"textDocument": {"uri": uri}}),
                REQUEST_FAILED,
                "only documents the client opened",
            )
        # the workspace's own files are served, from disk when not open
        served = ask("holepilot/context", at((root / "plain.py").as_uri(), *PLAIN_HOLE))
        assert served.error is None, served.error
        assert "width" in json.dumps(served.result)
    assert not list(model.posts()), "a model request was made"
    shown = said(client, replies)
    for secret in ALL_SECRETS:
        assert secret not in shown, f"{secret!r} was served"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_private_files_the_client_opens_get_nothing_and_the_status_says_why(
    transport: str, workspace: SecretWorkspace, tmp_path: Path, llm_server: StartServer
) -> None:
    model = llm_server([{"answer": "x"}])
    options = {"backend": "openai", "baseUrl": model.url, "model": "scripted-model"}
    replies: list[Reply] = []
    with language_server(transport, workspace.root, options, tmp_path) as client:

        def ask(method: str, params: Any) -> Reply:
            replies.append(client.request(method, params, TIMEOUT_S))
            return replies[-1]

        for name in (".env", "id_ed25519"):
            uri = open_document(client, workspace.root / name)
            inline = {**at(uri, 0, 3), "context": {"triggerKind": 1}}
            assert ask("textDocument/inlineCompletion", inline).result is None
            assert ask("textDocument/completion", at(uri, 0, 3)).result["items"] == []
            selection = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}}
            code_actions = ask(
                "textDocument/codeAction",
                {"textDocument": {"uri": uri}, "range": selection, "context": {"diagnostics": []}},
            )
            assert code_actions.result == []
            off = f"holepilot is off for {name}"
            for method in ("holepilot/context", "textDocument/llmCompletion"):
                assert_refused(ask(method, at(uri, 0, 3)), REQUEST_FAILED, off)
            chat = {"uri": uri, "range": selection, "instruction": "rewrite"}
            command = {"command": "holepilot.inlineChat", "arguments": [chat]}
            assert_refused(ask("workspace/executeCommand", command), REQUEST_FAILED, off)
            fill = {"uri": uri, "position": {"line": 0, "character": 3}}
            command = {"command": "holepilot.fillHole", "arguments": [fill]}
            assert_refused(ask("workspace/executeCommand", command), REQUEST_FAILED, off)
            statuses = [
                n["params"] for n in client.notifications if n["method"] == "holepilot/status"
            ]
            assert statuses[-1]["state"] == "disabled", statuses[-1]
            assert statuses[-1]["uri"] == uri and off in statuses[-1]["reason"]
        # a document holepilot serves brings the status back
        app = open_document(client, workspace.app)
        assert ask("holepilot/context", at(app, 11, 20)).error is None
        statuses = [n["params"] for n in client.notifications if n["method"] == "holepilot/status"]
        assert statuses[-1]["state"] != "disabled", statuses[-1]
    assert not list(model.posts()), "a model request was made for a private file"
    shown = said(client, replies)
    for secret in (ENV_KEY, PEM_MARKER, SSH_MARKER):
        assert secret not in shown


BAD_URIS = {
    "untitled:Untitled-1": "not untitled: URIs",
    "https://example.invalid/app.py": "not https: URIs",
    "app.py": "not relative URIs",
    "file:app.py": "not an absolute file URI",
    "file:///{root}/../elsewhere/notes.py": "'..' segment",
    "file:///{root}/app.py%00.txt": "NUL byte",
    "file:///{root}/app\u0000.py": "NUL byte",
    "file:///{root}/" + "a" * 20000 + ".py": "characters (at most",
    "file://fileserver/share/app.py": "another host",
}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_uris_that_are_no_local_document_get_an_error_and_nothing_is_read(
    transport: str, workspace: SecretWorkspace, tmp_path: Path
) -> None:
    root = str(workspace.root).lstrip("/")
    replies = []
    with language_server(transport, workspace.root, {"backend": "static"}, tmp_path) as client:
        for template, says in BAD_URIS.items():
            uri = template.format(root=root)
            for method in ("holepilot/context", "textDocument/inlineCompletion"):
                params = {**at(uri), "context": {"triggerKind": 2}}
                reply = client.request(method, params, TIMEOUT_S)
                assert_refused(reply, INVALID_PARAMS, says)
                replies.append(reply)
            assert_refused(
                client.request("holepilot/documentText", {"textDocument": {"uri": uri}}),
                REQUEST_FAILED,
                "only documents the client opened",
            )
        plain = (workspace.root / "plain.py").as_uri()
        alive = client.request("holepilot/context", at(plain, *PLAIN_HOLE))
        assert alive.error is None, alive.error
        assert client.process.poll() is None
    assert OUTSIDE_MARKER not in said(client, replies)


# -- TCP: the token ------------------------------------------------------------------------------
def exchange(port: int, data: bytes) -> tuple[dict[str, Any] | None, bool]:
    """Send ``data`` on a new connection: the server's answer, and whether it then closed (a
    reset counts: the server closes without reading what it refuses to read)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        try:
            sock.sendall(data)
            with sock.makefile("rb") as stream:
                answer = read_frame(stream)  # type: ignore[arg-type]
                closed = answer is None or read_frame(stream) is None  # type: ignore[arg-type]
        except ConnectionResetError:
            return None, True
    return answer, closed


def initialize_message(**options: Any) -> dict[str, Any]:
    params = {"processId": None, "rootUri": None, "capabilities": {}}
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {**params, "initializationOptions": options},
    }


def test_a_tcp_client_without_the_token_is_dropped_before_anything_is_served(
    workspace: SecretWorkspace, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    server = TcpServer.start(server_command("tcp"), REPO, log, server_env(tmp_path))
    assert server.token_file is not None
    token_file = server.token_file
    token = token_file.read_text(encoding="utf-8").strip()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token_file.is_relative_to(tmp_path / "run")
    port = server.port
    context = {
        "jsonrpc": "2.0",
        "id": 7,
        "method": "holepilot/context",
        "params": at((tmp_path / "elsewhere" / "notes.py").as_uri()),
    }
    probes = [
        (initialize_message(backend="static"), "carries no initializationOptions.authToken"),
        (initialize_message(authToken="not-the-token"), "wrong initializationOptions.authToken"),
        (initialize_message(authToken=token[:-1]), "wrong initializationOptions.authToken"),
        (context, "the first message must be an initialize request"),
    ]
    garbage = (
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x00" * 64 + b"\r\n\r\n",
        b"Content-Length: 5\r\n\r\nnull!",
    )
    client = None
    try:
        for message, says in probes:
            answer, closed = exchange(port, frame(message))
            assert answer is not None and closed, (message, answer)
            assert answer["error"]["code"] == REQUEST_FAILED and says in answer["error"]["message"]
            assert "result" not in answer
        for data in garbage:
            assert exchange(port, data) == (None, True), data
        # then the client with the token is served
        client = server.connect()
        params = {
            "processId": None,
            "rootUri": workspace.root.as_uri(),
            "capabilities": {},
            "initializationOptions": {"backend": "static", "authToken": token},
        }
        reply = client.request("initialize", params, TIMEOUT_S)
        assert reply.error is None, reply.error
        client.notify("initialized", {})
        plain = (workspace.root / "plain.py").as_uri()
        assert client.request("holepilot/context", at(plain, *PLAIN_HOLE)).error is None
        # and while it is, nobody else gets in
        assert exchange(port, frame(initialize_message(authToken=token))) == (None, True)
    finally:
        code = client.stop() if client is not None else None
        server.close()
    assert code == 0
    assert server.stdout == b""  # stdout stays clean over TCP
    assert not token_file.exists(), "the token file outlives the server"
    text = log.read_text(encoding="utf-8")
    refused = len(probes) + len(garbage) + 1
    assert text.count("WARNING lsp_server.tcp: refused a TCP connection") == refused, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    assert token not in text, "the token reached the log"
    assert not any("settings" in line and "authToken" in line for line in text.splitlines())


def test_a_tcp_token_from_the_environment_writes_no_file(
    workspace: SecretWorkspace, tmp_path: Path
) -> None:
    token = "environment-token-0123456789abcdef"
    env = server_env(tmp_path, HOLEPILOT_SERVER_TOKEN=token)
    client = JsonRpcClient.over_tcp(server_command("tcp"), REPO, tmp_path / "server.log", env)
    try:
        assert client.tcp is not None and client.tcp.token_file is None
        params = {
            "processId": None,
            "rootUri": workspace.root.as_uri(),
            "capabilities": {},
            "initializationOptions": {"backend": "static", "authToken": token},
        }
        assert client.request("initialize", params, TIMEOUT_S).error is None
    finally:
        client.stop()
    assert not (tmp_path / "run").exists() or not any((tmp_path / "run").rglob("*.token"))


def test_the_index_does_not_follow_a_symlink_out_of_the_workspace(
    workspace: SecretWorkspace,
) -> None:
    """Found by the fuzz run's record of opened files: a symlinked module leading out of the
    workspace was indexed, so read, and its definitions could reach prompts."""
    from context.workspace import Workspace

    files = Workspace(workspace.root).files()
    assert workspace.root / "plain.py" in files
    assert workspace.root / "notes_link.py" not in files


def test_a_token_sent_over_stdio_is_no_setting_and_never_logged(
    workspace: SecretWorkspace, tmp_path: Path
) -> None:
    """An editor configured for TCP may send its token over stdio too (logs at DEBUG)."""
    token = "stdio-token-0123456789abcdef"
    options = {"backend": "static", "authToken": token}
    with language_server("stdio", workspace.root, options, tmp_path) as client:
        plain = (workspace.root / "plain.py").as_uri()
        assert client.request("holepilot/context", at(plain, *PLAIN_HOLE)).error is None
    log = (tmp_path / "server-stdio.log").read_text(encoding="utf-8")
    assert "Language server initialized" in log  # pygls logged the initialize params
    assert token not in log and "unknown holepilot setting" not in log
    assert token not in json.dumps(client.notifications)
