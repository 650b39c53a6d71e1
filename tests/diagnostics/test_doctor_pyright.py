"""``holepilot doctor`` reports basedpyright: found or not (one line and the fix), its version,
and whether it answered a probe — whatever holepilot.pyright says, since ``check`` uses it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from completion import pyright as pyright_module
from completion.api import Engine
from completion.doctor import check_pyright
from completion.settings import Settings
from tests.diagnostics.fake_pyright import fake_server


async def doctor_check(root: Path) -> tuple[bool, str, str]:
    engine = Engine(root, Settings(backend="static"))
    try:
        check = await check_pyright(engine)
    finally:
        await engine.aclose()
    return check.ok, check.detail, check.fix


async def test_a_found_pyright_reports_its_version_and_the_probe(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    script = fake_server(tmp_path / "bin", "answer")
    monkeypatch.setenv("PATH", str(script.parent))
    ok, detail, _ = await doctor_check(tmp_path)
    assert ok, detail
    assert detail.startswith("fakepyright 9.9") and str(script) in detail and "answered a probe" in detail


async def test_a_missing_pyright_fails_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    ok, detail, fix = await doctor_check(tmp_path)
    assert not ok and "not found" in detail and "\n" not in detail
    assert "pip install basedpyright" in fix


async def test_a_hung_pyright_fails_within_its_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fake_server(tmp_path / "bin", "hang").parent))
    monkeypatch.setattr(pyright_module, "START_TIMEOUT_S", 1.0)
    ok, detail, _ = await doctor_check(tmp_path)
    assert not ok and "did not answer within 1 s" in detail
