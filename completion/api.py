"""The facade of holepilot: every front end (LSP handlers, inline chat, CLI) calls only this.

    engine = Engine(root, settings)
    report = engine.context(HoleRequest(path, line, column))           # sync, CPU-bound
    report = await engine.context_async(HoleRequest(...))              # same, off the event loop
    result = await engine.complete(HoleRequest(...), n=3)              # fill the hole
    result.held_back_reason, result.candidates[0].verified              # (trigger="automatic")
    edit = await engine.edit(EditRequest(...))                          # inline chat
    problems = engine.check(path, text)                                 # built-in diagnostics
    checked = await engine.check_file(path, text, pyright=None)         # + basedpyright if installed
    engine.record_change(path, old_text, new_text)                      # edit history
    report = await engine.next_edits(NextEditsRequest(path, text=new))  # the edits that follow
    engine.use_history(EditHistory.from_snapshots(...))                 # or a history of its own
    engine.status()                                                     # backend, model, last error
    await engine.index_workspace_async(progress)                        # summarize every file
    engine.save_index()                                                 # for the next cold start
    await engine.aclose()

For the engine's own helpers (inline chat, doctor): :meth:`generate` sends one request to the
model in use, :meth:`run_analysis` runs work on the analysis thread.

Analysis (tree-sitter, jedi) runs on one owner thread inside the engine; the ``*_async``
methods and :meth:`complete` / :meth:`edit` hop onto it and await the model asynchronously.
Lines and columns are 0-based code points.

A completion is shaped to its hole (:mod:`completion.shape`: a line, balanced brackets, a
block): the request asks for that much, the answer is read only that far (the connection is then
closed, so the server stops generating), and a closed set of answers (:mod:`completion.candidates`)
is sent as a constraint to servers that take one and ranks the candidates everywhere.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ParamSpec, TypeVar

from completion import editing
from completion.backends import make_backend, resolve_auto
from completion.backends.base import Answer, Backend, ModelRequest
from completion.candidates import CandidateSet, candidate_set
from completion.check import Checked, Checkers, check_text, finished, unfinished_tail
from completion.errors import BackendError, HolepilotError
from completion.history import EditHistory
from completion.model import (
    BackendName,
    BackendStatus,
    Candidate,
    CompletionReport,
    ContextReport,
    EditReport,
    EditRequest,
    HoleRequest,
    Round,
    TextRange,
)
from completion.next_edits import (
    NextEditsReport,
    NextEditsRequest,
    previous_text,
    propose_next_edits,
)
from completion.next_edits_model import PredictionMemo
from completion.postprocess import answer_complete, clean_filling
from completion.prompt import PromptPlan, plan_prompt
from completion.pyright import PyrightChecker
from completion.refine import Diagnose, Hole, Outcome, fill_with_rounds, rank_by_problems
from completion.requests import Style, choose_style, fill_request, renderer_for
from completion.settings import Settings
from completion.shape import Shape, shape_for
from completion.static_filler import static_candidates
from completion.tokens import count_tokens
from context.api import Analyzer
from context.definition_changes import definition_changes
from context.errors import SourceError
from context.model import Diagnostic
from context.positions import common_head, common_tail, position_at
from context.privacy import privacy_filter
from context.ripple_model import content_stamp
from context.secrets import mask_secrets, masked_hole, with_masked_definitions
from context.workspace import Workspace, in_tool_folder, project_root, read_source

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")
HISTORY_SHARE = 0.12
INDEX_BATCH = 16  # files summarized per turn of the analysis thread while indexing
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
        self.predictions = PredictionMemo()
        self._privacy = privacy_filter(self.root, self.settings.exclude_globs)
        self._pyright: PyrightChecker | None = None
        self._checkers: dict[bool | None, Checkers] = {}
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="holepilot-analysis")
        self._backend: Backend | None = None
        self._backend_name: BackendName | None = None
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

    async def resolve_backend(self) -> BackendName:
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
        plan, prompt, uses = plan_prompt(shown, budget, render, history, str(self.root))
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

    async def run_analysis(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` on the analysis thread, the one owner of tree-sitter and jedi
        (jedi is not thread-safe): every analysis off the event loop goes through here."""
        work = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    async def context_async(self, request: HoleRequest) -> ContextReport:
        return (await self.run_analysis(self._context_parts, request))[0]

    # -- checking ----------------------------------------------------------------------------
    def check(self, path: str, text: str | None = None) -> list[Diagnostic]:
        resolved = self._path(path)
        return check_text(
            self.analyzer, resolved, text if text is not None else self.analyzer.read(resolved)
        )

    async def check_async(self, path: str, text: str | None = None) -> list[Diagnostic]:
        return await self.run_analysis(self.check, path, text)

    async def check_file(
        self, path: str, text: str | None = None, *, pyright: bool | None = None
    ) -> Checked:
        """The combined verdict on a buffer: built-in checks, plus basedpyright's precise errors
        (``pyright`` None: when installed; True: required, a missing one raises ConfigError;
        False: not asked). Which checkers ran, and why one did not, is in the result."""
        resolved = self._path(path)
        if text is None:
            text = await self.run_analysis(self.analyzer.read, resolved)
        return await self.checkers(pyright).diagnose(resolved, text)

    def checkers(self, pyright: bool | None = None) -> Checkers:
        """The checkers of :meth:`check_file`; one per choice, so a missing basedpyright is
        reported once."""
        if pyright not in self._checkers:
            external = self._pyright_checker() if pyright is not False else None
            self._checkers[pyright] = Checkers(self._builtin, external, required=pyright is True)
        return self._checkers[pyright]

    async def _builtin(self, path: Path, text: str) -> list[Diagnostic]:
        return await self.run_analysis(check_text, self.analyzer, path, text)

    def _diagnoser(self, path: str) -> Diagnose:
        """The verdict of the error rounds: built-in checks, plus basedpyright when
        ``settings.pyright`` is on (required then: a missing one is a ConfigError; one that does
        not answer leaves the built-in verdict)."""
        checkers = self.checkers(self.settings.pyright)
        resolved = self._path(path)

        async def diagnose(text: str) -> list[Diagnostic]:
            return list((await checkers.diagnose(resolved, text)).diagnostics)

        return diagnose

    def _pyright_checker(self) -> PyrightChecker:
        if self._pyright is None:
            self._pyright = PyrightChecker(self.root, python=self.settings.python or None)
        return self._pyright

    # -- completion --------------------------------------------------------------------------
    async def complete(self, request: HoleRequest, *, n: int = 1) -> CompletionReport:
        """Fill the hole: the candidates checked and ranked verified first; on an automatic
        trigger, ``held_back_reason`` says why the best one should not be shown."""
        started = time.perf_counter()
        backend = await self.resolve_backend()
        report, plan, text = await self.run_analysis(self._context_parts, request)
        hole = report.hole
        start, end = len(hole.prefix), len(text) - len(hole.suffix)
        region = Hole(hole.path, text, start, end)
        closed = candidate_set(hole)
        if closed is not None:
            log.info("closed set of %d answers: %s", closed.size, closed.reason)
        diagnose = with_closed_set(as_unfinished(self._diagnoser(hole.path), region), region, closed)
        before = await diagnose(text)  # the buffer as the user has it: placeholders are valid code
        timings = {"context_ms": report.elapsed_ms}
        statics = static_candidates(hole)
        shape = ""
        if backend == "static":
            checked = await rank_by_problems(region, statics[: max(n, 3)], diagnose, before)
            rounds: tuple[Round, ...] = ()
        else:
            chosen = shape_for(hole, self.settings, continuation=self._style().kind == "fim")
            shape = chosen.describe()
            outcome = await self._ask_model(plan, report, region, diagnose, before, chosen, closed)
            rounds = outcome.rounds
            timings["check_ms"] = outcome.check_ms
            extra = (
                await rank_by_problems(region, statics[: n - 1], diagnose, before) if n > 1 else []
            )
            checked = [outcome.best, *[c for c in extra if c.text != outcome.best.text]]
        ranked = ranked_candidates(checked, closed)
        best = ranked[0] if ranked else Candidate("", (), backend)
        timings["total_ms"] = (time.perf_counter() - started) * 1000
        held = held_back_reason(best, request.trigger, len(rounds))
        if held:
            log.info("held back on an automatic trigger: %s", held)
        sl, sc = position_at(text, start)
        el, ec = position_at(text, end)
        return CompletionReport(
            best.text,
            TextRange(sl, sc, el, ec),
            tuple(ranked[:n]),
            tuple(rounds),
            best.diagnostics,
            backend,
            self._status.model,
            report,
            timings,
            held_back_reason=held,
            shape=shape,
        )

    async def _ask_model(
        self,
        plan: PromptPlan,
        report: ContextReport,
        region: Hole,
        diagnose: Diagnose,
        before: list[Diagnostic],
        shape: Shape,
        closed: CandidateSet | None,
    ) -> Outcome:
        style = self._style()
        stops, special = style.profile.stop, style.profile.special_tokens
        backend = self._model_backend()
        constraint = closed.constraint if closed is not None and backend.constraint_kinds else None
        log.info("shape %s%s", shape.describe(),
                 f"; constrained to the closed set ({', '.join(sorted(backend.constraint_kinds))})"
                 if constraint is not None else "")

        def complete(answer: str) -> bool:
            return answer_complete(answer, report.hole, shape, stops=stops, special=special)

        async def ask(repair: tuple[tuple[str, str], ...]) -> str:
            request = fill_request(style, plan, self.settings, self.root.name, repair,
                                   shape=shape, constraint=constraint)
            answer = await self.read_answer(request, until=complete)
            return clean_filling(answer.text, report.hole, stops=stops, special=special, shape=shape,
                                 limited=answer.limited)

        return await fill_with_rounds(region, ask, diagnose, self.settings.max_rounds, before)

    async def generate(
        self, request: ModelRequest, *, until: Callable[[str], bool] | None = None
    ) -> str:
        """The text of :meth:`read_answer`."""
        return (await self.read_answer(request, until=until)).text

    async def read_answer(
        self, request: ModelRequest, *, until: Callable[[str], bool] | None = None
    ) -> Answer:
        """The answer of the model in use to ``request``, read until ``until(text so far)``
        holds (then the connection is closed, so the server stops generating) or to its end;
        its latency, or its error, goes to :meth:`status`. Call :meth:`resolve_backend` first
        (a model backend, not ``static``)."""
        backend = self._model_backend()
        started = time.perf_counter()
        try:
            answer = await backend.read(request, until)
        except BackendError as error:
            self._status = dataclasses.replace(self._status, last_error=str(error))
            raise
        latency = (time.perf_counter() - started) * 1000
        self._status = dataclasses.replace(self._status, last_latency_ms=latency, last_error=None)
        stopped = f"; stopped reading: {answer.stopped}" if answer.stopped else ""
        limit = "; ended by the token limit" if answer.limited else ""
        log.info("%s answered in %.0f ms (%d characters in %d chunks)%s%s", backend.name, latency,
                 len(answer.text), answer.chunks, stopped, limit)
        return answer

    # -- inline chat -------------------------------------------------------------------------
    async def edit(self, request: EditRequest) -> EditReport:
        started = time.perf_counter()
        backend = await self.resolve_backend()
        path = self._path(request.path)
        text = (
            request.text if request.text is not None else await self.run_analysis(self.analyzer.read, path)
        )
        fmt = request.format or self.settings.edit_format
        diagnose = self._diagnoser(str(path))
        before = await diagnose(text)
        rounds: list[Round] = []
        # a follow-up edits the last proposal, with the versions before it as history
        turn = editing.follow_up_request(text, request) if request.earlier else request
        current = turn.text if turn.text is not None else text
        earlier = [text, *(t.new_text for t in request.earlier[:-1])] if request.earlier else []
        if backend == "static":
            new_text = await editing.static_edit(self, path, current, turn)
        else:
            new_text, rounds = await editing.model_edit(
                self, path, current, turn, fmt, diagnose, before, earlier
            )
        after = await diagnose(new_text)
        remaining = tuple(d for d in after if d not in before)
        timings = {"total_ms": (time.perf_counter() - started) * 1000}
        unchanged_static = backend == "static" and new_text == current
        return EditReport(
            text,
            new_text,
            editing.unified(path, text, new_text, self.root),
            remaining,
            tuple(rounds),
            backend,
            self._status.model,
            timings,
            note=editing.STATIC_CANNOT_FOLLOW if unchanged_static else "",
        )

    # -- next edits --------------------------------------------------------------------------
    async def next_edits(self, request: NextEditsRequest) -> NextEditsReport:
        """After an edit of a file: the edits that follow (the ripple of a changed definition,
        repeated edits, a model's prediction), each checked (see :mod:`completion.next_edits`)."""
        return await propose_next_edits(self, request)

    async def next_edits_to_show(self, request: NextEditsRequest, *, attempts: int = 2) -> NextEditsReport:
        """:meth:`next_edits` as a front end shows them: the edits the checker passed (and
        arguments left to fill), each against the text its file has now. When a file changed
        meanwhile (on disk, or its buffer in ``request``), the edits are computed again; the
        edits of a file that keeps changing are left out and a note says so."""
        stale: set[str] = set()
        for _ in range(attempts):
            report = await self.next_edits(request)
            stale = await self.run_analysis(_stale_files, self.root, request, report)
            if not stale:
                break
            log.info("next edits: %d files changed meanwhile, computing again", len(stale))
        shown = tuple(e for e in report.edits if e.path not in stale and (e.verified or (e.hole and not e.filled)))
        notes = report.notes
        if stale:
            files = f"{len(stale)} file{'s' if len(stale) != 1 else ''}"
            notes += (f"left out the edits of {files} that changed while they were computed",)
        if len(shown) + sum(e.path in stale for e in report.edits) < len(report.edits):
            notes += ("left out the edits the checker found a new error with",)
        return dataclasses.replace(report, edits=shown, notes=notes)

    def changed_definitions(self, path: str, text: str, previous: str | None = None) -> list[tuple[int, int, str]]:
        """The definitions the newest edit of ``path`` changed (``previous``: its text before the
        edit, by default from the edit history): ``(first line, last line, what changed)`` in
        ``text``, 0-based, from the definition's line through the lines the edit touched."""
        if previous is None:
            previous = previous_text(self, self._path(path), text)
        if previous is None or previous == text:
            return []
        head = common_head(previous, text)
        edited_last = position_at(text, len(text) - common_tail(previous, text, min(len(previous), len(text)) - head))[0]
        return [(c.new_line, max(c.new_line, edited_last), c.reason()) for c in definition_changes(previous, text)]

    # -- history and lifecycle ---------------------------------------------------------------
    def record_change(self, path: str, old_text: str, new_text: str) -> None:
        """A document changed in the editor: keep the edit for prompts, forget stale analysis."""
        resolved = self._path(path)
        if self._pyright is not None:
            self._pyright.forget()  # its cached answers may depend on this file
        if self._privacy.is_private(resolved, read_content=False):
            return  # edits of private files never reach a prompt, not even as history
        self.analyzer.note_file(resolved)
        self.history.record(str(resolved), old_text, new_text)

    def use_history(self, history: EditHistory) -> None:
        """Recent edits from elsewhere (snapshot files, a git diff) replace the engine's own."""
        history.root = self.root
        self.history = history

    def model_modes(self) -> frozenset[str]:
        """The request modes (``fim``, ``chat``, ``text``) the model backend in use takes."""
        return self._model_backend().modes

    async def index_workspace_async(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Summarize every workspace file (from the on-disk index when unchanged), then save the
        index. Small batches on the analysis thread: a request arriving meanwhile waits for one
        batch, not for the whole index, and looks among the modules summarized so far."""
        workspace = self.analyzer.workspace
        workspace.indexing = True  # requests meanwhile use the modules summarized so far
        try:
            files = await self.run_analysis(workspace.files)
            for start in range(0, len(files), INDEX_BATCH):
                await self.run_analysis(_summarize, workspace, files[start : start + INDEX_BATCH])
                if progress is not None:
                    progress(min(start + INDEX_BATCH, len(files)), len(files))
        finally:
            workspace.indexing = False
        await self.run_analysis(self.save_index)
        return len(files)

    def save_index(self) -> None:
        """Write the workspace index (module summaries, the checker's facts) to disk: the next
        cold start reads it back."""
        self.analyzer.workspace.disk.save()

    async def aclose(self) -> None:
        # What was analysed since indexing (the checker's facts of modules) serves the next start.
        await self.run_analysis(self.save_index)
        if self._pyright is not None:
            await self._pyright.aclose()
            self._pyright = None
        if self._backend is not None:
            await self._backend.aclose()
            self._backend = None
        self._thread.shutdown(wait=False, cancel_futures=True)


def ranked_candidates(candidates: list[Candidate], closed: CandidateSet | None) -> list[Candidate]:
    """Each candidate marked verified (checked, non-empty, no problem left), verified ones
    first, then those the hole's closed set takes (its best choices first), then by fewer
    problems, empty ones last; the order is otherwise kept."""
    marked = [dataclasses.replace(c, verified=bool(c.text.strip()) and not c.diagnostics)
              for c in candidates]

    def key(c: Candidate) -> tuple[bool, bool, int, int]:
        place = closed.rank(c.text) if closed is not None else 0
        return (not c.verified, not c.text.strip(), place, len(c.diagnostics))

    return sorted(marked, key=key)


def held_back_reason(best: Candidate, trigger: str, rounds: int) -> str:
    """Why ``best`` should not be shown as ghost text: an automatic trigger and problems left
    in it; "" when it may be shown."""
    if trigger != "automatic" or best.verified or not best.text.strip():
        return ""
    count = len(best.diagnostics)
    after = f" after {rounds - 1} repair round{'s' if rounds != 2 else ''}" if rounds > 1 else ""
    first = best.diagnostics[0]
    return (f"{count} problem{'s' if count != 1 else ''} left{after}: {first.message} "
            f"(line {first.line + 1}, {first.source})")


def with_closed_set(diagnose: Diagnose, region: Hole, closed: CandidateSet | None) -> Diagnose:
    """``diagnose``, plus the problem of a filling outside the hole's closed set of Literal
    values (the checkers do not see those; members and keywords they do)."""
    if closed is None or closed.kind != "literal":
        return diagnose
    tail = len(region.text) - region.end

    async def checked(text: str) -> list[Diagnostic]:
        problems = await diagnose(text)
        filling = text[region.start : len(text) - tail]
        changed = filling != region.text[region.start : region.end]
        if changed and is_constant(filling) and not closed.fits(filling):
            problems.append(closed.miss(filling, region.start_line, region.start_column))
        return problems

    return checked


def as_unfinished(diagnose: Diagnose, region: Hole) -> Diagnose:
    """``diagnose``, where a filling typed at the cursor leaves its statement open for the user
    to go on (a block opener without its body yet, brackets the lines to come close): the
    buffer is checked with that statement finished (:func:`completion.check.unfinished_tail`)
    and the diagnostics are placed back in the buffer as it is, so a filling is charged with its
    real errors, syntax errors included, and not with being unfinished. A filling that replaces
    code (a placeholder) must stand on its own."""
    tail = len(region.text) - region.end
    if region.start != region.end:
        return diagnose

    async def checked(text: str) -> list[Diagnostic]:
        end = len(text) - tail
        if text[region.start : end] == region.text[region.start : region.end]:
            return await diagnose(text)
        finish = unfinished_tail(text[:end], text[end:])
        if not finish:
            return await diagnose(text)
        problems = await diagnose(text[:end] + finish + text[end:])
        return [finished(d, text, end, finish) for d in problems]

    return checked


def is_constant(code: str) -> bool:
    """Whether ``code`` is a literal constant (a string, a number, True, False, None)."""
    try:
        return isinstance(ast.parse(code.strip(), mode="eval").body, ast.Constant)
    except SyntaxError:
        return False


def _stale_files(root: Path, request: NextEditsRequest, report: NextEditsReport) -> set[str]:
    """The files whose edits in ``report`` were computed against a text they no longer have:
    the request's text of the edited file, its buffers, else the file read from disk now."""
    texts = {str((root / p).resolve()): t for p, t in request.buffers.items()}  # root / absolute = absolute
    if request.text is not None:
        texts[report.path] = request.text
    stale: set[str] = set()
    for path in {e.path for e in report.edits}:
        text = texts.get(path)
        if text is None:
            try:
                text = read_source(Path(path))
            except SourceError:
                stale.add(path)
                continue
        stamp = content_stamp(text)
        if any(e.stamp != stamp for e in report.edits if e.path == path):
            stale.add(path)
    return stale


def _summarize(workspace: Workspace, files: list[Path]) -> None:
    for file in files:
        workspace.summary_for_path(file)


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


__all__ = ["Engine", "HolepilotError", "held_back_reason", "ranked_candidates"]
