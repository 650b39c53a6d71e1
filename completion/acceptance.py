"""The acceptance log: which suggestions were shown, accepted (whole or in part) or held back,
one JSON object a line in a local file under the user cache directory. Nothing is tuned from
it and nothing leaves the machine; it is the user's own record, and :func:`acceptance_stats`
sums it up (the LSP command ``holepilot.stats`` and ``holepilot stats`` show the sums)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

logger = logging.getLogger(__name__)

EVENT_KINDS = ("shown", "accepted", "partially_accepted", "held_back")
TRIGGER_KINDS = ("automatic", "invoked", "unknown")


def acceptance_log_path() -> Path:
    return Path(platformdirs.user_cache_dir("holepilot")) / "acceptance.jsonl"


def new_record(event: str, uri: str, line: object, character: object, **fields: Any) -> dict[str, Any]:
    """One line of the log: the event, when, where, and what else the caller knows."""
    return {
        "time": round(time.time(), 3),
        "event": event,
        "uri": uri,
        "line": line,
        "character": character,
        **fields,
    }


def append_record(record: dict[str, Any], path: Path | None = None) -> None:
    """Append one record; a log that cannot be written is a warning, never an error."""
    path = path or acceptance_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
    except OSError:
        logger.warning("cannot write the acceptance log %s", path, exc_info=True)


@dataclass
class AcceptanceStats:
    """Counts of each event kind, in all and by trigger kind."""

    log: str
    records: int = 0
    bad_lines: int = 0
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_KINDS, 0))
    by_trigger: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, record: dict[str, Any]) -> None:
        event = record.get("event")
        if event not in EVENT_KINDS:
            self.bad_lines += 1
            return
        trigger = record.get("trigger")
        trigger = trigger if trigger in TRIGGER_KINDS else "unknown"
        self.records += 1
        self.total[event] += 1
        counts = self.by_trigger.setdefault(trigger, dict.fromkeys(EVENT_KINDS, 0))
        counts[event] += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "records": self.records,
            "badLines": self.bad_lines,
            "total": {**self.total, "acceptanceRate": acceptance_rate(self.total)},
            "byTrigger": {
                trigger: {**counts, "acceptanceRate": acceptance_rate(counts)}
                for trigger, counts in sorted(self.by_trigger.items())
            },
        }


def acceptance_rate(counts: dict[str, int]) -> float | None:
    """Accepted (whole) over shown; None before anything was shown. (Partial acceptances are
    counted apart: one suggestion may be accepted a word at a time.)"""
    shown = counts.get("shown", 0)
    if not shown:
        return None
    return round(counts.get("accepted", 0) / shown, 4)


def acceptance_stats(path: Path | None = None) -> AcceptanceStats:
    """The sums over the log at ``path`` (the default log when None). A missing log gives
    zeros; lines that are not records are counted as bad lines. OSError when it cannot be read."""
    path = path or acceptance_log_path()
    stats = AcceptanceStats(str(path))
    if not path.exists():
        return stats
    with path.open(encoding="utf-8", errors="replace") as log:
        for record in _records(log):
            if record is None:
                stats.bad_lines += 1
            else:
                stats.add(record)
    return stats


def _records(lines: Iterable[str]) -> Iterable[dict[str, Any] | None]:
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield None
            continue
        yield record if isinstance(record, dict) else None


COLUMNS = {"shown": "shown", "accepted": "accepted", "partially_accepted": "partially", "held_back": "held back"}


def stats_table(stats: AcceptanceStats) -> str:
    """The sums as a small text table: one row for all, one per trigger kind."""
    rows = [f"{'trigger':<10}" + "".join(f"{name:>11}" for name in COLUMNS.values()) + f"{'accepted %':>12}"]
    table = {"all": stats.total, **dict(sorted(stats.by_trigger.items()))}
    for trigger, counts in table.items():
        rate = acceptance_rate(counts)
        shown_rate = "-" if rate is None else f"{rate:.1%}"
        rows.append(f"{trigger:<10}" + "".join(f"{counts[kind]:>11}" for kind in COLUMNS) + f"{shown_rate:>12}")
    skipped = f" ({stats.bad_lines} unreadable lines skipped)" if stats.bad_lines else ""
    rows.append(f"{stats.records} records in {stats.log}{skipped}")
    return "\n".join(rows)
