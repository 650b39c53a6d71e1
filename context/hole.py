"""Where the hole is and what the code around it is doing.

The buffer is repaired around the cursor so that it parses: a placeholder name is put at the
hole (``s.`` becomes ``s.__hole__``) and open brackets of the statement are closed. The first
repair that tree-sitter accepts on the hole's line wins; ``ast`` then gives the structure.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from itertools import pairwise

from context.brackets import MATCHING, OpenBrackets, open_brackets
from context.infer import parents_of
from context.model import HoleKind
from context.parsing import error_lines, segmented_ast, ts_parse

HOLE = "__hole__"
PLACEHOLDERS = ("...", HOLE)
BLOCK_KEYWORDS = re.compile(
    r"^\s*(if|elif|while|for|with|def|class|async\s+def|async\s+for|async\s+with|except|match|case)\b"
)


@dataclass(frozen=True)
class HoleSite:
    text: str  # the analysis text: the buffer with the hole placeholder in place
    tree: ast.Module
    node: ast.expr  # the placeholder's node: a Name, or the Attribute whose attr is the placeholder
    parents: dict[ast.AST, ast.AST]
    line: int
    column: int
    replace_start: int  # code-point offsets into the original buffer of what a filling replaces
    replace_end: int
    kind: HoleKind


def _open_brackets(text: str) -> list[str]:
    """Brackets still open at the end of ``text`` (strings and comments skipped, roughly)."""
    return [bracket for bracket, _ in open_brackets(text)]


STATEMENT_LOOKBACK = 80


def _indent_width(text: str) -> int:
    return len(text) - len(text.lstrip())


def _statement_start(lines: list[str], line: int) -> int:
    """The line where the statement holding ``line`` starts: ``line`` itself, unless lines above
    (indented less) opened brackets still open at ``line`` — a continuation line."""
    start = line
    width = _indent_width(lines[line]) if lines[line].strip() else 10**6
    for i in range(line - 1, max(-1, line - STATEMENT_LOOKBACK), -1):
        text = lines[i]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if _indent_width(text) < width:
            if not _open_brackets("\n".join(lines[i:line])):
                break
            start, width = i, _indent_width(text)
    return start


def _line_parses(lines: list[str], line: int, candidate: str) -> bool:
    """Whether tree-sitter accepts ``candidate`` as line ``line``, judged on a window of the
    statement around it (dedented), not the whole file."""
    start = _statement_start(lines, line)
    window = [*lines[start:line], candidate]
    # A statement that goes on below (the arguments of a call) is part of the window.
    following = line + 1
    brackets = OpenBrackets()
    open_now = brackets.feed("\n".join(window))
    while open_now and following < min(len(lines), line + STATEMENT_LOOKBACK):
        window.append(lines[following])
        open_now = brackets.feed("\n" + lines[following])
        following += 1
    cut = min((_indent_width(x) for x in window if x.strip()), default=0)
    body = [x[cut:] if x.strip() else "" for x in window]
    closer = "    pass" if candidate.rstrip().endswith(":") else ""
    text = "\n".join([*body, closer])
    return (line - start) not in error_lines(ts_parse(text))


def _placeholder_at(line_text: str, column: int) -> tuple[int, int] | None:
    for token in PLACEHOLDERS:
        start = max(0, column - len(token))
        index = line_text.find(token, start)
        if index != -1 and index <= column <= index + len(token):
            if token == "..." and line_text.strip() == "...":
                return None  # a body stub, not an expression hole
            return index, index + len(token)
    return None


def word_span(line_text: str, column: int) -> tuple[int, int]:
    """The identifier the cursor is in or at the end of (empty span when none)."""
    start = column
    while start > 0 and (line_text[start - 1].isalnum() or line_text[start - 1] == "_"):
        start -= 1
    if start < column and line_text[start].isdigit():
        return column, column  # a number, not a name
    end = column
    while end < len(line_text) and (line_text[end].isalnum() or line_text[end] == "_"):
        end += 1
    return start, end


def _candidates(
    lines: list[str], line: int, column: int, span: tuple[int, int] | None
) -> list[str]:
    current = lines[line]
    start, end = span if span else word_span(current, column)
    before, after = current[:start], current[end:]
    context = "\n".join([*lines[_statement_start(lines, line) : line], before])
    closers = "".join(MATCHING[b] for b in reversed(_open_brackets(context)))
    out = [before + HOLE + after, before + HOLE + closers]
    if BLOCK_KEYWORDS.match(current):
        out.append(before + HOLE + closers + ":")
    if after.strip() == "" and closers:
        out.append(before + HOLE + ",")
    return out


def locate_hole(text: str, line: int, column: int, offset: int) -> HoleSite:
    """The repaired analysis text and the placeholder's node at (line, column)."""
    lines = text.split("\n")
    current = lines[line].removesuffix("\r")
    span = _placeholder_at(current, column)
    line_start = offset - column
    best: str | None = None
    for candidate in _candidates(lines, line, column, span):
        if _line_parses(lines, line, candidate):
            best = candidate
            break
    if best is None:
        best = _candidates(lines, line, column, span)[1]
    analysis = "\n".join([*lines[:line], best, *lines[line + 1 :]])
    parsed = segmented_ast(analysis)
    node, parents = _find_placeholder(parsed.tree, line)
    if node not in parents and isinstance(node, ast.Name):
        node = _dotted_stand_in(current[:column], line) or node
    if span and span != (column, column):
        replace = (line_start + span[0], line_start + span[1])
        kind: HoleKind = "placeholder"
    else:
        replace = (offset, offset)
        kind = _kind(node, parents)
    return HoleSite(
        analysis, parsed.tree, node, parents, line, column, replace[0], replace[1], kind
    )


