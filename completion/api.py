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
Lines and columns are 0-based code points.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from completion import editing
from completion.backends import make_backend, resolve_auto
from completion.backends.base import Backend
from completion.check import check_text
from completion.errors import BackendError, HolepilotError
from completion.history import EditHistory
from completion.model import (
    BackendStatus,
    Candidate,
    CompletionReport,
    ContextReport,
    Diagnostic,
    EditReport,
    EditRequest,
    HoleRequest,
    Round,
    TextRange,
)
from completion.postprocess import clean_filling
from completion.prompt import PromptPlan, plan_prompt
from completion.pyright import PyrightChecker
from completion.refine import Hole, fill_with_rounds, rank_by_problems
from completion.requests import Style, choose_style, fill_request, renderer_for
from completion.settings import Settings
from completion.static_filler import static_candidates
from completion.tokens import count_tokens
from context.api import Analyzer
from context.positions import position_at
from context.privacy import privacy_filter
from context.secrets import mask_secrets, masked_hole, with_masked_definitions
from context.workspace import in_tool_folder, project_root

log = logging.getLogger(__name__)
T = TypeVar("T")
HISTORY_SHARE = 0.12
INDEX_BATCH = 16  # files summarized per turn of the analysis thread while indexing
# pyright's rules that error rounds act on: its other rules flag correct fillings too often
# (14 % of true fillings on the mutation benchmark) to spend a model round on them.
PYRIGHT_ROUND_RULES = frozenset({
    "", "reportAttributeAccessIssue", "reportUndefinedVariable", "reportCallIssue",
    "reportArgumentType", "reportOptionalMemberAccess", "reportIndexIssue",
})
CHARS_PER_TOKEN_BOUND = 12  # no prompt shows more code than this many characters per token


