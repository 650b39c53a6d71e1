"""The holepilot language server: a pygls server with one :class:`Session` and its features.

Capabilities follow from what the feature modules register (pygls derives them).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from pygls.exceptions import JsonRpcContentModified, JsonRpcInvalidParams, JsonRpcRequestCancelled
from pygls.lsp.server import LanguageServer

from completion.errors import ConfigError
from context.errors import ContextError, PositionError, SourceError
from lsp_server.protocol import HolepilotProtocol
from lsp_server.session import Session, Snapshot, read_disk_text, uri_path
from lsp_server.status import StatusReporter

if TYPE_CHECKING:
    from pygls.server import ServerErrors

logger = logging.getLogger(__name__)

VERSION = "0.1.0"

P = ParamSpec("P")
R = TypeVar("R")


EXPECTED_REQUEST_ERRORS = (JsonRpcInvalidParams, JsonRpcContentModified, JsonRpcRequestCancelled)


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
        """The open buffer of ``uri``, or the file on disk (strict UTF-8)."""
        path = uri_path(uri)
        if uri in self.session.texts:
            document = self.workspace.get_text_document(uri)
            return Snapshot(uri, path, document.source, document.version)
        return Snapshot(uri, path, read_disk_text(path), None)

    def moved_on(self, snap: Snapshot) -> bool:
        """True when the document changed since ``snap`` was taken."""
        if snap.uri not in self.session.texts:
            return False
        return self.workspace.get_text_document(snap.uri).version != snap.version

    def drop_if_moved_on(self, snap: Snapshot) -> None:
        if self.moved_on(snap):
            raise JsonRpcContentModified(f"{snap.uri} changed since version {snap.version}")

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` in the background, keeping a reference until it ends."""
        self.session.in_background(work)

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
    from lsp_server.features import chat, commands, completions, documents, feedback

    server = HolepilotServer()
    for module in (documents, completions, chat, commands, feedback):
        module.register(server)
    return server
