"""Small projects on disk for the tests, with their on-disk index kept beside them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def numbered_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int, module: Callable[[int], str]
) -> Path:
    """``proj/pkg/m0.py`` … ``m{count-1}.py`` holding ``module(i)``; the index cache in ``cache/``."""
    monkeypatch.setenv("HOLEPILOT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for i in range(count):
        (root / "pkg" / f"m{i}.py").write_text(module(i), encoding="utf-8")
    return root
