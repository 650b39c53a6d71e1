"""The holepilot language server: a pygls server with one :class:`Session` and its features.

Capabilities follow from what the feature modules register (pygls derives them).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from pygls import uris
from pygls.exceptions import JsonRpcContentModified, JsonRpcInvalidParams, JsonRpcRequestCancelled
from pygls.lsp.server import LanguageServer

from completion.errors import ConfigError
from context.errors import ContextError, PositionError, SourceError
from lsp_server.access import (
    AccessRefused,
    HolepilotOff,
    document_path,
    off_reason,
    real_path,
    workspace_file,
)
from lsp_server.protocol import HolepilotProtocol
from lsp_server.session import Session, Snapshot, read_disk_text
from lsp_server.status import StatusReporter

if TYPE_CHECKING:
    from pygls.server import ServerErrors

logger = logging.getLogger(__name__)

VERSION = "0.1.0"

P = ParamSpec("P")
R = TypeVar("R")


EXPECTED_REQUEST_ERRORS = (
    JsonRpcInvalidParams,
    JsonRpcContentModified,
    JsonRpcRequestCancelled,
    AccessRefused,
)


class HolepilotServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("holepilot", VERSION, protocol_cls=HolepilotProtocol)
        self.session = Session(StatusReporter(self.protocol.notify, self.window_show_message))
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread: int | None = None

    def bind_loop(self) -> None:
        """Remember the running event loop: log records of other threads are sent through it."""
        self.loop = asyncio.get_running_loop()
        self.loop_thread = threading.get_ident()

    def snapshot(self, uri: str) -> Snapshot:
        """The document ``uri`` as :mod:`lsp_server.access` allows it: the open buffer, else
        the file inside a workspace folder (strict UTF-8). Raises ``InvalidParams`` for a bad
        URI, :class:`AccessRefused` for a file not served, :class:`HolepilotOff` for a private
        one (the status says so)."""
        path = document_path(uri)
        if uri in self.session.documents:
            self._check_privacy(uri, real_path(path), is_open=True)
            document = self.workspace.get_text_document(uri)
            return Snapshot(uri, path, document.source, document.version)
        real = workspace_file(path, self.workspace_folders())
        self._check_privacy(uri, real, is_open=False)
        return Snapshot(uri, path, read_disk_text(str(real)), None)

    def _check_privacy(self, uri: str, real: Path, *, is_open: bool) -> None:
        reason = off_reason(self.session.projects.privacy_for(real), real, is_open=is_open)
        if reason is None:
            self.session.status.file_on(uri)
            return
        off = HolepilotOff(uri, reason)
        self.session.status.file_off(uri, off.message)
        raise off

    def workspace_folders(self) -> list[Path]:
        """The root and the workspace folders, symlinks resolved."""
        workspace = self.workspace
        folders = [uris.to_fs_path(folder.uri) for folder in workspace.folders.values()]
        return [Path(path).resolve() for path in (workspace.root_path, *folders) if path]

    def moved_on(self, snap: Snapshot) -> bool:
        """True when the document changed since ``snap`` was taken."""
        if snap.uri not in self.session.documents:
            return False
        return self.workspace.get_text_document(snap.uri).version != snap.version

    def drop_if_moved_on(self, snap: Snapshot) -> None:
        if self.moved_on(snap):
            raise JsonRpcContentModified(f"{snap.uri} changed since version {snap.version}")

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` in the background, keeping a reference until it ends."""
        self.session.background.spawn(work)

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        if isinstance(error, EXPECTED_REQUEST_ERRORS):
            # The client's own doing (a bad position, a document that moved on, a cancel):
            # answered as such, not a fault of the server.
            logger.debug("request answered with an error (%s): %s", source.__name__, error)
            return
        logger.error("server error (%s): %s", source.__name__, error)


def lsp_errors(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Map the analysis layer's errors at the boundary: bad positions and unreadable
    files are the client's params, so they answer ``InvalidParams``."""

    @functools.wraps(handler)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await handler(*args, **kwargs)
        except (PositionError, SourceError, ConfigError) as error:
            raise JsonRpcInvalidParams(str(error)) from error
        except ContextError as error:
            raise JsonRpcInvalidParams(f"cannot analyse this position: {error}") from error

    return wrapper


def create_server() -> HolepilotServer:
    from lsp_server.features import register_features

    server = HolepilotServer()
    register_features(server)
    return server
