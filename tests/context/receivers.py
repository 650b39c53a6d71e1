"""The receiver type holepilot infers at a dot: the one helper the receiver tests share."""

from __future__ import annotations

from pathlib import Path

from context.api import Analyzer


def receiver_at(root: Path, files: dict[str, str], path: str) -> str | None:
    """Write ``files`` under ``root`` and infer the receiver at the end of the first line of
    ``path`` that ends with a dot."""
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    text = files[path]
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines) if t.rstrip().endswith("."))
    return Analyzer(root).hole_context(root / path, line, len(lines[line].rstrip()), text).receiver_type
