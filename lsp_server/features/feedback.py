"""Acceptance feedback: shown / accepted / partially accepted suggestions, appended to the local
acceptance log (:mod:`completion.acceptance`), and the ``holepilot.stats`` command summing it.

Two vocabularies arrive here. holepilot's own: ``holepilot/didShowCompletion``,
``holepilot/didPartiallyAcceptCompletion``, ``holepilot/didAcceptCompletion`` (notifications)
and the items' command ``holepilot.didAcceptCompletion``, each with ``{uri, position, text,
acceptedLength?, id?, triggerKind?, version?}``. Copilot's language server's:
``textDocument/didShowCompletion`` ``{item}``, ``textDocument/didPartiallyAcceptCompletion``
``{item, acceptedLength}`` (the item as the server sent it; its command's first argument names
it) and the command ``github.copilot.didAcceptCompletionItem`` ``[id]``.

A suggestion named by an id the server did not hand out (or no longer remembers) is dropped;
so is a "shown" report about a document version that is no longer current. Neither is an
error: the client gets nothing back, the log says why at debug level."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pygls.exceptions import JsonRpcInternalError

from completion.acceptance import acceptance_stats, append_record, new_record
from lsp_server.convert import plain
from lsp_server.features import completions
from lsp_server.server import HolepilotServer
from lsp_server.suggestions import ACCEPT_COMMAND, Issued

logger = logging.getLogger(__name__)

COPILOT_ACCEPT_COMMAND = "github.copilot.didAcceptCompletionItem"
STATS = "holepilot.stats"

EVENTS = {
    "holepilot/didShowCompletion": "shown",
    "holepilot/didAcceptCompletion": "accepted",
    "holepilot/didPartiallyAcceptCompletion": "partially_accepted",
    "textDocument/didShowCompletion": "shown",
    "textDocument/didPartiallyAcceptCompletion": "partially_accepted",
}


@dataclass(frozen=True)
class Reported:
    """What a report names: a suggestion, where, and the document version it was made for."""

    uri: str
    line: object
    character: object
    text: str
    trigger: str
    version: int | None
    suggestion_id: str | None


def _from_issued(issued: Issued) -> Reported:
    return Reported(
        issued.uri, issued.line, issued.character, issued.text, issued.trigger, issued.version, issued.id
    )


def _named(ls: HolepilotServer, ref: Any) -> Reported | None:
    """The suggestion a reference names: an id, or holepilot's feedback object (with or
    without an id). None when it names nothing the server knows."""
    if isinstance(ref, str):
        issued = ls.session.suggestions.get(ref)
        return _from_issued(issued) if issued is not None else None
    if not isinstance(ref, dict):
        return None
    if ref.get("id") is not None:
        issued = ls.session.suggestions.get(ref["id"]) if isinstance(ref["id"], str) else None
        return _from_issued(issued) if issued is not None else None
    if not isinstance(ref.get("uri"), str):
        return None
    raw_position = ref.get("position")
    position: dict[str, Any] = raw_position if isinstance(raw_position, dict) else {}
    text = ref.get("text")
    trigger = ref.get("triggerKind")
    version = ref.get("version")
    return Reported(
        ref["uri"],
        position.get("line"),
        position.get("character"),
        text if isinstance(text, str) else "",
        trigger if trigger in ("automatic", "invoked") else "unknown",
        version if isinstance(version, int) and not isinstance(version, bool) else None,
        None,
    )


def reported(ls: HolepilotServer, params: Any) -> tuple[Reported | None, int | None]:
    """The suggestion a notification's params name, and the accepted length they give."""
    if not isinstance(params, dict):
        return None, None
    accepted = params.get("acceptedLength")
    length = accepted if isinstance(accepted, int) and not isinstance(accepted, bool) and accepted >= 0 else None
    item = params.get("item")
    if isinstance(item, dict):  # Copilot's shape: the item, named by its command's argument
        command = item.get("command")
        arguments = command.get("arguments") if isinstance(command, dict) else None
        ref = arguments[0] if isinstance(arguments, list) and arguments else None
        return _named(ls, ref), length
    return _named(ls, params), length


def _stale(ls: HolepilotServer, suggestion: Reported) -> bool:
    """A suggestion made for a document version that is no longer the open document's."""
    if suggestion.version is None or suggestion.uri not in ls.session.documents:
        return False
    current = ls.workspace.get_text_document(suggestion.uri).version
    return current is not None and current > suggestion.version


def log_event(ls: HolepilotServer, event: str, params: Any) -> None:
    """Log one report of ``event`` (see :data:`EVENTS`), or drop it saying why (debug)."""
    suggestion, length = reported(ls, plain(params))
    if suggestion is None:
        logger.debug("%s report dropped: it names no suggestion the server knows", event)
        return
    if event == "shown" and _stale(ls, suggestion):
        logger.debug("shown report dropped: %s has changed since the suggestion", suggestion.uri)
        return
    append_record(
        new_record(
            event,
            suggestion.uri,
            suggestion.line,
            suggestion.character,
            length=len(suggestion.text),
            acceptedLength=length if event == "partially_accepted" else None,
            text=suggestion.text,
            trigger=suggestion.trigger,
            id=suggestion.suggestion_id,
        )
    )
    if event == "accepted":  # the likely next completion, prefetched into the cache
        completions.after_accept(ls, suggestion.uri, suggestion.line, suggestion.character, suggestion.text)


def record_feedback(ls: HolepilotServer, params: Any, event: str) -> None:
    """A shown / accepted / partially accepted notification (``event`` is its kind)."""
    log_event(ls, event, params)


def accept_command(ls: HolepilotServer, *args: Any) -> None:
    """``holepilot.didAcceptCompletion`` and ``github.copilot.didAcceptCompletionItem``: the
    item's command, run by the client when the suggestion is accepted; the argument is the
    suggestion's id or holepilot's feedback object."""
    log_event(ls, "accepted", {"item": {"command": {"arguments": [plain(args[0])]}}} if args else None)


def stats_command(ls: HolepilotServer, *args: Any) -> dict[str, Any]:
    """``holepilot.stats``: shown, accepted, partially accepted and held back, in all and by
    trigger kind, summed over the acceptance log."""
    try:
        return acceptance_stats().to_json()
    except OSError as error:
        raise JsonRpcInternalError(f"cannot read the acceptance log: {error.strerror or error}") from error


ACCEPT_COMMANDS = (ACCEPT_COMMAND, COPILOT_ACCEPT_COMMAND)
