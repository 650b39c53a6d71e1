"""LSP features of holepilot: module-level handlers, one module per area, registered here in
one place. Each handler has the same shape: fetch the document (``ls.snapshot``, which applies
:mod:`lsp_server.access`), convert in, call the session or the engine, convert out. pygls
derives the server's capabilities from what is registered."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from lsprotocol import types

from lsp_server.features import (
    chat,
    commands,
    completions,
    documents,
    feedback,
    lifecycle,
    next_edits,
)
from lsp_server.server import HolepilotServer

Handler = Callable[..., Any]

# (method, handler, options)
FEATURES: tuple[tuple[str, Handler, Any], ...] = (
    (types.INITIALIZE, lifecycle.initialize, None),
    (types.INITIALIZED, lifecycle.initialized, None),
    (types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, lifecycle.did_change_workspace_folders, None),
    (types.WORKSPACE_DID_CHANGE_CONFIGURATION, lifecycle.did_change_configuration, None),
    (types.SHUTDOWN, lifecycle.shutdown, None),
    (types.TEXT_DOCUMENT_DID_OPEN, documents.did_open, None),
    (types.TEXT_DOCUMENT_DID_CHANGE, documents.did_change, None),
    (types.TEXT_DOCUMENT_DID_CLOSE, documents.did_close, None),
    ("holepilot/documentText", documents.document_text, None),
    (
        types.TEXT_DOCUMENT_INLINE_COMPLETION,
        completions.inline_completion,
        types.InlineCompletionOptions(),
    ),
    (
        types.TEXT_DOCUMENT_COMPLETION,
        completions.completion,
        types.CompletionOptions(trigger_characters=["."]),
    ),
    (
        types.TEXT_DOCUMENT_CODE_ACTION,
        commands.code_action,
        types.CodeActionOptions(code_action_kinds=commands.CODE_ACTION_KINDS),
    ),
    ("textDocument/expectedType", chat.expected_type, None),
    ("textDocument/relevantTypes", chat.relevant_types, None),
    ("textDocument/relevantHeaders", chat.relevant_headers, None),
    ("textDocument/llmCompletion", chat.llm_completion, None),
    ("textDocument/llmCompletionResolveErrors", chat.llm_completion_resolve_errors, None),
    ("holepilot/context", chat.holepilot_context, None),
    (next_edits.NEXT_EDITS, next_edits.next_edits, None),
    (next_edits.COPILOT_INLINE_EDIT, next_edits.copilot_inline_edits, None),
    (next_edits.COPILOT_SHOWN_INLINE_EDIT, next_edits.shown_inline_edit, None),
    *(
        (method, functools.partial(feedback.record_feedback, event=event), None)
        for method, event in feedback.EVENTS.items()
    ),
)

COMMANDS: tuple[tuple[str, Handler], ...] = (
    (commands.FILL_HOLE, commands.fill_hole_command),
    (commands.INLINE_CHAT, commands.inline_chat_command),
    (commands.DOCTOR, commands.doctor),
    (feedback.STATS, feedback.stats_command),
    *((name, feedback.accept_command) for name in feedback.ACCEPT_COMMANDS),
)


def register_features(server: HolepilotServer) -> None:
    for method, handler, options in FEATURES:
        server.feature(method, options)(handler)
    for name, command in COMMANDS:
        server.command(name)(command)
    server.session.projects.indexer = functools.partial(lifecycle.index_workspace, server)
