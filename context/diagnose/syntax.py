"""Syntax errors, reported only when both Python and tree-sitter reject the text."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tree_sitter import Tree

from context.model import Diagnostic
from context.parsing import error_nodes, ts_parse
from context.positions import code_point_column

MAX_SYNTAX_PROBLEMS = 5


def syntax_problems(
    text: str, replaced: frozenset[int], parse: Callable[[str], Tree] = ts_parse
) -> list[Diagnostic]:
    """Python's own syntax error, then tree-sitter's ERROR and MISSING nodes on other lines — only
    when both parsers reject the text: tree-sitter's grammar may lag behind the language, and the
    running Python may be older than the project's (``def f[T]()`` is fine from 3.12 on).
    ``parse`` gives the tree-sitter tree (an incremental one for a buffer being edited)."""
    if not replaced:
        return []
    tree = parse(text)
    errors = error_nodes(tree.root_node)
    if not errors:
        return []
    data_lines = text.encode("utf-8").split(b"\n")
    out: list[Diagnostic] = _python_syntax_problem(text)
    for node in errors[:MAX_SYNTAX_PROBLEMS]:
        row, col = node.start_point
        if any(p.line == row for p in out):
            continue
        line_bytes = data_lines[row] if row < len(data_lines) else b""
        column = code_point_column(line_bytes, col)
        if node.is_missing:
            message = f"syntax error: missing '{node.type}'"
            out.append(Diagnostic(row, column, row, column, "error", message, "syntax", "missing"))
            continue
        leaf = node
        while leaf.children:
            leaf = leaf.children[0]
        token = (leaf.text or b"").decode("utf-8", "replace").split("\n", 1)[0][:30]
        end_row, end_col = leaf.end_point
        end_bytes = data_lines[end_row] if end_row < len(data_lines) else b""
        message = f"syntax error: unexpected '{token}'" if token else "syntax error: unexpected end of input"
        out.append(Diagnostic(row, column, end_row, code_point_column(end_bytes, end_col), "error", message,
                              "syntax", "unexpected"))
    return out


def _python_syntax_problem(text: str) -> list[Diagnostic]:
    try:
        compile(text, "<buffer>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        line = max((error.lineno or 1) - 1, 0)
        column = max((error.offset or 1) - 1, 0)
        return [Diagnostic(line, column, line, column, "error", f"syntax error: {error.msg}", "syntax", "python")]
    return []
