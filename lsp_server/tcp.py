"""Serving over TCP: on loopback unless asked otherwise, to one client that knows the token.

LSP has no authentication, so the token travels in the first message: an ``initialize``
request carrying ``initializationOptions.authToken``. It is compared in constant time; any
other first message, a wrong or missing token, a malformed frame or silence for
:data:`FIRST_MESSAGE_TIMEOUT_S` closes the connection before anything is served. The token is
taken out of the message before the protocol sees it (it is no setting and is never logged).

The token is ``HOLEPILOT_SERVER_TOKEN`` when set, else made at each start and written to a
file only the user can read (:func:`token_file`), removed when the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)

AUTH_OPTION = "authToken"
TOKEN_ENV = "HOLEPILOT_SERVER_TOKEN"
MIN_TOKEN_CHARS = 16
FIRST_MESSAGE_TIMEOUT_S = 10.0
MAX_HEADER_LINES = 8
MAX_FIRST_MESSAGE_BYTES = 1 << 20
REQUEST_FAILED = -32803
PORT = re.compile(r"[0-9]{1,5}")


class ServeError(Exception):
    """A reason ``serve`` cannot start, in one line for the user."""


class FrameError(Exception):
    """The first message of a connection is not a well-formed LSP frame."""


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def loopback(self) -> bool:
        if self.host.lower() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name other than localhost: not known to stay local
            return False


def parse_address(text: str) -> Address:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6; an empty host is 127.0.0.1; port 0: any free)."""
    host, colon, port = text.rpartition(":")
    if not colon:
        raise ServeError(f"--tcp expects HOST:PORT such as 127.0.0.1:2087, not {text!r}")
    if not PORT.fullmatch(port) or int(port) > 65535:
        raise ServeError(f"--tcp {text}: the port must be a number from 0 to 65535")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return Address(host or "127.0.0.1", int(port))


REMOTE_RISK = (
    "anyone who can reach this port and has the token can read the files of the workspace and "
    "spend your model key, and the token and all traffic cross the network unencrypted"
)


def exposure_warning(address: Address, allow_remote: bool) -> str | None:
    """None on loopback; the warning to show when listening beyond this machine is allowed;
    :class:`ServeError` when it is not."""
    if address.loopback:
        return None
    if not allow_remote:
        raise ServeError(
            f"--tcp {address} would listen beyond this machine ({address.host} is not a "
            "loopback address); give --allow-remote to do so anyway: " + REMOTE_RISK
        )
    return f"listening on {address}, reachable from other machines: {REMOTE_RISK}"


def listen(address: Address) -> socket.socket:
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
    try:
        return socket.create_server((address.host, address.port), family=family)
    except OSError as error:
        # create_server appends the address to strerror: the plain words of errno instead
        words = (error.strerror or str(error)).split(" (while attempting")[0]
        why = os.strerror(error.errno) if error.errno and error.errno > 0 else words
        raise ServeError(f"cannot listen on {address}: {why}") from error


# -- the token -----------------------------------------------------------------------------------
def server_token(environ: dict[str, str] | os._Environ[str]) -> tuple[str, bool]:
    """The token and whether it came from the environment (else it is new)."""
    given = environ.get(TOKEN_ENV)
    if given is None:
        return secrets.token_urlsafe(32), False
    if len(given.strip()) < MIN_TOKEN_CHARS:
        raise ServeError(f"{TOKEN_ENV} is too short: use at least {MIN_TOKEN_CHARS} characters")
    return given.strip(), True


def token_dir() -> Path:
    """The user's runtime folder where there is one, else the user's cache folder."""
    if os.environ.get("XDG_RUNTIME_DIR") or sys.platform in ("darwin", "win32"):
        base = platformdirs.user_runtime_dir("holepilot")
    else:  # a Linux without XDG_RUNTIME_DIR: platformdirs would fall back to a shared /tmp
        base = platformdirs.user_cache_dir("holepilot")
    return Path(base) / "servers"


def token_file(port: int) -> Path:
    return token_dir() / f"tcp-{port}.token"


