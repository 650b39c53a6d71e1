"""Inputs the fuzzer found, kept as plain regression tests (run through the CLI, which shows
the same analysis as the server without the protocol around it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def context_at(path: Path, line: int, column: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "holepilot", "context", f"{path}:{line}:{column}", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        # found by the fuzzer: the document "0", then "__hole__=" typed in front of it
        ("__hole__=0", 1, 10),
        # the same cycle written by people: a module-level name defined from itself
        ('import os\nPATH = os.environ.get("P", "")\nPATH = PATH + ":x"\n\nvalue = ', 5, 9),
        ("n = 0\nn = n + 1\nm = ", 3, 5),
        ("a = b\nb = a\nc = ", 3, 5),
    ],
)
def test_self_referencing_module_names_do_not_crash_the_analysis(
    tmp_path: Path, source: str, line: int, column: int
) -> None:
    path = tmp_path / "cycle.py"
    path.write_text(source, encoding="utf-8")
    result = context_at(path, line, column)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert "prompt" in json.loads(result.stdout)
