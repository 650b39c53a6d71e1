"""What the user sees of the backend: ``holepilot/status`` notifications and, once per
distinct error, a ``window/showMessage``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types

from completion.model import BackendStatus

logger = logging.getLogger(__name__)

STATUS_METHOD = "holepilot/status"
# states a request of any document reports when it ends well: they do not replace "off for this
# file" (an error or a global switch does)
QUIET_STATES = frozenset({"ok", "working", "heldBack"})

Notify = Callable[[str, Any], None]
ShowMessage = Callable[[types.ShowMessageParams], None]


def status_json(state: str, status: BackendStatus | None, error: str | None) -> dict[str, Any]:
    return {
        "state": state,
        "backend": status.backend if status else "",
        "model": status.model if status else "",
        "baseUrl": status.base_url if status else "",
        "lastLatencyMs": status.last_latency_ms if status else None,
        "lastError": error,
        "reason": status.reason if status else "",
    }


class StatusReporter:
    """Sends a status notification when the state changes; shows each distinct error once."""

    def __init__(self, notify: Notify, show_message: ShowMessage) -> None:
        self._notify = notify
        self._show_message = show_message
        self._last_sent: dict[str, Any] | None = None
        self._last_state: dict[str, Any] | None = None  # the last state not about one file
        self._shown_error: str | None = None
        self.last_error: str | None = None
        self.off_for: str | None = None  # the document holepilot is off for, while it says so
        self._suggestions_only = False  # off_for is off for suggestions only, not private

    def working(self, status: BackendStatus | None) -> None:
        self._send(status_json("working", status, self.last_error))

    def ok(self, status: BackendStatus | None) -> None:
        if self.last_error is not None:
            logger.info("backend recovered: %s", status.backend if status else "")
        self.last_error = None
        self._shown_error = None
        self._send(status_json("ok", status, None))

    def disabled(self, status: BackendStatus | None, reason: str) -> None:
        payload = status_json("disabled", status, None)
        payload["reason"] = reason
        self._send(payload)

    def held_back(self, status: BackendStatus | None, reason: str) -> None:
        """A suggestion was held back on an automatic trigger: the backend works (any error is
        over), but the best filling still had problems, ``reason`` says which."""
        self.last_error = None
        self._shown_error = None
        payload = status_json("heldBack", status, None)
        payload["reason"] = f"suggestion held back: {reason}"
        self._send(payload)

    def error(self, status: BackendStatus | None, message: str) -> None:
        self.last_error = message
        if message != self._shown_error:
            self._shown_error = message
            logger.error("backend error: %s", message)
            self._show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Error, message=f"holepilot: {message}"
                )
            )
        self._send(status_json("error", status, message))

    def file_off(self, uri: str, message: str, *, suggestions_only: bool = False) -> None:
        """holepilot is off for the document ``uri`` (a private file, or with
        ``suggestions_only`` one that gets no suggestions), ``message`` says why."""
        base = self._last_state or status_json("ok", None, None)
        self.off_for = uri
        self._suggestions_only = suggestions_only
        self._send({**base, "state": "disabled", "reason": message, "uri": uri}, about_file=True)

    def file_on(self, uri: str, *, suggestion: bool = False) -> None:
        """A request for the document ``uri``, which holepilot serves (``suggestion``: one it
        offers a suggestion for): the state before :meth:`file_off` again. A document that gets
        no suggestions stays off for its other requests (code actions, next edits): they do not
        say whether it gets suggestions again."""
        stays_off = self.off_for == uri and self._suggestions_only and not suggestion
        if self.off_for is None or stays_off:
            return
        self.off_for = None
        self._send(self._last_state or status_json("ok", None, None))

    def _send(self, payload: dict[str, Any], *, about_file: bool = False) -> None:
        if not about_file:
            self._last_state = payload
            if self.off_for is not None and payload.get("state") in QUIET_STATES:
                # a request about another document, answered late: the one the user is in is
                # still off; the state shows once a document holepilot serves asks (file_on)
                return
            self.off_for = None
        if payload == self._last_sent:
            return
        self._last_sent = payload
        self._notify(STATUS_METHOD, payload)
