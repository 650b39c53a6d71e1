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
        self._shown_error: str | None = None
        self.last_error: str | None = None

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

    def _send(self, payload: dict[str, Any]) -> None:
        if payload == self._last_sent:
            return
        self._last_sent = payload
        self._notify(STATUS_METHOD, payload)