def _statement_at(tree: ast.Module | ast.stmt, line: int) -> ast.stmt | None:
    body: list[ast.stmt] = getattr(tree, "body", [])
    for stmt in body:
        if stmt.lineno - 1 <= line <= (stmt.end_lineno or stmt.lineno) - 1:
            return stmt
    return None


def _find_placeholder(tree: ast.Module, line: int) -> tuple[ast.expr, dict[ast.AST, ast.AST]]:
    """The placeholder node; parents are mapped only inside the top-level statement holding it
    (whole-module walks are too slow for huge files)."""
    chain: list[ast.AST] = [tree]
    top = _statement_at(tree, line)
    while top is not None and isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        chain.append(top)
        inner = _statement_at(top, line)  # type: ignore[arg-type]
        if inner is None or not isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            break
        top = inner
    if top is None:
        stand_in = ast.Name(id=HOLE, ctx=ast.Load(), lineno=line + 1, col_offset=0)
        return stand_in, {}
    # Walk the innermost statement of the definition first (a hole in a big class body must not
    # cost a walk of the class); the definition itself when the hole is in its signature.
    inner_stmt = _statement_at(top, line) if isinstance(top, DEFINITIONS) else None
    for root in (inner_stmt, top) if inner_stmt is not None else (top,):
        parents = parents_of(root)
        for outer, inner_node in pairwise(chain):
            parents[inner_node] = outer
        if root is not top:
            parents[root] = top
        parents.setdefault(top, chain[-1] if chain[-1] is not top else chain[-2])
        found = _placeholder_in(root, line)
        if found is not None:
            return found, parents
    # The line could not be kept (it was replaced to make the module parse): a bare hole.
    stand_in = ast.Name(id=HOLE, ctx=ast.Load(), lineno=line + 1, col_offset=0)
    return stand_in, parents


DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
DOTTED_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.[A-Za-z0-9_]*$")


def _dotted_stand_in(before: str, line: int) -> ast.Attribute | None:
    """``a.b.__hole__`` for a hole after ``a.b.`` on a line that could not be kept in the tree
    (the statement was replaced to make the module parse): its receiver is still known."""
    found = DOTTED_BEFORE.search(before)
    if found is None:
        return None
    try:
        value = ast.parse(found.group(1), mode="eval").body
    except SyntaxError:
        return None
    for child in ast.walk(value):
        child.lineno, child.end_lineno = line + 1, line + 1  # type: ignore[attr-defined]
        child.col_offset, child.end_col_offset = 0, 0  # type: ignore[attr-defined]
    return ast.Attribute(value=value, attr=HOLE, ctx=ast.Load(), lineno=line + 1, col_offset=0,
                         end_lineno=line + 1, end_col_offset=0)


def _placeholder_in(root: ast.AST, line: int) -> ast.expr | None:
    for node in ast.walk(root):
        if isinstance(node, ast.Name) and node.id == HOLE and node.lineno - 1 == line:
            return node
        if isinstance(node, ast.Attribute) and node.attr == HOLE and node.end_lineno and node.end_lineno - 1 == line:
            return node
    return None


def _kind(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> HoleKind:
    if isinstance(node, ast.Attribute):
        return "attribute"
    parent = parents.get(node)
    if (isinstance(parent, ast.Call) and node is not parent.func) or isinstance(
        parent, ast.keyword
    ):
        return "argument"
    if isinstance(parent, ast.Expr):
        return "statement"
    return "expression"


def enclosing_chain(site: HoleSite) -> list[ast.AST]:
    """Function, class, lambda and comprehension nodes around the hole, outermost first."""
    chain: list[ast.AST] = []
    node: ast.AST | None = site.node
    while node is not None:
        node = site.parents.get(node)
        if isinstance(
            node,
            ast.FunctionDef
            | ast.AsyncFunctionDef
            | ast.ClassDef
            | ast.Lambda
            | ast.ListComp
            | ast.SetComp
            | ast.DictComp
            | ast.GeneratorExp,
        ):
            chain.append(node)
    if not chain and site.node not in site.parents:
        chain = _chain_by_line(site.tree, site.line)
    return list(reversed(chain))


def _chain_by_line(tree: ast.Module, line: int) -> list[ast.AST]:
    chain: list[ast.AST] = []
    body: list[ast.stmt] = tree.body
    while True:
        inner = [
            n
            for n in body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and n.lineno - 1 <= line <= (n.end_lineno or n.lineno) - 1
        ]
        if not inner:
            return list(reversed(chain))
        chain.append(inner[0])
        body = inner[0].body


__all__ = ["HOLE", "HoleSite", "enclosing_chain", "locate_hole"]
