"""Plain results of the ripple of an edit (:mod:`context.ripple`): proposed edits, places to fix,
and the text arithmetic they need.

A proposed edit names its file, its range twice — in code points (internal, 0-based) and in
UTF-16 units (what LSP clients and the ``next-edit`` command show) — the new text, why it is
proposed, and the stamp of the file text it was computed against: a front end refuses to apply
an edit whose file no longer has that stamp.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field, replace

from context.diagnose.text import Lines
from context.model import Diagnostic
from context.positions import code_points_to_utf16, position_at

PLACEHOLDER = "..."  # an argument nothing filled yet: valid code, and a hole the user sees


def content_stamp(text: str) -> str:
    """The stamp of a file text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Span:
    """A range of a text: 0-based lines, columns in code points and (``*_character``) in UTF-16
    units, the end exclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    start_character: int
    end_character: int

    def lsp(self) -> dict[str, dict[str, int]]:
        """The range as LSP writes it (UTF-16 characters)."""
        return {
            "start": {"line": self.start_line, "character": self.start_character},
            "end": {"line": self.end_line, "character": self.end_character},
        }


@dataclass(frozen=True)
class Argument:
    """The parameter an added argument fills: its name and annotation, as written in the
    definition at ``defined_in``."""

    name: str
    annotation: str | None
    defined_in: str


@dataclass(frozen=True)
class RippleEdit:
    """One proposed edit: replace ``span`` of ``path`` (whose text has ``stamp``) by ``new_text``.

    ``kind``: ``rename``, ``add-argument``, ``remove-argument``, ``rename-keyword``,
    ``rename-use``, ``repeat`` (a repeated edit generalised), ``predicted`` (a model's guess).
    ``hole`` marks an argument to fill: ``new_text`` is ``before + filling + after`` (the
    filling is :data:`PLACEHOLDER` until one is found); ``problems`` are the new errors the
    checker found with the edit applied (empty: verified)."""

    path: str
    span: Span
    new_text: str
    reason: str
    stamp: str
    kind: str
    start: int  # code-point offsets into the text with ``stamp``
    end: int
    hole: tuple[str, str] | None = None  # (before, after) the filling of an argument to fill
    problems: tuple[Diagnostic, ...] = ()
    filled: bool = False  # the hole got a filling
    argument: Argument | None = None  # of a hole: the parameter it fills

    @property
    def verified(self) -> bool:
        return not self.problems

    def fill(self, filling: str, reason: str | None = None) -> RippleEdit:
        """The edit of a hole with ``filling`` as the argument."""
        before, after = self.hole or ("", "")
        return replace(self, new_text=before + filling + after, reason=reason or self.reason, filled=True)

    @property
    def filling(self) -> str:
        """The argument of a hole's edit as it stands."""
        if self.hole is None:
            return self.new_text
        before, after = self.hole
        return self.new_text[len(before) : len(self.new_text) - len(after)]


@dataclass(frozen=True)
class RippleHole:
    """A place that must change and that no edit fixes: a use that no longer type-checks, a
    dynamic use (``getattr``, ``**kwargs`` forwarding) left alone. 0-based, code points."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    reason: str


@dataclass(frozen=True)
class Ripple:
    """What an edit of a definition implies elsewhere. ``more``: proposals left out by the cap."""

    changes: tuple[str, ...]  # the edits of definitions found, e.g. "renamed scale → resize"
    edits: tuple[RippleEdit, ...] = ()
    holes: tuple[RippleHole, ...] = ()
    notes: tuple[str, ...] = ()
    more: int = 0
    texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # path -> text
    # Lines to check although no edit touches them (uses of a definition whose type changed),
    # by path, with why.
    watch: dict[str, set[int]] = field(default_factory=dict, compare=False, repr=False)
    watch_reason: str = ""
    retired: frozenset[str] = frozenset()  # names the edit took away (old names, removed parameters)

    def files(self) -> list[str]:
        return sorted({e.path for e in self.edits})


class SourceText:
    """A text with its line starts: ast positions (1-based lines, UTF-8 byte columns) to
    code-point offsets, and offsets to :class:`Span`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = Lines(text)
        self.starts = [0]
        for line in self.lines.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def offset(self, lineno: int, byte_col: int) -> int:
        """Code-point offset of an ast position."""
        index = min(max(lineno - 1, 0), len(self.starts) - 1)
        return self.starts[index] + self.lines.column(lineno, byte_col)

    def node_start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def node_end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]

    def line_of(self, offset: int) -> int:
        return position_at(self.text, offset)[0]

    def span(self, start: int, end: int) -> Span:
        sl, sc = position_at(self.text, start)
        el, ec = position_at(self.text, end)
        lines = self.lines.lines
        return Span(sl, sc, el, ec, code_points_to_utf16(lines[sl], sc), code_points_to_utf16(lines[el], ec))


def make_edit(
    source: SourceText, path: str, start: int, end: int, new_text: str, reason: str, kind: str,
    *, stamp: str | None = None, hole: tuple[str, str] | None = None, argument: Argument | None = None,
) -> RippleEdit:
    """An edit of ``source`` (the text of ``path``) between two code-point offsets."""
    return RippleEdit(
        path, source.span(start, end), new_text, reason, stamp or content_stamp(source.text), kind,
        start, end, hole, argument=argument,
    )


def apply_edits(text: str, edits: list[RippleEdit] | tuple[RippleEdit, ...]) -> str:
    """``text`` with the edits applied (their offsets refer to ``text``); overlapping edits after
    the first are left out."""
    out: list[str] = []
    at = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < at:
            continue
        out.append(text[at : edit.start])
        out.append(edit.new_text)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def without_overlaps(edits: list[RippleEdit]) -> list[RippleEdit]:
    """The edits in order, each file's overlapping ones after the first left out (two
    insertions at the same place are kept: both apply)."""
    kept: list[RippleEdit] = []
    last_end: dict[str, int] = {}
    for edit in edits:
        end = last_end.get(edit.path, -1)
        if edit.start < end:
            continue
        kept.append(edit)
        last_end[edit.path] = max(end, edit.end)
    return kept
