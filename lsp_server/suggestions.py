"""The inline suggestions the server handed out, by id: every item carries the acceptance
command with its id, so that any client can report it shown or accepted by id (holepilot's
own notifications, or the names Copilot's language server uses; see
:mod:`lsp_server.features.feedback`). The last :data:`REMEMBERED` ids are kept."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from lsp_server.convert import plain

if TYPE_CHECKING:
    from lsp_server.session import Snapshot

ACCEPT_COMMAND = "holepilot.didAcceptCompletion"  # the acceptance command of every item
REMEMBERED = 512


@dataclass(frozen=True)
class Issued:
    """One suggestion as handed out."""

    id: str
    uri: str
    version: int | None
    line: int
    character: int
    text: str
    trigger: str  # "automatic" or "invoked"


class IssuedSuggestions:
    """The most recent suggestions handed out, by id."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        self._items: OrderedDict[str, Issued] = OrderedDict()
        self._limit = limit

    def issue(self, uri: str, version: int | None, position: types.Position, text: str, trigger: str) -> Issued:
        issued = Issued(uuid.uuid4().hex, uri, version, position.line, position.character, text, trigger)
        self._items[issued.id] = issued
        while len(self._items) > self._limit:
            self._items.popitem(last=False)
        return issued

    def get(self, suggestion_id: str) -> Issued | None:
        return self._items.get(suggestion_id)


def feedback_argument(issued: Issued) -> dict[str, Any]:
    """The acceptance command's argument (holepilot's feedback shape, with the id)."""
    return {
        "id": issued.id,
        "uri": issued.uri,
        "position": {"line": issued.line, "character": issued.character},
        "text": issued.text,
        "triggerKind": issued.trigger,
    }


def with_ids(
    registry: IssuedSuggestions,
    snap: Snapshot,
    params: types.InlineCompletionParams,
    items: list[types.InlineCompletionItem],
) -> list[types.InlineCompletionItem]:
    """``items`` each registered under a new id, which their acceptance command carries (an
    item's own command, the unverified mark, keeps its title and gains the id)."""
    automatic = params.context.trigger_kind == types.InlineCompletionTriggerKind.Automatic
    trigger = "automatic" if automatic else "invoked"
    for item in items:
        text = item.insert_text if isinstance(item.insert_text, str) else item.insert_text.value
        issued = registry.issue(snap.uri, snap.version, params.position, text, trigger)
        argument = feedback_argument(issued)
        command = item.command
        if command is None:
            item.command = types.Command(
                title="holepilot: suggestion accepted", command=ACCEPT_COMMAND, arguments=[argument]
            )
        elif command.command == ACCEPT_COMMAND and command.arguments:
            first = plain(command.arguments[0])
            command.arguments = [{**(first if isinstance(first, dict) else {}), **argument}]
    return items
