"""Cleaning a model's answer into a filling that fits the hole.

Steps: strip leaked special tokens, code fences and prose; cut at stop strings; trim what
repeats the prefix or the suffix; decide single- or multi-line from the code around the hole
and stop at the end of the block; re-indent to the hole's block; balance brackets.
"""

from __future__ import annotations

import re

from completion.prompt import HOLE_MARK
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
OPENERS, CLOSERS = "([{", ")]}"


def strip_markup(answer: str, special: tuple[str, ...] = ()) -> str:
    for token in (*special, *COMMON_SPECIAL):
        if token:
            answer = answer.replace(token, "")
    fenced = FENCE.search(answer)
    if fenced:
        answer = fenced.group(1)
    lines = answer.split("\n")
    while lines and PROSE_START.match(lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines)


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


NEW_DEFINITION = re.compile(r"^(async\s+def|def|class|@)\b|^if __name__\b")


def cut_at_new_definition(answer: str) -> str:
    """A model that goes on past the body starts a new top-level definition after a blank
    line, at (or left of) the answer's first indentation: the filling ends before it."""
    lines = answer.split("\n")
    base = len(lines[0]) - len(lines[0].lstrip())
    for i in range(1, len(lines)):
        line = lines[i]
        if (not lines[i - 1].strip() and line.strip() and len(line) - len(line.lstrip()) <= base
                and NEW_DEFINITION.match(line.strip())):
            return "\n".join(lines[:i]).rstrip()
    return answer


def trim_suffix_overlap(answer: str, suffix: str) -> str:
    """Drop the longest tail of ``answer`` that the suffix already starts with."""
    head = suffix[:400]
    for size in range(min(len(answer), len(head)), 0, -1):
        tail = answer[-size:]
        if tail.strip() and head.startswith(tail):
            return answer[:-size]
        if tail.strip() and head.lstrip().startswith(tail.strip()) and size > 2:
            return answer[:-size].rstrip(" ")
    return answer


def _depth(text: str) -> list[str]:
    stack: list[str] = []
    quote = None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in OPENERS:
            stack.append(ch)
        elif ch in CLOSERS:
            if stack and OPENERS.index(stack[-1]) == CLOSERS.index(ch):
                stack.pop()
            else:
                stack.append(ch)
    return stack


def balance(answer: str, prefix_line: str, suffix: str) -> str:
    """Remove closers that close nothing the hole opened and the suffix closes anyway."""
    unmatched = [c for c in _depth(answer) if c in CLOSERS]
    suffix_line = suffix.split("\n", 1)[0]
    open_in_line = [c for c in _depth(prefix_line) if c in OPENERS]
    while (
        unmatched
        and answer.rstrip().endswith(unmatched[-1])
        and (suffix_line.lstrip().startswith(unmatched[-1]) or not open_in_line)
    ):
        answer = answer.rstrip()[:-1]
        unmatched.pop()
    return answer


def until_balanced(line: str, answer: str) -> str:
    """The lines of ``answer`` up to the one that closes the brackets the hole's line opened."""
    lines = answer.split("\n")
    for i in range(len(lines)):
        if not any(c in OPENERS for c in _depth(line + "\n".join(lines[: i + 1]))):
            return "\n".join(lines[: i + 1])
    return answer


def is_multiline_hole(hole: HoleContext) -> bool:
    """Multi-line when the parse puts a whole statement at the hole (the context layer's hole
    kind, from tree-sitter's choice of repair and the syntax tree) with nothing before it on its
    line: a body or block being written. An expression, argument or attribute is one line."""
    line = hole.prefix[hole.prefix.rfind("\n") + 1 :]
    return not line.strip() and hole.hole_kind == "statement"


def stop_at_block_end(answer: str, indent: int) -> str:
    lines = answer.split("\n")
    kept = [lines[0]]
    for line in lines[1:]:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        kept.append(line)
    return "\n".join(kept).rstrip()


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


def clean_filling(
    answer: str, hole: HoleContext, *, stops: tuple[str, ...] = (), special: tuple[str, ...] = ()
) -> str:
    """The model's answer made into the text to insert at the hole."""
    text = cut_at_stops(answer, stops)
    text = strip_markup(text, special)
    text = trim_prefix_overlap(text, hole.prefix)
    line = hole.prefix[hole.prefix.rfind("\n") + 1 :]
    indent = line[: len(line) - len(line.lstrip())]
    if is_multiline_hole(hole):
        text = cut_at_new_definition(text.strip("\n"))
        text = reindent(text, indent)
        text = stop_at_block_end(indent + text, len(indent))[len(indent) :] if text else text
    else:
        open_after = _depth(line + text.split("\n", 1)[0])
        text = text.lstrip("\n")
        if not any(c in OPENERS for c in open_after) or "\n" not in text:
            text = text.split("\n", 1)[0]
        else:
            text = until_balanced(line, text)
    text = trim_suffix_overlap(text.rstrip(), hole.suffix)
    return balance(text, line, hole.suffix).rstrip()
