"""The workspace of the next-edit tests (the CLI's and the server's): ``geo.py`` defines ``scale``,
``use.py`` imports and calls it (after an emoji, two UTF-16 units), and a way to apply the edits
the front ends answer with to a text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from context.positions import lsp_to_internal, offset_at

GEO = """\
def scale(x: float, factor: float) -> float:
    return x * factor


def twice(x: float) -> float:
    return scale(x, 2.0)
"""
USE = """\
from geo import scale


def emoji(v: float) -> str:
    label = "🚀🚀"; y = scale(v, 3.0)
    return label + str(y) + str(scale(factor=1.0, x=v))
"""


def apply_edits(text: str, edits: Iterable[Mapping[str, Any]]) -> str:
    """``text`` with JSON edits: ``range`` in 0-based lines and UTF-16 columns, the new text in
    ``new_text`` (the CLI), ``newText`` (LSP) or ``text`` (Copilot's inline edits)."""
    def offset(at: Mapping[str, int]) -> int:
        return offset_at(text, *lsp_to_internal(text, at["line"], at["character"]))

    def new_text(edit: Mapping[str, Any]) -> str:
        return str(next(edit[key] for key in ("new_text", "newText", "text") if key in edit))

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + new_text(edit) + text[offset(edit["range"]["end"]) :]
    return text
