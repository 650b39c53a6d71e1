"""The client's reference copy of a document, edited in LSP terms (UTF-16 positions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lsp_lines(text: str) -> list[str]:
    """Lines without their ends, split the way LSP does (CRLF, CR, LF only)."""
    return LINE_BREAK.split(text)


def utf16_len(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def utf16_boundaries(line: str) -> list[int]:
    """Every UTF-16 column of ``line`` that falls between two code points."""
    columns = [0]
    for char in line:
        columns.append(columns[-1] + (2 if ord(char) > 0xFFFF else 1))
    return columns


def offset_of(text: str, line: int, character: int) -> int:
    """Code-point offset of an LSP position (valid line, column on a code-point boundary)."""
    starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
    line_text = lsp_lines(text)[line]
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return starts[line] + index
        units += 2 if ord(char) > 0xFFFF else 1
    return starts[line] + len(line_text)


@dataclass
class Document:
    uri: str
    text: str
    version: int = 1

    def apply(self, start: tuple[int, int], end: tuple[int, int], new_text: str) -> None:
        a = offset_of(self.text, *start)
        b = offset_of(self.text, *end)
        self.text = self.text[:a] + new_text + self.text[b:]

    def end_position(self) -> tuple[int, int]:
        lines = lsp_lines(self.text)
        return len(lines) - 1, utf16_len(lines[-1])
