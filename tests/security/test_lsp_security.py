"""The language server as an editor runs it (``python -m lsp_server`` over stdio) against scripted
model servers on loopback: no workspace secret in any model request, not even through the
edit history, and the API key nowhere in what the server says, logs or records."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.fuzz.jsonrpc import JsonRpcClient, Reply
from tests.security.workspace import (
    IGNORED_MARKER,
    IGNORED_MODULE,
    REPO,
    SECRETS,
    SecretWorkspace,
    cli_env,
    make_secret_workspace,
)
from tests.support.llm_server import ScriptedLLMServer

StartServer = Callable[..., ScriptedLLMServer]
API_KEY = "sk-test-" + "lspLeakCheck0x9d2c4b"
HISTORY_SECRET = "hist0ry-S3cret-9Qx7"
MODEL = "scripted-model"
TIMEOUT_S = 60.0


@contextmanager
def language_server(
    root: Path, options: dict[str, Any], env: dict[str, str], log: Path
) -> Iterator[JsonRpcClient]:
    with log.open("wb") as stderr:
        client = JsonRpcClient(
            [sys.executable, "-m", "lsp_server", "--log-level", "DEBUG"], REPO, stderr, env=env
        )
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


def open_document(client: JsonRpcClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    return uri


def change(client: JsonRpcClient, uri: str, version: int, at: tuple[int, int], text: str) -> None:
    """Insert ``text`` at ``at``, or delete the line ``at[0]`` when ``text`` is empty."""
    start = {"line": at[0], "character": at[1]}
    end = {"line": at[0] + 1, "character": 0} if not text else start
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": text}],
        },
    )


def inline_completion(client: JsonRpcClient, uri: str, line: int, character: int) -> Reply:
    params = {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": 1},
    }
    return client.request("textDocument/inlineCompletion", params, TIMEOUT_S)


def openai_options(url: str) -> dict[str, Any]:
    return {"backend": "openai", "baseUrl": url, "model": MODEL}


def edit_history_with_secrets(client: JsonRpcClient, workspace: SecretWorkspace) -> str:
    """Edits that put secrets into the edit history: a token typed into another module, and an
    edit of the gitignored module."""
    uri = open_document(client, workspace.app, workspace.app.read_text(encoding="utf-8"))
    other = workspace.root / "session.py"
    other.write_text("TIMEOUT = 3\n", encoding="utf-8")
    other_uri = open_document(client, other, "TIMEOUT = 3\n")
    change(client, other_uri, 2, (1, 0), f'SESSION_TOKEN = "{HISTORY_SECRET}"\n')
    ignored = open_document(client, workspace.root / "local_settings.py", IGNORED_MODULE)
    change(client, ignored, 2, (0, 0), f"# {IGNORED_MARKER} edited\n")
    return uri


def test_model_requests_carry_no_secret_from_files_or_history(
    tmp_path: Path, llm_server: StartServer
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": "make_vault('x')"}])
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    with language_server(
        workspace.root, openai_options(server.url), env, tmp_path / "server.log"
    ) as client:
        uri = edit_history_with_secrets(client, workspace)
        reply = inline_completion(client, uri, 11, 20)
    assert reply.error is None, reply.error
    assert "make_vault('x')" in json.dumps(reply.result)
    posts = [r for r in server.requests if r.method == "POST"]
    assert posts
    assert any("TIMEOUT = 3" in r.text for r in posts)  # the edit history did go out
    for request in posts:
        for secret in (*SECRETS, HISTORY_SECRET):
            assert secret not in request.text, f"{secret!r} reached the model"


def test_api_key_stays_out_of_messages_logs_status_and_acceptance_log(
    tmp_path: Path, llm_server: StartServer
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    server = llm_server([{"answer": "make_vault('x')"}], api_key="a-different-key")
    failing = llm_server([{"status": 500, "answer": "internal trouble"}])
    cache = tmp_path / "cache"
    env = cli_env(HOLEPILOT_API_KEY=API_KEY, XDG_CACHE_HOME=str(cache))
    log = tmp_path / "server.log"
    with language_server(workspace.root, openai_options(server.url), env, log) as client:
        uri = open_document(client, workspace.app, workspace.app.read_text(encoding="utf-8"))
        replies = [inline_completion(client, uri, 11, 20)]
        replies.append(client.request("textDocument/llmCompletion", position(uri), TIMEOUT_S))
        replies.append(command(client, "holepilot.doctor"))
        client.notify(
            "workspace/didChangeConfiguration",
            {"settings": {"holepilot": openai_options(failing.url)}},
        )
        replies.append(inline_completion(client, uri, 11, 20))
        replies.append(command(client, "holepilot.doctor"))
        for event in ("didShowCompletion", "didAcceptCompletion"):
            shown = {**position(uri), "uri": uri, "text": "make_vault('x')"}
            client.notify(f"holepilot/{event}", shown)
        notifications = list(client.notifications)
    # the key really went out, to the model servers only
    assert any(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in server.requests)
    assert any(r.headers.get("authorization") == f"Bearer {API_KEY}" for r in failing.requests)
    said = json.dumps([r.result for r in replies] + [r.error for r in replies] + notifications)
    assert "authentication failed" in said or "401" in said  # the failure was reported
    assert API_KEY not in said
    assert API_KEY not in log.read_text(encoding="utf-8", errors="replace")
    for written in cache.rglob("*"):
        if written.is_file():
            assert API_KEY not in written.read_text(encoding="utf-8", errors="replace")


def position(uri: str) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": 11, "character": 20}}


def command(client: JsonRpcClient, name: str, *arguments: Any) -> Reply:
    params = {"command": name, "arguments": list(arguments)}
    return client.request("workspace/executeCommand", params, TIMEOUT_S)


EXCLUDED_MARKER = "excluded-marker-51b0"
EXCLUDED_MODULE = f'''\
class Limits:
    ceiling: str = "{EXCLUDED_MARKER}"

    def widen(self, note: str = "{EXCLUDED_MARKER}") -> "Limits":
        return self
'''
USES_EXCLUDED = """\
from excluded_conf import Limits


