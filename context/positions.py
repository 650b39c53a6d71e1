"""Every coordinate conversion of holepilot, in one place.

Units:
- *code points*: Python ``str`` indices; our internal columns (0-based).
- *UTF-16 units*: LSP ``Position.character`` (0-based), unless a client negotiates otherwise.
- *bytes*: tree-sitter offsets and points (UTF-8).
- jedi uses 1-based lines and code-point columns.

Lines are split on ``\\n``; a ``\\r`` before it belongs to the line terminator. Where an edit
lies between two versions of a text (:func:`common_head`, :func:`common_tail`) is found here too.
"""

from __future__ import annotations

from typing import AnyStr, NewType

from context.errors import PositionError

CHUNK = 4096  # texts are compared a chunk at a time (in C), then a character at a time
CodePointColumn = NewType("CodePointColumn", int)
Utf16Column = NewType("Utf16Column", int)


def split_lines(text: str) -> list[str]:
    """Lines without terminators; a final newline yields a final empty line (as editors show)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def utf16_len(s: str) -> int:
    """Number of UTF-16 code units of ``s``."""
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def utf16_to_code_points(line_text: str, character: int) -> CodePointColumn:
    """Map an LSP UTF-16 column to a code-point column, clamping to the line's end.

    A column that falls inside a surrogate pair maps to the character that holds it.
    """
    units = 0
    for index, ch in enumerate(line_text):
        if units >= character:
            return CodePointColumn(index)
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > character:
            return CodePointColumn(index)
    return CodePointColumn(len(line_text))


def code_points_to_utf16(line_text: str, column: int) -> Utf16Column:
    """Map a code-point column to UTF-16 units."""
    return Utf16Column(utf16_len(line_text[:column]))


def offset_at(text: str, line: int, column: int, *, strict: bool = True) -> int:
    """Code-point offset of (line, column); raises :class:`PositionError` when outside.

    With ``strict=False`` a column past the line's end is clamped to it.
    """
    if line < 0 or column < 0:
        raise PositionError(f"negative position {line + 1}:{column + 1}")
    start = 0
    for _ in range(line):
        newline = text.find("\n", start)
        if newline < 0:
            raise PositionError(
                f"line {line + 1} is outside the file ({text.count(chr(10)) + 1} lines)"
            )
        start = newline + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line_len = end - start - (1 if end > start and text[end - 1] == "\r" else 0)
    if column > line_len:
        if strict:
            raise PositionError(
                f"column {column + 1} is outside line {line + 1} (which has {line_len} characters)"
            )
        column = line_len
    return start + column


def position_at(text: str, offset: int) -> tuple[int, int]:
    """(line, code-point column) of a code-point offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start


def byte_column(line_text: str, column: int) -> int:
    """Byte column (UTF-8) of a code-point column: what tree-sitter points use."""
    return len(line_text[:column].encode("utf-8"))


def code_point_column(line_bytes: bytes, byte_col: int) -> int:
    """Code-point column of a UTF-8 byte column in one line."""
    return len(line_bytes[:byte_col].decode("utf-8", errors="replace"))


def tree_sitter_point(data: bytes, byte_offset: int) -> tuple[int, int]:
    """Tree-sitter's point of a byte offset into UTF-8 ``data``: (row, byte column)."""
    return data.count(b"\n", 0, byte_offset), byte_offset - (data.rfind(b"\n", 0, byte_offset) + 1)


def byte_offset_to_code_points(data: bytes, byte_offset: int) -> int:
    """Code-point offset of a byte offset into UTF-8 ``data``."""
    return len(data[:byte_offset].decode("utf-8", errors="replace"))


def lsp_to_internal(text: str, line: int, character: int) -> tuple[int, int]:
    """LSP (line, UTF-16 character) to internal (line, code-point column), clamped to the line."""
    lines = split_lines(text)
    if line < 0 or line >= len(lines):
        raise PositionError(f"line {line + 1} is outside the document ({len(lines)} lines)")
    return line, utf16_to_code_points(lines[line], character)


def internal_to_lsp(text: str, line: int, column: int) -> tuple[int, int]:
    """Internal (line, code-point column) to LSP (line, UTF-16 character)."""
    lines = split_lines(text)
    if line >= len(lines):
        return len(lines) - 1, utf16_len(lines[-1])
    return line, code_points_to_utf16(lines[line], column)


def jedi_position(line: int, column: int) -> tuple[int, int]:
    """jedi's (1-based line, code-point column) of an internal position."""
    return line + 1, column


def common_head(a: AnyStr, b: AnyStr) -> int:
    """Length of the common prefix of two texts (``str`` or UTF-8 ``bytes``)."""
    limit = min(len(a), len(b))
    at = 0
    while at + CHUNK <= limit and a[at : at + CHUNK] == b[at : at + CHUNK]:
        at += CHUNK
    while at < limit and a[at] == b[at]:
        at += 1
    return at


def common_tail(a: AnyStr, b: AnyStr, limit: int | None = None) -> int:
    """Length of the common suffix of two texts, at most ``limit`` (the shorter one's length)."""
    limit = min(len(a), len(b)) if limit is None else limit
    n = 0
    while n + CHUNK <= limit and a[len(a) - n - CHUNK : len(a) - n] == b[len(b) - n - CHUNK : len(b) - n]:
        n += CHUNK
    while n < limit and a[len(a) - n - 1] == b[len(b) - n - 1]:
        n += 1
    return n
