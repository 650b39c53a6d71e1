"""``holepilot doctor``: is this setup able to complete code, and if not, what to change.

    report = await run_doctor(engine)            # every check, each with a fix in plain words
    report.ok, report.to_json(), format_report(report)
    Check(name, ok, detail, fix).to_json()        # the one JSON shape of a check, for every front end

Checks, in order: the settings parse, the backend resolves, the backend is reachable and
serves the model, the FIM profile fits the model, a sample completion round-trips, pyright
runs, the workspace index is healthy. A check never raises and never waits
longer than its deadline: a failure is a failed check.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import tempfile
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from completion.backends import DEFAULT_BASE_URLS, PROVIDER_KEY_ENV, make_backend
from completion.errors import (
    AuthError,
    BackendError,
    BackendTimeout,
    BackendUnreachable,
    ConfigError,
    HolepilotError,
    NotFound,
    RateLimited,
)
from completion.fim import NONE, PROFILES, profile_for
from completion.model import BackendName, HoleRequest
from completion.requests import CHAT_ONLY

if TYPE_CHECKING:
    from completion.api import Engine

log = logging.getLogger(__name__)

SAMPLE_SNIPPET = (
    "def area(width: float, height: float) -> float:\n    result: float = ...\n    return result\n"
)
SAMPLE_HOLE = (1, len("    result: float = "))
SAMPLE_FILE = "holepilot_doctor_sample.py"
PYRIGHT_SNIPPET = 'count: int = "three"\n'
CHECK_SLACK_S = 5.0
INDEX_SLOW_S = 30.0
INDEX_FAILED_SHARE = 0.1


@dataclass(frozen=True)
class Check:
    """One check: what was checked, whether it passed, what was seen, and what to do."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def to_json(self) -> dict[str, object]:
        """The check as front ends send it; a passing check carries no fix."""
        fix = "" if self.ok else self.fix
        return {"name": self.name, "ok": self.ok, "detail": self.detail, "fix": fix}


@dataclass(frozen=True)
class DoctorReport:
    checks: tuple[Check, ...]
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checks": [check.to_json() for check in self.checks],
            "elapsed_ms": round(self.elapsed_ms, 1),
        }


