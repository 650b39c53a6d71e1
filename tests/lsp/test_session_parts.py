"""The parts of the server's session, one concern each: background work, the latest-wins
debounce, the caches, the open documents."""

from __future__ import annotations

import asyncio
import logging

import pytest

from lsp_server.background import Background, LatestWins, Superseded
from lsp_server.caches import HIT_RATE_LOG_EVERY, SessionCaches
from lsp_server.projects import Projects
from lsp_server.session import OpenDocuments


async def test_a_failure_in_the_background_is_logged(caplog) -> None:
    background = Background()

    async def fails() -> None:
        raise RuntimeError("index broke")

    background.spawn(fails())
    with caplog.at_level(logging.ERROR, logger="lsp_server.background"):
        while background.tasks:
            await asyncio.sleep(0)
    assert "background work failed" in caplog.text and "index broke" in caplog.text


async def test_the_latest_request_of_a_document_wins() -> None:
    latest = LatestWins(lambda: 0.05)
    started: list[str] = []

    async def work(name: str) -> str:
        started.append(name)
        return name

    first = asyncio.ensure_future(latest.run("a.py", work("first")))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(latest.run("a.py", work("second")))
    other = asyncio.ensure_future(latest.run("b.py", work("other")))
    with pytest.raises(Superseded):
        await first
    assert await second == "second" and await other == "other"
    assert sorted(started) == ["other", "second"]  # the superseded one never ran


async def test_a_cancelled_caller_cancels_its_work_and_is_not_superseded() -> None:
    latest = LatestWins(lambda: 10.0)
    caller = asyncio.ensure_future(latest.run("a.py", asyncio.sleep(0, "never")))
    await asyncio.sleep(0)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller


def test_the_caches_forget_a_changed_document_s_contexts_and_a_closed_one_s_type_ahead(
    caplog,
) -> None:
    caches = SessionCaches()
    caches.contexts.put(("file:///a.py", 1, 0, 0), object())  # type: ignore[arg-type]
    caches.contexts.put(("file:///b.py", 1, 0, 0), object())  # type: ignore[arg-type]
    caches.type_ahead.remember("file:///a.py", "x = ", "", ("1",))
    caches.changed("file:///a.py")
    assert caches.contexts.get(("file:///a.py", 1, 0, 0)) is None
    assert caches.contexts.get(("file:///b.py", 1, 0, 0)) is not None
    assert caches.type_ahead.rest("file:///a.py", "x = ", "") is None  # nothing typed yet
    assert caches.type_ahead.rest("file:///a.py", "x = ", "") is None
    caches.type_ahead.remember("file:///a.py", "x = ", "", ("12",))
    assert caches.type_ahead.rest("file:///a.py", "x = 1", "") == ("2",)
    caches.closed("file:///a.py")
    assert caches.type_ahead.rest("file:///a.py", "x = 1", "") is None
    with caplog.at_level(logging.INFO, logger="lsp_server.caches"):
        for _ in range(HIT_RATE_LOG_EVERY):
            caches.count_filling_lookup()
    assert caplog.text.count("cache hit rates") == 1


def test_open_documents_keep_their_text_without_an_engine() -> None:
    documents = OpenDocuments(Projects(Background()))
    documents.open("file:///w/a.py", "x = 1\n")
    documents.change("file:///w/a.py", "x = 2\n")  # no engine yet: no history, no error
    documents.change("untitled:Untitled-1", "y")  # not a file: kept, no history
    assert "file:///w/a.py" in documents and documents.texts["file:///w/a.py"] == "x = 2\n"
    documents.close("file:///w/a.py")
    assert "file:///w/a.py" not in documents
