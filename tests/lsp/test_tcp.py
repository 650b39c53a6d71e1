"""The pieces of the TCP transport (:mod:`lsp_server.tcp`): addresses, the exposure check, the
token and its file, and the check of a connection's first message."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from lsp_server.tcp import (
    MAX_FIRST_MESSAGE_BYTES,
    MIN_TOKEN_CHARS,
    TOKEN_ENV,
    Address,
    FrameError,
    Replay,
    ServeError,
    exposure_warning,
    frame,
    parse_address,
    read_frame,
    refusal,
    server_token,
    token_file,
    without_token,
    write_token,
)

TOKEN = "t0ken-for-tests-0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("127.0.0.1:2087", Address("127.0.0.1", 2087)),
        (":2087", Address("127.0.0.1", 2087)),
        ("localhost:0", Address("localhost", 0)),
        ("[::1]:2087", Address("::1", 2087)),
        ("0.0.0.0:65535", Address("0.0.0.0", 65535)),
    ],
)
def test_addresses(text: str, address: Address) -> None:
    assert parse_address(text) == address


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("nonsense", "expects HOST:PORT"),
        ("127.0.0.1:80x", "port must be a number"),
        ("127.0.0.1:99999", "port must be a number"),
        ("127.0.0.1:", "port must be a number"),
        ("127.0.0.1:²", "port must be a number"),
    ],
)
def test_bad_addresses_say_what_is_expected(text: str, says: str) -> None:
    with pytest.raises(ServeError) as refused:
        parse_address(text)
    assert says in str(refused.value) and "\n" not in str(refused.value)


def test_only_loopback_listens_without_the_remote_flag() -> None:
    for host in ("127.0.0.1", "127.5.6.7", "::1", "localhost"):
        assert exposure_warning(Address(host, 1), allow_remote=False) is None
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.invalid"):
        with pytest.raises(ServeError) as refused:
            exposure_warning(Address(host, 1), allow_remote=False)
        assert "--allow-remote" in str(refused.value)
        assert "read the files" in str(refused.value)  # the risk, named
        warning = exposure_warning(Address(host, 1), allow_remote=True)
        assert warning is not None and "model key" in warning and "unencrypted" in warning


def initialize(token: Any = TOKEN, **options: Any) -> dict[str, Any]:
    params = {"capabilities": {}, "initializationOptions": {"authToken": token, **options}}
    return {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}


def test_the_first_message_must_be_initialize_with_the_token() -> None:
    assert refusal(initialize(), TOKEN) is None
    assert "wrong" in str(refusal(initialize(TOKEN[:-1] + "x"), TOKEN))
    assert "wrong" in str(refusal(initialize(TOKEN + "x"), TOKEN))
    assert "wrong" in str(refusal(initialize("\ud800"), TOKEN))
    assert "carries no" in str(refusal(initialize(None), TOKEN))
    assert "carries no" in str(refusal(initialize(12345), TOKEN))
    no_options = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    assert "carries no" in str(refusal(no_options, TOKEN))
    other = {"jsonrpc": "2.0", "id": 1, "method": "holepilot/context", "params": {}}
    assert "must be an initialize request" in str(refusal(other, TOKEN))
    notification = {**initialize(), "id": None}
    del notification["id"]
    assert "must be an initialize request" in str(refusal(notification, TOKEN))


def test_the_token_is_taken_out_before_the_protocol_sees_the_message() -> None:
    message = initialize(backend="static")
    cleaned = without_token(message)
    assert cleaned["params"]["initializationOptions"] == {"backend": "static"}
    assert TOKEN not in json.dumps(cleaned)
    assert message["params"]["initializationOptions"]["authToken"] == TOKEN  # a copy


def reader_of(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader


async def test_frames_are_read_within_limits() -> None:
    body = json.dumps(initialize()).encode()
    assert await read_frame(reader_of(frame(initialize()))) == body
    with_type = b"Content-Length: %d\r\nContent-Type: application/json\r\n\r\n" % len(body) + body
    assert await read_frame(reader_of(with_type)) == body
    for data, says in [
        (b"", "closed"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "without a Content-Length"),
        (b"Content-Length: 99999999\r\n\r\n", "without a Content-Length up to"),
        (b"Content-Length: x\r\n\r\n", "not a number"),
        (b"Content-Length: 10\r\n\r\n{}", "closed before"),
        (b"X: y\r\n" * 20, "too many header lines"),
    ]:
        with pytest.raises(FrameError) as refused:
            await read_frame(reader_of(data))
        assert says in str(refused.value), data
    assert MAX_FIRST_MESSAGE_BYTES < 99999999


async def test_replay_yields_the_first_frame_then_the_stream() -> None:
    rest = frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    replay = Replay(frame(initialize()), reader_of(rest))
    seen = []
    for _ in range(2):
        header = await replay.readline()
        assert await replay.readline() == b"\r\n"
        seen.append(json.loads(await replay.readexactly(int(header.split(b":")[1]))))
    assert [m["method"] for m in seen] == ["initialize", "initialized"]


def test_the_token_file_is_readable_by_the_user_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    path = token_file(2087)
    assert path.is_relative_to(tmp_path / "run")
    path.parent.mkdir(parents=True, mode=0o755)
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o644)
    write_token(TOKEN, path)
    assert path.read_text(encoding="utf-8").strip() == TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_without_a_runtime_folder_the_token_goes_to_the_user_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert token_file(1).is_relative_to(tmp_path / "cache")


def test_the_token_comes_from_the_environment_or_is_new() -> None:
    first, from_env = server_token({})
    assert not from_env and len(first) >= 32 and first != server_token({})[0]
    assert server_token({TOKEN_ENV: TOKEN}) == (TOKEN, True)
    with pytest.raises(ServeError) as refused:
        server_token({TOKEN_ENV: "x" * (MIN_TOKEN_CHARS - 1)})
    assert "too short" in str(refused.value)
