"""The static filler offers only code worth showing: never ``Any()`` nor a ``...`` argument, and
its candidates are held back on automatic triggers as a model's are."""

from __future__ import annotations

from pathlib import Path

from completion.api import Engine
from completion.model import HoleRequest
from completion.settings import Settings
from completion.static_filler import static_candidates
from context.api import Analyzer

GEO = "class Point:\n    def __init__(self, x, y) -> None:\n        self.x = x\n        self.y = y\n"
FACTORY = "from geo import Point\n\n\ndef make_point(x: float, y: float) -> Point:\n    return Point(x, y)\n"
USE = "from typing import Any\n\nfrom geo import Point\n\n\ndef run() -> None:\n    p: Point = "
ANY = "from typing import Any\n\n\ndef run() -> None:\n    v: Any = "


def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'w'\n", encoding="utf-8")
    (tmp_path / "geo.py").write_text(GEO, encoding="utf-8")
    (tmp_path / "factory.py").write_text(FACTORY, encoding="utf-8")
    return tmp_path


def candidates(root: Path, text: str) -> tuple[list[str], list[str]]:
    lines = text.split("\n")
    hole = Analyzer(root).hole_context(root / "use.py", len(lines) - 1, len(lines[-1]), text)
    return [h.text for h in hole.relevant_headers], [c.text for c in static_candidates(hole)]


def test_no_call_with_a_placeholder_argument(tmp_path: Path) -> None:
    headers, texts = candidates(workspace(tmp_path), USE)
    assert "Point(x, y) -> Point" in headers  # its parameters have no type: no value to pass
    assert texts == ["make_point(0.0, 0.0)"]


def test_typing_any_is_never_instantiated(tmp_path: Path) -> None:
    headers, texts = candidates(workspace(tmp_path), ANY)
    assert "Any() -> Any" in headers
    assert "Any()" not in texts and not any("..." in t for t in texts)


async def test_an_unverified_static_filling_is_held_back_when_automatic(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    path = root / "use.py"
    path.write_text(USE, encoding="utf-8")
    engine = Engine(root, Settings(backend="static"))
    line, column = USE.count("\n"), len(USE.split("\n")[-1])
    automatic = await engine.complete(HoleRequest(str(path), line, column, text=USE, trigger="automatic"))
    assert automatic.backend == "static"
    assert "undefined name 'make_point'" in automatic.held_back_reason
    explicit = await engine.complete(HoleRequest(str(path), line, column, text=USE, trigger="explicit"))
    assert explicit.text == "make_point(0.0, 0.0)" and not explicit.held_back_reason
    assert not explicit.verified