def format_report(report: DoctorReport) -> str:
    """The report for people: one line per check, the fix under each failure."""
    lines = []
    for check in report.checks:
        lines.append(f"[{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"       fix: {check.fix}")
    verdict = "all checks passed" if report.ok else "some checks failed"
    lines.append(f"holepilot doctor: {verdict} ({report.elapsed_ms:.0f} ms)")
    return "\n".join(lines) + "\n"


async def run_doctor(
    engine: Engine, *, sample: bool = True, warnings: Sequence[str] = ()
) -> DoctorReport:
    """Run every check against ``engine``; ``warnings`` are those of parsing its settings."""
    started = time.perf_counter()
    checks = [check_settings(warnings)]
    backend = await _guarded("backend", _resolve(engine), engine)
    checks.append(backend)
    name = engine.settings.backend if not backend.ok else await engine.resolve_backend()
    reachable = await _guarded("backend reachable", check_reachable(engine, name), engine)
    checks += [reachable, check_fim_profile(engine, name)]
    if sample:
        checks.append(await _sample_or_skip(engine, backend.ok and reachable.ok))
    checks.append(await _guarded("pyright", check_pyright(engine), engine, extra_s=60.0))
    checks.append(await _guarded("workspace index", check_index(engine), engine, extra_s=120.0))
    return DoctorReport(tuple(checks), (time.perf_counter() - started) * 1000)


async def _guarded(
    name: str, work: Awaitable[Check], engine: Engine, extra_s: float = 0.0
) -> Check:
    """``work`` within a deadline; an unexpected error becomes a failed check."""
    settings = engine.settings
    deadline = settings.connect_timeout_s + settings.request_timeout_s + CHECK_SLACK_S + extra_s
    try:
        return await asyncio.wait_for(work, deadline)
    except TimeoutError:
        return Check(name, False, f"no answer within {deadline:.0f} s", _timeout_fix())
    except Exception as error:  # a doctor reports; it never crashes the front end
        log.warning("doctor check %s failed", name, exc_info=True)
        return Check(name, False, f"{type(error).__name__}: {error}", "see the log for details")


# -- settings and backend ------------------------------------------------------------------------
def check_settings(warnings: Sequence[str]) -> Check:
    if not warnings:
        return Check("settings", True, "all settings parsed")
    return Check(
        "settings",
        False,
        "; ".join(warnings),
        "correct these settings (their defaults are used meanwhile)",
    )


async def _resolve(engine: Engine) -> Check:
    name = await engine.resolve_backend()
    reason = engine.status().reason or ""
    detail = f"{name}: {reason}" if reason else name
    if name == "static" and engine.settings.backend == "auto":
        detail += " (only static, type-directed fillings until a model server answers)"
    return Check("backend", True, detail)


async def check_reachable(engine: Engine, name: BackendName) -> Check:
    """The backend answers and serves the model (``Backend.probe``)."""
    title = "backend reachable"
    if name == "static":
        return Check(title, True, "the static backend needs no model server")
    settings = dataclasses.replace(engine.settings, backend=name)
    try:
        backend = make_backend(settings)
    except ConfigError as error:
        return Check(title, False, str(error), _config_fix(str(error), name))
    try:
        await backend.probe()
    except BackendError as error:
        return Check(
            title, False, str(error), _backend_fix(error, name, backend.model, backend.base_url)
        )
    finally:
        await backend.aclose()
    model = f"model '{backend.model}'" if backend.model else "its model"
    return Check(title, True, f"{backend.base_url} answers and serves {model}")


def _config_fix(message: str, name: str) -> str:
    if "plain http" in message:
        return (
            "use an https:// base URL, or set holepilot.allowInsecureHttp if you trust the network"
        )
    if "API key" in message:
        variable = PROVIDER_KEY_ENV.get(name, "HOLEPILOT_API_KEY")
        return f"set the API key in the environment ({variable} or HOLEPILOT_API_KEY)"
    return "correct holepilot.backend and holepilot.baseUrl"


def _backend_fix(error: BackendError, name: str, model: str, base_url: str) -> str:
    if isinstance(error, BackendUnreachable):
        default = DEFAULT_BASE_URLS.get(name, "")
        return f"start the {name} server at {base_url} or point holepilot.baseUrl at it" + (
            f" (the default is {default})" if default else ""
        )
    if isinstance(error, BackendTimeout):
        return _timeout_fix()
    if isinstance(error, AuthError):
        variable = PROVIDER_KEY_ENV.get(name, "HOLEPILOT_API_KEY")
        return f"check the API key in {variable} or HOLEPILOT_API_KEY (or holepilot.apiKeyEnv)"
    if isinstance(error, NotFound):
        hint = f"ollama pull {model}" if name == "ollama" else "a model the server lists"
        return f"set holepilot.model to a model the server serves ({hint})"
    if isinstance(error, RateLimited):
        return "wait, or lower holepilot.maxConcurrentRequests"
    return "check the model server's own log; it answered, but not as expected"


def _timeout_fix() -> str:
    return "check the model server is not overloaded, or raise holepilot.requestTimeoutS"


def check_fim_profile(engine: Engine, name: BackendName) -> Check:
    """An explicit fimProfile that contradicts what the model name says is a likely mistake."""
    settings = engine.settings
    title = "FIM profile"
    if name in CHAT_ONLY:
        return Check(title, True, f"the {name} backend takes chat prompts; no FIM profile needed")
    guessed, _ = profile_for("auto", settings.model)
    chosen, reason = profile_for(settings.fim_profile, settings.model)
    if settings.fim_profile in ("auto", "none") or guessed is NONE:
        return Check(title, True, f"{chosen.name}: {reason}")
    if guessed.name == chosen.name or PROFILES.get(settings.fim_profile) is None:
        return Check(title, True, f"{chosen.name} matches model {settings.model!r}")
    return Check(
        title,
        False,
        f"fimProfile '{settings.fim_profile}' is set, but model {settings.model!r} "
        f"looks like {guessed.name}",
        f"set holepilot.fimProfile to '{guessed.name}' or 'auto'",
    )


# -- a sample completion -------------------------------------------------------------------------
async def _sample_or_skip(engine: Engine, backend_ok: bool) -> Check:
    if not backend_ok:
        return Check(
            "sample completion",
            False,
            "not tried: the backend is not usable",
            "fix the backend checks above first",
        )
    return await _guarded("sample completion", check_sample(engine), engine, extra_s=30.0)


async def check_sample(engine: Engine) -> Check:
    """Fill a hole in a tiny built-in snippet, end to end through the engine."""
    title = "sample completion"
    with tempfile.TemporaryDirectory(prefix="holepilot-doctor-") as folder:
        path = Path(folder) / SAMPLE_FILE
        path.write_text(SAMPLE_SNIPPET, encoding="utf-8")
        request = HoleRequest(str(path), *SAMPLE_HOLE, SAMPLE_SNIPPET)
        started = time.perf_counter()
        try:
            report = await engine.complete(request)
        except HolepilotError as error:
            status = engine.status()
            fix = (
                _backend_fix(error, status.backend, status.model, status.base_url)
                if isinstance(error, BackendError)
                else "see the log for details"
            )
            return Check(title, False, str(error), fix)
    elapsed = (time.perf_counter() - started) * 1000
    if not report.text.strip():
        return Check(
            title,
            False,
            f"the {report.backend} backend answered with nothing",
            "try another model, or check holepilot.fimProfile",
        )
    filling = report.text.strip().splitlines()[0][:60]
    return Check(title, True, f"{report.backend} filled `{filling}` in {elapsed:.0f} ms")


# -- pyright and the workspace index ------------------------------------------------------------
async def check_pyright(engine: Engine) -> Check:
    """basedpyright, which ``holepilot check`` uses (and the error rounds, with holepilot.pyright):
    found, its version, and whether it reports a planted type error."""
    title = "pyright"
    from completion.pyright import PyrightChecker, find_server, installed_version

    try:
        server = find_server()
    except ConfigError as error:
        return Check(title, False, str(error),
                     "pip install basedpyright (until then checks use the built-in checker only)")
    checker = PyrightChecker(engine.root, python=engine.settings.python or None)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="holepilot-doctor-") as folder:
            problems = await checker.diagnose(Path(folder) / SAMPLE_FILE, PYRIGHT_SNIPPET)
    except HolepilotError as error:
        return Check(title, False, f"{server}: {error}", "see the pyright output in the log")
    finally:
        await checker.aclose()
    elapsed = (time.perf_counter() - started) * 1000
    version = checker.server_info or f"basedpyright {installed_version() or '(version unknown)'}"
    if not any(p.severity == "error" for p in problems):
        return Check(title, False, f"{version} ran but missed a planted type error", "update basedpyright")
    users = "holepilot check and the error rounds" if engine.settings.pyright else "holepilot check"
    return Check(
        title, True, f"{version} ({server}) answered a probe in {elapsed:.0f} ms including "
        f"start-up; used by {users}"
    )


