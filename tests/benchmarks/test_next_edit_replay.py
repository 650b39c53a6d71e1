"""The next-edit replay benchmark on a tiny git repository built in a temporary directory: its
commits read back as hunks in file order, the file states between hunks, and a replay whose
first case is hit by the ripple of a renamed function."""

from __future__ import annotations

import asyncio
import subprocess
import textwrap
from pathlib import Path

import pytest

from benchmarks.next_edit_replay import (
    Hunk,
    ReplayError,
    check_repository,
    main,
    read_commits,
    replay,
    states,
    summary,
    table,
    target_lines,
)

BEFORE = {
    "shapes.py": """\
        def scale(x: int) -> int:
            return x * 2
        """,
    "one.py": """\
        from shapes import scale


        def first() -> int:
            return scale(1)
        """,
    "two.py": """\
        from shapes import scale


        def second() -> int:
            return scale(2)
        """,
    "notes.txt": "not python\n",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


def commit(root: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, BEFORE, "first")
    renamed = {name: text.replace("scale", "resize") for name, text in BEFORE.items() if name.endswith(".py")}
    commit(root, {**renamed, "notes.txt": "changed\n"}, "rename scale")
    return root


def test_commits_are_read_as_hunks_in_file_order(repo: Path) -> None:
    [only] = read_commits(check_repository(repo), limit=5, scan=50)  # the root commit has no parent
    assert [(h.path, h.old_start, h.old_count) for h in only.hunks] == [
        ("one.py", 0, 1), ("one.py", 4, 1), ("shapes.py", 0, 1), ("two.py", 0, 1), ("two.py", 4, 1)]
    assert only.files() == ["one.py", "shapes.py", "two.py"]


def test_file_states_between_hunks_and_where_the_next_hunk_lies() -> None:
    old, new = "a\nb\nc\nd\n", "A\nb\nc\nx\nd\n"
    hunks = [Hunk("f.py", 0, 1, 0, 1), Hunk("f.py", 3, 0, 3, 1)]
    assert states(old, new, hunks) == [old, "A\nb\nc\nd\n", new]
    assert target_lines(hunks[0]) == (0, 0)
    assert target_lines(hunks[1]) == (2, 3)  # an insertion: the line before or the line after it


def test_the_replay_hits_the_next_call_site_after_a_rename_and_prints_a_table(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commits = read_commits(repo, limit=5, scan=50)
    cases = asyncio.run(replay(repo, commits, per_commit=10))
    assert [c.k for c in cases] == [1, 2, 3, 4]
    # After one.py's import was renamed, the definition is still ``scale``: nothing is proposed
    # for one.py's call... but once shapes.py's definition is renamed (k=3), two.py's import is
    # the first proposal.
    by_k = {c.k: c for c in cases}
    assert by_k[3].proposed and by_k[3].hit_at == 1
    assert by_k[4].hit_at is not None and by_k[4].hit_at <= 3
    s = summary(cases)
    assert s["cases"] == 4 and s["commits"] == 1 and s["hit@3"] is not None
    assert "| hit@1 | hit@3 |" in table("repo", cases)
    assert main(["--repo", str(repo), "--commits", "1"]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith("| repo | 1 | 4 |")


def test_a_directory_that_is_no_repository_is_one_clear_line(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ReplayError):
        check_repository(tmp_path / "missing")
    assert main(["--repo", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "not a git repository" in err[0]