def loosen(limits: Limits) -> Limits:
    wider: Limits = ...
    return wider.widen()
"""


def test_exclude_globs_keep_matching_modules_out_of_requests(
    tmp_path: Path, llm_server: StartServer
) -> None:
    workspace = make_secret_workspace(tmp_path / "ws")
    (workspace.root / "excluded_conf.py").write_text(EXCLUDED_MODULE, encoding="utf-8")
    user = workspace.root / "user.py"
    user.write_text(USES_EXCLUDED, encoding="utf-8")
    server = llm_server([{"answer": "limits"}])
    options = {**openai_options(server.url), "excludeGlobs": ["excluded_*.py"]}
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    with language_server(workspace.root, options, env, tmp_path / "server.log") as client:
        uri = open_document(client, user, USES_EXCLUDED)
        reply = inline_completion(client, uri, 4, len("    wider: Limits = "))
    assert reply.error is None, reply.error
    posts = [r for r in server.requests if r.method == "POST"]
    assert posts and all("def loosen" in r.text for r in posts)
    assert all(EXCLUDED_MARKER not in r.text for r in posts), posts[0].text


LENIENT_SECRET = "hunter2x-Qz"  # a weak password: masked, though too plain to hide a file
CONF_MODULE = f'''\
class Conf:
    host: str = "db.internal"
    password: str = "{LENIENT_SECRET}"
'''
USES_CONF = """\
from conf import Conf


def connect(host: str) -> Conf:
    conf: Conf = ...
    return conf
"""
CHATLSP_METHODS = (
    "textDocument/expectedType",
    "textDocument/relevantTypes",
    "textDocument/relevantHeaders",
    "holepilot/context",
)


def test_chatlsp_answers_show_no_secret_to_chat_clients(
    tmp_path: Path, llm_server: StartServer
) -> None:
    """ChatLSP clients forward these answers to their own (remote) models."""
    workspace = make_secret_workspace(tmp_path / "ws")
    (workspace.root / "conf.py").write_text(CONF_MODULE, encoding="utf-8")
    user = workspace.root / "user.py"
    user.write_text(USES_CONF, encoding="utf-8")
    server = llm_server([{"answer": "Conf()"}])
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    with language_server(
        workspace.root, openai_options(server.url), env, tmp_path / "server.log"
    ) as client:
        uri = open_document(client, user, USES_CONF)
        where = {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 17}}
        replies = {m: client.request(m, where, TIMEOUT_S) for m in CHATLSP_METHODS}
        completion = client.request("textDocument/llmCompletion", where, TIMEOUT_S)
    for method, reply in {**replies, "textDocument/llmCompletion": completion}.items():
        assert reply.error is None, (method, reply.error)
    shown = json.dumps(replies["textDocument/relevantTypes"].result)
    assert "class Conf" in shown and "host" in shown  # the type is there
    for method, reply in replies.items():
        assert LENIENT_SECRET not in json.dumps(reply.result), method
    assert LENIENT_SECRET not in json.dumps(completion.result)
    assert all(LENIENT_SECRET not in r.text for r in server.requests)
