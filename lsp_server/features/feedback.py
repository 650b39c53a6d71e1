"""Acceptance feedback: shown / accepted / partially accepted completions, appended as JSON
lines to a local log under the user cache directory. Nothing is tuned from it; it is the
user's own record (and the data a later evaluation may read)."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import platformdirs

from lsp_server.convert import plain
from lsp_server.server import HolepilotServer

logger = logging.getLogger(__name__)

EVENTS = {
    "holepilot/didShowCompletion": "shown",
    "holepilot/didAcceptCompletion": "accepted",
    "holepilot/didPartiallyAcceptCompletion": "partially_accepted",
}


def feedback_log_path() -> Path:
    return Path(platformdirs.user_cache_dir("holepilot")) / "acceptance.jsonl"


def feedback_record(event: str, raw: Any) -> dict[str, Any] | None:
    """The line to log, or None when the params are not ``{uri, position, text, ...}``."""
    params = plain(raw)
    if not isinstance(params, dict) or not isinstance(params.get("uri"), str):
        return None
    raw_position = params.get("position")
    position: dict[str, Any] = raw_position if isinstance(raw_position, dict) else {}
    raw_text = params.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    accepted = params.get("acceptedLength")
    return {
        "time": round(time.time(), 3),
        "event": event,
        "uri": params["uri"],
        "line": position.get("line"),
        "character": position.get("character"),
        "length": len(text),
        "acceptedLength": accepted if isinstance(accepted, int) else None,
        "text": text,
    }


def append_record(record: dict[str, Any]) -> None:
    path = feedback_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
    except OSError:
        logger.warning("cannot write the acceptance log %s", path, exc_info=True)


def record_feedback(ls: HolepilotServer, params: Any, event: str) -> None:
    """A ``holepilot/did*Completion`` notification (``event`` is its kind; see :data:`EVENTS`)."""
    line = feedback_record(event, params)
    if line is None:
        logger.warning("ignored %s notification with bad params", event)
        return
    append_record(line)
