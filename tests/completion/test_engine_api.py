"""The engine's public interface is what the front ends and the engine's own helpers use:
nothing outside :mod:`completion.api` reaches into its private members."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path

import pytest

from completion.api import Engine
from completion.history import EditHistory
from completion.settings import Settings

REPO = Path(__file__).resolve().parents[2]
# ``engine._x``, ``self.engine._x``, ``session.engine._x`` and ``getattr(engine, "_x")``
PRIVATE_ACCESS = re.compile(r"\bengine\)?\._[a-z]|getattr\(\s*engine\s*,\s*[\"']_")


def sources_outside_the_facade() -> list[Path]:
    files = [p for folder in ("cli", "lsp_server", "completion", "holepilot") for p in (REPO / folder).rglob("*.py")]
    return [p for p in files if p != REPO / "completion" / "api.py"]


@pytest.mark.parametrize("path", sources_outside_the_facade(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_private_member_of_the_engine_is_used_outside_it(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert not PRIVATE_ACCESS.search(line), f"{path.name}:{number}: {line.strip()}"


async def test_run_analysis_runs_on_the_one_analysis_thread(tmp_path: Path) -> None:
    engine = Engine(tmp_path, Settings(backend="static"))
    try:
        names = {await engine.run_analysis(lambda: threading.current_thread().name) for _ in range(3)}
        assert len(names) == 1 and next(iter(names)).startswith("holepilot-analysis")
        assert await engine.run_analysis(divmod, 7, 2) == (3, 1)
    finally:
        await engine.aclose()


def test_use_history_gives_the_history_the_engine_root(tmp_path: Path) -> None:
    engine = Engine(tmp_path, Settings(backend="static"))
    history = EditHistory(5)
    engine.use_history(history)
    assert engine.history is history and history.root == tmp_path.resolve()
    asyncio.run(engine.aclose())
