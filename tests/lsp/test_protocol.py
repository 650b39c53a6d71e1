"""Bad input and session lifecycle: the server answers properly and keeps serving."""

from __future__ import annotations

import asyncio
import json

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import HOLE_LINE, NO_SAMPLE, SHAPES

HOLE_REQUEST_TIMEOUT = 60


def position_params(uri: str, line: int, character: int) -> dict[str, object]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


async def expect_error(awaitable: object, code: int) -> JsonRpcException:
    with pytest.raises(JsonRpcException) as caught:
        await asyncio.wait_for(awaitable, HOLE_REQUEST_TIMEOUT)  # type: ignore[arg-type]
    assert caught.value.code == code, caught.value
    return caught.value


async def test_requests_before_initialize_are_refused(start_session):
    session = await start_session(initialize=False)
    pending = session.raw_request(
        "textDocument/completion", position_params(session.uri("a.py"), 0, 0)
    )
    await expect_error(pending, -32002)
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=session.root.as_uri()
    )
    result = await session.client.initialize_session(params)
    assert result.capabilities.inline_completion_provider is not None


async def test_invalid_params_get_invalid_params(start_session):
    session = await start_session()
    bad = {"textDocument": {"uri": 5}, "position": {"line": "x"}}
    await expect_error(session.raw_request("textDocument/inlineCompletion", bad), -32602)
    await expect_error(
        session.client.protocol.send_request_async("holepilot/context", {"nope": 1}), -32602
    )
    assert (await session.command("holepilot.doctor", NO_SAMPLE))["checks"]


async def test_unknown_method_gets_method_not_found(start_session):
    session = await start_session()
    await expect_error(session.client.protocol.send_request_async("holepilot/nope", {}), -32601)
    assert (await session.command("holepilot.doctor", NO_SAMPLE))["checks"]


async def test_position_outside_the_document_is_invalid_params(start_session):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    for method in ("holepilot/context", "textDocument/expectedType"):
        pending = session.request(method, position_params(uri, 500, 0))
        error = await expect_error(pending, -32602)
        assert "outside" in str(error)


async def test_non_utf8_file_on_disk_is_invalid_params(start_session):
    session = await start_session()
    path = session.root / "latin1.py"
    path.write_bytes("name = 'caf\xe9'\n".encode("latin-1"))
    pending = session.request("holepilot/context", position_params(path.as_uri(), 0, 0))
    error = await expect_error(pending, -32602)
    assert "UTF-8" in str(error)
    assert (await session.command("holepilot.doctor", NO_SAMPLE))["checks"]


async def test_huge_document_is_served(start_session):
    session = await start_session()
    text = "".join(f"value_{i} = {i}\n" for i in range(50_000)) + "total = ...\n"
    uri = session.open("huge.py", text)
    session.change(uri, 2, (50_000, 8), (50_000, 11), "value_1 + ")
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(
            start=types.Position(line=50_000, character=0),
            end=types.Position(line=50_000, character=0),
        ),
        context=types.CodeActionContext(diagnostics=[]),
    )
    actions = await asyncio.wait_for(session.client.text_document_code_action_async(params), 60)
    titles = [action.title for action in actions or []]
    assert titles == ["Fill hole with holepilot"]  # "total = value_1 + " is incomplete
    context = await asyncio.wait_for(
        session.request(
            "holepilot/context", position_params(uri, 50_000, len("total = value_1 + "))
        ),
        120,
    )
    assert context["prompt_tokens"] <= context["budget"]


async def test_bad_initialization_option_warns_once_and_uses_defaults(start_session):
    session = await start_session(options={"maxRounds": 99, "debounceMs": "soon", "enable": False})
    doctor = await session.command("holepilot.doctor", NO_SAMPLE)
    warnings = [m for m in session.client.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1
    assert "maxRounds" in warnings[0].message and "debounceMs" in warnings[0].message
    enabled = next(check for check in doctor["checks"] if check["name"] == "enabled")
    assert enabled["ok"] is False  # the good value of the same object still applies


async def test_configuration_change_reads_workspace_configuration(start_session):
    session = await start_session(configuration={"holepilot": {"enable": False, "maxTokens": -3}})
    waiting = asyncio.ensure_future(session.client.wait_for_notification("window/showMessage"))
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    shown = await asyncio.wait_for(waiting, 30)
    assert shown.type == types.MessageType.Warning and "maxTokens" in shown.message
    doctor = await session.command("holepilot.doctor", NO_SAMPLE)
    assert not next(c for c in doctor["checks"] if c["name"] == "enabled")["ok"]
    assert session.statuses[-1]["state"] == "disabled"


async def test_configuration_change_without_workspace_configuration_uses_params(start_session):
    session = await start_session(editor="neovim@v0.7.0")
    settings = {"holepilot": {"enable": False}}
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=settings)
    )
    doctor = await session.command("holepilot.doctor", NO_SAMPLE)
    assert not next(c for c in doctor["checks"] if c["name"] == "enabled")["ok"]
    assert session.client.messages == []


async def test_acceptance_notifications_are_logged_locally(start_session, tmp_path):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    position = {"line": HOLE_LINE, "character": 4}
    session.client.protocol.notify(
        "holepilot/didShowCompletion", {"uri": uri, "position": position, "text": "max(shapes)"}
    )
    session.client.protocol.notify(
        "holepilot/didPartiallyAcceptCompletion",
        {"uri": uri, "position": position, "text": "max(shapes)", "acceptedLength": 4},
    )
    session.client.protocol.notify("holepilot/didAcceptCompletion", {"bad": True})
    await session.command(
        "holepilot.doctor", NO_SAMPLE
    )  # a round trip: the notifications were handled
    log = tmp_path / "cache" / "holepilot" / "acceptance.jsonl"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["event"] for r in records] == ["shown", "partially_accepted"]
    assert records[1]["acceptedLength"] == 4 and records[1]["line"] == HOLE_LINE


async def test_server_survives_a_broken_notification(start_session):
    session = await start_session()
    session.client.protocol._send_data(
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": 3}}
    )
    session.client.protocol.notify("$/unknownNotification", {})
    assert (await session.command("holepilot.doctor", NO_SAMPLE))["checks"]


async def test_requests_after_shutdown_are_invalid_requests(start_session):
    session = await start_session()
    await asyncio.wait_for(session.client.shutdown_async(None), HOLE_REQUEST_TIMEOUT)
    await expect_error(
        session.raw_request("workspace/executeCommand", {"command": "holepilot.doctor"}), -32600
    )
    session.client.exit(None)
    assert await asyncio.wait_for(session.client._server.wait(), HOLE_REQUEST_TIMEOUT) == 0
    session.client.capabilities = None  # already shut down: the fixture has nothing left to do


async def test_configuration_changes_apply_over_the_initialization_options(start_session):
    session = await start_session(
        options={"enable": False}, configuration={"holepilot": {"maxTokens": -1}}
    )
    waiting = asyncio.ensure_future(session.client.wait_for_notification("window/showMessage"))
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    shown = await asyncio.wait_for(waiting, 30)
    assert "maxTokens" in shown.message
    doctor = await session.command("holepilot.doctor", NO_SAMPLE)
    assert not next(c for c in doctor["checks"] if c["name"] == "enabled")[
        "ok"
    ]  # still from the options
