"""Cleaning a model's answer into a filling that fits the hole.

Steps: cut at stop strings; strip leaked special tokens, code fences and prose; trim what
repeats the line being written; cut to the shape of the hole (:mod:`completion.shape`: the line
end, where the brackets balance, where the block ends); place a block's lines at the hole's
indentation; trim what repeats the suffix; balance brackets. :func:`answer_complete` tells a
streamed answer that already holds its suggestion.
"""

from __future__ import annotations

import re

from completion.prompt import HOLE_MARK
from completion.settings import Settings
from completion.shape import Shape, shape_for
from context.brackets import CLOSERS, OPENERS, unbalanced
from context.model import HoleContext

COMMON_SPECIAL = (
    "<|endoftext|>",
    "<|im_end|>",
    "<|im_start|>",
    "<|end|>",
    "</s>",
    "<s>",
    "<EOT>",
    "<|eot_id|>",
    "<|fim_middle|>",
    "<fim_middle>",
    "<|file_sep|>",
    "<file_sep>",
    "<|next_start|>",
    "<|next_end|>",
    HOLE_MARK,
)
FENCE = re.compile(r"```[\w+-]*\n(.*?)(?:\n```|$)", re.S)
PROSE_START = re.compile(
    r"^(here is|here's|sure|the (code|completion|answer)|this (code|completes))\b", re.I
)


def answer_code(answer: str, stops: tuple[str, ...] = (), special: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The code of a model's answer (cut at a stop string; special tokens, a code fence and
    leading prose removed), and whether the answer has ended: a stop string or the closing
    fence came. Works on an answer still arriving."""
    text = cut_at_stops(answer, stops)
    ended = len(text) < len(answer)
    for token in (*special, *COMMON_SPECIAL):
        if token:
            text = text.replace(token, "")
    fenced = FENCE.search(text)
    if fenced:
        ended = ended or fenced.group(0).endswith("```")
        text = fenced.group(1)
    lines = text.split("\n")
    while lines and PROSE_START.match(lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines), ended


def cut_at_stops(answer: str, stops: tuple[str, ...]) -> str:
    cut = min((i for i in (answer.find(s) for s in stops if s) if i >= 0), default=len(answer))
    return answer[:cut]


def trim_prefix_overlap(answer: str, prefix: str) -> str:
    """The model echoed the line being written: keep only what comes after it."""
    line = prefix[prefix.rfind("\n") + 1 :]
    stripped = line.strip()
    if stripped and answer.lstrip().startswith(stripped):
        rest = answer.lstrip()[len(stripped) :]
        return rest.lstrip(" \t") if line != line.rstrip() else rest
    return answer


def trim_suffix_overlap(answer: str, suffix: str, column: int | None = None) -> str:
    """Drop the longest tail of ``answer`` that the suffix already starts with, cut at token
    boundaries: ``name`` at the end of ``attrlocalname`` is no echo of a next line that starts
    with ``name =``. A tail that repeats a later line of the suffix is an echo only where that
    line stands (``column``: where the answer starts on its line, when known): the same
    statement one block out is the answer's own."""
    head = suffix[:400]
    glued = bool(head) and _word_char(head[0])  # a cursor before a name: the answer may end in it
    for size in range(min(len(answer), len(head)), 0, -1):
        tail = answer[-size:]
        if not tail.strip() or (not glued and _splits_word(answer[:-size], tail)):
            continue
        if head.startswith(tail) and not _splits_word(tail, head[size:]):
            return answer[:-size]
        stripped, rest = tail.strip(), head.lstrip()
        if rest.startswith(stripped) and size > 2 and not _splits_word(stripped, rest[len(stripped):]) \
                and _where_it_stands(answer[:-size] + tail[: len(tail) - len(tail.lstrip())],
                                     head[: len(head) - len(rest)], column):
            return answer[:-size].rstrip(" ")
    return answer


def _where_it_stands(before: str, skipped: str, column: int | None) -> bool:
    """Whether a tail after ``before`` (the answer up to it) starts at the column where the
    suffix's text after ``skipped`` (its leading whitespace) does."""
    if "\n" not in skipped:
        return True
    if "\n" in before:
        at = len(before) - before.rfind("\n") - 1
    elif column is not None:
        at = column + len(before)
    else:
        return True
    return at == len(skipped) - skipped.rfind("\n") - 1