async def check_index(engine: Engine) -> Check:
    """Files found, files kept private, files that could not be summarized, and the time."""
    started = time.perf_counter()
    files, private, failed = await _index(engine)
    seconds = time.perf_counter() - started
    detail = (
        f"{files} Python file{'' if files == 1 else 's'}, {private} kept out of prompts as "
        f"private, {len(failed)} not summarized, {seconds:.1f} s"
    )
    if failed:
        detail += f" (e.g. {', '.join(failed[:3])})"
    if files >= engine.settings.max_index_files:
        return Check(
            "workspace index",
            False,
            detail + f"; stopped at holepilot.maxIndexFiles = {engine.settings.max_index_files}",
            "raise holepilot.maxIndexFiles, or open a smaller folder",
        )
    if seconds > INDEX_SLOW_S or (files and len(failed) > INDEX_FAILED_SHARE * files):
        return Check(
            "workspace index",
            False,
            detail,
            "exclude generated, binary or non-UTF-8 files with holepilot.excludeGlobs",
        )
    return Check("workspace index", True, detail)


async def _index(engine: Engine) -> tuple[int, int, list[str]]:
    """Index on the engine's analysis thread (jedi is not thread-safe): files, private, failed."""
    workspace = engine.analyzer.workspace

    def summarize() -> tuple[int, int, list[str]]:
        paths = workspace.files()
        missing = [p for p in paths if workspace.summary_for_path(p) is None]
        private = [p for p in missing if workspace.privacy.is_private(p)]
        failed = [_shown(p, workspace.root) for p in missing if p not in private]
        return len(paths), len(private), failed

    return await engine.run_analysis(summarize)


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


__all__ = ["Check", "DoctorReport", "format_report", "run_doctor"]
