"""``holepilot next-edit``: one file against its previous text, a batch of JSON lines, bad input
as one clear line; and the front ends' guard, a file changed on disk while its edits were
computed (read again, never an edit against the old text)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from completion.api import Engine
from completion.next_edits import NextEditsReport, NextEditsRequest
from completion.settings import Settings
from tests.support.next_edits import GEO, USE, apply_edits

REPO = Path(__file__).resolve().parents[2]

RENAMED = GEO.replace("def scale", "def resize")


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "holepilot", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=180, input=stdin, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "geo.py").write_text(GEO, encoding="utf-8")
    (tmp_path / "use.py").write_text(USE, encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "geo.txt").write_text(GEO, encoding="utf-8")
    return tmp_path


def test_one_file_against_its_previous_text(project: Path) -> None:
    (project / "geo.py").write_text(RENAMED, encoding="utf-8")
    shown = run("next-edit", "geo.py", "--previous", "old/geo.txt", cwd=project)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "geo.py:6:12 renamed scale → resize" and lines[1] == "    resize"
    assert "use.py:5:23 renamed scale → resize" in lines  # 1-based, columns in characters
    assert shown.stderr == "holepilot: 4 edits in 2 files (renamed scale → resize)\n"
    as_json = run("next-edit", "geo.py", "--previous", "old/geo.txt", "--json", cwd=project)
    assert as_json.returncode == 0, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert answer["path"] == "geo.py" and answer["more"] == 0 and isinstance(answer["elapsed_ms"], float)
    by_file = {name: [e for e in answer["edits"] if e["path"] == name] for name in ("geo.py", "use.py")}
    assert apply_edits(RENAMED, by_file["geo.py"]) == GEO.replace("scale", "resize")
    assert apply_edits(USE, by_file["use.py"]) == USE.replace("scale", "resize")
    call = next(e for e in by_file["use.py"] if e["range"]["start"]["line"] == 4)
    assert call["range"]["start"]["character"] == USE.splitlines()[4].index("scale") + 2  # UTF-16


def test_a_batch_answers_every_line_in_order(project: Path) -> None:
    added = GEO.replace("factor: float)", "factor: float, shift: float)")
    lines = [
        json.dumps({"path": "geo.py", "text": added, "previous": GEO}),
        "{not json",
        json.dumps({"path": "geo.py", "text": added}),
        json.dumps({"path": "missing.py", "previous": GEO}),
        json.dumps({"path": "geo.py", "text": GEO, "previous": GEO}),  # nothing changed (or undone)
        json.dumps({"path": str(project / "geo.py"), "text": RENAMED, "previous": GEO}),
    ]
    result = run("next-edit", "--batch", "-", "--root", str(project), cwd=project.parent,
                 stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    first, bad, no_previous, missing, same, absolute = (json.loads(x) for x in result.stdout.splitlines())
    assert first["changes"] == ["added parameter shift: float to scale"]
    assert {e["path"] for e in first["edits"]} == {"geo.py", "use.py"} and len(first["edits"]) == 3
    assert all({"path", "range", "new_text", "reason"} <= set(e) for e in first["edits"])
    after = apply_edits(USE, [e for e in first["edits"] if e["path"] == "use.py"])
    assert after.count("scale(v, 3.0, ") == 1 and "shift=" in after
    assert bad == {"error": "line 2: invalid JSON (Expecting property name enclosed in double quotes)"}
    assert no_previous["error"].startswith("line 3: each line needs 'previous'")
    assert missing["error"].startswith("line 4: ") and "missing.py" in missing["error"]
    assert same["edits"] == [] and same["changes"] == []
    assert {e["path"] for e in absolute["edits"]} == {str(project / "geo.py"), str(project / "use.py")}


def test_the_cap_says_how_many_more(project: Path) -> None:
    line = json.dumps({"path": "geo.py", "text": RENAMED, "previous": GEO})
    result = run("next-edit", "--batch", "-", "--root", ".", "--max-edits", "1", cwd=project, stdin=line)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert len(answer["edits"]) == 1 and answer["more"] == 3


@pytest.mark.parametrize(("args", "message"), [
    (["geo.py"], "holepilot: next-edit geo.py needs --previous OLD_FILE"),
    (["nowhere.py", "--previous", "old/geo.txt"], "holepilot: nowhere.py: "),
    (["geo.py", "--previous", "old/nowhere.txt"], "holepilot: old/nowhere.txt: "),
    ([], "holepilot next-edit: needs PATH or --batch FILE"),
    (["--batch", "-", "--previous", "old/geo.txt"], "holepilot: --previous is for one file"),
])
def test_bad_input_is_one_line(project: Path, args: list[str], message: str) -> None:
    result = run("next-edit", *args, cwd=project, stdin="")
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""


# -- a file that changes on disk while its edits are computed ----------------------------------------
def changing_engine(project: Path, changes: int) -> tuple[Engine, list[int]]:
    """An engine whose first ``changes`` computations are each followed by an edit of use.py on
    disk (its lines move down), as an editor or a formatter would do meanwhile."""
    engine = Engine(project, Settings(backend="static"))
    compute = engine.next_edits
    calls: list[int] = []

    async def next_edits(request: NextEditsRequest) -> NextEditsReport:
        report = await compute(request)
        calls.append(len(report.edits))
        if len(calls) <= changes:
            use = project / "use.py"
            use.write_text("\n" + use.read_text(encoding="utf-8"), encoding="utf-8")
        return report

    engine.next_edits = next_edits  # type: ignore[method-assign]
    return engine, calls


async def edits_to_show(project: Path, changes: int) -> tuple[NextEditsReport, list[int]]:
    """The edits to show of the rename in geo.py while use.py changes ``changes`` times, and the
    number of edits each computation found."""
    engine, calls = changing_engine(project, changes)
    try:
        report = await engine.next_edits_to_show(NextEditsRequest("geo.py", text=RENAMED, previous=GEO))
    finally:
        await engine.aclose()
    return report, calls


async def test_edits_are_computed_again_when_a_file_changed_on_disk_meanwhile(project: Path) -> None:
    report, calls = await edits_to_show(project, changes=1)
    assert calls == [4, 4]
    use = [e for e in report.to_json()["edits"] if e["path"].endswith("use.py")]
    assert len(use) == 3 and apply_edits("\n" + USE, use) == "\n" + USE.replace("scale", "resize")


async def test_the_edits_of_a_file_that_keeps_changing_are_left_out(project: Path) -> None:
    report, calls = await edits_to_show(project, changes=2)
    assert len(calls) == 2 and [Path(e.path).name for e in report.edits] == ["geo.py"]
    assert "left out the edits of 1 file that changed while they were computed" in report.notes
