"""The edit history: coalescing, bounds, ordering, budgeted diffs, snapshots and git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from completion.cursorcore import history_messages
from completion.history import EditHistory, changed_lines, clip_snapshots, unified_diff
from completion.tokens import count_tokens
from tests.support.requires import git_program as git_program

BASE = "".join(f"line {i}\n" for i in range(40))


def _type(
    history: EditHistory, path: str, text: str, line: int, word: str, t0: float, gap: float
) -> str:
    """Type ``word`` one character at a time at the end of ``line``; returns the new text."""
    for k, char in enumerate(word):
        lines = text.split("\n")
        lines[line] += char
        new = "\n".join(lines)
        history.record(path, text, new, now=t0 + k * gap)
        text = new
    return text


def test_changed_lines() -> None:
    assert changed_lines("a\nb\nc", "a\nB\nc") == (1, 2, 2)
    assert changed_lines("a\nc", "a\nb\nc") == (1, 1, 2)
    assert changed_lines("same", "same") == (1, 1, 1)


def test_continuous_typing_in_one_region_is_one_step() -> None:
    history = EditHistory(10)
    text = _type(history, "a.py", BASE, 3, "_renamed", t0=0.0, gap=0.3)
    assert len(history) == 1
    step = history.steps[0]
    assert (step.old_text, step.new_text) == (BASE, text)
    assert step.started == 0.0 and step.updated == pytest.approx(0.3 * 7)


def test_nearby_lines_still_coalesce() -> None:
    history = EditHistory(10)
    text = _type(history, "a.py", BASE, 3, "x", t0=0.0, gap=0.1)
    _type(history, "a.py", text, 4, "y", t0=0.5, gap=0.1)
    assert len(history) == 1


def test_a_pause_starts_a_new_step() -> None:
    history = EditHistory(10)
    text = _type(history, "a.py", BASE, 3, "ab", t0=0.0, gap=0.5)
    _type(history, "a.py", text, 3, "cd", t0=0.5 + 2.5, gap=0.5)
    assert len(history) == 2


def test_a_distant_region_starts_a_new_step() -> None:
    history = EditHistory(10)
    text = _type(history, "a.py", BASE, 3, "ab", t0=0.0, gap=0.2)
    _type(history, "a.py", text, 30, "cd", t0=0.6, gap=0.2)
    assert len(history) == 2


def test_another_file_starts_a_new_step_and_order_is_by_time() -> None:
    history = EditHistory(10)
    _type(history, "a.py", BASE, 3, "a", t0=0.0, gap=0.1)
    _type(history, "b.py", BASE, 3, "b", t0=0.2, gap=0.1)
    _type(history, "a.py", BASE.replace("line 3\n", "line 3a\n"), 3, "c", t0=0.4, gap=0.1)
    assert [s.path for s in history.steps] == ["a.py", "b.py", "a.py"]
    assert [s.started for s in history.steps] == sorted(s.started for s in history.steps)


def test_typing_that_undoes_itself_leaves_no_step() -> None:
    history = EditHistory(10)
    typed = BASE.replace("line 3\n", "line 3x\n")
    history.record("a.py", BASE, typed, now=0.0)
    history.record("a.py", typed, BASE, now=0.5)
    assert len(history) == 0


def test_no_op_changes_are_ignored() -> None:
    history = EditHistory(10)
    history.record("a.py", BASE, BASE, now=0.0)
    assert len(history) == 0


def test_bounded_by_max_steps_keeping_the_newest() -> None:
    history = EditHistory(3)
    text = BASE
    for i in range(6):
        new = text + f"step {i}\n"
        history.record("a.py", text, new, now=i * 10.0)
        text = new
    assert len(history) == 3
    assert history.steps[-1].new_text == text
    assert "step 3" in history.steps[0].new_text and "step 3" not in history.steps[0].old_text


def test_bounded_by_bytes() -> None:
    big = "é" * 1000  # 2000 bytes in UTF-8
    history = EditHistory(100, max_bytes=9000)
    for i in range(10):
        history.record(f"f{i}.py", big, big + str(i), now=i * 10.0)
    assert sum(step.size for step in history.steps) <= 9000
    assert len(history) == 2  # each step holds about 4000 bytes
    assert history.steps[-1].path == "f9.py"


def test_zero_steps_records_nothing() -> None:
    history = EditHistory(0)
    history.record("a.py", "a", "b", now=0.0)
    assert len(history) == 0


def _history_of_three() -> EditHistory:
    history = EditHistory(10)
    history.record("a.py", "x = 1\n", "x = 2\n", now=0.0)
    history.record("b.py", "y = 1\n", "y = 2\n", now=10.0)
    history.record("c.py", "z = 1\n", "z = 2\n", now=20.0)
    return history


def test_render_diffs_oldest_to_newest() -> None:
    text = _history_of_three().render_diffs(10_000)
    assert text.index("a/a.py") < text.index("a/b.py") < text.index("a/c.py")
    assert "-x = 1\n+x = 2" in text


def test_render_diffs_keeps_the_newest_when_short() -> None:
    history = _history_of_three()
    one = count_tokens(unified_diff("c.py", "z = 1\n", "z = 2\n") + "\n")
    text = history.render_diffs(one + 3)
    assert "c.py" in text and "b.py" not in text and "a.py" not in text


def test_render_diffs_can_exclude_the_current_file() -> None:
    text = _history_of_three().render_diffs(10_000, exclude_path="c.py")
    assert "a.py" in text and "b.py" in text and "c.py" not in text


@pytest.mark.parametrize("budget", [0, 1, 5, 20, 37, 60, 100, 250, 1000])
def test_render_diffs_never_exceeds_the_budget(budget) -> None:
    history = EditHistory(50)
    text = BASE
    for i in range(30):
        new = text.replace(f"line {i}\n", f"line {i} = ünïcode {i * 7}\n")
        history.record("src/m.py", text, new, now=i * 5.0)
        text = new
    rendered = history.render_diffs(budget)
    assert count_tokens(rendered) <= budget
    if budget >= 100:
        assert rendered  # something fits


def test_render_diffs_shows_paths_relative_to_the_root(tmp_path) -> None:
    history = EditHistory(5, root=tmp_path)
    history.record(str(tmp_path / "pkg" / "m.py"), "a\n", "b\n", now=0.0)
    text = history.render_diffs(1000)
    assert "--- a/pkg/m.py" in text and str(tmp_path) not in text


def test_steps_for_gives_the_snapshots_before_each_step() -> None:
    history = EditHistory(10)
    history.record("a.py", "v1", "v2", now=0.0)
    history.record("b.py", "w1", "w2", now=10.0)
    history.record("a.py", "v2", "v3", now=20.0)
    assert history.steps_for("a.py") == ["v1", "v2"]
    assert history.steps_for("b.py") == ["w1"]
    assert history.steps_for("zzz.py") == []


def test_from_snapshots(tmp_path) -> None:
    paths = []
    for i, text in enumerate(["a = 1\n", "a = 1\nb = 2\n", "a = 1\nb = 2\n", "a = 3\nb = 2\n"], 1):
        path = tmp_path / f"m.py.{i}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    history = EditHistory.from_snapshots(paths, current="a = 3\nb = 4\n")
    assert [s.path for s in history.steps] == [str(tmp_path / "m.py")] * 3
    assert history.steps_for(str(tmp_path / "m.py")) == [
        "a = 1\n",
        "a = 1\nb = 2\n",
        "a = 3\nb = 2\n",
    ]
    assert EditHistory.from_snapshots(paths[:1]).steps == ()


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-C",
            str(root),
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )


@pytest.mark.usefixtures("git_program")
def test_from_git_diff_gives_head_to_working_tree(tmp_path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "pkg").mkdir()
    module = tmp_path / "pkg" / "m.py"
    module.write_text("def f():\n    return 1\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first")
    assert EditHistory.from_git_diff(tmp_path, "pkg/m.py").steps == ()  # clean tree

    module.write_text("def f():\n    return 2\n", encoding="utf-8")
    history = EditHistory.from_git_diff(tmp_path, "pkg/m.py")
    assert len(history) == 1
    assert history.steps[0].old_text == "def f():\n    return 1\n"
    assert history.steps[0].new_text == "def f():\n    return 2\n"
    assert "-    return 1\n+    return 2" in history.render_diffs(500)
    # an absolute path works as well
    assert len(EditHistory.from_git_diff(tmp_path, module)) == 1


@pytest.mark.usefixtures("git_program")
def test_from_git_diff_without_a_repository_or_commit_is_empty(tmp_path) -> None:
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    assert EditHistory.from_git_diff(tmp_path, "m.py").steps == ()
    _git(tmp_path, "init", "-q")
    assert EditHistory.from_git_diff(tmp_path, "m.py").steps == ()  # no HEAD yet
    assert EditHistory.from_git_diff(tmp_path / "missing", "m.py").steps == ()


def test_from_git_diff_without_git_is_empty(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    assert EditHistory.from_git_diff(tmp_path, "m.py").steps == ()


def test_clip_snapshots_follows_the_window_back_through_the_versions() -> None:
    v1 = "import os\n\ndef f():\n    return 1\n\ndef g():\n    pass\n"
    v2 = "import os\nimport sys\n\ndef f():\n    return 1\n\ndef g():\n    pass\n"
    v3 = "import os\nimport sys\n\ndef f():\n    return 2\n\ndef g():\n    pass\n"
    lines = v3.split("\n")
    window = "\n".join(lines[3:5]) + "\n"  # def f(): / return 2
    assert clip_snapshots([v1, v2], v3, 3, 5) == ["def f():\n    return 1\n"] * 2
    (message,) = [m for m in history_messages(clip_snapshots([v2], v3, 3, 5), window, "lc")]
    assert message == "1,2\n```python\n    return 1\n```"


def test_clip_snapshots_takes_a_changed_block_at_the_edge_whole() -> None:
    old = "a\nb\nc\nd\n"
    new = "a\nB\nC\nd\n"  # b, c replaced
    assert clip_snapshots([old], new, 2, 4) == ["b\nc\nd\n"]
    assert clip_snapshots([old], new, 0, 5) == [old]
    assert clip_snapshots([], new, 0, 1) == []
