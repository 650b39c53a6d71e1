"""Document sync (``didOpen``, ``didChange``, ``didClose``) and ``holepilot/documentText``
(registered in :mod:`lsp_server.features`)."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from lsp_server.access import AccessRefused, shown
from lsp_server.convert import plain
from lsp_server.server import HolepilotServer

logger = logging.getLogger(__name__)


def did_open(ls: HolepilotServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.session.documents.open(uri, params.text_document.text)
    try:
        ls.snapshot(uri)  # the status says at once when holepilot is off for this file
    except JsonRpcException as error:
        logger.info("opened a document holepilot does not serve: %s", error.message)


def did_change(ls: HolepilotServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.session.changed(uri, ls.workspace.get_text_document(uri).source)


def did_close(ls: HolepilotServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.session.closed(params.text_document.uri)


def document_text(ls: HolepilotServer, params: Any) -> dict[str, Any]:
    """The server's copy of a document the client opened, for clients and tests that check
    sync; nothing else (never a file from disk)."""
    raw = plain(params)
    document = raw.get("textDocument") if isinstance(raw, dict) else None
    uri = document.get("uri") if isinstance(document, dict) else None
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams("expected {textDocument: {uri}}")
    if uri not in ls.session.documents:
        raise AccessRefused(
            f"holepilot/documentText serves only documents the client opened: {shown(uri)}"
        )
    opened = ls.workspace.get_text_document(uri)
    return {"text": opened.source, "version": opened.version}
