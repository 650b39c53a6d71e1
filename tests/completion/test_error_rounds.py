"""End to end: ``holepilot complete`` against real scripted model servers on 127.0.0.1.

The server answers first with a wrong filling, and with the right one only when the request
carries holepilot's error report: the right one must come out, after a second round.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "shapes"
REPORT = EXAMPLE / "shapes" / "report.py"

CASES = {
    # name: (position, wrong filling, words of the report, right filling)
    "attribute": ("26:14", "cornr", "has no attribute", "corner"),
    "name": ("30:21", "Pointt(1.0, 2.0)", "undefined name", "Point(1.0, 2.0)"),
    "arity": ("20:31", "factor, 2.0", "positional argument", "factor"),
    "syntax": ("30:21", "Point(1.0, (2.0)", "syntax", "Point(1.0, 2.0)"),
}


def complete(
    position: str, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "holepilot",
            "complete",
            f"{REPORT}:{position}",
            "--json",
            *options,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_round_repairs_the_filling(llm_server: Any, case: str) -> None:
    position, wrong, words, right = CASES[case]
    server = llm_server([{"match": words, "answer": right}, {"answer": wrong}])
    result = complete(position, "--backend", "openai", "--base-url", server.url, "--model", "m")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == right
    assert [r["candidate"] for r in data["rounds"]] == [wrong, right]
    assert data["rounds"][0]["diagnostics"], "the wrong filling must be flagged"
    assert data["diagnostics"] == []
    second = json.dumps(server.requests[1]["messages"])
    assert words in second


@pytest.mark.parametrize(
    "backend,extra",
    [
        ("ollama", ["--profile", "qwen"]),
        ("llamacpp", []),
        ("openai-completions", ["--profile", "starcoder"]),
        ("anthropic", []),
    ],
)
def test_every_wire_format_fills_the_hole(llm_server: Any, backend: str, extra: list[str]) -> None:
    server = llm_server([{"answer": "corner"}], models=["m"])
    result = complete(
        "26:14",
        "--backend",
        backend,
        "--base-url",
        server.url,
        "--model",
        "m",
        *extra,
        env={"ANTHROPIC_API_KEY": "test-key"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "corner"
    body = json.dumps(
        server.requests[-1].body if hasattr(server.requests[-1], "body") else server.requests[-1]
    )
    assert "Rectangle" in body, "the typed context travels in the request"


def test_max_rounds_bounds_the_repair(llm_server: Any) -> None:
    server = llm_server([{"answer": "cornr"}])
    result = complete(
        "26:14",
        "--backend",
        "openai",
        "--base-url",
        server.url,
        "--model",
        "m",
        "--max-rounds",
        "1",
    )
    data = json.loads(result.stdout)
    assert len(data["rounds"]) == 2 and len(server.requests) == 2
    assert data["text"] == "cornr" and "has no attribute" in data["diagnostics"][0]["message"]


def test_unreachable_backend_is_one_clear_line_and_exit_3() -> None:
    result = complete(
        "26:14", "--backend", "openai", "--base-url", "http://127.0.0.1:9", "--model", "m"
    )
    assert result.returncode == 3
    assert result.stderr.strip().count("\n") == 0
    assert (
        "openai backend at http://127.0.0.1:9" in result.stderr and "unreachable" in result.stderr
    )
