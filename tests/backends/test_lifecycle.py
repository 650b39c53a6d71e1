"""Cancellation closes the HTTP stream, the concurrency limit holds, and the API key never
shows in a log record or an error message."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from completion.errors import AuthError, BackendError
from tests.backends.conftest import KEY, PRIMARY, backend_for, scripted
from tests.support.llm_server import ScriptedLLMServer

LONG = " ".join(f"word{i}" for i in range(40))


async def test_cancelling_the_task_closes_the_stream(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    first_piece = asyncio.Event()
    received: list[str] = []

    with scripted([{"fault": "slow", "delay": 0.2, "answer": LONG}]) as server:
        async with backend_for(backend_name, server.url, request_timeout_s=30.0) as backend:

            async def consume() -> None:
                async for piece in backend.stream(request):
                    received.append(piece)
                    first_piece.set()

            task = asyncio.create_task(consume())
            await asyncio.wait_for(first_piece.wait(), 5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)
    assert 0 < len(received) < len(LONG.split())


async def test_leaving_the_stream_early_closes_it(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"fault": "slow", "delay": 0.2, "answer": LONG}]) as server:
        async with backend_for(backend_name, server.url, request_timeout_s=30.0) as backend:
            async with contextlib.aclosing(backend.stream(request)) as pieces:  # type: ignore[type-var]
                async for _ in pieces:
                    break
            assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)


async def test_completed_streams_leave_the_connection_reusable(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": "one two"}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            for _ in range(3):
                assert await backend.generate(request) == "one two"
    assert server.connections_opened == 1


async def test_cancelling_a_hung_request_closes_the_connection() -> None:
    request, _ = PRIMARY["openai"]
    with scripted([{"fault": "hang"}]) as server:
        async with backend_for("openai", server.url, request_timeout_s=30.0) as backend:
            task = asyncio.create_task(backend.generate(request))
            assert await asyncio.to_thread(server.wait_for_requests, 1, 5.0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)


async def _held_stream_and_second_request(limit: int, wait_s: float) -> tuple[bool, ScriptedLLMServer]:
    """Hold one stream open after its first piece; report whether a second request reached
    the server meanwhile."""
    request, _ = PRIMARY["ollama"]
    release = asyncio.Event()
    first_piece = asyncio.Event()
    with scripted([{"answer": "one two three"}]) as server:
        async with backend_for("ollama", server.url, max_concurrent_requests=limit) as backend:

            async def hold() -> str:
                pieces = []
                async for piece in backend.stream(request):
                    pieces.append(piece)
                    first_piece.set()
                    await release.wait()
                return "".join(pieces)

            holder = asyncio.create_task(hold())
            await asyncio.wait_for(first_piece.wait(), 5)
            second = asyncio.create_task(backend.generate(request))
            reached = await asyncio.to_thread(server.wait_for_requests, 2, wait_s)
            release.set()
            assert await holder == "one two three"
            assert await second == "one two three"
    return reached, server


async def test_concurrency_limit_queues_requests() -> None:
    reached, server = await _held_stream_and_second_request(limit=1, wait_s=0.5)
    assert not reached, "the second request must wait for the first to finish"
    assert len(server.requests) == 2


async def test_concurrency_limit_allows_parallel_requests() -> None:
    reached, _ = await _held_stream_and_second_request(limit=2, wait_s=5.0)
    assert reached


async def test_api_key_never_logged_nor_in_errors(
    backend_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    request, _ = PRIMARY[backend_name]
    errors: list[BackendError] = []
    rules = [
        {"match": None, "answer": "fine", "times": 1},
        # A server that echoes the key it was given in its error message.
        {"status": 401, "answer": f"Incorrect API key provided: {KEY}", "times": 1},
        {"status": 500, "answer": f"internal error for {KEY}"},
    ]
    with scripted(rules) as server:
        async with backend_for(backend_name, server.url, max_retries=1) as backend:
            assert await backend.generate(request) == "fine"
            for _ in range(2):
                with pytest.raises(BackendError) as caught:
                    await backend.generate(request)
                errors.append(caught.value)
            assert KEY not in repr(backend.__dict__)
    assert isinstance(errors[0], AuthError)
    assert all(KEY in (r.headers.get("authorization", "") + r.headers.get("x-api-key", ""))
               for r in server.requests), "the key is sent"
    assert caplog.records, "requests are logged"
    for record in caplog.records:
        assert KEY not in record.getMessage()
    for error in errors:
        assert KEY not in str(error) and KEY not in repr(error.args)
        assert "***" in str(error)


async def test_requests_are_logged_with_size_and_latency(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="completion.backends")
    request, path = PRIMARY["llamacpp"]
    with scripted([{"answer": "abc"}]) as server:
        async with backend_for("llamacpp", server.url) as backend:
            await backend.generate(request)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("completion.backends")]
    size = len(request.prefix) + len(request.suffix) + len(request.context_chunks[0][1])
    assert f"llamacpp request to {server.url}{path}: prompt {size} chars" in messages
    assert any(m.startswith(f"llamacpp answered from {server.url}{path} in ") and m.endswith("3 chars")
               for m in messages)
