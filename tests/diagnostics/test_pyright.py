"""basedpyright's language server through pygls' LanguageClient: warm, cached by content, capped
in time, restarted after a crash — with stand-in servers that hang or die, and the real one."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types

from completion import pyright as pyright_module
from completion.errors import CheckerError, ConfigError
from completion.pyright import PyrightChecker, find_server, to_diagnostics
from tests.diagnostics.fake_pyright import count, fake_server

SLACK_S = 3.0  # killing and reaping a process on a busy machine
BROKEN = "import math\n\nvalue: int = 'three'\nroot = math.sqroot(2)\n"
FIXED = "import math\n\nvalue: int = 3\nroot = math.sqrt(2)\n"


def checker(tmp_path: Path, mode: str, *, timeout: float | None = None,
            start_timeout: float | None = None) -> PyrightChecker:
    script = fake_server(tmp_path / "bin", mode)
    return PyrightChecker(tmp_path, command=[str(script)], timeout=timeout, start_timeout=start_timeout)


def test_utf16_columns_become_code_points() -> None:
    text = "s = '😀😀' + nme\n"
    item = types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=13), end=types.Position(line=0, character=16)),
        message='"nme" is not defined', severity=types.DiagnosticSeverity.Error, code="reportUndefinedVariable")
    hint = types.Diagnostic(range=item.range, message="unused", severity=types.DiagnosticSeverity.Hint)
    [d] = to_diagnostics([item, hint], text)
    assert (d.column, d.end_column, d.source, d.code) == (11, 14, "pyright", "reportUndefinedVariable")
    assert text[d.column:d.end_column] == "nme"


async def test_missing_server_is_a_config_error(tmp_path: Path) -> None:
    missing = PyrightChecker(tmp_path, command=[str(tmp_path / "no-such-langserver"), "--stdio"])
    with pytest.raises(ConfigError, match="pip install basedpyright"):
        await missing.diagnose(tmp_path / "a.py", "x = 1\n")
    await missing.aclose()


def test_find_server_names_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="pip install basedpyright"):
        find_server()


def test_a_server_on_path_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = fake_server(tmp_path / "bin", "answer")
    monkeypatch.setenv("PATH", str(script.parent))
    assert find_server() == str(script)


async def test_a_server_that_answers_gives_diagnostics_and_is_cached_by_content(tmp_path: Path) -> None:
    fake = checker(tmp_path, "answer")
    try:
        found = await fake.diagnose(tmp_path / "a.py", "x = obj.fooz\n")
        assert [(d.line, d.column, d.code) for d in found] == [(0, 8, "reportAttributeAccessIssue")]
        assert fake.server_info == "fakepyright 9.9"
        assert await fake.diagnose(tmp_path / "a.py", "x = obj.fooz\n") == found
        assert count(tmp_path / "bin", "pulls") == 1  # the same content is not asked twice
        assert await fake.diagnose(tmp_path / "a.py", "x = obj.foo\n") == []
        assert count(tmp_path / "bin", "pulls") == 2
        fake.forget()
        await fake.diagnose(tmp_path / "a.py", "x = obj.foo\n")
        assert count(tmp_path / "bin", "pulls") == 3
    finally:
        await fake.aclose()
    assert count(tmp_path / "bin", "starts") == 1


async def test_a_server_that_only_pushes_is_waited_for_by_version(tmp_path: Path) -> None:
    fake = checker(tmp_path, "push")
    try:
        first = await fake.diagnose(tmp_path / "a.py", "x = obj.fooz\n")
        assert [(d.line, d.column, d.code) for d in first] == [(0, 8, "reportAttributeAccessIssue")]
        assert await fake.diagnose(tmp_path / "a.py", "x = 1\n") == []  # not the stale first answer
        assert [d.line for d in await fake.diagnose(tmp_path / "b.py", "\ny = obj.fooz\n")] == [1]
    finally:
        await fake.aclose()


async def test_a_hung_server_misses_the_start_cap_and_is_killed(tmp_path: Path) -> None:
    fake = checker(tmp_path, "hang", start_timeout=1.0)
    started = time.perf_counter()
    with pytest.raises(CheckerError, match="did not answer within 1 s"):
        await fake.diagnose(tmp_path / "a.py", "x = 1\n")
    assert time.perf_counter() - started < 1.0 + SLACK_S
    assert fake._session is None  # killed, not left running
    await fake.aclose()


async def test_a_warm_server_gets_the_short_cap(tmp_path: Path) -> None:
    fake = checker(tmp_path, "hang-after-first", timeout=0.5, start_timeout=30.0)
    try:
        await fake.diagnose(tmp_path / "a.py", "x = 1\n")
        started = time.perf_counter()
        with pytest.raises(CheckerError, match=r"within 0\.5 s"):
            await fake.diagnose(tmp_path / "a.py", "x = 2\n")
        assert time.perf_counter() - started < 0.5 + SLACK_S
    finally:
        await fake.aclose()


async def test_a_dead_server_is_a_checker_error(tmp_path: Path) -> None:
    fake = checker(tmp_path, "die", start_timeout=20.0)
    started = time.perf_counter()
    with pytest.raises(CheckerError, match=r"exited|failed"):
        await fake.diagnose(tmp_path / "a.py", "x = 1\n")
    assert time.perf_counter() - started < 10.0  # noticed at once, not at the cap
    await fake.aclose()


async def test_an_unreadable_answer_fails_at_once_not_at_the_cap(tmp_path: Path) -> None:
    fake = checker(tmp_path, "garbage", start_timeout=20.0)
    started = time.perf_counter()
    with pytest.raises(CheckerError, match="cannot read"):
        await fake.diagnose(tmp_path / "a.py", "x = 1\n")
    assert time.perf_counter() - started < 10.0
    await fake.aclose()


async def test_a_crashed_server_is_restarted_on_the_next_check(tmp_path: Path) -> None:
    fake = checker(tmp_path, "crash-once")
    try:
        with pytest.raises(CheckerError, match="exited"):
            await fake.diagnose(tmp_path / "a.py", "y = obj.fooz\n")
        found = await fake.diagnose(tmp_path / "a.py", "y = obj.fooz\n")
        assert [d.code for d in found] == ["reportAttributeAccessIssue"]
    finally:
        await fake.aclose()
    assert count(tmp_path / "bin", "starts") == 2


async def test_repeated_failures_switch_pyright_off_for_a_while(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake = checker(tmp_path, "die")
    for _ in range(pyright_module.MAX_FAILURES):
        with pytest.raises(CheckerError):
            await fake.diagnose(tmp_path / "a.py", "x = 1\n")
    with pytest.raises(CheckerError, match="off for"):
        await fake.diagnose(tmp_path / "a.py", "x = 1\n")
    assert count(tmp_path / "bin", "starts") == pyright_module.MAX_FAILURES  # not started again
    clock = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: clock() + 2 * pyright_module.RETRY_AFTER_S)
    with pytest.raises(CheckerError, match=r"exited|failed"):  # tried again once the pause is over
        await fake.diagnose(tmp_path / "a.py", "x = 1\n")
    await fake.aclose()


@pytest.mark.slow
async def test_real_pyright_reports_and_stays_warm(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    path = tmp_path / "mod.py"
    path.write_text(FIXED)
    real = PyrightChecker(tmp_path, timeout=60, start_timeout=120)
    try:
        started = time.perf_counter()
        cold = await real.diagnose(path, BROKEN)
        cold_s = time.perf_counter() - started
        messages = [d.message for d in cold if d.severity == "error"]
        assert any("sqroot" in m for m in messages), messages
        assert any(d.line == 2 and d.code == "reportAssignmentType" for d in cold), cold
        assert real.server_info.startswith("basedpyright")
        started = time.perf_counter()
        warm = await real.diagnose(path, FIXED)
        warm_s = time.perf_counter() - started
        assert [d for d in warm if d.severity == "error"] == []
        again = await real.diagnose(path, BROKEN + "\n")
        assert {d.message for d in again} == {d.message for d in cold}
        assert warm_s < 3.0 and warm_s < cold_s, (cold_s, warm_s)
    finally:
        await real.aclose()
    assert real._session is None
