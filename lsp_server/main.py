"""Entry point of ``holepilot``: ``serve`` runs the language server, every other subcommand
goes to :func:`completion.cli.main`.

    holepilot serve [--tcp HOST:PORT] [--log-file F] [--log-level L]

stdout belongs to the protocol: logs go to stderr, ``--log-file`` and ``window/logMessage``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Sequence

from lsprotocol import types

from lsp_server.server import EXPECTED_REQUEST_ERRORS, HolepilotServer, create_server

logger = logging.getLogger(__name__)

OWN_LOGGERS = ("lsp_server", "completion", "context")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_LSP_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}


class ClientLogHandler(logging.Handler):
    """Forwards log records to the client as ``window/logMessage``, from any thread, once the
    server's event loop is known (see :meth:`HolepilotServer.bind_loop`)."""

    def __init__(self, server: HolepilotServer, level: int) -> None:
        super().__init__(level)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        try:
            kind = _LSP_LEVELS.get(record.levelno, types.MessageType.Log)
            params = types.LogMessageParams(type=kind, message=self.format(record))
            self._send(params)
        except Exception:
            self.handleError(record)

    def _send(self, params: types.LogMessageParams) -> None:
        loop, loop_thread = self.server.loop, self.server.loop_thread
        if loop is None or loop.is_closed():
            return  # not serving yet, or no more
        if threading.get_ident() == loop_thread:
            self.server.window_log_message(params)
        else:
            loop.call_soon_threadsafe(self.server.window_log_message, params)


def parse_serve_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="holepilot serve", description="Run the language server.")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    parser.add_argument("--log-file", metavar="FILE", help="also append logs to FILE")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="log level",
    )
    return parser.parse_args(list(argv))


def _drop_expected_request_errors(record: logging.LogRecord) -> bool:
    """pygls logs a traceback for every request answered with an error; those the client caused
    (invalid params, content modified, cancelled) are not faults worth a traceback."""
    error = record.exc_info[1] if record.exc_info else None
    return not isinstance(error, EXPECTED_REQUEST_ERRORS)


def configure_logging(server: HolepilotServer, level_name: str, log_file: str | None) -> None:
    level = getattr(logging, level_name)
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in handlers:
        root.addHandler(handler)
    # pygls logs every message body at INFO: keep that for DEBUG sessions only; its server
    # module says when it listens, which TCP clients wait for
    logging.getLogger("pygls").setLevel(level if level <= logging.DEBUG else logging.WARNING)
    logging.getLogger("pygls.server").setLevel(level)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_drop_expected_request_errors)
    client_handler = ClientLogHandler(server, max(level, logging.INFO))
    client_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in OWN_LOGGERS:
        logging.getLogger(name).addHandler(client_handler)


def serve(argv: Sequence[str]) -> int:
    args = parse_serve_args(argv)
    server = create_server()
    configure_logging(server, args.log_level, args.log_file)
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        logger.info("holepilot serving on tcp %s:%s", host, port)
        server.start_tcp(host or "127.0.0.1", int(port))
        return 0
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the protocol stream
    logger.info("holepilot serving on stdio")
    server.start_io(sys.stdin.buffer, protocol_out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        return serve(args[1:])
    from completion.cli import main as cli_main

    return int(cli_main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
