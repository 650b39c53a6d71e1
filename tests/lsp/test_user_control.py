"""The control every LSP client gets from the server's settings: no suggestion in the files of
suggestExcludeGlobs, manual-only mode (automaticSuggestions off), no automatic suggestion in
comments and strings or in the middle of a word; bad globs are reported and ignored. And the
feedback vocabularies: holepilot's own and Copilot's language server's names, logged to the
acceptance log and summed by ``holepilot.stats``."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import converters, types

from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, NO_SAMPLE, SHAPES, openai_options
from tests.lsp.test_commands import code_action_params
from tests.lsp.test_completion import inline
from tests.lsp.test_next_edits import next_edits

TIMEOUT = 60
ANSWER = "shapes[0]"
COMMENT = SHAPES.replace("    best: Shape = ...", "    best: Shape = ...  # the largest ")
COMMENT_COLUMN = len("    best: Shape = ...  # the largest ")
STRING = SHAPES.replace("    best: Shape = ...", "    best: Shape = ...\n    label = 'the lar'")
STRING_LINE, STRING_COLUMN = HOLE_LINE + 1, len("    label = 'the lar")
MID_WORD = SHAPES.replace("    best: Shape = ...", "    best: Shape = shapes")
MID_WORD_COLUMN = len("    best: Shape = sha")


def as_json(value: Any) -> Any:
    """An LSP object as the client sends it back (camelCase JSON)."""
    return converters.get_converter().unstructure(value)


def model_options(url: str, **extra: Any) -> dict[str, Any]:
    return openai_options(url, **extra)


async def round_trip(session) -> None:
    """A request after notifications: the server has handled them."""
    await asyncio.wait_for(session.command("holepilot.doctor", NO_SAMPLE), TIMEOUT)


def log_records(tmp_path) -> list[dict[str, Any]]:
    log = tmp_path / "cache" / "holepilot" / "acceptance.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


# -- where suggestions are offered --------------------------------------------------------


async def test_a_glob_excluded_file_gets_no_suggestion_even_invoked(start_session, llm):
    model = llm([{"match": None, "answer": ANSWER}])
    options = model_options(model.url, suggestExcludeGlobs=["generated/*", "*_pb2.py"])
    session = await start_session(options=options)
    excluded = session.open("generated/shapes.py", SHAPES)
    by_name = session.open("shapes_pb2.py", SHAPES)
    served = session.open("shapes.py", SHAPES)
    for uri in (excluded, by_name):
        assert await inline(session, uri, HOLE_LINE, HOLE_COLUMN) is None
        assert await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True) is None
    assert list(model.posts()) == []
    off = [s for s in session.statuses if s.get("uri") == by_name]
    assert off and off[-1]["state"] == "disabled" and "suggestExcludeGlobs" in off[-1]["reason"]
    result = await inline(session, served, HOLE_LINE, HOLE_COLUMN)
    assert result.items[0].insert_text == ANSWER
    assert len(list(model.posts())) == 1


async def test_an_excluded_file_stays_off_while_its_other_requests_are_answered(start_session, llm):
    # An editor asks for the code actions of the file at each cursor move and for its next
    # edits after each pause in typing: those requests say nothing about suggestions, so
    # "off for this file" stays until a request for another file.
    model = llm([{"match": None, "answer": ANSWER}])
    options = model_options(model.url, suggestExcludeGlobs=["generated_*.py"])
    session = await start_session(options=options)
    excluded = session.open("generated_shapes.py", SHAPES)
    assert await inline(session, excluded, HOLE_LINE, HOLE_COLUMN, automatic=True) is None
    at_hole = (HOLE_LINE, HOLE_COLUMN)
    actions = code_action_params(excluded, at_hole, at_hole)
    await session.raw_request("textDocument/codeAction", actions)
    await next_edits(session, excluded, *at_hole)
    await round_trip(session)
    last = session.statuses[-1]
    assert last["state"] == "disabled" and last.get("uri") == excluded
    session.open("shapes.py", SHAPES)
    await round_trip(session)
    assert "uri" not in session.statuses[-1] and session.statuses[-1]["state"] != "disabled"


async def test_an_excluded_file_gets_no_next_edits_and_says_so(start_session, llm):
    # A generated file edited by hand: no next edits (no model call for them), and the status
    # says holepilot is off for the file even when no inline request reached the server first.
    model = llm([{"match": None, "answer": ANSWER}])
    options = model_options(model.url, suggestExcludeGlobs=["generated_*.py"])
    session = await start_session(options=options)
    (session.root / "use.py").write_text("from generated_geo import scale\n\nscale(1.0)\n", encoding="utf-8")
    excluded = session.open("generated_geo.py", "def scale(x: float) -> float:\n    return x\n")
    session.change(excluded, 2, (0, 4), (0, 9), "resize")
    answer = await next_edits(session, excluded, 0, 10)
    assert answer["edits"] == [] and answer["changes"] == []
    assert list(model.posts()) == []
    last = session.statuses[-1]
    assert last["state"] == "disabled" and last.get("uri") == excluded
    assert "suggestExcludeGlobs" in last["reason"]
    # the same edit in a file that is not excluded has its ripple
    served = session.open("geo.py", "def scale(x: float) -> float:\n    return x\n")
    (session.root / "use2.py").write_text("from geo import scale\n\nscale(1.0)\n", encoding="utf-8")
    session.change(served, 2, (0, 4), (0, 9), "resize")
    assert (await next_edits(session, served, 0, 10))["changes"] == ["renamed scale → resize"]


async def test_no_automatic_suggestion_in_a_comment_or_string_unless_asked(start_session, llm):
    model = llm([{"match": None, "answer": ANSWER}])
    session = await start_session(options=model_options(model.url))
    comment = session.open("comment.py", COMMENT)
    string = session.open("string.py", STRING)
    assert await inline(session, comment, HOLE_LINE, COMMENT_COLUMN, automatic=True) is None
    assert await inline(session, string, STRING_LINE, STRING_COLUMN, automatic=True) is None
    assert list(model.posts()) == []
    await inline(session, comment, HOLE_LINE, COMMENT_COLUMN)  # the explicit trigger asks anyway
    assert len(list(model.posts())) == 1


async def test_comments_and_strings_suggest_when_the_setting_allows(start_session, llm):
    model = llm([{"match": None, "answer": ANSWER}])
    options = model_options(model.url, suggestInCommentsAndStrings=True)
    session = await start_session(options=options)
    comment = session.open("comment.py", COMMENT)
    result = await inline(session, comment, HOLE_LINE, COMMENT_COLUMN, automatic=True)
    assert result is not None
    assert len(list(model.posts())) == 1


async def test_no_automatic_suggestion_in_the_middle_of_a_word(start_session, llm):
    model = llm([{"match": None, "answer": ANSWER}])
    session = await start_session(options=model_options(model.url))
    uri = session.open("shapes.py", MID_WORD)
    assert await inline(session, uri, HOLE_LINE, MID_WORD_COLUMN, automatic=True) is None
    assert list(model.posts()) == []
    session.client.set_configuration({"holepilot": {"suggestMidWord": True}})  # pulled by the server
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await round_trip(session)
    assert await inline(session, uri, HOLE_LINE, MID_WORD_COLUMN, automatic=True) is not None
    assert len(list(model.posts())) == 1


@pytest.mark.parametrize("editor", ["visual-studio-code", "neovim@v0.7.0"])
async def test_manual_only_mode_answers_the_explicit_trigger_only(start_session, llm, editor):
    model = llm([{"match": None, "answer": ANSWER}])
    session = await start_session(editor, options=model_options(model.url, automaticSuggestions=False))
    uri = session.open("shapes.py", SHAPES)
    assert await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True) is None
    assert list(model.posts()) == []
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    assert result.items[0].insert_text == ANSWER


async def test_bad_globs_and_values_are_reported_in_one_line_and_ignored(start_session, llm):
    model = llm([{"match": None, "answer": ANSWER}])
    options = model_options(
        model.url, suggestExcludeGlobs=["gen/[ab", "", "skip_*.py"], suggestMidWord="sometimes"
    )
    session = await start_session(options=options)
    await round_trip(session)
    (message,) = [m for m in session.client.messages if m.type == types.MessageType.Warning]
    assert "\n" not in message.message
    assert "'gen/[ab'" in message.message and "never closed" in message.message
    assert "suggestMidWord" in message.message
    skipped = session.open("skip_me.py", SHAPES)  # the good glob still applies
    assert await inline(session, skipped, HOLE_LINE, HOLE_COLUMN) is None
    kept = session.open("gen/[ab.py", SHAPES)  # the bad one matches nothing
    assert (await inline(session, kept, HOLE_LINE, HOLE_COLUMN)).items


# -- feedback under either vocabulary, and the statistics -----------------------------------


async def test_copilot_names_report_shown_partial_and_accepted_by_id(start_session, llm, tmp_path):
    model = llm([{"match": None, "answer": ANSWER}])
    session = await start_session(options=model_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    item = as_json(result.items[0])
    command = item["command"]
    assert command["command"] == "holepilot.didAcceptCompletion"
    suggestion_id = command["arguments"][0]["id"]
    assert isinstance(suggestion_id, str) and command["arguments"][0]["triggerKind"] == "invoked"
    notify = session.client.protocol.notify
    notify("textDocument/didShowCompletion", {"item": item})
    notify("textDocument/didPartiallyAcceptCompletion", {"item": item, "acceptedLength": 6})
    notify("textDocument/didShowCompletion", {"item": {"command": {"arguments": ["no-such-id"]}}})
    notify("textDocument/didShowCompletion", {"item": {"insertText": "x"}})  # names nothing
    accepted = await session.command("github.copilot.didAcceptCompletionItem", suggestion_id)
    assert accepted is None
    await session.command("github.copilot.didAcceptCompletionItem", "unknown")  # dropped, no error
    await round_trip(session)
    records = log_records(tmp_path)
    assert [r["event"] for r in records] == ["shown", "partially_accepted", "accepted"]
    assert all(r["id"] == suggestion_id and r["trigger"] == "invoked" for r in records)
    assert records[1]["acceptedLength"] == 6 and records[0]["text"] == ANSWER
    stats = await session.command("holepilot.stats")
    assert stats["total"]["shown"] == 1 and stats["total"]["accepted"] == 1
    assert stats["byTrigger"]["invoked"]["partially_accepted"] == 1


async def test_holepilot_names_and_its_accept_command_log_too(start_session, tmp_path):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True)
    argument = as_json(result.items[0].command.arguments[0])
    session.client.protocol.notify("holepilot/didShowCompletion", argument)
    await session.command("holepilot.didAcceptCompletion", argument)
    await round_trip(session)
    records = log_records(tmp_path)
    assert [(r["event"], r["trigger"]) for r in records] == [("shown", "automatic"), ("accepted", "automatic")]


async def test_a_shown_report_about_an_older_version_is_dropped(start_session, tmp_path):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN)
    item = as_json(result.items[0])
    session.change(uri, 2, (0, 0), (0, 0), "# edited\n")
    session.client.protocol.notify("textDocument/didShowCompletion", {"item": item})
    await round_trip(session)
    assert log_records(tmp_path) == []


async def test_held_back_suggestions_are_logged_with_their_trigger(start_session, llm, tmp_path):
    model = llm([{"match": None, "answer": "shapes[0].nmae"}])
    session = await start_session(options=model_options(model.url, maxRounds=1))
    uri = session.open("shapes.py", SHAPES)
    result = await inline(session, uri, HOLE_LINE, HOLE_COLUMN, automatic=True)
    assert list(result.items) == []
    (record,) = log_records(tmp_path)
    assert record["event"] == "held_back" and record["trigger"] == "automatic"
    assert (record["line"], record["character"]) == (HOLE_LINE, HOLE_COLUMN)
    stats = await session.command("holepilot.stats")
    assert stats["byTrigger"]["automatic"]["held_back"] == 1
