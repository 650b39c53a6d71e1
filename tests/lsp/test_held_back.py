"""Suggestions verified before they show: on an automatic trigger a filling the checker still
flags is held back (no item, the status says why); invoked, it is shown and marked."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, SHAPES, openai_options
from tests.lsp.test_completion import CURSOR_SHAPES, inline

TIMEOUT = 60
WRONG = "shapes[0].nmae"  # a misspelled attribute: the checker flags it, repaired or not
CURSOR_END = len("    best: Shape = ")


async def test_automatic_trigger_holds_back_a_flagged_filling(start_session, llm):
    model = llm([{"match": None, "answer": WRONG}])
    session = await start_session(options=openai_options(model.url, maxRounds=1))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True)
    assert list(result.items) == []
    held = [s for s in session.statuses if s["state"] == "heldBack"]
    assert held, session.statuses
    assert "held back" in held[-1]["reason"] and "nmae" in held[-1]["reason"]
    assert held[-1]["lastError"] is None


async def test_held_back_filling_is_not_cached(start_session, llm):
    model = llm([{"match": None, "answer": WRONG}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    await inline(session, uri, HOLE_LINE, CURSOR_END, automatic=True)
    session.change(uri, 2, (HOLE_LINE, CURSOR_END), (HOLE_LINE, CURSOR_END), "sh")
    typed = await inline(session, uri, HOLE_LINE, CURSOR_END + 2, automatic=True)
    assert list(typed.items) == []  # neither the type-ahead nor the filling cache served it
    assert len(list(model.posts())) == 2


async def test_invoked_trigger_shows_a_flagged_filling_marked(start_session, llm):
    model = llm([{"match": None, "answer": WRONG}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    flagged = [item for item in result.items if item.insert_text == WRONG]
    assert flagged, [item.insert_text for item in result.items]
    command = flagged[0].command
    assert command is not None and command.title.startswith("holepilot: unverified: ")
    assert "nmae" in command.title
    assert command.command == "holepilot.didAcceptCompletion"
    assert command.arguments[0]["text"] == WRONG
    assert not any(s["state"] == "heldBack" for s in session.statuses)


async def test_invoked_items_come_verified_first(start_session, llm):
    model = llm([{"match": None, "answer": WRONG}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    marked = [item.command.title.startswith("holepilot: unverified: ") for item in result.items]
    assert len(result.items) >= 2, [item.insert_text for item in result.items]
    assert marked == sorted(marked), marked  # unmarked (verified) ones, then the marked ones
    assert marked[0] is False and marked[-1] is True


async def test_automatic_trigger_shows_a_verified_filling_unmarked(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True)
    # unmarked: only the acceptance command every item carries, not titled unverified
    assert [(i.insert_text, i.command.title) for i in result.items] == [("shapes[0]", "holepilot: suggestion accepted")]
    assert session.statuses[-1]["state"] == "ok"


async def test_completion_item_detail_marks_an_unverified_filling(start_session, llm):
    model = llm([{"match": None, "answer": WRONG}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=HOLE_LINE, character=CURSOR_END),
    )
    result = await asyncio.wait_for(session.client.text_document_completion_async(params), TIMEOUT)
    model_items = [item for item in result.items if item.sort_text == "00"]
    assert model_items and model_items[0].text_edit.new_text == WRONG
    assert model_items[0].detail.startswith("holepilot: model filling (unverified: ")
    assert "nmae" in model_items[0].detail
