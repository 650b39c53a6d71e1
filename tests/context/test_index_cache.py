"""The on-disk index: a second start reads summaries back instead of parsing files again."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.api import Analyzer


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOLEPILOT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for i in range(5):
        (root / "pkg" / f"m{i}.py").write_text(f"def f{i}(x: int) -> int:\n    return x\n", encoding="utf-8")
    return root


def index(root: Path) -> Analyzer:
    analyzer = Analyzer(root)
    for path in analyzer.workspace.files():
        analyzer.workspace.summary_for_path(path)
    analyzer.workspace.disk.save()
    return analyzer


def test_a_restart_reads_the_index_back(project: Path) -> None:
    first = index(project)
    assert first.workspace.disk.misses == 5 and first.workspace.disk.hits == 0
    second = index(project)
    assert second.workspace.disk.hits == 5 and second.workspace.disk.misses == 0
    assert "f3" in second.workspace.module("pkg.m3").functions  # type: ignore[union-attr]


def test_a_changed_file_is_parsed_again(project: Path) -> None:
    index(project)
    (project / "pkg" / "m1.py").write_text("def g(x: str) -> str:\n    return x\n", encoding="utf-8")
    again = index(project)
    assert again.workspace.disk.misses == 1
    assert "g" in again.workspace.module("pkg.m1").functions  # type: ignore[union-attr]


def test_a_damaged_cache_is_only_a_slower_start(project: Path) -> None:
    first = index(project)
    first.workspace.disk.file.write_bytes(b"not a pickle")
    again = index(project)
    assert again.workspace.disk.misses == 5


def test_a_module_created_after_listing_is_found_once_the_editor_touches_it(project: Path) -> None:
    analyzer = index(project)
    assert analyzer.workspace.module("pkg.late") is None  # the miss is remembered
    late = project / "pkg" / "late.py"
    late.write_text("def made_later() -> int:\n    return 1\n", encoding="utf-8")
    analyzer.note_file(late)
    assert late.resolve() in analyzer.workspace.files()
    assert "made_later" in analyzer.workspace.module("pkg.late").functions  # type: ignore[union-attr]
