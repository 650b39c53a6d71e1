"""A real type checker kept warm: basedpyright's language server, spoken to through pygls'
``LanguageClient`` with lsprotocol types.

    checker = PyrightChecker(root)
    diagnostics = await checker.diagnose(path, text)   # starts the server on first use
    await checker.aclose()

This is the engine's only LSP-speaking module, and it speaks as a *client* of basedpyright (the
editor-facing server is lsp_server's): the import contract lets it, and only it, import pygls.

The server starts once (``basedpyright-langserver --stdio``, in a process group of its own so a
kill reaches node too); each buffer is opened once, then changed in place. A check sends the new
text with a new version and pulls the document's diagnostics (``textDocument/diagnostic``), or,
from a server that does not answer pulls, waits for the ``textDocument/publishDiagnostics`` of
that version. Answers are cached by (path, content).

An argument type error against a parameter gets a note when the callee leaves that parameter
unannotated (pyright then took its type from the default value, a guess the verdict does not
charge, :data:`completion.check.GUESSED_PARAMETER`): the callee's definition is asked of the
server and read there, within a share of the check's cap.

Every check has a time cap (``start_timeout`` while the server starts and answers its first
check, ``timeout`` once warm). A server that misses the cap, exits or answers with an error is
killed and the check raises :class:`CheckerError` (callers fall back to the built-in checker);
the next check starts a new one, until ``MAX_FAILURES`` failures in a row switch pyright off for
``RETRY_AFTER_S`` seconds, so a broken install never costs more than a few caps.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import importlib.metadata
import logging
import os
import shutil
import signal
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse
from urllib.request import url2pathname

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcMethodNotFound
from pygls.lsp.client import LanguageClient

from completion.check import (
    GUESSED_PARAMETER,
    ParameterQuestion,
    parameter_questions,
    unannotated_parameter,
)
from completion.errors import CheckerError, ConfigError
from context.errors import SourceError
from context.model import Diagnostic
from context.positions import code_points_to_utf16, split_lines, utf16_to_code_points
from context.workspace import read_source

log = logging.getLogger(__name__)

SERVER = "basedpyright-langserver"
INSTALL_HINT = "install it with `pip install basedpyright` in the environment running holepilot"
SEVERITIES = {
    types.DiagnosticSeverity.Error: "error",
    types.DiagnosticSeverity.Warning: "warning",
    types.DiagnosticSeverity.Information: "information",
}
ANALYSIS_SETTINGS = {"typeCheckingMode": "standard", "diagnosticMode": "openFilesOnly",
                     "autoImportCompletions": False}
TIMEOUT_S = 5.0  # cap of one check by a warm server
START_TIMEOUT_S = 30.0  # cap of starting the server and its first check
CACHE_SIZE = 256  # answers kept by (path, content)
MAX_OPEN = 4  # buffers kept open in the server: it re-checks every open one after each change
MAX_FAILURES = 3  # failures in a row before pyright is switched off for a while
RETRY_AFTER_S = 60.0
CLOSE_TIMEOUT_S = 3.0
MAX_LOOKUPS = 16  # definitions asked for in one check (argument type errors against a parameter)
# the cap of those questions together, as a share of the check's cap (2 s of a warm server's 5 s):
# past it the errors stay as pyright gave them, and the server is not failed for it
LOOKUPS_SHARE = 0.4
MODULES_KEPT = 32  # texts of other modules read for those definitions, by (path, mtime, size)


def find_server() -> str:
    """The ``basedpyright-langserver`` on PATH (so one can be put first), else the one installed
    next to this interpreter (a virtual environment run without activating it)."""
    found = shutil.which(SERVER)
    if found is not None:
        return found
    local = Path(sys.executable).parent / SERVER
    if local.exists():
        return str(local)
    raise ConfigError(f"{SERVER} not found: {INSTALL_HINT}")


def installed_version() -> str | None:
    """The version of the installed basedpyright distribution, if any."""
    try:
        return importlib.metadata.version("basedpyright")
    except importlib.metadata.PackageNotFoundError:
        return None


def to_diagnostics(items: Sequence[types.Diagnostic], text: str) -> list[Diagnostic]:
    """LSP diagnostics (UTF-16 columns) as holepilot diagnostics (code points); hints dropped."""
    lines = split_lines(text)
    out: list[Diagnostic] = []
    for item in items:
        severity = SEVERITIES.get(item.severity or types.DiagnosticSeverity.Error)
        if severity is None:
            continue
        start, end = item.range.start, item.range.end
        out.append(Diagnostic(
            line=start.line, column=_column(lines, start), end_line=end.line, end_column=_column(lines, end),
            severity=severity, message=item.message, source="pyright",
            code="" if item.code is None else str(item.code),
        ))
    return out


def _column(lines: list[str], position: types.Position) -> int:
    line = position.line
    return int(utf16_to_code_points(lines[line], position.character)) if 0 <= line < len(lines) else 0


class _Client(LanguageClient):
    """The client side of one basedpyright process: answers its configuration requests, keeps
    the diagnostics it pushes, and notices when it exits."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__("holepilot", "0")
        self.settings = settings
        self.exit_reason: str | None = None
        self.published: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
        self._waiters: list[tuple[str, int, asyncio.Future[list[types.Diagnostic]]]] = []
        handlers: dict[str, Callable[[Any], Any]] = {
            types.WORKSPACE_CONFIGURATION: self._configuration,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: self._published,
            types.WINDOW_LOG_MESSAGE: self._logged,
            types.CLIENT_REGISTER_CAPABILITY: self._nothing,
            types.WINDOW_WORK_DONE_PROGRESS_CREATE: self._nothing,
            # basedpyright's own progress notifications, for clients that show them
            "pyright/beginProgress": self._nothing,
            "pyright/reportProgress": self._nothing,
            "pyright/endProgress": self._nothing,
        }
        for method, handler in handlers.items():
            self.feature(method)(_plain(handler))

    def _configuration(self, params: types.ConfigurationParams) -> list[Any]:
        return [self.settings.get(item.section or "") for item in params.items]

    def _published(self, params: types.PublishDiagnosticsParams) -> None:
        self.published[params.uri] = (params.version, list(params.diagnostics))
        waiting = []
        for uri, version, future in self._waiters:
            if future.done():  # given up (the time cap)
                continue
            if uri == params.uri and (params.version is None or params.version >= version):
                future.set_result(list(params.diagnostics))
            else:
                waiting.append((uri, version, future))
        self._waiters = waiting

    def _logged(self, params: types.LogMessageParams) -> None:
        log.debug("pyright: %s", params.message)

    def _nothing(self, params: Any) -> None:
        return None  # registrations and progress tokens need no answer

    def pushed(self, uri: str, version: int) -> asyncio.Future[list[types.Diagnostic]]:
        """The diagnostics pushed for ``version`` (or a later one) of ``uri``."""
        future: asyncio.Future[list[types.Diagnostic]] = asyncio.get_running_loop().create_future()
        got, items = self.published.get(uri, (0, []))
        if self.exit_reason is not None:
            future.set_exception(CheckerError(self.exit_reason))
        elif got is not None and got >= version:
            future.set_result(items)
        else:
            self._waiters.append((uri, version, future))
        return future

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message pygls could not read or handle: fail what waits for an answer now rather
        than at the time cap (the check falls back and the server is restarted)."""
        if isinstance(error, JsonRpcMethodNotFound):
            return  # a request of the server's that this client does not serve
        reason = f"basedpyright sent what holepilot cannot read ({type(error).__name__})"
        for future in list(self.protocol._request_futures.values()):
            if not future.done():
                future.set_exception(CheckerError(reason))
        for _, _, waiting in self._waiters:
            if not waiting.done():
                waiting.set_exception(CheckerError(reason))

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        self.exit_reason = f"basedpyright exited (code {server.returncode})"
        for _, _, future in self._waiters:
            if not future.done():
                future.set_exception(CheckerError(self.exit_reason))
        self._waiters.clear()


def _plain(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bound method as a plain function (pygls marks its handlers with attributes)."""

    def handler(params: Any) -> Any:
        return method(params)

    return handler


