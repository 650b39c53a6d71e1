"""The streaming benchmark runs end to end on a short answer and prints a row per backend
(its speed goals are the script's business, not a test's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_a_short_run_prints_a_row_per_backend() -> None:
    out = subprocess.run(
        [sys.executable, "benchmarks/streaming.py", "--pace-ms", "5", "--lines", "8",
         "--backends", "ollama,anthropic"],
        cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    rows = [line.split("|")[1:-1] for line in out.stdout.splitlines() if line.startswith("| ") and "`" in line]
    assert [cells[0].strip() for cells in rows] == ["ollama", "anthropic"]
    for cells in rows:
        suggestion, sent, shown, closed = cells[1].strip(), int(cells[5]), int(cells[6]), cells[7].strip()
        assert suggestion == "`p.x + p.y`"
        assert closed == "yes" and sent - shown <= 2
