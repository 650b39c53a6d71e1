"""Session state of one server, one part per concern: the settings in force, the projects and
their engines (:mod:`lsp_server.projects`), the open documents, the caches
(:class:`lsp_server.caches.SessionCaches`) and the work in the background or waiting for its
turn (:mod:`lsp_server.background`); and the two engine calls every feature makes.

State changes happen on the event loop; requests work on immutable :class:`Snapshot` s and
await the engine, which owns the analysis thread and the model requests.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from completion.acceptance import append_record, new_record
from completion.errors import HolepilotError
from completion.model import CompletionReport, ContextReport, HoleRequest, Trigger
from completion.settings import Settings
from context.errors import SourceError
from context.positions import internal_to_lsp
from context.workspace import read_source
from lsp_server.access import document_path
from lsp_server.background import Background, LatestWins
from lsp_server.caches import SessionCaches
from lsp_server.conversations import Conversations
from lsp_server.projects import Projects
from lsp_server.status import StatusReporter
from lsp_server.suggestions import IssuedSuggestions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """A document as one request sees it."""

    uri: str
    path: str
    text: str
    version: int | None


def read_disk_text(path: str) -> str:
    try:
        return read_source(Path(path))
    except SourceError as error:
        raise JsonRpcInvalidParams(str(error)) from error


@dataclass
class SettingsInForce:
    current: Settings = field(default_factory=Settings)
    initial: Settings = field(
        default_factory=Settings
    )  # initializationOptions: the base of changes
    warnings: list[str] = field(default_factory=list)  # about the current ones


class OpenDocuments:
    """The texts of the documents the client opened, and their edits for the edit history."""

    def __init__(self, projects: Projects) -> None:
        self.texts: dict[str, str] = {}
        self._projects = projects

    def __contains__(self, uri: object) -> bool:
        return uri in self.texts

    def open(self, uri: str, text: str) -> None:
        self.texts[uri] = text

    def change(self, uri: str, new_text: str) -> None:
        """The document's new text; the edit goes to its project's edit history."""
        old_text = self.texts.get(uri, "")
        self.texts[uri] = new_text
        if self._projects.engine is None or old_text == new_text:
            return
        try:
            path = document_path(uri)
        except JsonRpcException as error:  # not a document holepilot serves: no history
            logger.debug("no edit history for %s: %s", uri[:120], error)
            return
        try:
            self._projects.engine_for(path).record_change(path, old_text, new_text)
        except Exception:
            logger.exception("record_change failed for %s", uri)

    def close(self, uri: str) -> None:
        self.texts.pop(uri, None)


class Session:
    """Everything the server remembers between messages."""

    def __init__(self, status: StatusReporter) -> None:
        self.status = status
        self.settings = SettingsInForce()
        self.background = Background()
        self.projects = Projects(self.background)
        self.documents = OpenDocuments(self.projects)
        self.caches = SessionCaches()
        self.automatic = LatestWins(lambda: self.settings.current.debounce_ms / 1000)
        self.suggestions = IssuedSuggestions()  # handed out, by id (acceptance feedback)
        self.conversations = Conversations()  # inline chat

    def start(self, root: str | None, settings: Settings, warnings: list[str]) -> None:
        """At ``initialize``: the settings of the initialization options, the engine."""
        self.settings = SettingsInForce(settings, settings, warnings)
        self.projects.start(root, settings)

    def update_settings(self, settings: Settings, warnings: list[str]) -> None:
        self.settings.current = settings
        self.settings.warnings = warnings
        self.caches.fillings.clear()
        self.projects.update_settings(settings)

    def changed(self, uri: str, new_text: str) -> None:
        self.documents.change(uri, new_text)
        self.caches.changed(uri)

    def closed(self, uri: str) -> None:
        self.documents.close(uri)
        self.caches.closed(uri)

    async def context(self, snap: Snapshot, line: int, column: int) -> ContextReport:
        # an open document's version; a file read from disk has none, its text decides
        version = snap.version if snap.version is not None else hash(snap.text)
        key = (snap.uri, version, line, column)
        cached = self.caches.contexts.get(key)
        if cached is not None:
            return cached
        request = HoleRequest(snap.path, line, column, text=snap.text)
        report = await self.projects.engine_for(snap.path).context_async(request)
        self.caches.contexts.put(key, report)
        return report

    async def complete(
        self, snap: Snapshot, line: int, column: int, n: int, trigger: Trigger = "explicit"
    ) -> CompletionReport | None:
        """The engine's filling, with status reporting; None when the backend failed. On an
        automatic trigger the report may be held back (``held_back_reason``): the status says so."""
        engine = self.projects.engine_for(snap.path)
        self.status.working(self.projects.backend_status())
        started = time.perf_counter()
        try:
            request = HoleRequest(snap.path, line, column, text=snap.text, trigger=trigger)
            report = await engine.complete(request, n=n)
        except HolepilotError as error:
            self.status.error(self.projects.backend_status(), str(error))
            return None
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info("completion in %.0f ms from %s", elapsed_ms, report.backend)
        if report.held_back_reason:
            problems = "; ".join(f"{d.message} (line {d.line + 1})" for d in report.diagnostics)
            logger.info("suggestion held back at %s:%d:%d: %s", snap.path, line + 1, column + 1,
                        problems or report.held_back_reason)
            self.status.held_back(self.projects.backend_status(), report.held_back_reason)
            held_at = internal_to_lsp(snap.text, line, column)
            kind = "automatic" if trigger == "automatic" else "invoked"  # the LSP trigger kinds
            append_record(new_record("held_back", snap.uri, *held_at, trigger=kind, reason=report.held_back_reason))
        else:
            self._report_backend()
        return report

    def _report_backend(self) -> None:
        status = self.projects.backend_status()
        if status is not None and status.last_error:
            self.status.error(status, status.last_error)
        else:
            self.status.ok(status)