class _Session:
    """One running basedpyright: its process, its client and the buffers opened in it."""

    def __init__(self, client: _Client) -> None:
        self.client = client
        self.versions: OrderedDict[str, int] = OrderedDict()  # open buffers, least recent first
        self.pull = True
        self.answered = False  # a warm server gets the short cap
        self.stderr_task: asyncio.Task[None] | None = None

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        return self.client._server

    async def check(self, uri: str, text: str) -> list[types.Diagnostic]:
        client = self.client
        version = self.versions.get(uri, 0) + 1
        if uri in self.versions:
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            self.versions.move_to_end(uri)
        else:
            while len(self.versions) >= MAX_OPEN:
                oldest, _ = self.versions.popitem(last=False)
                client.published.pop(oldest, None)
                client.text_document_did_close(types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=oldest)))
            client.text_document_did_open(types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
        self.versions[uri] = version
        if self.pull:
            try:
                return await self._pulled(uri)
            except JsonRpcException as error:
                log.info("pyright does not answer diagnostic pulls (%s); waiting for pushed ones", error)
                self.pull = False
        return await client.pushed(uri, version)

    async def definition_lines(self, uri: str, line: int, character: int) -> list[tuple[str, int]]:
        """Where pyright says the name at (``line``, UTF-16 ``character``) of ``uri`` is
        defined: (uri, 0-based line) of each definition."""
        found = await self.client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character)))
        items: list[types.Location | types.LocationLink] = (
            [] if found is None else [found] if isinstance(found, types.Location) else list(found))
        return [(item.target_uri, item.target_selection_range.start.line) if isinstance(item, types.LocationLink)
                else (item.uri, item.range.start.line) for item in items]

    async def _pulled(self, uri: str) -> list[types.Diagnostic]:
        report = await self.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        items = getattr(report, "items", None)
        if items is None:
            raise CheckerError(f"basedpyright answered a diagnostic pull with {str(report)[:80]}")
        return list(items)

    async def close(self, *, polite: bool = True) -> None:
        """Shut down (politely within a short cap, unless it failed), then kill the process group."""
        process, client = self.process, self.client
        if polite and process is not None and process.returncode is None and client.exit_reason is None:
            with contextlib.suppress(Exception):  # a dying server may fail in any way here
                await asyncio.wait_for(client.shutdown_async(None), CLOSE_TIMEOUT_S)
                client.exit(None)
                await asyncio.wait_for(process.wait(), CLOSE_TIMEOUT_S)
        if process is not None:
            _kill(process)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), CLOSE_TIMEOUT_S)
        if self.stderr_task is not None:
            self.stderr_task.cancel()
        try:
            await asyncio.wait_for(client.stop(), CLOSE_TIMEOUT_S)  # type: ignore[no-untyped-call]
        except (TimeoutError, RuntimeError) as error:
            log.debug("pyright client did not stop cleanly: %r", error)


