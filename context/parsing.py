"""Parsers: tree-sitter for broken code and syntax errors, ``ast`` for structure.

Broken buffers are made parseable by :func:`tolerant_ast`, which replaces the lines that
keep ``ast`` from parsing (block headers by ``if True:``, other lines by ``pass``) so the rest
of the module still yields a syntax tree. Line numbers never move.
"""

from __future__ import annotations

import ast
import re
import threading
import warnings
from dataclasses import dataclass

import tree_sitter_python
from tree_sitter import Language, Node, Parser, Tree

PY_LANGUAGE = Language(tree_sitter_python.language())
_local = threading.local()
MAX_REPAIRS = 40
_EMPTY_BLOCK = re.compile(r"expected an indented block after .* on line (\d+)")


def ts_parser() -> Parser:
    """One tree-sitter parser per thread (parsers are not thread-safe)."""
    parser: Parser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = Parser(PY_LANGUAGE)
        _local.parser = parser
    return parser


def ts_parse(text: str, old_tree: Tree | None = None) -> Tree:
    data = text.encode("utf-8")
    return ts_parser().parse(data, old_tree) if old_tree is not None else ts_parser().parse(data)


def error_nodes(node: Node, limit: int = 200) -> list[Node]:
    """ERROR and MISSING nodes below ``node``, outermost first."""
    found: list[Node] = []
    stack = [node]
    while stack and len(found) < limit:
        current = stack.pop()
        if current.is_error or current.is_missing:
            found.append(current)
            continue
        if current.has_error:
            stack.extend(reversed(current.children))
    return found


def error_lines(tree: Tree) -> set[int]:
    """0-based lines touched by a syntax error (for the first line of a multi-line ERROR)."""
    lines: set[int] = set()
    for node in error_nodes(tree.root_node):
        lines.add(node.start_point.row)
        if node.is_missing:
            lines.add(node.end_point.row)
    return lines


@dataclass(frozen=True)
class TolerantParse:
    tree: ast.Module
    replaced_lines: frozenset[int]  # 0-based lines replaced to make the module parse


def _parse(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # invalid escape sequences and the like are not our business
        return ast.parse(text, type_comments=False)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _replacement(lines: list[str], index: int) -> str:
    """``if True:`` keeps the block of a broken header; ``pass`` stands for anything else."""
    indent = _indent(lines[index])
    for later in lines[index + 1 :]:
        if later.strip() and not later.lstrip().startswith("#"):
            if len(_indent(later)) > len(indent):
                return indent + "if True:"
            break
    return indent + "pass"


def tolerant_ast(text: str) -> TolerantParse:
    """An ``ast.Module`` for any text: lines that break the parse are replaced, one by one."""
    lines = text.split("\n")
    replaced: set[int] = set()
    for _ in range(MAX_REPAIRS):
        try:
            return TolerantParse(_parse("\n".join(lines)), frozenset(replaced))
        except SyntaxError as error:
            header = _EMPTY_BLOCK.search(str(error.msg))
            if header is not None:
                # ``if x:`` with no body: give it one on the same line, keeping line numbers.
                at = int(header.group(1)) - 1
                if 0 <= at < len(lines) and not lines[at].rstrip().endswith(" pass"):
                    lines[at] = lines[at].rstrip() + " pass"
                    continue
            index = (error.lineno or 1) - 1
            index = min(max(index, 0), len(lines) - 1)
            if index in replaced:
                # Replacing it did not help: the trouble begins earlier (an open bracket, a string).
                index = max(i for i in range(index + 1) if lines[i].strip()) if index > 0 else 0
                candidates = [
                    i for i in range(index, -1, -1) if i not in replaced and lines[i].strip()
                ]
                if not candidates:
                    break
                index = candidates[0]
            lines[index] = _replacement(lines, index)
            replaced.add(index)
    # Give up on the rest: keep what parses from the top.
    for cut in range(len(lines), 0, -1):
        try:
            return TolerantParse(_parse("\n".join(lines[:cut])), frozenset(range(cut, len(lines))))
        except SyntaxError:
            continue
    return TolerantParse(ast.Module(body=[], type_ignores=[]), frozenset(range(len(lines))))
