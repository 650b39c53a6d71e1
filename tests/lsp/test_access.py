"""The access policy (:mod:`lsp_server.access`): which URIs name a document, which files the
server reads, and why holepilot is off for a private file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcInvalidParams

from context.privacy import PrivacyFilter
from lsp_server.access import (
    MAX_URI_CHARS,
    AccessRefused,
    HolepilotOff,
    document_path,
    off_reason,
    workspace_file,
)
from lsp_server.status import StatusReporter


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("untitled:Untitled-1", "not untitled: URIs"),
        ("https://example.invalid/app.py", "not https: URIs"),
        ("app.py", "not relative URIs"),
        ("../app.py", "not relative URIs"),
        ("file:app.py", "not an absolute file URI"),
        ("file:///work/../etc/passwd", "'..' segment"),
        ("file:///work/%2E%2E/etc/passwd", "'..' segment"),
        ("file:///work/app.py%00.txt", "NUL byte"),
        ("file:///work/app\x00.py", "NUL byte"),
        ("file://fileserver/share/app.py", "another host"),
        ("file:///work/app.py?x=1", "query or fragment"),
        ("file:///work/app.py#top", "query or fragment"),
        ("file:///work/\ud800.py", "not a file name"),
        ("file://[/app.py", "not a document URI"),
        ("file:///" + "a" * MAX_URI_CHARS, f"at most {MAX_URI_CHARS}"),
    ],
)
def test_uris_that_name_no_local_document_are_invalid_params(uri: str, says: str) -> None:
    with pytest.raises(JsonRpcInvalidParams) as refused:
        document_path(uri)
    assert says in refused.value.message
    assert len(refused.value.message) < 300  # one line, even for a very long URI
    assert "\x00" not in refused.value.message


def test_file_uris_map_to_local_paths(tmp_path: Path) -> None:
    path = tmp_path / "dir with space" / "é.py"
    assert document_path(path.as_uri()) == str(path)
    assert document_path("file://localhost/srv/app.py") == "/srv/app.py"


def test_only_regular_files_inside_the_workspace_are_read(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "pkg").mkdir(parents=True)
    inside = workspace / "pkg" / "mod.py"
    inside.write_text("x = 1\n", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret\n", encoding="utf-8")
    (workspace / "leak.py").symlink_to(outside)
    (workspace / "loop.py").symlink_to(workspace / "loop.py")
    os.mkfifo(workspace / "pipe.py")
    folders = [workspace.resolve()]

    assert workspace_file(str(inside), folders) == inside.resolve()
    for path, says in [
        (outside, "not inside a workspace folder"),
        (workspace / "leak.py", "not inside a workspace folder"),
        (workspace / "pkg", "not a regular file"),
        (workspace / "pipe.py", "not a regular file"),  # reading it would block the server
        (workspace / "missing.py", "not a regular file"),
    ]:
        with pytest.raises(AccessRefused) as refused:
            workspace_file(str(path), folders)
        assert says in refused.value.message, path
        assert refused.value.code == -32803
    with pytest.raises((AccessRefused, JsonRpcInvalidParams)):
        workspace_file(str(workspace / "loop.py"), folders)
    with pytest.raises(AccessRefused):
        workspace_file(str(inside), [])  # no workspace folder: nothing from disk


def test_workspace_folders_reached_through_a_symlink_are_inside(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "m.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "alias").symlink_to(real)
    assert workspace_file(str(tmp_path / "alias" / "m.py"), [(tmp_path / "alias").resolve()])


def private_workspace(root: Path) -> PrivacyFilter:
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)
    (root / ".gitignore").write_text("local_settings.py\n", encoding="utf-8")
    files = {
        ".env": "OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwx\n",
        "prod.env": "X=1\n",
        "id_rsa": "key\n",
        "server.pem": "pem\n",
        ".netrc": "machine x login y password z\n",
        "local_settings.py": "x = 1\n",
        "conf/prod_settings.py": "x = 1\n",
        "deploy_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n",
        "app.py": 'TOKEN = "AKIAQWERTYUIOPASDFGH"\n',
        "plain.py": "x = 1\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return PrivacyFilter(root, ("conf/*",))


def test_the_privacy_rules_say_why_a_file_is_private(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    privacy = private_workspace(root)
    expected = {
        ".env": "an environment file",
        "prod.env": "an environment file",
        "id_rsa": "a key or certificate file",
        "server.pem": "a key or certificate file",
        ".netrc": "a credentials file",
        "local_settings.py": "ignore rules (.gitignore)",
        "conf/prod_settings.py": "excludeGlobs setting ('conf/*')",
        "deploy_key": "looks like a credential",
    }
    for name, says in expected.items():
        reason = off_reason(privacy, (root / name).resolve(), is_open=False)
        assert reason is not None and says in reason, (name, reason)
    assert off_reason(privacy, (root / "plain.py").resolve(), is_open=False) is None


def test_an_open_buffer_is_judged_by_name_and_ignore_rules_not_by_its_literals(
    tmp_path: Path,
) -> None:
    """The file being edited keeps completions; its credential-like literals are masked in
    prompts instead (and a private key's name still turns holepilot off)."""
    root = tmp_path / "ws"
    privacy = private_workspace(root)
    assert off_reason(privacy, (root / "app.py").resolve(), is_open=True) is None
    assert off_reason(privacy, (root / "app.py").resolve(), is_open=False) is not None
    assert off_reason(privacy, (root / "id_rsa").resolve(), is_open=True) is not None
    assert off_reason(privacy, (root / "local_settings.py").resolve(), is_open=True) is not None


def test_holepilot_off_names_the_file_and_the_reason() -> None:
    off = HolepilotOff("file:///w/.env", "it is an environment file")
    assert off.message == "holepilot is off for .env: it is an environment file"
    assert off.code == -32803


def test_the_status_says_holepilot_is_off_for_a_file_then_returns_to_the_state_before() -> None:
    sent: list[dict[str, object]] = []
    status = StatusReporter(lambda method, payload: sent.append(payload), lambda params: None)
    status.ok(None)
    status.file_off("file:///w/.env", "holepilot is off for .env: it is an environment file")
    assert sent[-1]["state"] == "disabled" and sent[-1]["uri"] == "file:///w/.env"
    assert "environment file" in str(sent[-1]["reason"])
    status.file_on("file:///w/.env")  # served again (the privacy settings changed)
    assert sent[-1]["state"] == "ok" and "uri" not in sent[-1]
    count = len(sent)
    status.file_on("file:///w/app.py")  # already on: nothing new to say
    assert len(sent) == count


def test_a_file_without_suggestions_stays_off_for_its_other_requests() -> None:
    sent: list[dict[str, object]] = []
    status = StatusReporter(lambda method, payload: sent.append(payload), lambda params: None)
    status.ok(None)
    status.file_off("file:///w/gen.py", "no suggestions in this file", suggestions_only=True)
    count = len(sent)
    status.file_on("file:///w/gen.py")  # its code actions, its next edits
    assert len(sent) == count and sent[-1]["uri"] == "file:///w/gen.py"
    status.file_on("file:///w/gen.py", suggestion=True)  # no longer excluded
    assert sent[-1]["state"] == "ok" and "uri" not in sent[-1]
    status.file_off("file:///w/gen.py", "no suggestions in this file", suggestions_only=True)
    status.file_on("file:///w/app.py")  # a request for another file
    assert sent[-1]["state"] == "ok" and "uri" not in sent[-1]
