"""The ChatLSP requests and ``holepilot/context`` over the real protocol."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.lsp.conftest import HOLE_COLUMN, HOLE_LINE, SHAPES, openai_options

TIMEOUT = 60


def at_hole(uri: str) -> dict[str, object]:
    return {"textDocument": {"uri": uri}, "position": {"line": HOLE_LINE, "character": HOLE_COLUMN}}


async def ask(session, method: str, params: dict[str, object]):
    return await asyncio.wait_for(session.request(method, params), TIMEOUT)


async def test_expected_type_names_the_annotation(start_session):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    result = await ask(session, "textDocument/expectedType", at_hole(uri))
    assert result["content"] == {"kind": "plaintext", "value": "Shape"}


async def test_relevant_types_and_headers(start_session):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    types_result = await ask(session, "textDocument/relevantTypes", at_hole(uri))
    texts = [content["value"] for content in types_result["contents"]]
    assert any("class Shape" in text for text in texts)
    assert types_result["locations"] and all(
        loc["uri"].startswith("file://") for loc in types_result["locations"]
    )
    headers = await ask(session, "textDocument/relevantHeaders", at_hole(uri))
    header_texts = [content["value"] for content in headers["contents"]]
    assert any("Shape" in text for text in header_texts)
    assert not any(text.startswith("def describe") for text in header_texts)  # returns str


async def test_llm_completion_and_resolve_errors(start_session, llm):
    # the repair round carries the rejected answer back as the assistant's turn
    model = llm(
        [
            {"match": '"role":"assistant"', "answer": "shapes[0]"},
            {"match": None, "answer": "shapes.first()"},
        ]
    )
    session = await start_session(options=openai_options(model.url, maxRounds=1))
    uri = session.open("shapes.py", SHAPES)
    first = await ask(session, "textDocument/llmCompletion", at_hole(uri))
    assert first["snippet"] == "shapes.first()"  # the model's first answer, as it came
    assert "class Shape" in first["context"]
    resolved = await ask(session, "textDocument/llmCompletionResolveErrors", at_hole(uri))
    assert resolved["snippet"] == "shapes[0]"  # after an error round
    assert "first" in model.requests[-1].text


async def test_holepilot_context_is_the_cli_json(start_session):
    session = await start_session()
    uri = session.open("shapes.py", SHAPES)
    result = await ask(session, "holepilot/context", at_hole(uri))
    for key in (
        "prompt",
        "prompt_tokens",
        "budget",
        "expected_type",
        "typing_context",
        "relevant_types",
        "relevant_headers",
        "receiver_members",
        "call",
        "elapsed_ms",
    ):
        assert key in result, key
    assert result["expected_type"] == "Shape"
    names = {item["name"] for item in result["typing_context"]}
    assert {"shapes", "origin", "label"} <= names
    assert all(item["line"] >= 1 for item in result["typing_context"] if item.get("line"))


async def test_document_changes_reach_the_edit_history_in_prompts(start_session):
    session = await start_session()
    other = session.open("helpers.py", "def existing() -> int:\n    return 1\n")
    session.change(
        other, 2, (2, 0), (2, 0), "\ndef freshly_typed_helper() -> str:\n    return 'x'\n"
    )
    uri = session.open("shapes.py", SHAPES)
    result = await ask(session, "holepilot/context", at_hole(uri))
    assert "+def freshly_typed_helper() -> str:" in result["prompt"]


async def test_a_file_of_another_project_is_analysed_from_its_own_root(start_session):
    """A second workspace folder, or a file opened from another repository: its imports resolve
    in its own project, not in the workspace the server was started on."""
    session = await start_session()
    other = session.root.parent / "other"
    (other / "geo").mkdir(parents=True)
    (other / "pyproject.toml").write_text("[project]\nname = 'other'\n", encoding="utf-8")
    (other / "geo" / "__init__.py").write_text("", encoding="utf-8")
    (other / "geo" / "vec.py").write_text(
        "class Vec:\n    def __init__(self, x: float) -> None:\n        self.x = x\n",
        encoding="utf-8",
    )
    text = "from geo.vec import Vec\n\n\ndef scaled(v: Vec) -> Vec:\n    result: Vec = \n    return result\n"
    texts = await relevant_types_in(session, other / "use.py", text, 4, len("    result: Vec = "))
    assert any("class Vec" in text and "x: float" in text for text in texts), texts


async def relevant_types_in(session, path, text: str, line: int, character: int) -> list[str]:
    """Open ``path`` (written with ``text``) and ask for the relevant types at a position."""
    path.write_text(text, encoding="utf-8")
    item = types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=text)
    session.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    position = {"line": line, "character": character}
    result = await ask(
        session,
        "textDocument/relevantTypes",
        {"textDocument": {"uri": path.as_uri()}, "position": position},
    )
    return [content["value"] for content in result["contents"]]


async def test_an_added_workspace_folder_is_a_project_of_its_own(start_session):
    session = await start_session()
    folder = session.root.parent / "second"  # no project marker: the folder is the root
    (folder / "geo").mkdir(parents=True)
    (folder / "geo" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "geo" / "vec.py").write_text("class Vec:\n    x: float\n", encoding="utf-8")
    event = types.WorkspaceFoldersChangeEvent(
        added=[types.WorkspaceFolder(uri=folder.as_uri(), name="second")], removed=[]
    )
    session.client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(event=event)
    )
    text = "from geo.vec import Vec\n\nvalue: Vec = \n"
    texts = await relevant_types_in(session, folder / "use.py", text, 2, len("value: Vec = "))
    assert any("class Vec" in text for text in texts), texts

    def titles() -> list[str]:
        return [
            value.title
            for reports in session.client.progress_reports.values()
            for value in reports
            if isinstance(value, types.WorkDoneProgressBegin)
        ]

    async def second_indexed() -> None:
        while "holepilot: indexing second" not in titles():
            await session.client.wait_for_notification("$/progress")

    await asyncio.wait_for(second_indexed(), TIMEOUT)
