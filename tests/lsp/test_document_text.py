"""``holepilot/documentText``: the server's copy of a document after incremental changes
(with astral-plane characters, whose UTF-16 columns count twice)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types


async def test_document_text_follows_incremental_changes(start_session: Any, tmp_path: Any) -> None:
    session = await start_session()
    client = session.client
    uri = (tmp_path / "m.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text="a = '🚀'\nb = 1\n"
            )
        )
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=0, character=7),
                        end=types.Position(line=0, character=7),
                    ),
                    text="!",
                )
            ],
        )
    )
    answer = await client.protocol.send_request_async(
        "holepilot/documentText", {"textDocument": {"uri": uri}}
    )
    text = answer.text if hasattr(answer, "text") else answer["text"]
    assert text == "a = '🚀!'\nb = 1\n"
