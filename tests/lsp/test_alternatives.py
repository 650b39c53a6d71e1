"""More than one candidate and no wasted keystrokes, over the real server: after an automatic
suggestion the alternatives are computed in the background, and the editor's next-suggestion
request (an invoked one at the same place and version) is answered from them; after an accept,
the next completion is prefetched into the cache."""

from __future__ import annotations

import asyncio
import time

from tests.lsp.conftest import HOLE_LINE, openai_options
from tests.lsp.test_completion import CURSOR_SHAPES, inline

CURSOR_END = len("    best: Shape = ")
WAIT_S = 20.0


async def _until(condition, timeout: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def test_next_suggestion_is_answered_from_the_alternatives(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url, debounceMaxMs=20))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    shown = await inline(session, uri, HOLE_LINE, CURSOR_END, automatic=True)
    assert [item.insert_text for item in shown.items] == ["shapes[0]"]
    assert await _until(lambda: len(list(model.posts())) == 2)  # the alternatives, after a pause
    cycled = await inline(session, uri, HOLE_LINE, CURSOR_END)  # showNext: invoked, same version
    texts = [item.insert_text for item in cycled.items]
    assert texts[0] == "shapes[0]" and len(texts) >= 2 and len(set(texts)) == len(texts), texts
    await asyncio.sleep(0.3)
    assert len(list(model.posts())) == 2  # no request of its own


async def test_next_suggestion_waits_for_the_alternatives_under_way(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url, debounceMaxMs=5000))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    await inline(session, uri, HOLE_LINE, CURSOR_END, automatic=True)
    cycled = await inline(session, uri, HOLE_LINE, CURSOR_END)  # asked during the pause
    texts = [item.insert_text for item in cycled.items]
    assert texts[0] == "shapes[0]" and len(texts) >= 2, texts
    assert len(list(model.posts())) == 2  # the alternatives' request only, not one more


async def test_an_edit_drops_the_alternatives(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url, debounceMaxMs=400))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    await inline(session, uri, HOLE_LINE, CURSOR_END, automatic=True)
    session.change(uri, 2, (HOLE_LINE, CURSOR_END), (HOLE_LINE, CURSOR_END), "x")  # before the pause ends
    await asyncio.sleep(1.0)
    assert len(list(model.posts())) == 1  # the user moved on: nothing computed for the old text


async def test_an_accept_prefetches_the_next_completion(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]", "times": 1},
                 {"match": None, "answer": " if shapes else shapes[-1]"}])
    session = await start_session(options=openai_options(model.url, debounceMaxMs=5000))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    shown = await inline(session, uri, HOLE_LINE, CURSOR_END, automatic=True)
    item = shown.items[0]
    assert item.insert_text == "shapes[0]" and item.command is not None
    session.change(uri, 2, (HOLE_LINE, CURSOR_END), (HOLE_LINE, CURSOR_END), item.insert_text)
    session.client.protocol.notify("holepilot/didAcceptCompletion", item.command.arguments[0])
    assert await _until(lambda: len(list(model.posts())) == 2)  # the prefetch
    end = CURSOR_END + len(item.insert_text)
    following = await inline(session, uri, HOLE_LINE, end, automatic=True)
    assert [i.insert_text for i in following.items] == [" if shapes else shapes[-1]"]
    await asyncio.sleep(0.3)
    assert len(list(model.posts())) == 2  # answered from the cache the prefetch filled
