"""The engine's background indexing: progress by batches, requests meanwhile, the index saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from completion.api import Engine
from completion.model import HoleRequest
from completion.settings import Settings
from tests.support.projects import numbered_package


async def test_indexing_reports_progress_and_lets_requests_use_what_is_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = numbered_package(tmp_path, monkeypatch, 40, lambda i: f"def make{i}() -> int:\n    return {i}\n")
    engine = Engine(root, Settings(backend="static"))
    seen: list[tuple[int, int, bool]] = []
    workspace = engine.analyzer.workspace
    try:
        count = await engine.index_workspace_async(lambda done, total: seen.append((done, total, workspace.indexing)))
        assert count == 40
        assert [done for done, _, _ in seen] == [16, 32, 40] and all(flag for _, _, flag in seen)
        assert not workspace.indexing
        assert any(p.name.endswith(".pickle") for p in (tmp_path / "cache" / "index").iterdir())
        text = "value: int = "
        report = await engine.context_async(HoleRequest(str(root / "use.py"), 0, len(text), text=text))
        assert len(report.hole.relevant_headers) >= 10  # every module, once indexed
    finally:
        await engine.aclose()
