"""A real type checker kept warm: basedpyright's language server, spoken to over stdio.

    checker = PyrightChecker(root)
    problems = await checker.diagnose(path, text)   # starts the server on first use
    await checker.aclose()

The server is started once (``basedpyright-langserver --stdio``) and each buffer is opened once,
then changed in place: a check sends the new text with a new version, then pulls the document's
diagnostics (``textDocument/diagnostic``) when the server offers that, else waits for the
``textDocument/publishDiagnostics`` of that version. The JSON-RPC framing (``Content-Length``
headers) is done here, on asyncio streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from completion.errors import ConfigError, HolepilotError
from completion.model import Diagnostic
from context.positions import split_lines, utf16_to_code_points

log = logging.getLogger(__name__)

SERVER = "basedpyright-langserver"
SEVERITIES = {1: "error", 2: "warning", 3: "information"}
ANALYSIS_SETTINGS = {"typeCheckingMode": "standard", "diagnosticMode": "openFilesOnly",
                     "autoImportCompletions": False}


class PyrightError(HolepilotError):
    """The pyright server failed: it exited, answered with an error, or did not answer in time."""


def find_server() -> str:
    """The ``basedpyright-langserver`` next to this interpreter, else on PATH."""
    local = Path(sys.executable).parent / SERVER
    if local.exists():
        return str(local)
    found = shutil.which(SERVER)
    if found is None:
        raise ConfigError(f"{SERVER} not found: install it with `pip install basedpyright` "
                          "(or `pip install 'holepilot[pyright]'`) in the environment running holepilot")
    return found


def encode_message(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """One JSON-RPC message; None at the end of the stream."""
    length = None
    while True:
        try:
            line = await reader.readuntil(b"\r\n")
        except asyncio.IncompleteReadError:
            return None
        if line == b"\r\n":
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise PyrightError("a message from pyright had no Content-Length header")
    body = await reader.readexactly(length)
    decoded = json.loads(body)
    if not isinstance(decoded, dict):
        raise PyrightError("pyright sent a message that is not a JSON object")
    return decoded


def to_diagnostics(items: list[dict[str, Any]], text: str) -> list[Diagnostic]:
    """LSP diagnostics (UTF-16 columns) as holepilot diagnostics (code points); hints dropped."""
    lines = split_lines(text)
    out: list[Diagnostic] = []
    for item in items:
        severity = SEVERITIES.get(int(item.get("severity", 1)))
        if severity is None:
            continue
        start, end = item["range"]["start"], item["range"]["end"]
        out.append(Diagnostic(
            line=start["line"], column=_column(lines, start), end_line=end["line"], end_column=_column(lines, end),
            severity=severity, message=str(item.get("message", "")), source="pyright",
            code=str(item.get("code", "")),
        ))
    return out


def _column(lines: list[str], position: dict[str, int]) -> int:
    line = position["line"]
    return int(utf16_to_code_points(lines[line], position["character"])) if 0 <= line < len(lines) else 0


class PyrightChecker:
    """One basedpyright language server for one workspace root. Use from one event loop."""

    def __init__(self, root: Path | str, *, python: str | None = None, timeout: float = 30.0,
                 start_timeout: float = 60.0, command: list[str] | None = None) -> None:
        self.root = Path(root).resolve()
        self.python = python
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.command = command
        self._process: asyncio.subprocess.Process | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 0
        self._versions: dict[str, int] = {}
        self._published: dict[str, tuple[int | None, int, list[dict[str, Any]]]] = {}
        self._publications = 0
        self._changed = asyncio.Condition()
        self._lock = asyncio.Lock()
        self._failure: str | None = None
        self._pull = True

    # -- the public surface ---------------------------------------------------------------------------
    async def diagnose(self, path: Path | str, text: str) -> list[Diagnostic]:
        """Pyright's diagnostics of ``text`` as the content of ``path``."""
        async with self._lock:
            await self._ensure_started()
            uri = Path(path).resolve().as_uri()
            version = self._versions.get(uri, 0) + 1
            sent_at = self._publications
            if uri in self._versions:
                await self._notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
            else:
                await self._notify("textDocument/didOpen", {
                    "textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})
            self._versions[uri] = version
            try:
                items = await asyncio.wait_for(self._diagnostics(uri, version, sent_at), self.timeout)
            except TimeoutError as error:
                raise PyrightError(f"pyright gave no diagnostics for {path} within {self.timeout:.0f} s") from error
            return to_diagnostics(items, text)

    async def aclose(self) -> None:
        """Shut the server down (politely, then by force)."""
        process = self._process
        if process is None:
            return
        if process.returncode is None and self._failure is None:
            with contextlib.suppress(PyrightError, TimeoutError, ConnectionError):
                await asyncio.wait_for(self._request("shutdown", None), 5)
                await self._notify("exit", None)
        if process.stdin is not None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            await process.wait()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._process = None
        self._failure = None
        self._versions.clear()
        self._published.clear()

    # -- start -------------------------------------------------------------------------------------------
    async def _ensure_started(self) -> None:
        if self._failure is not None:
            raise PyrightError(self._failure)
        if self._process is not None:
            return
        command = self.command or [find_server(), "--stdio"]
        log.info("starting %s for %s", command[0], self.root)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, cwd=str(self.root))
        except OSError as error:
            raise ConfigError(f"cannot start {command[0]}: {error.strerror or error}; install it with "
                              "`pip install basedpyright`") from error
        self._tasks = [asyncio.create_task(self._read_loop()), asyncio.create_task(self._drain_stderr())]
        try:
            result = await asyncio.wait_for(self._request("initialize", self._initialize_params()), self.start_timeout)
        except TimeoutError as error:
            raise PyrightError(f"pyright did not initialize within {self.start_timeout:.0f} s") from error
        log.debug("pyright capabilities: %s", sorted((result or {}).get("capabilities", {})))
        await self._notify("initialized", {})

    def _initialize_params(self) -> dict[str, Any]:
        uri = self.root.as_uri()
        return {
            "processId": os.getpid(),
            "clientInfo": {"name": "holepilot"},
            "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": self.root.name}],
            "capabilities": {
                "textDocument": {
                    "synchronization": {"dynamicRegistration": False, "didSave": False},
                    "publishDiagnostics": {"versionSupport": True},
                    "diagnostic": {"dynamicRegistration": False, "relatedDocumentSupport": False},
                },
                "workspace": {"configuration": True, "workspaceFolders": True},
            },
            "initializationOptions": {},
        }

    def _settings(self, section: str | None) -> Any:
        python = self.python or _workspace_python(self.root)
        tree: dict[str, Any] = {
            "python": {"pythonPath": python},
            "python.analysis": dict(ANALYSIS_SETTINGS),
            "basedpyright": {"disableOrganizeImports": True, "analysis": dict(ANALYSIS_SETTINGS)},
            "basedpyright.analysis": dict(ANALYSIS_SETTINGS),
        }
        return tree.get(section or "")

    # -- the wire ----------------------------------------------------------------------------------------
    async def _write(self, message: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.stdin is None:
            raise PyrightError("pyright is not running")
        process.stdin.write(encode_message(message))
        await process.stdin.drain()

    async def _notify(self, method: str, params: Any) -> None:
        await self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def _request(self, method: str, params: Any) -> Any:
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        await self._write({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return await future

    async def _read_loop(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        try:
            while True:
                message = await read_message(process.stdout)
                if message is None:
                    break
                await self._dispatch(message)
        except (PyrightError, ValueError, EOFError, ConnectionError) as error:
            log.warning("pyright: %s", error)
        self._failure = "pyright exited"
        for future in self._pending.values():
            if not future.done():
                future.set_exception(PyrightError(self._failure))
        self._pending.clear()
        async with self._changed:
            self._changed.notify_all()

    async def _dispatch(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method is None:
            future = self._pending.pop(int(message.get("id", -1)), None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(PyrightError(f"pyright error: {message['error'].get('message')}"))
                else:
                    future.set_result(message.get("result"))
        elif "id" in message:
            await self._write({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(method, message)})
        elif method == "textDocument/publishDiagnostics":
            params = message["params"]
            self._publications += 1
            self._published[params["uri"]] = (params.get("version"), self._publications, params["diagnostics"])
            async with self._changed:
                self._changed.notify_all()
        elif method == "window/logMessage":
            log.debug("pyright: %s", message["params"].get("message", ""))

    def _answer(self, method: str, message: dict[str, Any]) -> Any:
        if method == "workspace/configuration":
            return [self._settings(item.get("section")) for item in message["params"].get("items", [])]
        return None  # registrations, progress tokens and the like need no answer

    async def _diagnostics(self, uri: str, version: int, sent_at: int) -> list[dict[str, Any]]:
        """Pulled diagnostics are computed at once; pushed ones wait for a pause in typing (~250 ms).
        Servers that do not answer pulls get the push path from then on."""
        if self._pull:
            try:
                return await self._pulled(uri)
            except PyrightError as error:
                if self._failure is not None:
                    raise
                log.info("pyright does not pull diagnostics (%s); waiting for pushed ones", error)
                self._pull = False
        return await self._published_for(uri, version, sent_at)

    async def _pulled(self, uri: str) -> list[dict[str, Any]]:
        report = await self._request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        items = report.get("items") if isinstance(report, dict) else None
        if not isinstance(items, list):
            raise PyrightError(f"pyright answered a diagnostic request with {str(report)[:80]}")
        return items

    async def _published_for(self, uri: str, version: int, sent_at: int) -> list[dict[str, Any]]:
        async with self._changed:
            while True:
                if self._failure is not None:
                    raise PyrightError(self._failure)
                found = self._published.get(uri)
                if found is not None:
                    got, seq, items = found
                    if (got is not None and got >= version) or (got is None and seq > sent_at):
                        return items
                await self._changed.wait()

    async def _drain_stderr(self) -> None:
        process = self._process
        assert process is not None and process.stderr is not None
        while line := await process.stderr.readline():
            log.debug("pyright stderr: %s", line.decode("utf-8", "replace").rstrip())


def _workspace_python(root: Path) -> str:
    for name in (".venv", "venv"):
        candidate = root / name / "bin" / "python"
        if candidate.exists():
            return str(candidate)
    return sys.executable


__all__ = ["PyrightChecker", "PyrightError", "encode_message", "find_server", "read_message", "to_diagnostics"]
