"""Next edits over the real server: ``holepilot/nextEdits``, Copilot's
``textDocument/copilotInlineEdit`` as its editor plugins send it, and the "Update N call sites"
code action, after a definition is renamed or given a parameter in one file of a workspace
(one file open with unsaved changes, one only on disk)."""

from __future__ import annotations

import ast
import asyncio
from typing import Any

import pytest
from pygls.exceptions import JsonRpcException

from tests.support.next_edits import GEO, USE, apply_edits

TIMEOUT = 60

MAIN = """\
import geo


def run() -> float:
    return geo.scale(1.0, 2.0)
"""
MAIN_EDITED = MAIN + "\n\ndef later() -> float:\n    return geo.scale(3.0, 4.0)\n"
RENAMED = {
    "geo.py": GEO.replace("scale", "resize"),
    "use.py": USE.replace("scale", "resize"),
    "main.py": MAIN_EDITED.replace("scale", "resize"),
}


async def workspace(session) -> tuple[str, str]:
    """geo.py and main.py open (main.py with an unsaved edit), use.py on disk only."""
    (session.root / "pyproject.toml").write_text("", encoding="utf-8")
    (session.root / "use.py").write_text(USE, encoding="utf-8")
    main = session.open("main.py", MAIN)
    end = len(MAIN.splitlines())
    session.change(main, 2, (end, 0), (end, 0), MAIN_EDITED[len(MAIN):])
    geo = session.open("geo.py", GEO)
    assert (await session.request("holepilot/documentText", {"textDocument": {"uri": main}}))["text"] == MAIN_EDITED
    return geo, main


def rename_scale(session, geo: str, version: int = 2) -> None:
    session.change(geo, version, (0, 4), (0, 9), "resize")


async def next_edits(session, uri: str, line: int, character: int) -> dict[str, Any]:
    params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    return await asyncio.wait_for(session.request("holepilot/nextEdits", params), TIMEOUT)


def current_texts() -> dict[str, str]:
    """The texts the edits apply to after the rename: the two buffers and use.py on disk."""
    return {"geo.py": GEO.replace("def scale", "def resize"), "use.py": USE, "main.py": MAIN_EDITED}


async def test_a_rename_proposes_every_reference_in_every_file(start_session):
    session = await start_session()
    geo, _ = await workspace(session)
    rename_scale(session, geo)
    answer = await next_edits(session, geo, 0, 10)
    assert answer["changes"] == ["renamed scale → resize"] and answer["more"] == 0
    edits = answer["edits"]
    assert all(set(e) == {"uri", "range", "newText", "reason"} for e in edits)
    assert all(e["reason"] == "renamed scale → resize" for e in edits)
    assert edits[0]["uri"] == geo, "the edited document's own edits come first"
    texts = current_texts()
    for name, expected in RENAMED.items():
        mine = [e for e in edits if e["uri"] == session.uri(name)]
        assert apply_edits(texts[name], mine) == expected, name
    # the emoji before the call counts two UTF-16 units each
    [call] = [e for e in edits if e["uri"] == session.uri("use.py") and e["range"]["start"]["line"] == 4]
    assert call["range"]["start"]["character"] == USE.splitlines()[4].index("scale") + 2


async def test_copilot_clients_get_the_edits_of_the_document_in_their_shape(start_session):
    session = await start_session("neovim")
    geo, main = await workspace(session)
    rename_scale(session, geo)
    # exactly what copilot-lsp (Neovim) sends: the position params with the buffer's version
    params = {"textDocument": {"uri": geo, "version": 2}, "position": {"line": 0, "character": 10}}
    answer = await asyncio.wait_for(session.raw_request("textDocument/copilotInlineEdit", params), TIMEOUT)
    [edit] = answer["edits"]
    assert set(edit) == {"text", "textDocument", "range"}
    assert edit["textDocument"] == {"uri": geo, "version": 2} and edit["text"] == "resize"
    assert apply_edits(GEO.replace("def scale", "def resize"), [edit]) == RENAMED["geo.py"]
    # in another open document, its part of the ripple (against its unsaved text)
    elsewhere = {"textDocument": {"uri": main, "version": 2}, "position": {"line": 0, "character": 0}}
    answer = await asyncio.wait_for(session.raw_request("textDocument/copilotInlineEdit", elsewhere), TIMEOUT)
    assert {e["textDocument"]["uri"] for e in answer["edits"]} == {main}
    assert apply_edits(MAIN_EDITED, answer["edits"]) == RENAMED["main.py"]
    stale = {"textDocument": {"uri": geo, "version": 1}, "position": {"line": 0, "character": 10}}
    with pytest.raises(JsonRpcException, match="version"):
        await asyncio.wait_for(session.raw_request("textDocument/copilotInlineEdit", stale), TIMEOUT)


async def test_an_undone_edit_proposes_nothing(start_session):
    session = await start_session()
    geo, _ = await workspace(session)
    rename_scale(session, geo)
    assert (await next_edits(session, geo, 0, 10))["edits"]
    session.change(geo, 3, (0, 4), (0, 10), "scale")
    assert (await next_edits(session, geo, 0, 4)) == {"edits": [], "more": 0, "changes": []}
    params = {"textDocument": {"uri": geo, "version": 3}, "position": {"line": 0, "character": 4}}
    assert (await session.raw_request("textDocument/copilotInlineEdit", params)) == {"edits": []}


def code_action_params(uri: str, line: int, character: int) -> dict[str, Any]:
    at = {"line": line, "character": character}
    return {"textDocument": {"uri": uri}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}


async def call_site_actions(session, uri: str, line: int, character: int) -> list[dict[str, Any]]:
    actions = await asyncio.wait_for(
        session.raw_request("textDocument/codeAction", code_action_params(uri, line, character)), TIMEOUT)
    return [a for a in actions or [] if a["title"].startswith("Update ")]


async def test_the_code_action_on_the_edited_definition_updates_every_call(start_session):
    session = await start_session()
    geo, main = await workspace(session)
    session.change(geo, 2, (0, 32), (0, 32), ", shift: float")  # def scale(x, factor, shift)
    assert await call_site_actions(session, geo, 5, 5) == [], "not on the definition: no action"
    [action] = await call_site_actions(session, geo, 0, 6)
    assert action["kind"] == "refactor.rewrite"
    changes = action["edit"]["documentChanges"]  # VS Code takes versioned document changes
    count = sum(len(c["edits"]) for c in changes)
    assert action["title"] == f"Update {count} call sites" and count == 5
    versions = {c["textDocument"]["uri"]: c["textDocument"]["version"] for c in changes}
    assert versions == {geo: 2, main: 2, session.uri("use.py"): None}
    texts = current_texts()
    texts["geo.py"] = GEO.replace("factor: float)", "factor: float, shift: float)")
    for change in changes:
        name = change["textDocument"]["uri"].rsplit("/", 1)[-1]
        after = apply_edits(texts[name], change["edits"])
        calls = [n for n in ast.walk(ast.parse(after)) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", getattr(n.func, "attr", "")) == "scale"]
        assert calls and all(len(c.args) + len(c.keywords) == 3 for c in calls), after
    session.change(geo, 3, (0, 32), (0, 46), "")  # undone
    assert await call_site_actions(session, geo, 0, 6) == []