class Engine:
    """One workspace's engine. Cheap to query, expensive to build: keep one per workspace."""

    def __init__(self, root: Path | str | None, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.root = Path(root).resolve() if root is not None else Path.cwd()
        self.analyzer = Analyzer(
            self.root,
            self.settings.python or None,
            max_files=self.settings.max_index_files,
            max_file_bytes=self.settings.max_file_bytes,
            private_globs=self.settings.exclude_globs,
        )
        self.history = EditHistory(self.settings.history_max_steps, root=self.root)
        self._privacy = privacy_filter(self.root, self.settings.exclude_globs)
        self._pyright: PyrightChecker | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="holepilot-analysis")
        self._backend: Backend | None = None
        self._backend_name: str | None = None
        self._status = BackendStatus(
            backend=self.settings.backend, model=self.settings.model, base_url=""
        )

    # -- settings and status ----------------------------------------------------------------
    def update_settings(self, settings: Settings) -> None:
        if settings == self.settings:
            return
        self.settings = settings
        self.history.max_steps = settings.history_max_steps
        self._backend_name = None
        old, self._backend = self._backend, None
        if old is not None:
            asyncio.ensure_future(old.aclose()) if _loop_running() else None

    def status(self) -> BackendStatus:
        return self._status

    async def resolve_backend(self) -> str:
        """The backend in use (``auto`` resolved once), with the reason logged and in the status."""
        if self._backend_name is None:
            name, reason = await resolve_auto(self.settings)
            log.info("backend: %s (%s)", name, reason)
            self._backend_name = name
            model = self.settings.model if name != "static" else ""
            self._status = BackendStatus(name, model, self.settings.base_url, reason=reason)
        return self._backend_name

    def _model_backend(self) -> Backend:
        if self._backend is None:
            assert self._backend_name is not None
            self._backend = make_backend(
                dataclasses.replace(self.settings, backend=self._backend_name)
            )
            self._status = dataclasses.replace(
                self._status, model=self._backend.model, base_url=self._backend.base_url
            )
        return self._backend

    # -- context -----------------------------------------------------------------------------
    def _style(self) -> Style:
        return choose_style(self.settings, self._backend_name or self.settings.backend)

    def other_project(self, path: str) -> Path | None:
        """The root of the project holding ``path`` when that is not this engine's project (a
        second workspace folder, a file opened from another repository); None otherwise."""
        file = Path(path).resolve()
        if file.is_relative_to(self.root):
            return None
        root = project_root(file)
        if root is None:
            return None
        # A library file (go to definition into site-packages, even when an enclosing folder
        # such as a pyenv checkout is a git repository) is not a project to index.
        return None if in_tool_folder(file, root) else root

    def _path(self, path: str) -> Path:
        p = Path(path)
        if p.is_absolute() or p.exists():
            return p.resolve()
        return (self.root / p).resolve()

    def _context_parts(self, request: HoleRequest) -> tuple[ContextReport, PromptPlan, str]:
        started = time.perf_counter()
        path = self._path(request.path)
        text = request.text if request.text is not None else self.analyzer.read_whole(path)
        if len(text) > self.settings.max_file_bytes:
            text = focus_on_line(text, request.line, self.settings.max_file_bytes)
        hole = self.analyzer.hole_context(path, request.line, request.column, text)
        budget = request.budget or self.settings.budget_tokens
        history = mask_secrets(self.history.render_diffs(int(budget * HISTORY_SHARE)))
        render = renderer_for(self._style(), self.root.name)
        # What the model may see: credential-like literals masked (offsets keep the real hole).
        shown = masked_hole(hole, max_chars=budget * CHARS_PER_TOKEN_BOUND)
        plan, prompt, uses = plan_prompt(shown, budget, render, history, str(self.root))  # type: ignore[arg-type]
        elapsed = (time.perf_counter() - started) * 1000
        # Front ends show these definitions to people and to other AI clients: masked too. The
        # code window stays whole (offsets into the buffer depend on it) and is never displayed.
        displayed = with_masked_definitions(hole)
        report = ContextReport(displayed, prompt, count_tokens(prompt), budget, tuple(uses), elapsed)
        log.info(
            "context %s:%d:%d: %d/%d prompt tokens in %.1f ms",
            path.name,
            request.line + 1,
            request.column + 1,
            report.prompt_tokens,
            budget,
            elapsed,
        )
        return report, plan, text

    def context(self, request: HoleRequest) -> ContextReport:
        return self._context_parts(request)[0]

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def context_async(self, request: HoleRequest) -> ContextReport:
        return (await self._run(self._context_parts, request))[0]

    # -- checking ----------------------------------------------------------------------------
    def check(self, path: str, text: str | None = None) -> list[Diagnostic]:
        resolved = self._path(path)
        return check_text(
            self.analyzer, resolved, text if text is not None else self.analyzer.read(resolved)
        )

    async def check_async(self, path: str, text: str | None = None) -> list[Diagnostic]:
        return await self._run(self.check, path, text)

    def _diagnoser(self, path: str) -> Callable[[str], Any]:
        """Built-in checks, plus a running pyright when ``settings.pyright`` is on."""

        async def diagnose(text: str) -> list[Diagnostic]:
            found = await self.check_async(path, text)
            if self.settings.pyright:
                checked = await self._pyright_checker().diagnose(self._path(path), text)
                found += [d for d in checked if d.severity == "error" and d.code in PYRIGHT_ROUND_RULES]
            return found

        return diagnose

    def _pyright_checker(self) -> PyrightChecker:
        if self._pyright is None:
            self._pyright = PyrightChecker(self.root, python=self.settings.python or None)
        return self._pyright

    # -- completion --------------------------------------------------------------------------
    async def complete(self, request: HoleRequest, *, n: int = 1) -> CompletionReport:
        started = time.perf_counter()
        backend = await self.resolve_backend()
        report, plan, text = await self._run(self._context_parts, request)
        hole = report.hole
        start, end = len(hole.prefix), len(text) - len(hole.suffix)
        region = Hole(hole.path, text, start, end)
        diagnose = self._diagnoser(hole.path)
        before = await diagnose(text)  # the buffer as the user has it: placeholders are valid code
        timings = {"context_ms": report.elapsed_ms}
        statics = static_candidates(hole)
        if backend == "static":
            ranked = await rank_by_problems(region, statics[: max(n, 3)], diagnose, before)
            best = ranked[0] if ranked else Candidate("", (), "static")
            rounds: tuple[Any, ...] = ()
            candidates = ranked[:n]
        else:
            outcome = await self._ask_model(plan, report, region, diagnose, before)
            best, rounds = outcome.best, outcome.rounds
            timings["check_ms"] = outcome.check_ms
            extra = (
                await rank_by_problems(region, statics[: n - 1], diagnose, before) if n > 1 else []
            )
            candidates = [best, *[c for c in extra if c.text != best.text]][:n]
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        sl, sc = position_at(text, start)
        el, ec = position_at(text, end)
        return CompletionReport(
            best.text,
            TextRange(sl, sc, el, ec),
            tuple(candidates),
            tuple(rounds),
            best.diagnostics,
            backend,
            self._status.model,
            report,
            timings,
        )

    async def _ask_model(
        self,
        plan: PromptPlan,
        report: ContextReport,
        region: Hole,
        diagnose: Callable[[str], Any],
        before: list[Diagnostic],
    ) -> Any:
        style = self._style()
        backend = self._model_backend()

        async def ask(repair: tuple[tuple[str, str], ...]) -> str:
            request = fill_request(style, plan, self.settings, self.root.name, repair)
            answer = await self._generate(backend, request)
            return clean_filling(
                answer, report.hole, stops=style.profile.stop, special=style.profile.special_tokens
            )

        return await fill_with_rounds(region, ask, diagnose, self.settings.max_rounds, before)

    async def _generate(self, backend: Backend, request: Any) -> str:
        started = time.perf_counter()
        try:
            answer = await backend.generate(request)
        except BackendError as error:
            self._status = dataclasses.replace(self._status, last_error=str(error))
            raise
        latency = (time.perf_counter() - started) * 1000
        self._status = dataclasses.replace(self._status, last_latency_ms=latency, last_error=None)
        log.info("%s answered in %.0f ms (%d characters)", backend.name, latency, len(answer))
        return answer

    # -- inline chat -------------------------------------------------------------------------
    async def edit(self, request: EditRequest) -> EditReport:
        started = time.perf_counter()
        backend = await self.resolve_backend()
        path = self._path(request.path)
        text = (
            request.text if request.text is not None else await self._run(self.analyzer.read, path)
        )
        fmt = request.format or self.settings.edit_format
        diagnose = self._diagnoser(str(path))
        before = await diagnose(text)
        rounds: list[Round] = []
        if backend == "static":
            new_text = await editing.static_edit(self, path, text, request)
        else:
            new_text, rounds = await editing.model_edit(
                self, self._model_backend(), path, text, request, fmt, diagnose, before
            )
        after = await diagnose(new_text)
        remaining = tuple(d for d in after if d not in before)
        timings = {"total_ms": (time.perf_counter() - started) * 1000}
        return EditReport(
            text,
            new_text,
            editing.unified(path, text, new_text, self.root),
            remaining,
            tuple(rounds),
            backend,
            self._status.model,
            timings,
        )

    # -- history and lifecycle ---------------------------------------------------------------
    def record_change(self, path: str, old_text: str, new_text: str) -> None:
        """A document changed in the editor: keep the edit for prompts, forget stale analysis."""
        resolved = self._path(path)
        if self._privacy.is_private(resolved, read_content=False):
            return  # edits of private files never reach a prompt, not even as history
        self.analyzer.note_file(resolved)
        self.history.record(str(resolved), old_text, new_text)

    async def index_workspace_async(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Summarize every workspace file (from the on-disk index when unchanged), then save the
        index. Small batches on the analysis thread: a request arriving meanwhile waits for one
        batch, not for the whole index, and looks among the modules summarized so far."""
        workspace = self.analyzer.workspace
        workspace.indexing = True  # requests meanwhile use the modules summarized so far
        try:
            files = await self._run(workspace.files)
            for start in range(0, len(files), INDEX_BATCH):
                batch = files[start : start + INDEX_BATCH]
                await self._run(lambda b=batch: [workspace.summary_for_path(f) for f in b])
                if progress is not None:
                    progress(min(start + INDEX_BATCH, len(files)), len(files))
        finally:
            workspace.indexing = False
        await self._run(workspace.disk.save)
        return len(files)

    async def aclose(self) -> None:
        # What was analysed since indexing (the checker's facts of modules) serves the next start.
        await self._run(self.analyzer.workspace.disk.save)
        if self._pyright is not None:
            await self._pyright.aclose()
            self._pyright = None
        if self._backend is not None:
            await self._backend.aclose()
            self._backend = None
        self._thread.shutdown(wait=False, cancel_futures=True)


FOCUS_HEAD_LINES = 300  # the imports and module constants of a huge file stay visible


def focus_on_line(text: str, line: int, max_bytes: int) -> str:
    """A file over the size limit, analysed around ``line`` only: the other lines are emptied,
    so every line and column keeps its place (less context, never a failed request)."""
    lines = text.split("\n")
    budget = max_bytes // 2
    start = end = line
    used = len(lines[line].encode("utf-8")) if line < len(lines) else 0
    while used < budget and (start > 0 or end < len(lines) - 1):
        if start > 0:
            start -= 1
            used += len(lines[start].encode("utf-8")) + 1
        if end < len(lines) - 1 and used < budget:
            end += 1
            used += len(lines[end].encode("utf-8")) + 1
    kept = [x if i < FOCUS_HEAD_LINES or start <= i <= end else "" for i, x in enumerate(lines)]
    log.info("file over %d bytes: analysing lines %d-%d (and the first %d)", max_bytes, start + 1, end + 1,
             FOCUS_HEAD_LINES)
    return "\n".join(kept)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


__all__ = ["Engine", "HolepilotError"]
