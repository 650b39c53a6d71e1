"""Code actions and the commands behind them: fill hole, inline chat, doctor."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from completion.model import TextRange
from lsp_server.convert import apply_span
from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, SHAPES, openai_options

TIMEOUT = 60


def code_action_params(uri: str, start: tuple[int, int], end: tuple[int, int]) -> dict[str, object]:
    return {
        "textDocument": {"uri": uri},
        "range": {
            "start": {"line": start[0], "character": start[1]},
            "end": {"line": end[0], "character": end[1]},
        },
        "context": {"diagnostics": []},
    }


def record_applied_edits(session) -> list[types.ApplyWorkspaceEditParams]:
    applied: list[types.ApplyWorkspaceEditParams] = []

    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    session.client.feature(types.WORKSPACE_APPLY_EDIT)(apply_edit)
    return applied


async def code_actions(session, uri, start, end) -> list[dict]:
    """As JSON: the test client would read a CodeAction with a command as a bare Command."""
    result = await session.raw_request(
        "textDocument/codeAction", code_action_params(uri, start, end)
    )
    return result or []


async def test_code_actions_at_a_hole_and_on_a_selection(start_session):
    session = await start_session()
    text = SHAPES.replace(
        "    return shape.name\n", '    tag = "🚀" + __hole__\n    return shape.name\n'
    )
    uri = session.open("shapes.py", text)
    at_hole = await code_actions(session, uri, (HOLE_LINE + 1, 0), (HOLE_LINE + 1, 0))
    assert [a["title"] for a in at_hole] == ["Fill hole with holepilot"]
    argument = at_hole[0]["command"]["arguments"][0]
    assert at_hole[0]["command"]["command"] == "holepilot.fillHole"
    assert argument["position"] == {"line": HOLE_LINE + 1, "character": HOLE_COLUMN}
    tag_line = text.splitlines().index('    tag = "🚀" + __hole__')
    emoji = await code_actions(session, uri, (tag_line, 0), (tag_line, 0))
    assert (
        emoji[0]["command"]["arguments"][0]["position"]["character"]
        == len('    tag = "🚀" + '.encode("utf-16-le")) // 2
    )
    incomplete = SHAPES.replace("    return shape.name\n", "    return shape.name + \n")
    uri2 = session.open("incomplete.py", incomplete)
    line = incomplete.splitlines().index("    return shape.name + ")
    assert [a["title"] for a in await code_actions(session, uri2, (line, 3), (line, 3))] == [
        "Fill hole with holepilot"
    ]
    assert await code_actions(session, uri2, (0, 0), (0, 0)) == []  # a complete import line
    selection = await code_actions(session, uri, (HOLE_LINE, 4), (HOLE_LINE + 1, 15))
    titles = [a["title"] for a in selection]
    assert "Edit selection with holepilot…" in titles
    edit = next(a for a in selection if a["title"].startswith("Edit selection"))
    assert edit["command"]["command"] == "holepilot.inlineChat"
    assert edit["command"]["arguments"][0]["range"]["start"] == {"line": HOLE_LINE, "character": 4}


async def test_fill_hole_returns_and_applies_the_edit(start_session, llm):
    model = llm([{"match": None, "answer": "shapes[0]"}])
    session = await start_session(options=openai_options(model.url))
    applied = record_applied_edits(session)
    uri = session.open("shapes.py", SHAPES)
    argument = {
        "uri": uri,
        "position": {"line": HOLE_LINE, "character": HOLE_COLUMN},
        "apply": True,
    }
    result = await asyncio.wait_for(session.command("holepilot.fillHole", argument), TIMEOUT)
    assert result["text"] == "shapes[0]"
    edit = result["edit"]["changes"][uri][0]
    assert edit["newText"] == "shapes[0]"
    assert edit["range"]["start"] == {"line": HOLE_LINE, "character": HOLE_COLUMN}
    assert edit["range"]["end"] == {"line": HOLE_LINE, "character": HOLE_COLUMN + 3}
    assert len(applied) == 1 and applied[0].edit.changes[uri][0].new_text == "shapes[0]"


async def test_inline_chat_fills_the_placeholders_of_the_selection(start_session):
    session = await start_session()
    applied = record_applied_edits(session)
    uri = session.open("shapes.py", SHAPES)
    selection = {
        "start": {"line": HOLE_LINE, "character": 0},
        "end": {"line": HOLE_LINE + 1, "character": 15},
    }
    argument = {"uri": uri, "range": selection, "instruction": "fill it", "apply": True}
    result = await asyncio.wait_for(session.command("holepilot.inlineChat", argument), TIMEOUT)
    assert result["newText"].startswith("from dataclasses import dataclass")  # the whole new file
    assert "..." not in result["newText"] and "best: Shape = " in result["newText"]
    assert result["diff"].startswith("---") and "-    best: Shape = ..." in result["diff"]
    assert isinstance(result["diagnostics"], list)
    (change,) = result["edit"]["changes"][uri]
    filling = result["newText"].splitlines()[HOLE_LINE][HOLE_COLUMN:]
    assert change["range"] == {
        "start": {"line": HOLE_LINE, "character": HOLE_COLUMN},
        "end": {"line": HOLE_LINE, "character": HOLE_COLUMN + 3},
    }
    assert change["newText"] == filling
    assert len(applied) == 1


async def test_inline_chat_without_instruction_is_invalid(start_session):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    selection = {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}
    try:
        await session.command("holepilot.inlineChat", {"uri": uri, "range": selection})
    except Exception as error:  # the client raises the server's error response
        assert getattr(error, "code", None) == -32602
    else:
        raise AssertionError("expected InvalidParams")


async def test_doctor_reports_the_server_and_engine_checks(start_session):
    session = await start_session(options={"maxTokens": 0})
    result = await asyncio.wait_for(session.command("holepilot.doctor"), TIMEOUT)
    checks = {check["name"]: check for check in result["checks"]}
    assert {"enabled", "engine", "settings", "sample completion", "workspace index"} <= set(checks)
    assert all(set(check) == {"name", "ok", "detail", "fix"} for check in result["checks"])
    assert checks["enabled"]["ok"] and checks["engine"]["ok"]
    assert not checks["settings"]["ok"] and "maxTokens" in checks["settings"]["detail"]
    assert checks["sample completion"]["ok"], checks["sample completion"]
    assert result["ok"] is False


async def test_inline_chat_with_a_model_in_whole_file_format(start_session, llm):
    edited = SHAPES.replace("    best: Shape = ...", "    best: Shape = max(shapes, key=describe)")
    model = llm([{"match": None, "answer": f"```python\n{edited}```"}])
    session = await start_session(options=openai_options(model.url))
    uri = session.open("shapes.py", SHAPES)
    selection = {
        "start": {"line": HOLE_LINE, "character": 0},
        "end": {"line": HOLE_LINE, "character": 21},
    }
    argument = {"uri": uri, "range": selection, "instruction": "take the largest", "format": "wf"}
    result = await asyncio.wait_for(session.command("holepilot.inlineChat", argument), TIMEOUT)
    assert result["newText"].rstrip("\n") == edited.rstrip("\n")
    (change,) = result["edit"]["changes"][uri]
    assert change["range"]["start"] == {"line": HOLE_LINE, "character": HOLE_COLUMN}
    assert change["newText"].startswith("max(shapes, key=describe)")
    start, end = change["range"]["start"], change["range"]["end"]
    span = TextRange(start["line"], start["character"], end["line"], end["character"])
    assert apply_span(SHAPES, span, change["newText"]) == result["newText"]  # ASCII: units agree
    assert "take the largest" in model.requests[0].text
