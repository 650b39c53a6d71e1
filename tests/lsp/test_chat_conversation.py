"""Inline chat that converses: a follow-up with the conversation id continues the same
CursorCore conversation with the previous proposal in its history, ``undo`` goes back one
turn, and a follow-up after the document changed starts a new conversation and says so."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from tests.lsp.conftest import HOLE_LINE, SHAPES, Session, StartSession, openai_options
from tests.support.llm_server import ScriptedLLMServer

TIMEOUT = 60
FIRST = SHAPES.replace("    best: Shape = ...", "    best: Shape = max(shapes, key=describe)")
SECOND = SHAPES.replace(
    "    best: Shape = ...", "    best: Shape = max(shapes, key=describe) if shapes else Shape(label, origin)"
)
SELECTION = {"start": {"line": HOLE_LINE, "character": 0}, "end": {"line": HOLE_LINE, "character": 21}}


def script() -> list[dict[str, str]]:
    """The follow-up's rule first: its request also carries the first instruction."""
    return [
        {"match": "also handle an empty list", "answer": f"```python\n{SECOND}```"},
        {"match": "take the largest", "answer": f"```python\n{FIRST}```"},
    ]


def chat(uri: str, instruction: str | None = None, **extra: object) -> dict[str, object]:
    argument: dict[str, object] = {"uri": uri, "range": SELECTION, "format": "wf", **extra}
    if instruction is not None:
        argument["instruction"] = instruction
    return argument


async def conversing(
    start_session: StartSession, llm: Callable[[list[dict[str, Any]]], ScriptedLLMServer]
) -> tuple[ScriptedLLMServer, Session, str]:
    """The scripted model, a server that asks it, and shapes.py open there (its URI)."""
    model = llm(script())
    session = await start_session(options=openai_options(model.url))
    return model, session, session.open("shapes.py", SHAPES)


async def inline_chat(session: Session, argument: dict[str, object]) -> Any:
    return await asyncio.wait_for(session.command("holepilot.inlineChat", argument), TIMEOUT)


def user_turn(body: str) -> str:
    """The last user message of a chat request: the conversation's current turn."""
    messages = json.loads(body)["messages"]
    return [m["content"] for m in messages if m["role"] == "user"][-1]


async def test_a_follow_up_continues_the_conversation_with_the_proposal(start_session, llm):
    model, session, uri = await conversing(start_session, llm)
    first = await inline_chat(session, chat(uri, "take the largest"))
    assert first["newText"].rstrip("\n") == FIRST.rstrip("\n")
    assert first["turn"] == 1 and first["newConversation"] is False and "note" not in first
    conversation = first["conversationId"]
    follow_up = chat(uri, "also handle an empty list", conversationId=conversation)
    second = await inline_chat(session, follow_up)
    assert second["conversationId"] == conversation and second["turn"] == 2
    assert second["newText"].rstrip("\n") == SECOND.rstrip("\n")
    assert "if shapes else Shape(label, origin)" in second["diff"]  # against the document
    assert "-    best: Shape = ..." in second["diff"]
    turn = user_turn(model.requests[-1].text)
    # the proposal is the current code, the document before it a history step
    assert "Current code:" in turn and "best: Shape = max(shapes, key=describe)" in turn.split("Current code:")[1]
    assert "Programming process" in turn and "best: Shape = ..." in turn.split("Current code:")[0]
    assert "take the largest" in turn and "Now: also handle an empty list" in turn
    assert "best: Shape = max(shapes, key=describe)" not in user_turn(model.requests[0].text)

    undone = await inline_chat(session, chat(uri, conversationId=conversation, undo=True))
    assert undone["turn"] == 1 and undone["newText"].rstrip("\n") == FIRST.rstrip("\n")
    emptied = await inline_chat(session, chat(uri, conversationId=conversation, undo=True))
    assert emptied["turn"] == 0 and emptied["newText"] == SHAPES and emptied["diff"] == ""
    assert all(c["newText"] == "" and c["range"]["start"] == c["range"]["end"] for c in emptied["edit"]["changes"][uri])
    assert len(model.requests) == 2  # an undo asks no model


async def test_the_client_s_turn_count_drops_the_turns_it_undid(start_session, llm):
    model, session, uri = await conversing(start_session, llm)
    first = await inline_chat(session, chat(uri, "take the largest"))
    conversation = first["conversationId"]
    await inline_chat(session, chat(uri, "take the largest again", conversationId=conversation))
    again = chat(uri, "also handle an empty list", conversationId=conversation, turns=1)
    third = await inline_chat(session, again)
    assert third["turn"] == 2
    assert "take the largest again" not in user_turn(model.requests[-1].text)


async def test_a_follow_up_after_the_document_changed_starts_a_new_conversation(start_session, llm):
    model, session, uri = await conversing(start_session, llm)
    first = await inline_chat(session, chat(uri, "take the largest"))
    session.change(uri, 2, (0, 0), (0, 0), "# edited\n")
    moved = {"start": {"line": HOLE_LINE + 1, "character": 0}, "end": {"line": HOLE_LINE + 1, "character": 21}}
    follow_up = {**chat(uri, "take the largest", conversationId=first["conversationId"]), "range": moved}
    second = await inline_chat(session, follow_up)
    assert second["newConversation"] is True and second["conversationId"] != first["conversationId"]
    assert "document changed" in second["note"] and "new conversation" in second["note"]
    assert second["turn"] == 1
    assert "Earlier instructions" not in user_turn(model.requests[-1].text)


async def test_an_unknown_conversation_starts_anew_and_undo_of_it_is_invalid(start_session, llm):
    _, session, uri = await conversing(start_session, llm)
    answer = await inline_chat(session, chat(uri, "take the largest", conversationId="gone"))
    assert answer["newConversation"] is True and "unknown" in answer["note"]
    for argument, says in ((chat(uri, conversationId="gone", undo=True), "nothing to undo"),
                           (chat(uri, undo=True), "needs the 'conversationId'")):
        try:
            await inline_chat(session, argument)
        except Exception as error:  # the client raises the server's error response
            assert getattr(error, "code", None) == -32602 and says in str(error)
        else:
            raise AssertionError("expected InvalidParams")
