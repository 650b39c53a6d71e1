"""The typing-burst benchmark runs end to end (a few keys) and prints every row of its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_a_short_burst_prints_the_whole_table() -> None:
    out = subprocess.run(
        [sys.executable, "benchmarks/typing_burst.py", "--keys", "4", "--accept-keys", "2"],
        cwd=REPO, capture_output=True, text=True, timeout=240, check=True,
    )
    rows = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("|") for line in out.stdout.splitlines()[2:])
    )
    assert rows["requests"] == "4"
    assert rows["errors"] == "0"
    assert rows["last request outcome"] in ("answered", "empty")
    for timed in ("cold start to first inline completion (ms), empty index",
                  "restart to first inline completion (ms), on-disk index"):
        assert float(rows[timed]) > 0
    assert "context" in rows["cache hit rates"]
