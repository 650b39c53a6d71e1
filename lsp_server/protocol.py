"""The wire protocol of the holepilot server: pygls' LSP protocol, hardened against bad input.

- params that do not fit a method's type get an ``InvalidParams`` response (pygls alone
  would log and never answer, leaving the client waiting);
- requests before ``initialize`` get ``ServerNotInitialized``;
- holepilot's own requests get typed params, so they are validated like standard ones;
- positions stay UTF-16, the unit :mod:`context.positions` converts from;
- the futures of notifications are forgotten when they finish (pygls 2.1 keeps every one
  under a fresh id: a server that lives for days would fill up with them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

import attrs
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol, lsp_method

from lsp_server.tcp import AUTH_OPTION

logger = logging.getLogger(__name__)

HOLE_METHODS = (
    "textDocument/expectedType",
    "textDocument/relevantTypes",
    "textDocument/relevantHeaders",
    "textDocument/llmCompletion",
    "textDocument/llmCompletionResolveErrors",
    "holepilot/context",
)
ALLOWED_BEFORE_INITIALIZE = (types.INITIALIZE, types.EXIT, types.CANCEL_REQUEST)


@attrs.define
class HoleRequestMessage:
    """A request whose params are ``{textDocument: {uri}, position}``."""

    id: int | str
    params: types.TextDocumentPositionParams
    method: str
    jsonrpc: str = "2.0"


@attrs.frozen
class RejectedMessage:
    """A message that could not be structured; already answered when it was a request."""

    method: str


class HolepilotProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialized = False

    def get_message_type(self, method: str) -> type[Any] | None:  # type: ignore[override]
        if method in HOLE_METHODS:
            return HoleRequestMessage
        return super().get_message_type(method)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            return self._reject(data, error)
        except Exception as error:  # a foreign failure while structuring the params
            return self._reject(data, JsonRpcInvalidParams.of(error))

    def _reject(self, data: dict[str, Any], error: JsonRpcException) -> RejectedMessage:
        method = str(data.get("method", ""))
        logger.warning("rejected %s message: %s", method or "a", error)
        if "id" in data and method:
            self._send_response(data["id"], None, error.to_response_error())
        return RejectedMessage(method)

    def handle_message(self, message: Any) -> None:
        if isinstance(message, RejectedMessage):
            return
        method = getattr(message, "method", None)
        if method is not None and not self.initialized and method not in ALLOWED_BEFORE_INITIALIZE:
            self._refuse(
                message, method, JsonRpcServerNotInitialized(f"{method} before initialize")
            )
            return
        if method is not None and self._shutdown and method != types.EXIT:
            self._refuse(message, method, JsonRpcInvalidRequest(f"{method} after shutdown"))
            return
        super().handle_message(message)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[..., Any],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        futures = self._futures()
        future = futures.get(msg_id) if futures is not None else None
        if futures is None or future is None:
            return

        def forget(done: Future[Any] | Any) -> None:  # after pygls' callback (which answers)
            if futures.get(msg_id) is done:
                del futures[msg_id]

        future.add_done_callback(forget)

    def _futures(self) -> dict[Any, Any] | None:
        """pygls' table of running handlers (private to it: None if a version renames it)."""
        futures = getattr(self, "_request_futures", None)
        return futures if isinstance(futures, dict) else None

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        # Clients cancel requests whose answer is already on its way: routine, not a warning.
        futures = self._futures()
        if futures is not None and msg_id not in futures:
            logger.debug("cancel of %s: already answered", msg_id)
            return
        super()._handle_cancel_notification(msg_id)

    def _refuse(self, message: Any, method: str, error: JsonRpcException) -> None:
        """Answer a request that may not run now; drop such a notification."""
        msg_id = getattr(message, "id", None)
        logger.warning("refused %s: %s", method, error)
        if msg_id is not None:
            self._send_response(msg_id, None, error.to_response_error())

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        if self.initialized:
            raise JsonRpcInvalidRequest("initialize may be sent only once")
        options = params.initialization_options
        if isinstance(options, dict) and AUTH_OPTION in options:
            # a TCP client's token (see lsp_server.tcp) is no setting, and pygls logs params
            params.initialization_options = {k: v for k, v in options.items() if k != AUTH_OPTION}
        general = params.capabilities.general
        if general is not None:
            general.position_encodings = None  # keep UTF-16 positions
        result = yield from super().lsp_initialize(params)
        self.initialized = True
        return result
