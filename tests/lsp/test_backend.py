"""Status, a backend that is down, cancellation, stale results, debounce and indexing progress."""

from __future__ import annotations

import asyncio
import socket

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, NO_SAMPLE, SHAPES, openai_options
from tests.lsp.test_completion import inline, inline_params
from tests.support.llm_server import ScriptedLLMServer

TIMEOUT = 60


async def wait_until(session, method: str, condition, timeout: float = TIMEOUT) -> None:
    """Wait for notifications of ``method`` until ``condition()`` holds."""

    async def loop() -> None:
        while not condition():
            await session.client.wait_for_notification(method)

    await asyncio.wait_for(loop(), timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_status_notifications_follow_the_backend(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    states = [status["state"] for status in session.statuses]
    assert "working" in states and states[-1] == "ok"
    last = session.statuses[-1]
    assert last["backend"] == "openai" and last["model"] == "scripted-model"
    assert last["baseUrl"].startswith("http://127.0.0.1:")
    assert isinstance(last["lastLatencyMs"], float) and last["lastError"] is None


async def test_backend_down_shows_one_message_then_recovers(start_session):
    port = free_port()
    session = await start_session(options=openai_options(f"http://127.0.0.1:{port}", maxRetries=0))
    uri = session.open("shapes.py", SHAPES)
    for character in (HOLE_COLUMN, HOLE_COLUMN + 1, HOLE_COLUMN + 2):
        result = await inline(session, uri, HOLE_LINE, character)
        assert list(result.items) == []
    errors = [m for m in session.client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1 and "unreachable" in errors[0].message
    assert (
        session.statuses[-1]["state"] == "error"
        and "unreachable" in session.statuses[-1]["lastError"]
    )
    with ScriptedLLMServer([{"match": None, "answer": "shapes[0]"}], port=port):
        result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    assert result.items[0].insert_text == "shapes[0]"
    assert session.statuses[-1]["state"] == "ok" and session.statuses[-1]["lastError"] is None
    assert len([m for m in session.client.messages if m.type == types.MessageType.Error]) == 1


async def test_cancel_request_cancels_the_model_request(start_session, llm):
    model = llm([{"match": None, "fault": "hang"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    params = inline_params(uri, HOLE_LINE, HOLE_COLUMN)
    pending = asyncio.ensure_future(
        session.client.protocol.send_request_async(
            "textDocument/inlineCompletion", params, msg_id="hold"
        )
    )
    assert await asyncio.to_thread(model.wait_for_requests, 1, 30)
    session.client.protocol.notify("$/cancelRequest", types.CancelParams(id="hold"))
    with pytest.raises(JsonRpcException) as caught:
        await asyncio.wait_for(pending, TIMEOUT)
    assert caught.value.code == -32800
    assert await asyncio.to_thread(model.wait_for_disconnect, 30)
    assert (await session.command("holepilot.doctor", NO_SAMPLE))["checks"]


async def test_result_for_a_moved_on_version_is_content_modified(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]", "delay": 1.5}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    params = inline_params(uri, HOLE_LINE, HOLE_COLUMN, automatic=True)
    pending = asyncio.ensure_future(session.client.text_document_inline_completion_async(params))
    assert await asyncio.to_thread(model.wait_for_requests, 1, 30)
    session.change(uri, 2, (0, 0), (0, 0), "# edited\n")
    # didChange is not held up by the request in flight: a later request sees the new text
    actions = await session.raw_request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {
                "start": {"line": HOLE_LINE + 1, "character": 0},
                "end": {"line": HOLE_LINE + 1, "character": 0},
            },
            "context": {"diagnostics": []},
        },
    )
    assert [a["title"] for a in actions] == ["Fill hole with holepilot"]
    assert not pending.done()
    with pytest.raises(JsonRpcException) as caught:
        await asyncio.wait_for(pending, TIMEOUT)
    assert caught.value.code == -32801


async def test_invoked_result_for_a_moved_on_version_is_empty(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]", "delay": 1.0}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    params = inline_params(uri, HOLE_LINE, HOLE_COLUMN)
    pending = asyncio.ensure_future(session.client.text_document_inline_completion_async(params))
    assert await asyncio.to_thread(model.wait_for_requests, 1, 30)
    session.change(uri, 2, (0, 0), (0, 0), "# edited\n")
    result = await asyncio.wait_for(pending, TIMEOUT)
    assert list(result.items) == []


async def test_automatic_requests_are_debounced_latest_wins(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url, debounceMs=400))
    uri = session.open("shapes.py", SHAPES)
    first = asyncio.ensure_future(inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True))
    second = asyncio.ensure_future(inline(session, uri, HOLE_LINE, HOLE_COLUMN + 1, automatic=True))
    first_result, second_result = await asyncio.gather(first, second)
    assert list(first_result.items) == []
    assert second_result.items[0].insert_text == "shapes[0]"
    assert len(list(model.posts())) == 1


async def test_indexing_reports_work_done_progress(start_session, tmp_path):
    root = tmp_path / "workspace"
    root.mkdir()
    for index in range(30):
        (root / f"module_{index}.py").write_text(
            f"def f{index}(x: int) -> int:\n    return x + {index}\n"
        )
    session = await start_session()

    def ended() -> bool:
        return any(
            isinstance(value, types.WorkDoneProgressEnd)
            for reports in session.client.progress_reports.values()
            for value in reports
        )

    await wait_until(session, "$/progress", ended)
    ((_token, reports),) = session.client.progress_reports.items()
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    percentages = [r.percentage for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert percentages and percentages[-1] == 100


async def test_a_newer_automatic_request_cancels_the_model_request_in_flight(start_session, llm):
    model = llm(
        [{"match": None, "fault": "hang", "times": 1}, {"match": None, "answer": "shapes[0]"}]
    )
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    first = asyncio.ensure_future(inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True))
    assert await asyncio.to_thread(model.wait_for_requests, 1, 30)
    second = await inline(session, uri, HOLE_LINE, HOLE_COLUMN + 1, automatic=True)
    assert list((await asyncio.wait_for(first, TIMEOUT)).items) == []  # superseded, same version
    assert second.items[0].insert_text == "shapes[0]"
    assert await asyncio.to_thread(model.wait_for_disconnect, 30)


async def test_type_ahead_is_served_without_the_debounce(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url, debounceMs=3000))
    text = SHAPES.replace("    best: Shape = ...", "    best: Shape = ")
    uri = session.open("shapes.py", text)
    end = len("    best: Shape = ")
    await inline(session, uri, HOLE_LINE, end, automatic=True)
    session.change(uri, 2, (HOLE_LINE, end), (HOLE_LINE, end), "s")
    typed = asyncio.ensure_future(inline(session, uri, HOLE_LINE, end + 1, automatic=True))
    # a newer automatic request right behind it would supersede it, had it been debounced
    newer = asyncio.ensure_future(inline(session, uri, 0, 0, automatic=True))
    assert [item.insert_text for item in (await typed).items] == ["hapes[0]"]
    await newer


async def test_api_key_comes_from_the_environment_and_stays_out_of_messages(start_session):
    key = "sk-holepilot-test-key-0123"
    with ScriptedLLMServer([{"match": None, "answer": "shapes[0]"}], api_key=key) as model:
        session = await start_session(
            options=openai_options(model.url), env={"HOLEPILOT_API_KEY": key}
        )
        uri = session.open("shapes.py", SHAPES)
        result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    assert result.items[0].insert_text == "shapes[0]"  # the server would answer 401 without it
    assert model.requests[0].headers["authorization"] == f"Bearer {key}"
    seen = [m.message for m in session.client.log_messages + session.client.messages]
    assert not any(key in text for text in seen) and key not in repr(session.statuses)
