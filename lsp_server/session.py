"""Session state of one server: settings, the engine, document snapshots, caches, debounce.

State changes happen on the event loop; requests work on immutable :class:`Snapshot` s and
await the engine, which owns the analysis thread and the model requests.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pygls import uris
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from completion.api import Engine
from completion.errors import HolepilotError
from completion.model import BackendStatus, CompletionReport, ContextReport, HoleRequest
from completion.settings import Settings
from lsp_server.caches import LruCache, TypeAheadCache
from lsp_server.status import StatusReporter

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_OTHER_PROJECTS = 4  # engines kept for projects outside the workspace root


@dataclass(frozen=True)
class Snapshot:
    """A document as one request sees it."""

    uri: str
    path: str
    text: str
    version: int | None


class Superseded(Exception):
    """A newer automatic request for the same document replaced this one."""


def read_disk_text(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise JsonRpcInvalidParams(f"cannot read {path}: {error.strerror}") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonRpcInvalidParams(f"{path} is not UTF-8 text ({error.reason})") from error


def uri_path(uri: str) -> str:
    path = uris.to_fs_path(uri)
    if not path:
        raise JsonRpcInvalidParams(f"unsupported document URI {uri!r}")
    return path


class Session:
    """Everything the server remembers between messages."""

    def __init__(self, status: StatusReporter) -> None:
        self.settings = Settings()
        self.initial_settings = Settings()  # from initializationOptions: the base of changes
        self.settings_warnings: list[str] = []  # of the settings in force
        self.engine: Engine | None = None
        self.engine_error: str | None = None
        # Other workspace folders, files opened from other repositories: an engine each, made on
        # first use and indexed in the background; the least recently used is closed.
        self.other_engines: OrderedDict[Path, Engine] = OrderedDict()
        self._background: set[asyncio.Task[Any]] = set()
        # how another project is indexed (the front end's, with progress in the editor)
        self.indexer: Callable[[Engine], Coroutine[Any, Any, Any]] = lambda engine: engine.index_workspace_async()
        self.status = status
        self.texts: dict[str, str] = {}
        # few: a report holds the document's text around the hole
        self.contexts: LruCache[tuple[str, int, int, int], ContextReport] = LruCache("context", 16)
        # text around the hole -> (fillings, their span relative to the cursor, how many asked)
        self.fillings: LruCache[
            tuple[str, str, str], tuple[tuple[str, ...], tuple[int, int], int]
        ] = LruCache("filling", 256)
        self.type_ahead = TypeAheadCache()
        self._latest: dict[str, asyncio.Task[Any]] = {}
        self.requests_sent = 0
        self.fill_requests = 0

    def start_engine(self, root: str | None) -> None:
        try:
            self.engine = Engine(root, self.settings)
            self.engine_error = None
        except Exception as error:  # the engine is optional until it can start
            self.engine_error = f"the holepilot engine could not start: {error!r}"
            logger.exception("engine start failed")

    def require_engine(self) -> Engine:
        if self.engine is None:
            raise JsonRpcInternalError(self.engine_error or "the engine is not started")
        return self.engine

    def engine_for(self, path: str) -> Engine:
        """The engine of the project holding ``path``: the workspace's, else another project's
        (a workspace folder, or the nearest project root above the file)."""
        engine = self.require_engine()
        file = Path(path).resolve()
        if file.is_relative_to(engine.root):
            return engine
        known = [root for root in self.other_engines if file.is_relative_to(root)]
        root = max(known, key=lambda r: len(r.parts)) if known else engine.other_project(path)
        return (self.project(root) if root is not None else None) or engine

    def project(self, root: Path) -> Engine | None:
        """The engine of another project (made and indexed in the background on first use);
        None when it cannot start (the workspace's engine serves then)."""
        other = self.other_engines.pop(root, None)
        if other is None:
            logger.info("another project: %s (its own index and analysis)", root)
            try:
                other = Engine(root, self.settings)
            except Exception:
                logger.exception("cannot analyse %s as a project of its own", root)
                return None
            self.in_background(self.indexer(other))
        self.other_engines[root] = other
        while len(self.other_engines) > MAX_OTHER_PROJECTS:
            _, oldest = self.other_engines.popitem(last=False)
            self.in_background(oldest.aclose())
        return other

    def add_folders(self, paths: list[str]) -> None:
        """Workspace folders besides the root: each its own project, indexed from the start."""
        engine = self.engine
        for path in paths:
            root = Path(path).resolve()
            if engine is not None and not root.is_relative_to(engine.root) and root.is_dir():
                self.project(root)

    def remove_folders(self, paths: list[str]) -> None:
        for path in paths:
            other = self.other_engines.pop(Path(path).resolve(), None)
            if other is not None:
                self.in_background(other.aclose())

    def in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` on the loop; its failure is logged, never lost."""
        task = asyncio.ensure_future(work)
        self._background.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._background.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                logger.error("background work failed", exc_info=finished.exception())

        task.add_done_callback(done)

    def all_engines(self) -> list[Engine]:
        return [*([self.engine] if self.engine is not None else []), *self.other_engines.values()]

    async def close_engines(self) -> None:
        for engine in self.all_engines():
            await engine.aclose()
        self.other_engines.clear()

    def backend_status(self) -> BackendStatus | None:
        try:
            return self.engine.status() if self.engine else None
        except Exception:
            logger.debug("engine.status failed", exc_info=True)
            return None

    def update_settings(self, settings: Settings, warnings: list[str]) -> None:
        self.settings = settings
        self.settings_warnings = warnings
        self.fillings.clear()
        for engine in self.all_engines():
            engine.update_settings(settings)

    # documents ------------------------------------------------------------------------------

    def record_change(self, uri: str, new_text: str) -> None:
        old_text = self.texts.get(uri, "")
        self.texts[uri] = new_text
        self.contexts.drop_where(lambda key: key[0] == uri)
        if self.engine is None or old_text == new_text:
            return
        try:
            path = uri_path(uri)
            self.engine_for(path).record_change(path, old_text, new_text)
        except Exception:
            logger.exception("record_change failed for %s", uri)

    def forget(self, uri: str) -> None:
        self.texts.pop(uri, None)
        self.type_ahead.forget(uri)
        self.contexts.drop_where(lambda key: key[0] == uri)

    # requests -------------------------------------------------------------------------------

    async def latest_wins(self, uri: str, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` after the debounce delay, cancelling the previous one for ``uri``.

        Raises :class:`Superseded` when a newer call replaced this one. A cancellation of
        the calling task itself (``$/cancelRequest``) propagates and cancels ``work``.
        """
        self.cancel_latest(uri)
        task = asyncio.ensure_future(self._after_debounce(work))
        self._latest[uri] = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            raise Superseded(uri) from None
        finally:
            if self._latest.get(uri) is task:
                del self._latest[uri]

    def cancel_latest(self, uri: str) -> None:
        """Cancel the automatic request of ``uri`` still debouncing or waiting for the model."""
        previous = self._latest.pop(uri, None)
        if previous is not None:
            previous.cancel()

    async def _after_debounce(self, work: Coroutine[Any, Any, T]) -> T:
        try:
            await asyncio.sleep(self.settings.debounce_ms / 1000)
        except asyncio.CancelledError:
            work.close()
            raise
        return await work

    async def context(self, snap: Snapshot, line: int, column: int) -> ContextReport:
        # an open document's version; a file read from disk has none, its text decides
        version = snap.version if snap.version is not None else hash(snap.text)
        key = (snap.uri, version, line, column)
        cached = self.contexts.get(key)
        if cached is not None:
            return cached
        request = HoleRequest(snap.path, line, column, text=snap.text)
        report = await self.engine_for(snap.path).context_async(request)
        self.contexts.put(key, report)
        return report

    async def complete(
        self, snap: Snapshot, line: int, column: int, n: int
    ) -> CompletionReport | None:
        """The engine's filling, with status reporting; None when the backend failed."""
        engine = self.engine_for(snap.path)
        self.status.working(self.backend_status())
        started = time.perf_counter()
        try:
            self.requests_sent += 1
            report = await engine.complete(
                HoleRequest(snap.path, line, column, text=snap.text), n=n
            )
        except HolepilotError as error:
            self.status.error(self.backend_status(), str(error))
            return None
        logger.info(
            "completion in %.0f ms from %s", (time.perf_counter() - started) * 1000, report.backend
        )
        self._report_backend()
        return report

    def _report_backend(self) -> None:
        status = self.backend_status()
        if status is not None and status.last_error:
            self.status.error(status, status.last_error)
        else:
            self.status.ok(status)

    def log_hit_rates(self) -> None:
        logger.info(
            "cache hit rates: context %.2f, filling %.2f, type-ahead %.2f",
            self.contexts.hit_rate(),
            self.fillings.hit_rate(),
            self.type_ahead.hit_rate(),
        )
