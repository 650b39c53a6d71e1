"""Golden files: exact renderings pinned in ``tests/golden/prompts``.

Set ``HOLEPILOT_UPDATE_GOLDEN=1`` to rewrite them after an intended format change, then
review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "prompts"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("HOLEPILOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.is_file(), f"golden file {name} is missing; run with HOLEPILOT_UPDATE_GOLDEN=1"
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"rendering differs from golden file {name}"
