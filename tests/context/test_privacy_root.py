"""A workspace inside a folder that an outer repository ignores still sees its own files
(regression: every file of such a workspace used to count as private)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from context.api import Analyzer
from tests.support.requires import git_program as git_program


@pytest.mark.usefixtures("git_program")
def test_workspace_ignored_by_an_outer_repository_is_still_indexed(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("downloads/\n", encoding="utf-8")
    project = tmp_path / "downloads" / "pkg-1.0"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (project / "pkg" / "a.py").write_text("def f() -> int:\n    return 1\n", encoding="utf-8")
    (project / ".gitignore").write_text("local_*.py\n", encoding="utf-8")
    (project / "pkg" / "local_settings.py").write_text("X = 1\n", encoding="utf-8")
    names = {p.name for p in Analyzer(project).workspace.files()}
    assert "a.py" in names
    assert "local_settings.py" not in names, "the workspace's own ignore rules still apply"


@pytest.mark.usefixtures("git_program")
def test_an_environment_inside_the_root_is_read_not_treated_as_ignored(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(".venv/\n", encoding="utf-8")
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "vendorlib"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("class Widget:\n    size: int\n", encoding="utf-8")
    analyzer = Analyzer(tmp_path)
    summary = analyzer.workspace.summary_for_path(site / "__init__.py")
    assert summary is not None and "Widget" in summary.classes
    assert analyzer.workspace.module("typing") is not None, "typeshed stubs are readable"
