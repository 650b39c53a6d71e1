"""The facade of holepilot: every front end (LSP handlers, inline chat, CLI) calls only this.

    engine = Engine(root, settings)
    report = engine.context(HoleRequest(path, line, column))           # sync, CPU-bound
    report = await engine.context_async(HoleRequest(...))              # same, off the event loop
    result = await engine.complete(HoleRequest(...), n=3)              # fill the hole
    edit = await engine.edit(EditRequest(...))                          # inline chat
    problems = engine.check(path, text)                                 # diagnostics
    engine.record_change(path, old_text, new_text)                      # edit history
    engine.status()                                                     # backend, model, last error

Analysis (tree-sitter, jedi) runs on one owner thread inside the engine; the ``*_async``
methods and :meth:`complete` / :meth:`edit` hop onto it and await the model asynchronously.
"""

from __future__ import annotations

from pathlib import Path

from completion.model import (
    BackendStatus,
    CompletionReport,
    ContextReport,
    Diagnostic,
    EditReport,
    EditRequest,
    HoleRequest,
)
from completion.settings import Settings


class Engine:
    """One workspace's engine. Cheap to query, expensive to build: keep one per workspace."""

    def __init__(self, root: Path | str | None, settings: Settings | None = None) -> None:
        raise NotImplementedError

    def context(self, request: HoleRequest) -> ContextReport:
        raise NotImplementedError

    async def context_async(self, request: HoleRequest) -> ContextReport:
        raise NotImplementedError

    async def complete(self, request: HoleRequest, *, n: int = 1) -> CompletionReport:
        raise NotImplementedError

    async def edit(self, request: EditRequest) -> EditReport:
        raise NotImplementedError

    def check(self, path: str, text: str | None = None) -> list[Diagnostic]:
        raise NotImplementedError

    def record_change(self, path: str, old_text: str, new_text: str) -> None:
        raise NotImplementedError

    def status(self) -> BackendStatus:
        raise NotImplementedError

    def update_settings(self, settings: Settings) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError
