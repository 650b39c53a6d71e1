"""The real basedpyright language server, kept warm across checks."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from completion.errors import ConfigError
from completion.pyright import (
    PyrightChecker,
    encode_message,
    find_server,
    read_message,
    to_diagnostics,
)

try:
    find_server()
    HAVE_PYRIGHT = True
except ConfigError:
    HAVE_PYRIGHT = False

needs_pyright = pytest.mark.skipif(not HAVE_PYRIGHT, reason="basedpyright is not installed")

BROKEN = "import math\n\nvalue: int = 'three'\nroot = math.sqroot(2)\n"
FIXED = "import math\n\nvalue: int = 3\nroot = math.sqrt(2)\n"


async def test_framing_round_trip() -> None:
    reader = asyncio.StreamReader()
    message = {"jsonrpc": "2.0", "id": 1, "result": {"text": "héllo 😀"}}
    reader.feed_data(encode_message(message) + encode_message({"jsonrpc": "2.0", "method": "x"}))
    reader.feed_eof()
    assert await read_message(reader) == message
    assert await read_message(reader) == {"jsonrpc": "2.0", "method": "x"}
    assert await read_message(reader) is None


def test_utf16_columns_become_code_points() -> None:
    text = "s = '😀😀' + nme\n"
    item = {"range": {"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 16}},
            "severity": 1, "message": '"nme" is not defined', "code": "reportUndefinedVariable"}
    hint = {**item, "severity": 4}
    [d] = to_diagnostics([item, hint], text)
    assert (d.column, d.end_column, d.source, d.code) == (11, 14, "pyright", "reportUndefinedVariable")
    assert text[d.column:d.end_column] == "nme"


async def test_missing_server_is_a_config_error(tmp_path: Path) -> None:
    checker = PyrightChecker(tmp_path, command=[str(tmp_path / "no-such-langserver"), "--stdio"])
    with pytest.raises(ConfigError, match="pip install basedpyright"):
        await checker.diagnose(tmp_path / "a.py", "x = 1\n")
    await checker.aclose()


def test_find_server_names_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="pip install basedpyright"):
        find_server()


@needs_pyright
@pytest.mark.slow
@pytest.mark.parametrize("pull", [True, False], ids=["pulled", "pushed"])
async def test_real_pyright_reports_and_stays_warm(tmp_path: Path, pull: bool) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    path = tmp_path / "mod.py"
    path.write_text(FIXED)
    checker = PyrightChecker(tmp_path, timeout=60)
    checker._pull = pull
    try:
        started = time.perf_counter()
        cold = await checker.diagnose(path, BROKEN)
        cold_s = time.perf_counter() - started
        messages = [d.message for d in cold if d.severity == "error"]
        assert any("sqroot" in m for m in messages), messages
        assert any(d.line == 2 and d.code == "reportAssignmentType" for d in cold), cold
        started = time.perf_counter()
        warm = await checker.diagnose(path, FIXED)
        warm_s = time.perf_counter() - started
        assert [d for d in warm if d.severity == "error"] == []
        again = await checker.diagnose(path, BROKEN)
        assert {d.message for d in again} == {d.message for d in cold}
        assert warm_s < 3.0 and warm_s < cold_s, (cold_s, warm_s)
    finally:
        await checker.aclose()
    assert checker._process is None
