"""Reading stops as soon as the caller has what it needs: the connection is closed, and the
server (which keeps streaming a long answer) counts few chunks sent. Careless servers (stops
and limits ignored, endless streams, one big chunk, empty answers) cannot make a read hang."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time

import pytest

from completion.backends import ModelRequest
from tests.backends.conftest import PRIMARY, backend_for, scripted
from tests.support.llm_wires import split_answer

FIRST_LINE = "value = compute(alpha, beta)"
LONG = FIRST_LINE + "\n" + "\n".join(f"    step_{i} = value + {i}  # more and more" for i in range(40))
PACE_S = 0.025
MARGIN = 3  # chunks the server may write before it notices the client left


def first_line_done(text: str) -> bool:
    return re.search(r"\S[^\n]*\n", text) is not None


def chunks_to_show(answer: str, shown: str) -> int:
    """How many of the server's chunks it takes to carry ``shown``."""
    used = count = 0
    for piece in split_answer(answer):
        if used >= len(shown):
            break
        used += len(piece)
        count += 1
    return count


async def test_reading_stops_at_the_first_line_and_closes_the_connection(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": LONG, "fault": "slow", "delay": PACE_S}]) as server:
        async with backend_for(backend_name, server.url, request_timeout_s=30.0) as backend:
            answer = await backend.read(request, until=first_line_done)
            assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)
    assert answer.text.split("\n")[0] == FIRST_LINE
    assert answer.stopped == "the answer is complete" and not answer.limited
    sent = server.requests[0]
    assert sent.client_left
    whole = len(split_answer(LONG))
    assert sent.chunks_sent <= chunks_to_show(LONG, FIRST_LINE + "\n") + MARGIN < whole


async def test_a_server_that_ignores_the_token_limit_is_cut_off(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    request = dataclasses.replace(request, max_tokens=8)
    endless = "x " * 10
    with scripted([{"answer": endless, "fault": "forever", "delay": 0.002}]) as server:
        async with backend_for(backend_name, server.url, request_timeout_s=10.0) as backend:
            started = time.monotonic()
            answer = await backend.read(request)
            elapsed = time.monotonic() - started
            assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)
    assert answer.chunks == 8 + 16
    assert answer.stopped.startswith("24 chunks for a limit of 8 tokens")
    assert answer.limited, "the cap is a token limit: the last line may be cut"
    assert elapsed < 10.0, "an endless stream must end long before the request timeout"


async def test_an_endless_multi_line_stream_ends_with_the_line(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": "a = 1\nb = 2\n", "fault": "forever", "delay": 0.002}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            answer = await backend.read(request, until=first_line_done)
            assert await asyncio.to_thread(server.wait_for_disconnect, 5.0)
    assert answer.text.startswith("a = 1\n")


async def test_an_answer_in_one_chunk_is_read_once(backend_name: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": LONG, "fault": "one_chunk"}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            answer = await backend.read(request, until=first_line_done)
    assert answer.text == LONG and answer.chunks == 1
    assert server.requests[0].chunks_sent == 1


@pytest.mark.parametrize("text", ["", "   \n\t  \n"])
async def test_empty_and_blank_answers_end_normally(backend_name: str, text: str) -> None:
    request, _ = PRIMARY[backend_name]
    with scripted([{"answer": text}]) as server:
        async with backend_for(backend_name, server.url) as backend:
            answer = await backend.read(request, until=first_line_done)
    assert answer.text == text and answer.stopped == ""


async def test_a_server_that_obeys_stops_ends_the_answer_itself() -> None:
    request = ModelRequest("fim", prompt="x = ", stop=("\n",), max_tokens=64)
    with scripted([{"answer": LONG, "obey": True, "fault": "slow", "delay": 0.005}]) as server:
        async with backend_for("openai-completions", server.url) as backend:
            answer = await backend.read(request, until=first_line_done)
    assert answer.text == FIRST_LINE and answer.stopped == "" and not answer.limited
    assert not server.requests[0].client_left
    assert server.requests[0].chunks_sent == len(split_answer(FIRST_LINE))


async def test_a_server_that_obeys_the_token_limit_sends_no_more() -> None:
    request = ModelRequest("fim", prompt="x = ", max_tokens=5)
    with scripted([{"answer": LONG, "obey": True}]) as server:
        async with backend_for("llamacpp", server.url) as backend:
            answer = await backend.read(request)
    assert answer.text == "".join(split_answer(LONG)[:5])
    assert server.requests[0].chunks_sent == 5
    assert answer.limited, "the server said it stopped at the limit"
