"""Inline-chat conversations: the turns (instruction, proposal) of each, by id, so that a
follow-up continues the conversation with the previous proposal in its history and ``undo``
goes back one turn. A conversation belongs to one document text: the proposals are never
applied behind the client's back, so the document stays what it was when the conversation
began; once it changes, a follow-up starts a new conversation. The last :data:`REMEMBERED`
conversations are kept."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from completion.model import EditReport, EditTurn

REMEMBERED = 16
CHANGED = "the document changed under the proposal: a new conversation started"
UNKNOWN = "the conversation is unknown to the server (it may have restarted): a new conversation started"


@dataclass
class Conversation:
    id: str
    uri: str
    text: str  # the document's text when the conversation began
    reports: list[tuple[str, EditReport]] = field(default_factory=list)  # (instruction, proposal)

    def earlier(self) -> tuple[EditTurn, ...]:
        return tuple(EditTurn(instruction, report.new_text) for instruction, report in self.reports)


class Conversations:
    """The most recent conversations, by id."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._limit = limit

    def start(self, uri: str, text: str) -> Conversation:
        conversation = Conversation(uuid.uuid4().hex, uri, text)
        self._items[conversation.id] = conversation
        while len(self._items) > self._limit:
            self._items.popitem(last=False)
        return conversation

    def find(self, conversation_id: str, uri: str, text: str) -> tuple[Conversation | None, str]:
        """The conversation ``conversation_id`` if it can go on for the document ``uri`` with
        ``text``; else None and why not."""
        conversation = self._items.get(conversation_id)
        if conversation is None:
            return None, UNKNOWN
        if conversation.uri != uri or conversation.text != text:
            return None, CHANGED
        self._items.move_to_end(conversation_id)
        return conversation, ""

    def resume(self, conversation_id: str | None, uri: str, text: str) -> tuple[Conversation, str]:
        """The conversation to continue for the document ``uri`` with ``text``, and a note when
        the one asked for cannot go on and a new one started instead."""
        if conversation_id is None:
            return self.start(uri, text), ""
        conversation, note = self.find(conversation_id, uri, text)
        return (conversation, note) if conversation is not None else (self.start(uri, text), note)
