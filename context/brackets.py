"""Python text read roughly, a character at a time: which characters are code — outside strings
and comments — and which brackets are still open. For text that need not parse (a prefix cut at
the cursor, a model's answer arriving in pieces); the one scanner behind the hole finder, the
shape of a suggestion and the clean-up of an answer.

    scanner = CodeScanner()
    for offset, ch in scanner.code("f(a, 'x)'"): ...   # f ( a ,   and '"' where the string opens

A string is reported once, as ``STRING`` at the offset of its opening quote; its contents are
skipped (escapes included). A one-quote string ends at its closing quote or at the end of its
line (left unterminated); a triple-quoted one only at its closing quotes, across pieces fed later.
A comment is skipped up to its newline, which is code.
"""

from __future__ import annotations

from collections.abc import Iterator

OPENERS, CLOSERS = "([{", ")]}"
MATCHING = dict(zip(OPENERS, CLOSERS, strict=True))
STRING = '"'


class CodeScanner:
    """Scans text fed piece by piece; a string still open at the end of a piece goes on in the
    next."""

    def __init__(self) -> None:
        self.quote = ""

    def code(self, text: str) -> Iterator[tuple[int, str]]:
        """The code characters of ``text`` with their offsets (a string: ``STRING`` once)."""
        quote = self.quote
        index, end = 0, len(text)
        while index < end:
            ch = text[index]
            if quote:
                if ch == "\\":
                    index += 2
                    continue
                if text.startswith(quote, index):
                    index += len(quote)
                    quote = self.quote = ""
                    continue
                if ch != "\n" or len(quote) == 3:
                    index += 1
                    continue
                quote = self.quote = ""  # an unterminated string ends with its line
            if ch == "#":
                newline = text.find("\n", index)
                index = end if newline < 0 else newline
                continue
            if ch in "\"'":
                quote = self.quote = text[index : index + 3] if text[index : index + 3] in ('"""', "'''") else ch
                yield index, STRING
                index += len(quote)
                continue
            yield index, ch
            index += 1


def code_of(text: str) -> str:
    """``text`` with string contents (each string: ``STRING``) and comments removed."""
    return "".join(ch for _, ch in CodeScanner().code(text))


class OpenBrackets:
    """The brackets still open after the text fed so far, each with its offset in all of it;
    a closer that closes nothing is left out."""

    def __init__(self) -> None:
        self.scanner = CodeScanner()
        self.stack: list[tuple[str, int]] = []
        self.fed = 0

    def feed(self, text: str) -> list[tuple[str, int]]:
        stack = self.stack
        for offset, ch in self.scanner.code(text):
            if ch in OPENERS:
                stack.append((ch, self.fed + offset))
            elif ch in CLOSERS and stack:
                stack.pop()
        self.fed += len(text)
        return stack


def open_brackets(text: str) -> list[tuple[str, int]]:
    """The brackets open at the end of ``text`` with their offsets."""
    return OpenBrackets().feed(text)


def unbalanced(text: str) -> list[str]:
    """The brackets of ``text`` left unmatched, in order: openers never closed and closers that
    close nothing (or the wrong kind)."""
    stack: list[str] = []
    for _, ch in CodeScanner().code(text):
        if ch in OPENERS:
            stack.append(ch)
        elif ch in CLOSERS:
            if stack and MATCHING.get(stack[-1]) == ch:
                stack.pop()
            else:
                stack.append(ch)
    return stack
