"""Work the server does besides answering: tasks in the background, whose failures are logged
(:class:`Background`), and the latest-wins debounce of automatic requests (:class:`LatestWins`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Superseded(Exception):
    """A newer automatic request for the same document replaced this one."""


class Background:
    """The keeper of background tasks: a reference to each until it ends, its failure logged."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` on the loop; its failure is logged, never lost."""
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, finished: asyncio.Task[Any]) -> None:
        self.tasks.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            logger.error("background work failed", exc_info=finished.exception())


class LatestWins:
    """One running automatic request per key (a document): each waits ``delay_s()`` first, and
    a newer one cancels the older (its model request included)."""

    def __init__(self, delay_s: Callable[[], float]) -> None:
        self._delay_s = delay_s
        self._latest: dict[str, asyncio.Task[Any]] = {}

    async def run(self, key: str, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` after the delay, cancelling the previous one of ``key``.

        Raises :class:`Superseded` when a newer call replaced this one. A cancellation of
        the calling task itself (``$/cancelRequest``) propagates and cancels ``work``.
        """
        self.cancel(key)
        task = asyncio.ensure_future(self._after_delay(work))
        self._latest[key] = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            raise Superseded(key) from None
        finally:
            work.close()  # never started when cancelled before its turn: no "never awaited"
            if self._latest.get(key) is task:
                del self._latest[key]

    def cancel(self, key: str) -> None:
        """Cancel the request of ``key`` still waiting, for the delay or for the model."""
        previous = self._latest.pop(key, None)
        if previous is not None:
            previous.cancel()

    async def _after_delay(self, work: Coroutine[Any, Any, T]) -> T:
        await asyncio.sleep(self._delay_s())
        return await work
