"""The shape of a suggestion, chosen by where the hole is (pure).

    line       inside a line (an argument, a right-hand side, a condition, a statement after
               code on its line): ends at the line end
    brackets   inside brackets: when the rest of the code closes them, ends where the answer's
               own brackets balance (before the closer the code already has) or at the line end;
               when nothing closes them, or the code closes only an outer one (a closer lined
               up with that bracket's line), at the end of the line where the answer closes
               the ones left to it
    block      an empty line after a block opener, or an empty body: ends where the code dedents
               below the block
    statement  an empty line between statements: one statement, ending at its line end, or, when
               that line opens a block (``for x in xs:``), where the code dedents back to it

:meth:`Shape.end` says where the code of an answer ends, or None while it may go on: streaming
stops reading there, and cleaning cuts there, so a suggestion read to its end and one read to the
end of its shape are the same. The limits of each kind are settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from completion.settings import Settings
from context.brackets import CLOSERS, MATCHING, OPENERS, CodeScanner, code_of
from context.brackets import open_brackets as open_code_brackets
from context.model import HoleContext

ShapeKind = Literal["line", "brackets", "block", "statement"]
STATEMENT_LOOKBACK = 40  # lines before the hole searched for the brackets it is in
SUFFIX_LOOKAHEAD = 20  # lines after the hole searched for the closer of those brackets
NEW_DEFINITION = re.compile(r"(async\s+def\s|def\s|class\s|@|if\s+__name__\b)")
# a line that starts a definition (a method in a class, a function in a function): no bracket or
# string is open where it starts
DEFINITION_START = re.compile(r"[ \t]*(async\s+def\s|def\s|class\s|@\w)")
DEFINITION_LOOKBACK = 400  # lines before the hole searched for a statement's start


@dataclass(frozen=True)
class Shape:
    kind: ShapeKind
    reason: str
    max_tokens: int
    # line / brackets: how many brackets open before the hole the answer itself must close
    # (0: none are open, or the code after the hole closes them).
    closes: int = 0
    # block: the column of the block's lines (None: the first line of the answer decides it),
    # the most lines, and whether the answer continues the buffer (a completion model: later
    # lines carry their absolute indentation) rather than being a snippet (a chat model).
    indent: int | None = None
    max_lines: int = 0
    continuation: bool = True

    @property
    def stops(self) -> tuple[str, ...]:
        """Stop sequences a server can apply for this shape: the newline of a one-line shape
        of a completion model (a chat model may open its answer with a fence line)."""
        one_line = self.kind in ("line", "brackets") and self.closes == 0
        return ("\n",) if one_line and self.continuation else ()

    def describe(self) -> str:
        return f"{self.kind} ({self.reason}; at most {self.max_tokens} tokens)"

    def end(self, code: str) -> int | None:
        """Where ``code`` (an answer without its markup, starting at the hole) ends for this
        shape; None while what follows may still belong to it."""
        if self.kind == "block":
            return self._block_end(code)
        if self.kind == "statement":
            return self._statement_end(code)
        return inline_end(code, self.closes)

    def _statement_end(self, code: str) -> int | None:
        end = inline_end(code, 0)
        if end is None or not code_of(code[:end].rsplit("\n", 1)[-1]).rstrip().endswith(":"):
            return end
        # A compound statement: its body is indented deeper than its first line.
        first = code.lstrip("\n")
        width = len(first) - len(first.lstrip())
        column = self.indent if self.continuation and self.indent is not None else width
        lines_seen = 1
        position = end + 1
        lines = code[position:].split("\n")
        for index, line in enumerate(lines):
            if line.strip():
                if len(line) - len(line.lstrip()) <= column:
                    return position - 1
                lines_seen += 1
                if index < len(lines) - 1 and lines_seen >= self.max_lines:
                    return position + len(line)
            position += len(line) + 1
        return None

    def _block_end(self, code: str) -> int | None:
        base: int | None = None
        lines_seen = 0
        blank_before = False
        position = 0
        lines = code.split("\n")
        for index, line in enumerate(lines):
            complete = index < len(lines) - 1
            stripped = line.strip()
            if not stripped:
                blank_before = complete and lines_seen > 0
                position += len(line) + 1
                continue
            width = len(line) - len(line.lstrip())
            if base is None:
                # A completion model's first line starts at the hole, already indented.
                at_hole = self.continuation and index == 0 and self.indent is not None
                base = self.indent if at_hole and self.indent is not None else width
            elif width < base:
                return max(position - 1, 0)  # dedented below the block
            elif blank_before and width <= base and NEW_DEFINITION.match(stripped):
                return max(position - 1, 0)  # a new definition begins after a blank line
            lines_seen += 1
            blank_before = False
            if complete and lines_seen >= self.max_lines:
                return position + len(line)
            position += len(line) + 1
        return None


def inline_end(code: str, closes: int) -> int | None:
    """The end of a one-line answer that must close ``closes`` brackets opened before it: a
    closer it did not open and may not write, or the newline once its brackets balance. Text in
    strings and comments does not count; newlines before any code do not end it."""
    depth = 0
    content = False
    for index, ch in CodeScanner().code(code):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            if depth == -closes:
                return index
            depth -= 1
        elif ch == "\n" and content and depth <= -closes:
            return index
        if not ch.isspace():
            content = True
    return None


def open_brackets(text: str) -> list[tuple[str, int]]:
    """The brackets still open at the end of ``text``, each with the offset of its line's
    start; strings and comments skipped."""
    return [(bracket, text.rfind("\n", 0, offset) + 1) for bracket, offset in open_code_brackets(text)]


def statement_window(prefix: str) -> str:
    """The end of ``prefix`` from the last line within reach that starts a top-level statement
    or a definition (``def``, ``class``, a decorator, at any indentation): a window that starts
    outside any string or bracket in ordinary code. Without one, the last
    :data:`STATEMENT_LOOKBACK` lines."""
    lines = prefix.split("\n")
    for index in range(len(lines) - 2, max(0, len(lines) - DEFINITION_LOOKBACK) - 1, -1):
        line = lines[index]
        head = line[:1]
        if (head and not head.isspace() and head not in "#)]}\"'") or DEFINITION_START.match(line):
            return "\n".join(lines[index:])
    return "\n".join(lines[max(0, len(lines) - STATEMENT_LOOKBACK) :])


def left_open(suffix: str, opened: list[tuple[str, int]], window: str, statement_indent: int) -> int:
    """How many of the brackets open at the hole (``opened``, outermost first, each with its
    line's start in ``window``) the answer must close itself: those inside the bracket that the
    code after the hole closes first, or all of them when nothing after the hole closes one.

    That closer, on the hole's line or within a later line, closes the innermost bracket of its
    kind; one that starts a later line closes the bracket of its kind opened on a line of its
    indentation (a closer lines up with the line that opened it), else the innermost of its
    kind. The code after the hole ends at a line no deeper than the statement's that does not
    open with a closer."""
    found = _first_closer(suffix, statement_indent)
    if found is None:
        return len(opened)
    closer, indent = found
    kinds = [i for i in range(len(opened) - 1, -1, -1) if MATCHING[opened[i][0]] == closer]
    if not kinds:
        return 0
    lined_up = [i for i in kinds if _indent_at(window, opened[i][1]) == indent] if indent is not None else []
    return len(opened) - 1 - (lined_up or kinds)[0]


def _first_closer(suffix: str, statement_indent: int) -> tuple[str, int | None] | None:
    """The first closer in ``suffix`` of a bracket open before it, and the indentation of its
    line when it starts a later line (None: on the hole's line or after code on its line)."""
    depth = 0
    for number, line in enumerate(suffix.split("\n")[:SUFFIX_LOOKAHEAD]):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if number > 0 and stripped and indent <= statement_indent and stripped[0] not in CLOSERS:
            return None
        first = True
        for ch in code_of(line):
            if ch in OPENERS:
                depth += 1
            elif ch in CLOSERS:
                if depth == 0:
                    starts_line = number > 0 and first
                    return ch, indent if starts_line else None
                depth -= 1
            if not ch.isspace():
                first = False
    return None


def block_opener(prefix: str) -> str | None:
    """The line before the hole's line when it opens a block (ends with ``:``), else None."""
    lines = prefix.split("\n")[:-1]
    for line in reversed(lines[-STATEMENT_LOOKBACK:]):
        code = code_of(line).rstrip()
        if code.strip():
            return line.strip() if code.endswith(":") else None
    return None


def shape_for(hole: HoleContext, settings: Settings, *, continuation: bool = True) -> Shape:
    """The shape of the suggestion for ``hole`` and why; ``continuation``: the model continues
    the buffer (completion endpoints) rather than answering a snippet (chat)."""
    line = hole.prefix[hole.prefix.rfind("\n") + 1 :]
    rest = hole.suffix.split("\n", 1)[0]
    line_tokens = min(settings.line_max_tokens, settings.max_tokens)
    window = statement_window(hole.prefix)
    opened = open_brackets(window)
    # An empty line inside open brackets goes on their statement: it is not a statement of its own.
    empty_line = not line.strip() and not rest.strip() and not opened
    if empty_line and hole.hole_kind in ("statement", "placeholder"):
        opener = block_opener(hole.prefix)
        if opener is not None:
            return Shape("block", f"an empty line after the block opener `{opener}`",
                         min(settings.block_max_tokens, settings.max_tokens),
                         indent=len(line) or None, max_lines=settings.block_max_lines,
                         continuation=continuation)
        return Shape("statement", "an empty line between statements",
                     min(settings.block_max_tokens, settings.max_tokens), indent=len(line) or None,
                     max_lines=settings.block_max_lines, continuation=continuation)
    if not opened:
        return Shape("line", f"{_article(hole.hole_kind)} {hole.hole_kind} inside a line",
                     line_tokens, continuation=continuation)
    statement_indent = _indent_at(window, opened[0][1])
    closes = left_open(hole.suffix, opened, window, statement_indent)
    if closes == 0:
        return Shape("brackets", f"inside `{opened[-1][0]}`, which the code after the hole closes",
                     line_tokens, continuation=continuation)
    brackets = "".join(b for b, _ in opened[len(opened) - closes :])
    reason = (f"after `{brackets}`, which nothing after the hole closes" if closes == len(opened) else
              f"after `{brackets}` inside `{opened[-closes - 1][0]}`, which the code after the hole closes")
    return Shape("brackets", reason, min(settings.brackets_max_tokens, settings.max_tokens), closes=closes,
                 continuation=continuation)


def _indent_at(text: str, line_start: int) -> int:
    line = text[line_start:].split("\n", 1)[0]
    return len(line) - len(line.lstrip())


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
