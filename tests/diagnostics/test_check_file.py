"""The engine's check of a buffer (``holepilot check``): basedpyright when installed, which
checkers ran and why one did not, and a built-in verdict within the cap when pyright hangs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from completion import pyright as pyright_module
from completion.api import Engine
from completion.errors import ConfigError
from tests.diagnostics.fake_pyright import count, fake_server

SOURCE = "import os\n\nvalue = os.path.joinn('a')\nother = obj.fooz\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (tmp_path / "mod.py").write_text(SOURCE)
    return tmp_path


def on_path(monkeypatch: pytest.MonkeyPatch, folder: Path | None) -> None:
    """Only ``folder`` on PATH (it comes before the server next to the interpreter); with None,
    no server anywhere."""
    if folder is None:
        monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    monkeypatch.setenv("PATH", str(folder) if folder else "/nonexistent")


async def test_pyright_joins_the_verdict_when_installed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path(monkeypatch, fake_server(project / "bin", "answer").parent)
    engine = Engine(project)
    try:
        checked = await engine.check_file(str(project / "mod.py"))
    finally:
        await engine.aclose()
    assert checked.checkers == ("builtin", "pyright")
    assert any(d.source == "pyright" and d.line == 3 for d in checked.diagnostics), checked.diagnostics
    assert any(d.source != "pyright" for d in checked.diagnostics)


async def test_a_hung_pyright_gives_the_builtin_verdict_within_the_cap(project: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    on_path(monkeypatch, fake_server(project / "bin", "hang").parent)
    monkeypatch.setattr(pyright_module, "START_TIMEOUT_S", 1.0)
    engine = Engine(project)
    builtin_only = engine.check(str(project / "mod.py"))
    try:
        started = time.perf_counter()
        checked = await engine.check_file(str(project / "mod.py"))
        elapsed = time.perf_counter() - started
    finally:
        await engine.aclose()
    assert elapsed < 1.0 + 5.0
    assert checked.checkers == ("builtin",)
    assert list(checked.diagnostics) == builtin_only
    [skipped] = [run for run in checked.runs if not run.ran]
    assert skipped.name == "pyright" and "did not answer within 1 s" in skipped.reason


async def test_a_dead_pyright_is_restarted_for_the_next_check(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fake_server(project / "bin", "crash-once").parent
    on_path(monkeypatch, folder)
    engine = Engine(project)
    try:
        first = await engine.check_file(str(project / "mod.py"))
        second = await engine.check_file(str(project / "mod.py"))
    finally:
        await engine.aclose()
    assert first.checkers == ("builtin",) and "exited" in first.runs[1].reason
    assert second.checkers == ("builtin", "pyright")
    assert count(folder, "starts") == 2


async def test_missing_pyright_is_said_and_required_pyright_is_an_error(project: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    on_path(monkeypatch, None)
    engine = Engine(project)
    try:
        checked = await engine.check_file(str(project / "mod.py"))
        assert checked.checkers == ("builtin",)
        assert "pip install basedpyright" in checked.runs[1].reason
        with pytest.raises(ConfigError, match="pip install basedpyright"):
            await engine.check_file(str(project / "mod.py"), pyright=True)
        off = await engine.check_file(str(project / "mod.py"), pyright=False)
        assert [run.name for run in off.runs] == ["builtin"]
    finally:
        await engine.aclose()
