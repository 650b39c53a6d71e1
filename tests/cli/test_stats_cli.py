"""``holepilot stats``: the sums of the acceptance log (shown, accepted, partially accepted,
held back; in all and by trigger kind), as a table or JSON; bad input is one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

REPO = Path(__file__).resolve().parents[2]

LOG = [
    {"event": "shown", "trigger": "automatic", "uri": "file:///w/a.py", "line": 1, "character": 4},
    {"event": "shown", "trigger": "automatic", "uri": "file:///w/a.py", "line": 2, "character": 4},
    {"event": "accepted", "trigger": "automatic", "uri": "file:///w/a.py", "line": 1, "character": 4},
    {"event": "partially_accepted", "trigger": "automatic", "acceptedLength": 3, "uri": "file:///w/a.py",
     "line": 2, "character": 4},
    {"event": "held_back", "trigger": "automatic", "uri": "file:///w/a.py", "line": 5, "character": 0},
    {"event": "shown", "trigger": "invoked", "uri": "file:///w/b.py", "line": 0, "character": 0},
    {"event": "shown", "uri": "file:///w/b.py", "line": 0, "character": 0},  # an older record: no trigger
]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "acceptance.jsonl"
    lines = [json.dumps(record) for record in LOG]
    path.write_text("\n".join([*lines[:3], "{not json", *lines[3:]]) + "\n", encoding="utf-8")
    return path


def test_stats_json_counts_each_event_by_trigger_kind(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json", "--log", str(log)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["records"] == len(LOG) and stats["badLines"] == 1
    assert stats["total"] == {"shown": 4, "accepted": 1, "partially_accepted": 1, "held_back": 1,
                              "acceptanceRate": 0.25}
    automatic = stats["byTrigger"]["automatic"]
    assert (automatic["shown"], automatic["accepted"], automatic["partially_accepted"],
            automatic["held_back"], automatic["acceptanceRate"]) == (2, 1, 1, 1, 0.5)
    assert stats["byTrigger"]["invoked"]["shown"] == 1
    assert stats["byTrigger"]["unknown"]["shown"] == 1


def test_stats_table_has_a_row_per_trigger_kind(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--log", str(log)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:5] == ["trigger", "shown", "accepted", "partially", "held"]
    table = {row.split()[0]: row.split()[1:] for row in rows[1:-1]}
    assert table["all"] == ["4", "1", "1", "1", "25.0%"]
    assert table["automatic"] == ["2", "1", "1", "1", "50.0%"]
    assert rows[-1].startswith(f"{len(LOG)} records in ") and "1 unreadable lines skipped" in rows[-1]


def test_stats_reads_the_servers_log_by_default(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (cache / "holepilot").mkdir(parents=True)
    (cache / "holepilot" / "acceptance.jsonl").write_text(json.dumps(LOG[0]) + "\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-m", "holepilot", "stats", "--json"], capture_output=True,
                          text=True, cwd=REPO, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"]["shown"] == 1


def test_stats_without_a_log_yet_is_all_zeros(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty")}
    done = subprocess.run([sys.executable, "-m", "holepilot", "stats", "--json"], capture_output=True,
                          text=True, cwd=REPO, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["records"] == 0 and stats["total"]["shown"] == 0 and stats["total"]["acceptanceRate"] is None


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_stats_of_a_log_that_is_not_there_is_one_line(
    tmp_path: Path, make: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acceptance.jsonl"
    if make == "folder":
        path.mkdir()
    assert main(["stats", "--log", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("holepilot: no acceptance log at ")
