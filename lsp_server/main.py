"""Entry point of the language server (``holepilot serve``, ``python -m lsp_server``); the
``holepilot`` command sends every other subcommand to the CLI (:mod:`holepilot.main`).

    holepilot serve [--tcp HOST:PORT [--allow-remote]] [--log-file F] [--log-level L]

stdout belongs to the protocol: logs go to ``window/logMessage``, ``--log-file`` and stderr
(over stdio, warnings and above only unless ``--log-level`` asks). Bad arguments: one line on
stderr and exit code 2. Over TCP see :mod:`lsp_server.tcp`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from lsprotocol import types

from lsp_server.server import EXPECTED_REQUEST_ERRORS, HolepilotServer, create_server
from lsp_server.tcp import (
    AUTH_OPTION,
    TOKEN_ENV,
    Address,
    ServeError,
    TcpServer,
    exposure_warning,
    listen,
    parse_address,
    server_token,
    token_file,
    write_token,
)

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


class UsageError(Exception):
    """Bad ``serve`` arguments, in one line."""


class ServeArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parse_serve_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = ServeArgumentParser(prog="holepilot serve", description="Run the language server.")
    parser.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        help="listen on TCP instead of stdio (loopback only unless --allow-remote); clients "
        f"send the token as initializationOptions.{AUTH_OPTION} (from {TOKEN_ENV}, else made "
        "at start and written to a file only you can read, named on stderr)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="let --tcp listen on a non-loopback address: whoever reaches the port with the "
        "token reads your workspace and spends your model key, unencrypted",
    )
    parser.add_argument("--log-file", metavar="FILE", help="also append logs to FILE")
    parser.add_argument(
        "--log-level",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="log level (default INFO; over stdio, stderr shows WARNING and above unless "
        "this is given: editors show a server's stderr as errors)",
    )
    return parser.parse_args(list(argv))


def _drop_expected_request_errors(record: logging.LogRecord) -> bool:
    """pygls logs a traceback for every request answered with an error; those the client caused
    (invalid params, content modified, cancelled) are not faults worth a traceback."""
    error = record.exc_info[1] if record.exc_info else None
    return not isinstance(error, EXPECTED_REQUEST_ERRORS)


def open_log_file(path: str | None) -> logging.Handler | None:
    if not path:
        return None
    try:
        return logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        raise ServeError(f"cannot open the log file {path}: {error.strerror or error}") from error


def configure_logging(
    server: HolepilotServer, level: int, stderr_level: int, log_file: logging.Handler | None
) -> None:
    formatter = logging.Formatter(LOG_FORMAT)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(stderr_level)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in (stderr, log_file):
        if handler is not None:
            handler.setFormatter(formatter)
            root.addHandler(handler)
    # pygls logs every message body at INFO: keep that for DEBUG sessions only
    logging.getLogger("pygls").setLevel(level if level <= logging.DEBUG else logging.WARNING)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_drop_expected_request_errors)
    client_handler = ClientLogHandler(server, max(level, logging.INFO))
    client_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in OWN_LOGGERS:
        logging.getLogger(name).addHandler(client_handler)


@dataclass(frozen=True)
class ServePlan:
    """What ``serve`` was asked, checked before anything starts."""

    level: int
    stderr_level: int
    log_file: logging.Handler | None
    address: Address | None = None
    warning: str | None = None


def serve_plan(argv: Sequence[str]) -> ServePlan:
    args = parse_serve_args(argv)
    level = getattr(logging, args.log_level or "INFO")
    # Over stdio the editor shows every stderr line as an error: INFO goes to the client's
    # log (window/logMessage) and to the log file, stderr gets warnings, unless asked.
    stderr_level = level if args.tcp or args.log_level else max(level, logging.WARNING)
    address = parse_address(args.tcp) if args.tcp else None
    warning = exposure_warning(address, args.allow_remote) if address else None
    if args.allow_remote and not address:
        raise UsageError("--allow-remote goes with --tcp")
    return ServePlan(level, stderr_level, open_log_file(args.log_file), address, warning)


def serve(argv: Sequence[str]) -> int:
    """Run the language server until the client leaves; 2 after one line on bad arguments."""
    try:
        plan = serve_plan(argv)
    except (UsageError, ServeError) as error:
        return usage_error(error)
    try:
        sock = listen(plan.address) if plan.address is not None else None
    except ServeError as error:
        if plan.log_file is not None:
            plan.log_file.close()
        return usage_error(error)
    server = create_server()
    configure_logging(server, plan.level, plan.stderr_level, plan.log_file)
    if sock is not None:
        return serve_tcp(server, sock, plan.warning)
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the protocol stream
    logger.info("holepilot serving on stdio")
    server.start_io(sys.stdin.buffer, protocol_out)
    return 0


def usage_error(error: Exception) -> int:
    print(f"holepilot serve: {error}", file=sys.stderr)
    return 2


def serve_tcp(server: HolepilotServer, sock: socket.socket, warning: str | None) -> int:
    """Serve one client that presents the token; 2 when the token cannot be set up."""
    host, port = sock.getsockname()[:2]
    address = Address(host, port)
    written: Path | None = None
    try:
        token, from_env = server_token(os.environ)
        if not from_env:
            written = token_file(port)
            write_token(token, written)
    except ServeError as error:
        sock.close()
        return usage_error(error)
    if warning:
        logger.warning("%s", warning)
    source = f"the environment ({TOKEN_ENV})" if written is None else f"the file {written}"
    logger.info("holepilot serving on tcp %s; the token is in %s", address, source)
    print(
        f"holepilot: listening on {address}; clients send the token from {source} as "
        f"initializationOptions.{AUTH_OPTION}",
        file=sys.stderr,
        flush=True,
    )
    try:
        return asyncio.run(TcpServer(server, sock, token).run())
    except KeyboardInterrupt:
        logger.info("interrupted")
        return 130
    finally:
        sock.close()
        if written is not None:
            written.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    return serve(args[1:] if args[:1] == ["serve"] else args)


if __name__ == "__main__":
    sys.exit(main())