def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill the server and what it started (the Python launcher runs node as its child)."""
    if process.returncode is not None:
        return
    killpg = getattr(os, "killpg", None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if killpg is not None:
            killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()


class PyrightChecker:
    """One basedpyright language server for one workspace root. Use from one event loop."""

    name = "pyright"

    def __init__(self, root: Path | str, *, python: str | None = None, timeout: float | None = None,
                 start_timeout: float | None = None, command: list[str] | None = None) -> None:
        self.root = Path(root).resolve()
        self.python = python
        self.timeout = TIMEOUT_S if timeout is None else timeout
        self.start_timeout = START_TIMEOUT_S if start_timeout is None else start_timeout
        self.command = command
        self.server_info = ""  # "basedpyright 1.2.3" once a server answered
        self._session: _Session | None = None
        self._lock = asyncio.Lock()
        self._cache: OrderedDict[tuple[str, str], tuple[Diagnostic, ...]] = OrderedDict()
        self._failures = 0
        self._off_until = 0.0
        self._last_failure = ""
        self._modules: OrderedDict[tuple[str, int, int], str] = OrderedDict()  # other modules' texts

    # -- the public surface ---------------------------------------------------------------------
    async def diagnose(self, path: Path | str, text: str) -> list[Diagnostic]:
        """Pyright's diagnostics of ``text`` as the content of ``path``, within the time cap.

        Raises :class:`ConfigError` when basedpyright is not installed and :class:`CheckerError`
        when it did not answer in time, exited, or is switched off after repeated failures."""
        uri = Path(path).resolve().as_uri()
        key = (uri, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return list(cached)
        async with self._lock:
            found = await self._checked(uri, text)
        self._cache[key] = tuple(found)
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    def forget(self) -> None:
        """Drop cached answers (another file changed: an answer may depend on it)."""
        self._cache.clear()

    async def aclose(self, *, polite: bool = True) -> None:
        """Shut the server down (politely, then by force)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close(polite=polite)

    # -- checks, caps and restarts -------------------------------------------------------------
    async def _checked(self, uri: str, text: str) -> list[Diagnostic]:
        if self._failures >= MAX_FAILURES and time.monotonic() < self._off_until:
            left = self._off_until - time.monotonic()
            raise CheckerError(f"pyright is off for {left:.0f} s after {self._failures} failures "
                               f"(last: {self._last_failure})")
        cap = self.timeout if self._session is not None and self._session.answered else self.start_timeout
        try:
            found = await asyncio.wait_for(self._start_and_check(uri, text), cap)
        except TimeoutError:
            await self._failed(f"basedpyright did not answer within {cap:g} s")
        except (CheckerError, JsonRpcException, RuntimeError, OSError) as error:
            if isinstance(error, FileNotFoundError | PermissionError):
                await self.aclose(polite=False)
                raise ConfigError(f"cannot start {self._command()[0]}: {error.strerror or error}; "
                                  f"{INSTALL_HINT}") from error
            reason = self._session.client.exit_reason if self._session is not None else None
            await self._failed(reason or f"basedpyright failed: {error}")
        assert self._session is not None
        self._session.answered = True
        self._failures = 0
        return await self._noted(self._session, uri, text, found)

    async def _failed(self, reason: str) -> NoReturn:
        """Kill the server, count the failure, and raise it."""
        await self.aclose(polite=False)
        self._failures += 1
        self._last_failure = reason
        if self._failures >= MAX_FAILURES:
            self._off_until = time.monotonic() + RETRY_AFTER_S
        log.info("pyright: %s (failure %d in a row)", reason, self._failures)
        raise CheckerError(reason)

    async def _start_and_check(self, uri: str, text: str) -> list[Diagnostic]:
        if self._session is None or self._session.client.exit_reason is not None:
            if self._session is not None:
                log.info("pyright: %s; starting a new server", self._session.client.exit_reason)
                await self.aclose(polite=False)
            self._session = await self._start()
        return to_diagnostics(await self._session.check(uri, text), text)

    async def _noted(self, session: _Session, uri: str, text: str, found: list[Diagnostic]) -> list[Diagnostic]:
        """``found`` with :data:`~completion.check.GUESSED_PARAMETER` added to the argument type
        errors against a parameter whose type pyright took from its default value: the callee's
        definition (asked of pyright, up to ``MAX_LOOKUPS`` callees, within ``LOOKUPS_SHARE`` of
        the check's cap) leaves it unannotated."""
        questions = parameter_questions(text, found)
        if not questions:
            return found
        lines = split_lines(text)
        answers: dict[tuple[int, int], list[tuple[str, int]]] = {}
        out = list(found)
        budget = LOOKUPS_SHARE * self.timeout
        deadline = asyncio.get_running_loop().time() + budget
        for index, question in questions.items():
            if question.callee not in answers:
                if len(answers) >= MAX_LOOKUPS:
                    continue
                definitions = await self._definitions(session, uri, lines, question.callee, deadline, budget)
                if definitions is None:
                    break
                answers[question.callee] = definitions
            if self._guessed(answers[question.callee], uri, text, question):
                d = found[index]
                out[index] = dataclasses.replace(
                    d, message=f'{d.message}\n  parameter "{question.parameter}" {GUESSED_PARAMETER}')
        return out

    @staticmethod
    async def _definitions(session: _Session, uri: str, lines: list[str], callee: tuple[int, int],
                           deadline: float, budget: float) -> list[tuple[str, int]] | None:
        """Where the callee at ``callee`` (line, column) is defined (module URI, line), asked of
        pyright until ``deadline``; None when it gave no answer in time or failed: ask no more."""
        line, column = callee
        left = deadline - asyncio.get_running_loop().time()
        try:
            # shielded: a late answer then resolves a request nobody waits for, not a cancelled one
            # (pygls cannot set the result of a cancelled request and counts that a failure)
            asked = asyncio.ensure_future(session.definition_lines(uri, line, code_points_to_utf16(lines[line], column)))
            asked.add_done_callback(_settled)
            return await asyncio.wait_for(asyncio.shield(asked), max(left, 0.0))
        except TimeoutError:
            log.info("pyright: no definitions within %g s; argument type errors left as they are", budget)
            return None
        except (CheckerError, RuntimeError) as error:  # the server failed: the next check restarts it
            log.info("pyright: no definitions (%s); argument type errors left as they are", error)
            return None
        except JsonRpcException as error:
            log.debug("pyright: no definition for %s:%d:%d (%s)", uri, line + 1, column + 1, error)
            return []

    def _guessed(self, definitions: list[tuple[str, int]], uri: str, text: str, question: ParameterQuestion) -> bool:
        """Whether every definition of the callee leaves the parameter unannotated."""
        texts = [(text if where == uri else self._module_text(where), line) for where, line in definitions]
        return bool(texts) and all(module is not None and unannotated_parameter(module, line, question)
                                   for module, line in texts)

    def _module_text(self, uri: str) -> str | None:
        """The text of the module at ``uri`` as saved (kept while unchanged)."""
        if not uri.startswith("file:"):
            return None
        path = Path(url2pathname(urlparse(uri).path))
        try:
            stat = path.stat()
            key = (str(path), stat.st_mtime_ns, stat.st_size)
            if key not in self._modules:
                self._modules[key] = read_source(path)
                if len(self._modules) > MODULES_KEPT:
                    self._modules.popitem(last=False)
            self._modules.move_to_end(key)
            return self._modules[key]
        except (OSError, SourceError):
            return None

    def _command(self) -> list[str]:
        return self.command or [find_server(), "--stdio"]

    async def _start(self) -> _Session:
        command = self._command()
        log.info("starting %s for %s", command[0], self.root)
        client = _Client(self._settings())
        session = _Session(client)
        self._session = session  # closed by the caller on failure, even half started
        await client.start_io(command[0], *command[1:], cwd=str(self.root),  # type: ignore[no-untyped-call]
                              start_new_session=True)
        process = client._server
        if process is not None and process.stderr is not None:
            session.stderr_task = asyncio.create_task(_drain(process.stderr))
        result = await client.initialize_async(self._initialize_params())
        info = result.server_info
        self.server_info = f"{info.name} {info.version or ''}".strip() if info is not None else SERVER
        client.initialized(types.InitializedParams())
        return session

    def _initialize_params(self) -> types.InitializeParams:
        uri = self.root.as_uri()
        return types.InitializeParams(
            process_id=os.getpid(),
            client_info=types.ClientInfo(name="holepilot"),
            root_uri=uri,
            workspace_folders=[types.WorkspaceFolder(uri=uri, name=self.root.name)],
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    synchronization=types.TextDocumentSyncClientCapabilities(dynamic_registration=False),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
                    diagnostic=types.DiagnosticClientCapabilities(dynamic_registration=False,
                                                                  related_document_support=False),
                ),
                workspace=types.WorkspaceClientCapabilities(configuration=True, workspace_folders=True),
            ),
            initialization_options={},
        )

    def _settings(self) -> dict[str, Any]:
        """The answers to ``workspace/configuration``, by section."""
        python = self.python or _workspace_python(self.root)
        return {
            "python": {"pythonPath": python},
            "python.analysis": dict(ANALYSIS_SETTINGS),
            "basedpyright": {"disableOrganizeImports": True, "analysis": dict(ANALYSIS_SETTINGS)},
            "basedpyright.analysis": dict(ANALYSIS_SETTINGS),
        }


def _settled(future: asyncio.Future[Any]) -> None:
    """Take the outcome of a request no one may wait for any longer (it failed, or came late)."""
    if not future.cancelled() and future.exception() is not None:
        log.debug("pyright: a late request failed: %r", future.exception())


async def _drain(stream: asyncio.StreamReader) -> None:
    """Read the server's stderr so a chatty server never blocks on a full pipe."""
    while line := await stream.readline():
        log.debug("pyright stderr: %s", line.decode("utf-8", "replace").rstrip())


def _workspace_python(root: Path) -> str:
    for name in (".venv", "venv"):
        candidate = root / name / "bin" / "python"
        if candidate.exists():
            return str(candidate)
    return sys.executable


__all__ = ["PyrightChecker", "find_server", "installed_version", "to_diagnostics"]
