"""Inline completion and type-ranked completion, end to end against scripted model servers."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, SHAPES, openai_options

TIMEOUT = 60
CURSOR_SHAPES = SHAPES.replace("    best: Shape = ...", "    best: Shape = ")


def inline_params(uri: str, line: int, character: int, automatic: bool = False, selected=None):
    kind = (
        types.InlineCompletionTriggerKind.Automatic
        if automatic
        else types.InlineCompletionTriggerKind.Invoked
    )
    return types.InlineCompletionParams(
        context=types.InlineCompletionContext(trigger_kind=kind, selected_completion_info=selected),
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
    )


async def inline(session, uri, line, character, automatic=False, selected=None):
    params = inline_params(uri, line, character, automatic, selected)
    return await asyncio.wait_for(
        session.client.text_document_inline_completion_async(params), TIMEOUT
    )


def span(item):
    r = item.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


async def test_invoked_inline_completion_fills_the_placeholder(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN + 1)
    assert result.items[0].insert_text == "shapes[0]"
    assert span(result.items[0]) == (HOLE_LINE, HOLE_COLUMN, HOLE_LINE, HOLE_COLUMN + 3)
    assert len(result.items) >= 2  # invoked: the model's filling and typed alternatives
    assert len({item.insert_text for item in result.items}) == len(result.items)
    assert len(list(model.posts())) == 1


async def test_automatic_inline_completion_gives_one_item(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True)
    assert [item.insert_text for item in result.items] == ["shapes[0]"]


async def test_typing_the_shown_completion_is_served_from_the_cache(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", CURSOR_SHAPES)
    end = len("    best: Shape = ")
    first = await inline(session, uri, HOLE_LINE, end, automatic=True)
    assert first.items[0].insert_text == "shapes[0]"
    session.change(uri, 2, (HOLE_LINE, end), (HOLE_LINE, end), "sh")
    second = await inline(session, uri, HOLE_LINE, end + 2, automatic=True)
    assert [item.insert_text for item in second.items] == ["apes[0]"]
    assert span(second.items[0]) == (HOLE_LINE, end + 2, HOLE_LINE, end + 2)
    session.change(uri, 3, (HOLE_LINE, end + 2), (HOLE_LINE, end + 2), "x")
    await inline(session, uri, HOLE_LINE, end + 3, automatic=True)  # diverged: asks again
    assert len(list(model.posts())) == 2


async def test_same_text_around_the_hole_reuses_the_filling(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    again = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    assert again.items[0].insert_text == "shapes[0]"
    assert span(again.items[0]) == (HOLE_LINE, HOLE_COLUMN, HOLE_LINE, HOLE_COLUMN + 3)
    assert len(list(model.posts())) == 1


async def test_selected_completion_info_is_extended(start_session, llm):
    model = llm([{"match": None, "answer": "[0]"}])
    session = await start_session(options=openai_options(model.url))
    text = CURSOR_SHAPES.replace("    best: Shape = \n", "    best: Shape = sha\n")
    uri = session.open("shapes.py", text)
    start = len("    best: Shape = ")
    selected = types.SelectedCompletionInfo(
        range=types.Range(
            start=types.Position(line=HOLE_LINE, character=start),
            end=types.Position(line=HOLE_LINE, character=start + 3),
        ),
        text="shapes",
    )
    result = await inline(session, uri, HOLE_LINE, start + 3, automatic=True, selected=selected)
    assert result.items[0].insert_text == "shapes[0]"
    assert span(result.items[0]) == (HOLE_LINE, start, HOLE_LINE, start + 3)
    prompt = model.requests[-1].text
    assert "shapes" in prompt


async def test_emoji_line_positions_are_utf16(start_session, llm):
    model = llm([{"match": None, "answer": "label"}])
    session = await start_session(editor="neovim", options=openai_options(model.url))
    text = CURSOR_SHAPES.replace("    best: Shape = \n", '    note = "😀😀" + ...\n')
    uri = session.open("shapes.py", text)
    column = len('    note = "😀😀" + '.encode("utf-16-le")) // 2  # each emoji is 2 units
    result = await inline(session, uri, HOLE_LINE, column)
    assert result.items[0].insert_text == "label"
    assert span(result.items[0]) == (HOLE_LINE, column, HOLE_LINE, column + 3)


async def test_completion_ranks_fitting_types_first(start_session):
    session = await start_session()
    uri = session.open("shapes.py", CURSOR_SHAPES)
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=HOLE_LINE, character=len("    best: Shape = ")),
    )
    result = await asyncio.wait_for(session.client.text_document_completion_async(params), TIMEOUT)
    labels = [item.label for item in sorted(result.items, key=lambda i: i.sort_text or i.label)]
    assert "label" in labels and "shapes" in labels
    fitting = [
        item.label
        for item in result.items
        if (item.label_details and item.label_details.description) == "Shape"
    ]
    assert fitting, labels
    assert labels.index(fitting[0]) < labels.index("label")
    assert all(item.detail != "holepilot: model filling" for item in result.items)  # static backend


async def test_completion_after_a_dot_offers_receiver_members(start_session):
    session = await start_session()
    text = CURSOR_SHAPES.replace("    best: Shape = \n", "    size: float = origin.\n")
    uri = session.open("shapes.py", text)
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=HOLE_LINE, character=len("    size: float = origin.")),
    )
    result = await asyncio.wait_for(session.client.text_document_completion_async(params), TIMEOUT)
    labels = [item.label for item in result.items]
    assert {"x", "y", "norm"} <= set(labels)
    assert "shapes" not in labels


async def test_completion_adds_the_model_filling_with_a_real_backend(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=HOLE_LINE, character=HOLE_COLUMN),
    )
    result = await asyncio.wait_for(session.client.text_document_completion_async(params), TIMEOUT)
    model_items = [item for item in result.items if item.detail == "holepilot: model filling"]
    assert len(model_items) == 1
    assert model_items[0].text_edit.new_text == "shapes[0]"
    assert min(result.items, key=lambda i: i.sort_text).label == model_items[0].label


async def test_disabled_holepilot_offers_no_completions(start_session):
    session = await start_session(options={"enable": False})
    uri = session.open("shapes.py", CURSOR_SHAPES)
    position = types.Position(line=HOLE_LINE, character=len("    best: Shape = "))
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position
    )
    result = await asyncio.wait_for(session.client.text_document_completion_async(params), TIMEOUT)
    assert list(result.items) == []
    inline_result = await inline(session, uri, HOLE_LINE, position.character)
    assert inline_result is None or list(inline_result.items) == []
    assert session.statuses[-1]["state"] == "disabled"
