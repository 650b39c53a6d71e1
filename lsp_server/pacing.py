"""The pace of automatic suggestions: how fast the user types in each document (the adaptive
debounce, :class:`Typing`), and the candidates computed after the first one was shown
(:class:`Alternatives`), so that the editor's next-suggestion cycling costs no wait.

One :class:`Pacing` per session (:func:`pacing_of`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from completion.model import BackendStatus
from completion.settings import Settings
from lsp_server.filling import Filling
from lsp_server.session import Session

logger = logging.getLogger(__name__)

TYPING_GAP_S = 1.5  # a longer pause between two edits is not typing: no interval sample
SMOOTHING = 0.3  # weight of the newest interval in the running estimate
WAIT_PER_INTERVAL = 1.5  # wait this many typical intervals: the next keystroke comes first
STATIC_BACKENDS = ("static", "")
ALTERNATIVES_KEPT = 16

AlternativesKey = tuple[str, int | None, int, int, str]  # uri, version, line, column, lead


@dataclass
class _Pace:
    at: float
    version: int | None
    interval_s: float | None = None


class Typing:
    """Inter-keystroke intervals per document, from the versions and times of its automatic
    requests (an editor sends one per edit; a version step of k is k edits)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._paces: dict[str, _Pace] = {}

    def observe(self, uri: str, version: int | None) -> None:
        now = self._clock()
        pace = self._paces.get(uri)
        if pace is None or version is None or pace.version is None:
            self._paces[uri] = _Pace(now, version, pace.interval_s if pace else None)
            return
        steps, elapsed = version - pace.version, now - pace.at
        interval = pace.interval_s
        if steps > 0 and elapsed <= TYPING_GAP_S * steps:
            sample = elapsed / steps
            interval = sample if interval is None else SMOOTHING * sample + (1 - SMOOTHING) * interval
        elif steps > 0:
            interval = None  # a pause: the next burst is measured afresh
        self._paces[uri] = _Pace(now, version, interval)

    def interval_s(self, uri: str) -> float | None:
        pace = self._paces.get(uri)
        return pace.interval_s if pace else None

    def forget(self, uri: str) -> None:
        self._paces.pop(uri, None)


def debounce_s(
    settings: Settings, interval_s: float | None, backend: BackendStatus | None, completion_s: float | None = None
) -> float:
    """The wait before asking the backend: ``debounce_ms`` when suggestions come fast (recent
    automatic completions, analysis and check included, took at most ``fast_backend_ms``; before
    any, the static filler or a model whose last answer came that fast) or the user is not typing
    quickly; while keystrokes come faster than ``debounce_max_ms``, a little more than their
    interval, so that a request the next keystroke makes moot is never started."""
    low, high = settings.debounce_ms / 1000, max(settings.debounce_max_ms, settings.debounce_ms) / 1000
    if _fast(settings, backend, completion_s):
        return low
    if interval_s is None or interval_s >= high:
        return low
    return min(high, max(low, WAIT_PER_INTERVAL * interval_s))


def _fast(settings: Settings, backend: BackendStatus | None, completion_s: float | None) -> bool:
    if completion_s is not None:
        return completion_s <= settings.fast_backend_ms / 1000
    if backend is None or backend.backend in STATIC_BACKENDS:
        return True
    return backend.last_latency_ms is not None and backend.last_latency_ms <= settings.fast_backend_ms


class Durations:
    """How long automatic completions took (analysis, model and check), smoothed."""

    def __init__(self) -> None:
        self.smoothed_s: float | None = None

    def add(self, seconds: float) -> None:
        self.smoothed_s = seconds if self.smoothed_s is None else SMOOTHING * seconds + (1 - SMOOTHING) * self.smoothed_s


@dataclass
class Pending:
    """The alternatives of one hole being computed: ``wanted`` cuts the pause before short."""

    task: asyncio.Task[Filling | None]
    wanted: asyncio.Event


@dataclass
class Alternatives:
    """All candidates of a hole at one document version, computed in the background after the
    first one was shown: the editor's next-suggestion request there is answered from here."""

    _entries: OrderedDict[AlternativesKey, Pending] = field(default_factory=OrderedDict)
    hits: int = 0

    def get(self, key: AlternativesKey) -> Pending | None:
        return self._entries.get(key)

    def start(self, key: AlternativesKey, work: Callable[[asyncio.Event], Coroutine[Any, Any, Filling | None]]) -> None:
        """Run ``work(wanted)`` for ``key`` unless it runs already."""
        if key in self._entries:
            return
        wanted = asyncio.Event()
        task = asyncio.ensure_future(work(wanted))
        task.add_done_callback(_log_failure)
        self._entries[key] = Pending(task, wanted)
        while len(self._entries) > ALTERNATIVES_KEPT:
            _, old = self._entries.popitem(last=False)
            old.task.cancel()

    def moved_on(self, uri: str, version: int | None) -> None:
        """``uri`` is at ``version`` now: the work for its other versions is moot."""
        for key in [k for k in self._entries if k[0] == uri and k[1] != version]:
            self._entries.pop(key).task.cancel()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("computing alternatives failed", exc_info=task.exception())


@dataclass
class Pacing:
    typing: Typing = field(default_factory=Typing)
    durations: Durations = field(default_factory=Durations)
    alternatives: Alternatives = field(default_factory=Alternatives)
    prefetches: int = 0


_PACING: weakref.WeakKeyDictionary[Session, Pacing] = weakref.WeakKeyDictionary()


def pacing_of(session: Session) -> Pacing:
    found = _PACING.get(session)
    if found is None:
        found = _PACING[session] = Pacing()
    return found