def _splits_word(before: str, after: str) -> bool:
    """Whether ``before`` + ``after`` joins two halves of one name or number."""
    return bool(before) and bool(after) and _word_char(before[-1]) and _word_char(after[0])


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def balance(answer: str, prefix_line: str, suffix: str, closes: int = 0) -> str:
    """Remove closers that close nothing the hole opened and the suffix closes anyway; the
    first ``closes`` are the answer's to write (brackets opened before the hole that nothing
    after it closes) and stay."""
    unmatched = [c for c in unbalanced(answer) if c in CLOSERS]
    suffix_line = suffix.split("\n", 1)[0]
    open_in_line = [c for c in unbalanced(prefix_line) if c in OPENERS]
    while (
        len(unmatched) > closes
        and answer.rstrip().endswith(unmatched[-1])
        and (suffix_line.lstrip().startswith(unmatched[-1]) or not open_in_line)
    ):
        answer = answer.rstrip()[:-1]
        unmatched.pop()
    return answer


def is_multiline_hole(hole: HoleContext) -> bool:
    """Multi-line when the hole is an empty line after a block opener (see
    :func:`completion.shape.shape_for`): a body or block being written."""
    return shape_for(hole, Settings()).kind == "block"


def reindent(answer: str, indent: str) -> str:
    """Lines after the first are shifted so that the block starts at ``indent``."""
    lines = answer.split("\n")
    rest = [line for line in lines[1:] if line.strip()]
    if not rest:
        return answer
    first_indent = len(lines[0]) - len(lines[0].lstrip())
    base = (
        min([first_indent] + [len(x) - len(x.lstrip()) for x in rest])
        if lines[0].strip()
        else min(len(x) - len(x.lstrip()) for x in rest)
    )
    shifted = [lines[0].lstrip()] + [
        indent + line[base:] if line.strip() else "" for line in lines[1:]
    ]
    return "\n".join(shifted)


def answer_complete(
    answer: str, hole: HoleContext, shape: Shape, *, stops: tuple[str, ...] = (),
    special: tuple[str, ...] = (),
) -> bool:
    """Whether the answer so far holds all of its suggestion: what more arrives would be cut
    by :func:`clean_filling` anyway."""
    code, ended = answer_code(answer, stops, special)
    return ended or shape.end(trim_prefix_overlap(code, hole.prefix)) is not None


def clean_filling(
    answer: str, hole: HoleContext, *, stops: tuple[str, ...] = (), special: tuple[str, ...] = (),
    shape: Shape | None = None, limited: bool = False,
) -> str:
    """The model's answer made into the text to insert at the hole, cut to ``shape`` (by
    default the hole's own, for a snippet answer). An answer a token limit ended
    (``limited``) before its shape did loses its last line, which the limit may have cut
    anywhere, when lines before it hold code."""
    shape = shape or shape_for(hole, Settings(), continuation=False)
    code = trim_prefix_overlap(answer_code(answer, stops, special)[0], hole.prefix)
    end = shape.end(code)
    text = code if end is None else code[:end]
    if limited and end is None and text[: text.rfind("\n") + 1].strip():
        text = text[: text.rfind("\n")]
    line = hole.prefix[hole.prefix.rfind("\n") + 1 :]
    indent = line[: len(line) - len(line.lstrip())]
    if shape.kind in ("block", "statement"):
        text = _block_text(text, shape, indent)
    else:
        text = LEADING_BLANK_LINES.sub("", text)
    text = trim_suffix_overlap(text.rstrip(), hole.suffix, len(line))
    return balance(text, line, hole.suffix, shape.closes).rstrip()


LEADING_BLANK_LINES = re.compile(r"^(?:[ \t]*\n)+")


def _block_text(text: str, shape: Shape, indent: str) -> str:
    """A block's lines placed at the hole: a completion model's later lines keep their
    indentation (it continued the buffer); a snippet is re-indented to the hole's block."""
    text = LEADING_BLANK_LINES.sub("", text).rstrip()
    if not shape.continuation:
        return reindent(text, indent)
    first, _, rest = text.partition("\n")
    # The hole is already at the block's indentation: the first line starts there.
    first = first.lstrip(" \t") if indent else first
    return f"{first}\n{rest}" if rest else first
