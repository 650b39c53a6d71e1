"""``holepilot complete --trigger``: verified fillings, and a filling the checker still flags
held back on an automatic trigger, against scripted model servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE = (
    """class Point:
    def __init__(self, x: float) -> None:
        self.x = x


def first(p: Point) -> float:
"""
    + "    return \n"
)
HOLE = "geo.py:7:12"
WRONG = "p.xx"  # no such attribute: flagged before and after the repair round


def complete(server: Any, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "holepilot",
        "complete",
        HOLE,
        "--backend",
        "openai",
        "--base-url",
        server.url,
        "--model",
        "m",
        "--max-rounds",
        "1",
        *extra,
    ]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "geo.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def test_json_says_held_back_on_an_automatic_trigger(llm_server: Any, project: Path) -> None:
    result = complete(llm_server([{"answer": WRONG}]), project, "--trigger", "automatic", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["verified"] is False
    assert "xx" in report["held_back_reason"] and "problem" in report["held_back_reason"]
    assert report["candidates"][0] == {**report["candidates"][0], "text": WRONG, "verified": False}
    assert report["shape"].startswith("line")


def test_json_of_an_explicit_trigger_holds_nothing_back(llm_server: Any, project: Path) -> None:
    result = complete(llm_server([{"answer": WRONG}]), project, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["held_back_reason"] == "" and report["text"] == WRONG
    assert report["verified"] is False and report["diagnostics"]


def test_json_of_a_verified_filling(llm_server: Any, project: Path) -> None:
    result = complete(llm_server([{"answer": "p.x"}]), project, "--trigger", "automatic", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["text"], report["verified"], report["held_back_reason"]) == ("p.x", True, "")
    assert report["candidates"][0]["verified"] is True


def test_text_output_says_why_it_was_held_back(llm_server: Any, project: Path) -> None:
    result = complete(llm_server([{"answer": WRONG}]), project, "--trigger", "automatic")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"holepilot: held back '{WRONG}' (automatic trigger): " in result.stderr
    assert "xx" in result.stderr


def test_text_output_of_an_explicit_trigger_shows_the_filling(
    llm_server: Any, project: Path
) -> None:
    result = complete(llm_server([{"answer": WRONG}]), project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == WRONG + "\n"
    assert "the filling still has" in result.stderr and "held back" not in result.stderr


def test_a_bad_trigger_is_one_line_and_exit_2(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "holepilot", "complete", HOLE, "--trigger", "sometimes"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--trigger" in result.stderr
