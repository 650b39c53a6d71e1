"""A small JSON-RPC client of a server subprocess, over its pipes (stdio) or over TCP, with LSP
``Content-Length`` framing.

A reader thread parses frames; responses wake the waiting request; requests from the server
(``workspace/configuration``, ``window/workDoneProgress/create``, ...) are answered with null
so that the server never waits on us.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

LISTENING = re.compile(
    rb"listening on (\S+):(\d+); clients send the token from (?:the file (.+?)|.+?) as"
)


class ServerGone(Exception):
    """The server closed its stdout or exited."""


class ServerHung(Exception):
    """A request got no answer in time."""


@dataclass
class Reply:
    result: Any = None
    error: dict[str, Any] | None = None


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    reply: Reply | None = None


def read_frame(stream: BinaryIO) -> dict[str, Any] | None:
    """One message, or None at the end of the stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("a frame without Content-Length")
    body = stream.read(length)
    if len(body) < length:
        return None
    message: dict[str, Any] = json.loads(body.decode("utf-8"))
    return message


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


@dataclass(frozen=True)
class Sent:
    """A request on its way: wait for it with :meth:`JsonRpcClient.wait`."""

    id: int
    method: str
    pending: _Pending


class JsonRpcClient:
    """Drives one server process; thread-safe sends, one reader thread. Over stdio by default;
    :meth:`over_tcp` connects to a server started with ``--tcp``."""

    def __init__(
        self,
        command: list[str],
        cwd: Path,
        stderr: BinaryIO | int,
        env: dict[str, str] | None = None,
        *,
        tcp: TcpServer | None = None,
    ) -> None:
        self.sock: socket.socket | None = None
        if tcp is None:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=env,
            )
            assert self.process.stdin is not None and self.process.stdout is not None
            self.input: IO[bytes] = self.process.stdin
            self.output: IO[bytes] = self.process.stdout
        else:
            self.process = tcp.process
            self.sock = socket.create_connection((tcp.host, tcp.port), timeout=60)
            self.sock.settimeout(None)
            self.input, self.output = self.sock.makefile("wb"), self.sock.makefile("rb")
        self.tcp = tcp
        self._next_id = 0
        self._pending: dict[int, _Pending] = {}
        self._lock = threading.Lock()
        self.notifications: list[dict[str, Any]] = []
        self.server_requests = 0
        self.gone = threading.Event()
        self.bad_frames: list[str] = []
        self.stopping: dict[str, Any] = {}
        self._reader = threading.Thread(target=self._read_loop, name="fuzz-reader", daemon=True)
        self._reader.start()

    @classmethod
    def over_tcp(
        cls, command: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None
    ) -> JsonRpcClient:
        """Start ``command`` (a ``serve --tcp HOST:0`` server), connect once it listens."""
        return TcpServer.start(command, cwd, log, env).connect()

    # -- sending ----------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        data = frame({"jsonrpc": "2.0", **message})
        with self._lock:
            try:
                self.input.write(data)
                self.input.flush()
            except (OSError, ValueError) as error:
                raise ServerGone(f"cannot write to the server: {error}") from error

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 60.0) -> Reply:
        return self.wait(self.send_request(method, params), timeout)

    def send_request(self, method: str, params: Any) -> Sent:
        """Send a request without waiting for its answer (see :meth:`wait`)."""
        with self._lock:
            self._next_id += 1
            number = self._next_id
            pending = self._pending[number] = _Pending()
        self._send({"id": number, "method": method, "params": params})
        return Sent(number, method, pending)

    def cancel(self, sent: Sent) -> None:
        self.notify("$/cancelRequest", {"id": sent.id})

    def wait(self, sent: Sent, timeout: float = 60.0) -> Reply:
        pending, method = sent.pending, sent.method
        if not pending.done.wait(timeout):
            if self.gone.is_set():
                raise ServerGone(f"the server left while {method} was pending")
            raise ServerHung(f"{method} got no answer within {timeout} s")
        assert pending.reply is not None
        return pending.reply

    # -- reading ----------------------------------------------------------------------------
    def _read_loop(self) -> None:
        try:
            while True:
                try:
                    message = read_frame(self.output)  # type: ignore[arg-type]
                except OSError:
                    break
                except (ValueError, UnicodeDecodeError) as error:
                    self.bad_frames.append(str(error))
                    break
                if message is None:
                    break
                self._dispatch(message)
        finally:
            self.gone.set()
            for pending in list(self._pending.values()):
                pending.done.set()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:
            self.server_requests += 1
            self._send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        else:
            with self._lock:
                pending = self._pending.pop(message.get("id"), None)  # type: ignore[arg-type]
            if pending is None:
                self.bad_frames.append(f"a response to no request: {message}")
                return
            pending.reply = Reply(message.get("result"), message.get("error"))
            if "result" not in message and "error" not in message:
                self.bad_frames.append(f"a response without result or error: {message}")
            pending.done.set()

    # -- lifecycle --------------------------------------------------------------------------
    def rss_mb(self) -> float | None:
        """The server's resident memory (Linux), for the record."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return None

    def stop(self, timeout: float = 20.0) -> int | None:
        """Shut down politely, then kill; the exit code. ``stopping`` tells how it went."""
        started = time.perf_counter()
        try:
            if not self.gone.is_set():
                reply = self.request("shutdown", None, timeout=timeout)
                self.stopping["shutdown answered"] = reply.error is None
                self.stopping["shutdown seconds"] = round(time.perf_counter() - started, 2)
                self.notify("exit", None)
        except (ServerGone, ServerHung) as error:
            self.stopping["shutdown failed"] = str(error)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stopping["killed after exit"] = True
            self.process.kill()
            return self.process.wait(timeout=timeout)
        finally:
            self.stopping["exit seconds"] = round(time.perf_counter() - started, 2)
            for pipe in (self.input, self.output):
                pipe.close()
            if self.sock is not None:
                self.sock.close()
            if self.tcp is not None:
                self.tcp.close(timeout)


class ServerNotListening(Exception):
    """A ``--tcp`` server exited or said nothing about listening in time."""


@dataclass
class TcpServer:
    """A ``serve --tcp`` server process, once it has said where it listens and where the token
    is; its stderr goes on to ``log``."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    token_file: Path | None
    pump: threading.Thread

    @classmethod
    def start(
        cls,
        command: list[str],
        cwd: Path,
        log: Path,
        env: dict[str, str] | None = None,
        timeout: float = 60.0,
    ) -> TcpServer:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            return cls(process, *_wait_listening(process, log, timeout))
        except BaseException:
            process.kill()
            process.wait(timeout)
            raise

    stdout: bytes = b""  # what the server wrote on stdout: nothing, the protocol is on TCP

    def connect(self) -> JsonRpcClient:
        return JsonRpcClient([], Path(), subprocess.DEVNULL, tcp=self)

    def close(self, timeout: float = 20.0) -> None:
        """After the process ended: its stdout kept, its pipes closed."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout)
        self.pump.join(timeout)
        assert self.process.stdout is not None and self.process.stderr is not None
        if self.process.stdout.closed:
            return
        self.stdout = self.process.stdout.read()
        self.process.stdout.close()
        self.process.stderr.close()


def _wait_listening(
    process: subprocess.Popen[bytes], log: Path, timeout: float
) -> tuple[str, int, Path | None, threading.Thread]:
    assert process.stderr is not None
    stderr = process.stderr
    found: list[re.Match[bytes]] = []
    said = threading.Event()
    sink = log.open("ab")

    def pump() -> None:
        with sink:
            for line in iter(stderr.readline, b""):
                sink.write(line)
                sink.flush()
                match = LISTENING.search(line)
                if match and not found:
                    found.append(match)
                    said.set()
        said.set()

    thread = threading.Thread(target=pump, name="server-stderr", daemon=True)
    thread.start()
    if not said.wait(timeout) or not found:
        raise ServerNotListening(
            f"the server did not listen (exit code {process.poll()}); see {log}"
        )
    match = found[0]
    token_file = Path(match.group(3).decode()) if match.group(3) else None
    return match.group(1).decode().strip("[]"), int(match.group(2)), token_file, thread
