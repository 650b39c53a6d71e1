"""The on-disk index: a second start reads summaries back instead of parsing files again."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.api import Analyzer
from tests.support.projects import numbered_package


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return numbered_package(tmp_path, monkeypatch, 5, lambda i: f"def f{i}(x: int) -> int:\n    return x\n")


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


def test_the_checkers_facts_of_other_modules_are_read_back(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pkg" / "shapes.py").write_text(
        "class Shape:\n    def __init__(self) -> None:\n        self.size = 1\n", encoding="utf-8"
    )
    user = project / "pkg" / "use.py"
    text = "from pkg.shapes import Shape\n\nShape().sise\n"
    first = index(project)
    assert any("sise" in p.message for p in first.diagnose(user, text))
    first.workspace.disk.save()
    second = Analyzer(project)
    stored = second.workspace.disk._load()
    assert any(key.startswith("facts:") for key in stored)
    from context.diagnose import scopes

    scopes._FACTS_CACHE.clear()  # a new process
    computed: list[str] = []
    real = scopes.module_facts
    monkeypatch.setattr(scopes, "module_facts", lambda *a, **k: computed.append(a[1]) or real(*a, **k))
    assert any("sise" in p.message for p in second.diagnose(user, text))
    assert "pkg.shapes" not in computed and "builtins" not in computed


def test_a_cache_of_another_code_version_is_not_read_and_is_removed(project: Path) -> None:
    first = index(project)
    other = first.workspace.disk.file.parent / (first.workspace.disk._name + "-v3-000000000000.pickle")
    other.write_bytes(b"written by another version")
    (project / "pkg" / "m9.py").write_text("def f9() -> int:\n    return 9\n", encoding="utf-8")
    again = index(project)
    assert not other.exists()
    assert again.workspace.disk.file.exists()


def test_while_indexing_a_request_does_not_parse_the_whole_workspace(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from context import workspace as ws

    analyzer = Analyzer(project)
    workspace = analyzer.workspace
    first = workspace.files()[0]
    workspace.summary_for_path(first)
    workspace.indexing = True
    monkeypatch.setattr(ws, "INLINE_INDEX_BUDGET_S", 0.0)
    assert [s.path for s in workspace.all_summaries()] == [str(first)]
    text = "def use() -> int:\n    return "
    hole = analyzer.hole_context(project / "pkg" / "use.py", 1, 11, text)
    assert hole.notes == ("the workspace is being indexed: 4 files were not searched for headers yet",)
    monkeypatch.setattr(ws, "INLINE_INDEX_BUDGET_S", 5.0)  # a small workspace fits the budget
    assert len(list(workspace.all_summaries())) == 5
    workspace.indexing = False
    assert len(list(workspace.all_summaries())) == 5
    assert analyzer.hole_context(project / "pkg" / "use.py", 1, 11, text).notes == ()