def write_token(token: str, path: Path) -> None:
    """Write ``token`` to ``path``, readable by the user only (folder 0700, file 0600)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.chmod(0o700)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(descriptor, 0o600)  # a file left by an older start keeps no wider mode
            os.write(descriptor, token.encode("utf-8") + b"\n")
        finally:
            os.close(descriptor)
    except OSError as error:
        raise ServeError(
            f"cannot write the token file {path}: {error.strerror or error}"
        ) from error


# -- the first message ---------------------------------------------------------------------------
async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """The body of one LSP frame (``Content-Length`` framing), within the first-message limits."""
    length = None
    for _ in range(MAX_HEADER_LINES):
        try:
            line = await reader.readline()
        except ValueError as error:  # a header line longer than the reader's limit
            raise FrameError("a header line too long") from error
        if not line:
            raise FrameError("the connection closed before a whole message")
        if not line.strip():
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            if not value.strip().isascii() or not value.strip().isdigit():
                raise FrameError("a Content-Length that is not a number")
            length = int(value)
    else:
        raise FrameError("too many header lines")
    if length is None or not 0 < length <= MAX_FIRST_MESSAGE_BYTES:
        raise FrameError(
            f"a first message without a Content-Length up to {MAX_FIRST_MESSAGE_BYTES}"
        )
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError as error:
        raise FrameError("the connection closed before a whole message") from error


def parse_message(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except ValueError as error:  # UnicodeDecodeError included
        raise FrameError(f"the first message is not JSON: {error}") from error
    if not isinstance(message, dict):
        raise FrameError("the first message is not a JSON object")
    return message


def refusal(message: dict[str, Any], token: str) -> str | None:
    """Why the first ``message`` of a connection does not open a session (None: it does)."""
    if message.get("method") != "initialize" or "id" not in message:
        return f"the first message must be an initialize request with initializationOptions.{AUTH_OPTION}"
    params = message.get("params")
    options = params.get("initializationOptions") if isinstance(params, dict) else None
    given = options.get(AUTH_OPTION) if isinstance(options, dict) else None
    if not isinstance(given, str) or not given:
        return f"initialize carries no initializationOptions.{AUTH_OPTION}"
    if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8")):
        return f"wrong initializationOptions.{AUTH_OPTION}"
    return None


def without_token(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` (an initialize request) without the token."""
    params = dict(message["params"])
    params["initializationOptions"] = {
        key: value for key, value in params["initializationOptions"].items() if key != AUTH_OPTION
    }
    return {**message, "params": params}


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Replay:
    """A reader that yields ``first`` before what ``reader`` reads next."""

    def __init__(self, first: bytes, reader: asyncio.StreamReader) -> None:
        self._buffer = first
        self._reader = reader

    async def readline(self) -> bytes:
        end = self._buffer.find(b"\n")
        if end < 0:
            line, self._buffer = self._buffer, b""
            return line + await self._reader.readline()
        line, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
        return line

    async def readexactly(self, n: int) -> bytes:
        taken, self._buffer = self._buffer[:n], self._buffer[n:]
        return taken + (await self._reader.readexactly(n - len(taken)) if n > len(taken) else b"")


# -- the server ----------------------------------------------------------------------------------
class TcpServer:
    """Serves ``server`` to the first client that presents ``token``; the others are dropped.
    When that client leaves, the server stops."""

    def __init__(self, server: LanguageServer, sock: socket.socket, token: str) -> None:
        self.server = server
        self.sock = sock
        self.token = token
        self.serving = False
        self.exit_code = 0
        self._listener: asyncio.Server | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def run(self) -> int:
        """Serve until the client leaves or SIGTERM; the exit code (1 after ``exit`` without
        ``shutdown``)."""
        self._listener = await asyncio.start_server(self._connection, sock=self.sock)
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.stop)
        async with self._listener:
            with contextlib.suppress(asyncio.CancelledError):  # closed when the client left
                await self._listener.serve_forever()
        return self.exit_code

    def stop(self) -> None:
        """Stop listening and end the session (its reader sees the end of the stream)."""
        logger.info("stopping the TCP server")
        if self._writer is not None:
            self._writer.close()
        if self._listener is not None:
            self._listener.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if self.serving:
            logger.warning("refused a TCP connection from %s: a client is already served", peer)
            await _close(writer)
            return
        try:
            body = await asyncio.wait_for(read_frame(reader), FIRST_MESSAGE_TIMEOUT_S)
            message = parse_message(body)
        except (FrameError, TimeoutError) as error:
            why = str(error) or f"no message within {FIRST_MESSAGE_TIMEOUT_S:g} s"
            logger.warning("refused a TCP connection from %s: %s", peer, why)
            await _close(writer)
            return
        reason = refusal(message, self.token)
        if reason is not None:
            await self._refuse(writer, message, peer, reason)
            return
        await self._serve(Replay(frame(without_token(message)), reader), writer, peer)

    async def _refuse(
        self, writer: asyncio.StreamWriter, message: dict[str, Any], peer: Any, reason: str
    ) -> None:
        logger.warning("refused a TCP connection from %s: %s", peer, reason)
        if "id" in message:
            error = {
                "code": REQUEST_FAILED,
                "message": f"holepilot: {reason}; the connection is closed (the token is in the "
                f"file the server named at start, or {TOKEN_ENV})",
            }
            writer.write(frame({"jsonrpc": "2.0", "id": message["id"], "error": error}))
        await _close(writer)

    async def _serve(self, reader: Replay, writer: asyncio.StreamWriter, peer: Any) -> None:
        self.serving = True
        self._writer = writer
        logger.info("serving the TCP client at %s", peer)
        self.server.protocol.set_writer(writer)  # type: ignore[arg-type]
        try:
            await run_async(
                stop_event=threading.Event(),
                reader=reader,
                protocol=self.server.protocol,
                logger=logger,
                error_handler=self.server.report_server_error,
            )
        except SystemExit as stopped:  # pygls' answer to the exit notification
            self.exit_code = stopped.code if isinstance(stopped.code, int) else 0
        logger.info("the TCP client left")
        self.server.shutdown()  # type: ignore[no-untyped-call]
        if self._listener is not None:
            self._listener.close()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), FIRST_MESSAGE_TIMEOUT_S)
