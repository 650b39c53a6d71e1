"""The engines of one server: the workspace's, and one for each other project it meets (a
further workspace folder, a file opened from another repository), made on first use and
indexed in the background; the least recently used beyond :data:`MAX_OTHER_PROJECTS` is closed."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from pygls.exceptions import JsonRpcInternalError

from completion.api import Engine
from completion.model import BackendStatus
from completion.settings import Settings
from context.privacy import PrivacyFilter, privacy_filter
from lsp_server.background import Background

logger = logging.getLogger(__name__)

MAX_OTHER_PROJECTS = 4  # engines kept for projects outside the workspace root

Indexer = Callable[[Engine], Coroutine[Any, Any, Any]]


class Projects:
    """Which engine analyses which file."""

    def __init__(self, background: Background) -> None:
        self.engine: Engine | None = None  # the workspace's
        self.error: str | None = None  # why it could not start
        self.others: OrderedDict[Path, Engine] = OrderedDict()
        self.settings = Settings()  # those engines are made with
        # how another project is indexed (the front end's, with progress in the editor)
        self.indexer: Indexer = lambda engine: engine.index_workspace_async()
        self._background = background

    def start(self, root: str | None, settings: Settings) -> None:
        self.settings = settings
        try:
            self.engine = Engine(root, settings)
            self.error = None
        except Exception as error:  # the engine is optional until it can start
            self.error = f"the holepilot engine could not start: {error!r}"
            logger.exception("engine start failed")

    def require(self) -> Engine:
        if self.engine is None:
            raise JsonRpcInternalError(self.error or "the engine is not started")
        return self.engine

    def engine_for(self, path: str) -> Engine:
        """The engine of the project holding ``path``: the workspace's, else another project's
        (a workspace folder, or the nearest project root above the file)."""
        engine = self.require()
        file = Path(path).resolve()
        if file.is_relative_to(engine.root):
            return engine
        known = [root for root in self.others if file.is_relative_to(root)]
        root = max(known, key=lambda r: len(r.parts)) if known else engine.other_project(path)
        return (self.project(root) if root is not None else None) or engine

    def privacy_for(self, path: Path) -> PrivacyFilter:
        """The privacy rules of the project holding ``path`` (the engines' own filter)."""
        root = self.engine_for(str(path)).root if self.engine is not None else path.parent
        return privacy_filter(root, self.settings.exclude_globs)

    def project(self, root: Path) -> Engine | None:
        """The engine of another project (made and indexed in the background on first use);
        None when it cannot start (the workspace's engine serves then)."""
        other = self.others.pop(root, None)
        if other is None:
            logger.info("another project: %s (its own index and analysis)", root)
            try:
                other = Engine(root, self.settings)
            except Exception:
                logger.exception("cannot analyse %s as a project of its own", root)
                return None
            self._background.spawn(self.indexer(other))
        self.others[root] = other
        while len(self.others) > MAX_OTHER_PROJECTS:
            _, oldest = self.others.popitem(last=False)
            self._background.spawn(oldest.aclose())
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
            other = self.others.pop(Path(path).resolve(), None)
            if other is not None:
                self._background.spawn(other.aclose())

    def all(self) -> list[Engine]:
        return [*([self.engine] if self.engine is not None else []), *self.others.values()]

    async def close(self) -> None:
        for engine in self.all():
            await engine.aclose()
        self.others.clear()

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings
        for engine in self.all():
            engine.update_settings(settings)

    def backend_status(self) -> BackendStatus | None:
        try:
            return self.engine.status() if self.engine else None
        except Exception:
            logger.debug("engine.status failed", exc_info=True)
            return None
