"""Where a hole can be cut in a module, found with :mod:`ast` alone, at every kind of position.

A *site* is a cursor position inside a simple statement (an assignment, a ``return``, an
expression statement). The cut always runs from the cursor to the end of the statement: what a
user typing left to right has not written yet. Kinds (:data:`HOLE_KINDS`):

- ``assign``: the value of ``x = …`` / ``x: T = …`` / ``x += …``;
- ``return``: the value of ``return …``;
- ``call``: a whole call statement whose callee is a plain name (``f(…)``, ``await f(…)``);
- ``receiver``: a whole call statement that starts with a receiver chain
  (``self.reader.skip(…)``, ``await client.send(…)``);
- ``argument``: a call argument inside the statement (``f(a, <cursor>b)``; a keyword argument
  from its keyword);
- ``operand``: the right operand of a binary operator, comparison or ``and``/``or``;
- ``subscript``: the index of a subscription (``table[<cursor>key]``);
- ``member``: right after a dot (``receiver.<cursor>member``): the member is cut.

Each site also lists the *references* of the cut code: every loaded name and every attribute
(at the position of the attribute's name) from the cursor to the end of the statement, minus the
names that can only mean something of the same module (a local variable or parameter of the
enclosing function, a builtin nothing rebinds). Which definitions the references reach is the
oracle's business (:mod:`benchmarks.recall_oracle`).
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass

HOLE_KINDS = (
    "assign",
    "return",
    "call",
    "receiver",
    "argument",
    "operand",
    "subscript",
    "member",
)
STATEMENT_START_KINDS = ("call", "receiver")
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True, order=True)
class Reference:
    """A name the cut code loads: 1-based line, 0-based code-point column (jedi's units)."""

    offset: int  # code-point offset in the module's source
    line: int
    column: int
    name: str


@dataclass(frozen=True)
class Site:
    path: str  # relative to the package root (POSIX)
    kind: str
    begin: int  # code-point offset of the cursor: the cut begins here
    end: int  # code-point offset where the statement ends
    line: int  # 1-based
    column: int  # 1-based, in code points
    references: tuple[Reference, ...]

    @property
    def key(self) -> str:
        return f"{self.path}:{self.line}:{self.column}:{self.kind}"


def line_starts(source: str) -> list[int]:
    """Code-point offset where each line starts (lines split on ``\\n``, as :mod:`ast` counts)."""
    starts = [0]
    for index, char in enumerate(source):
        if char == "\n":
            starts.append(index + 1)
    return starts


class Positions:
    """Converts :mod:`ast` positions (1-based line, UTF-8 byte column) of one source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = line_starts(source)

    def offset(self, line: int, byte_column: int) -> int:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.source)
        prefix = self.source[start:end].encode("utf-8")[:byte_column]
        return start + len(prefix.decode("utf-8", errors="ignore"))

    def start_of(self, node: ast.expr | ast.stmt | ast.keyword) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end_of(self, node: ast.expr | ast.stmt) -> int:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return self.offset(node.end_lineno, node.end_col_offset)

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and 0-based code-point column of ``offset``."""
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1, offset - self.starts[low]


# -- the scopes: which names are bound by the enclosing function ------------------------------------
def _bound_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Parameters and names the function assigns (not its imports): they mean local things."""
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    body = function.body if isinstance(function.body, list) else [function.body]
    declared: set[str] = set()
    for node in _walk_scope(body):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)  # a nested definition: of this module
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            declared.update(node.names)
    return names - declared


def _walk_scope(body: list[ast.stmt] | list[ast.expr]) -> Iterator[ast.AST]:
    """Nodes of one scope: nested functions and classes are yielded but not entered."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _module_bound(tree: ast.Module) -> set[str]:
    """Every name the module binds anywhere at its top level, imports included."""
    names: set[str] = set()
    for node in _walk_scope(tree.body):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


# -- statements and their sites --------------------------------------------------------------------
def _statements(
    body: list[ast.stmt], local: frozenset[str]
) -> Iterator[tuple[ast.stmt, frozenset[str]]]:
    """Every statement with the names local to its function (empty at module and class level)."""
    for statement in body:
        yield statement, local
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _statements(statement.body, frozenset(_bound_names(statement)))
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                yield from _statements(
                    inner, frozenset() if isinstance(statement, ast.ClassDef) else local
                )
        for handler in getattr(statement, "handlers", []):
            yield from _statements(handler.body, local)
        for case in getattr(statement, "cases", []):
            yield from _statements(case.body, local)


def _value_of(statement: ast.stmt) -> ast.expr | None:
    """The expression a simple statement computes (what the sites are inside)."""
    if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Return):
        return statement.value
    if isinstance(statement, ast.Expr):
        return statement.value
    return None


def _statement_site(statement: ast.stmt, value: ast.expr) -> tuple[str, ast.AST] | None:
    """The kind and start node of the one site that begins the statement's value, if any."""
    if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign):
        return "assign", value
    if isinstance(statement, ast.Return):
        return "return", value
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call):
        return None
    return ("receiver" if isinstance(call.func, ast.Attribute) else "call"), statement


def _inner_sites(value: ast.expr) -> Iterator[tuple[str, ast.AST]]:
    """Sites inside the value: arguments, right operands, subscripts, members after a dot."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call):
            yield from (("argument", argument) for argument in node.args)
            yield from (("argument", keyword) for keyword in node.keywords if keyword.arg)
        elif isinstance(node, ast.BinOp):
            yield "operand", node.right
        elif isinstance(node, ast.Compare):
            yield from (("operand", comparator) for comparator in node.comparators)
        elif isinstance(node, ast.BoolOp):
            yield from (("operand", operand) for operand in node.values[1:])
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            yield "subscript", node.slice
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            yield "member", node


def _references(
    value: ast.AST, positions: Positions, local: frozenset[str], module_bound: set[str]
) -> list[Reference]:
    found: list[Reference] = []
    for node in ast.walk(value):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id in local or (node.id in _BUILTINS and node.id not in module_bound):
                continue
            offset = positions.start_of(node)
            found.append(Reference(offset, *positions.line_column(offset), node.id))
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            offset = positions.end_of(node) - len(node.attr)
            found.append(Reference(offset, *positions.line_column(offset), node.attr))
    return sorted(found)


def _site_begin(kind: str, node: ast.AST, positions: Positions) -> int:
    if kind == "member":
        assert isinstance(node, ast.Attribute)
        return positions.end_of(node) - len(node.attr)
    assert isinstance(node, ast.expr | ast.stmt | ast.keyword)
    return positions.start_of(node)


def sites_in_source(source: str, path: str) -> list[Site]:
    """Every site of a module, in source order; nothing for a module that does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    positions = Positions(source)
    module_bound = _module_bound(tree)
    sites: list[Site] = []
    for statement, local in _statements(tree.body, frozenset()):
        value = _value_of(statement)
        if value is None:
            continue
        end = positions.end_of(statement)
        references = _references(statement, positions, local, module_bound)
        starts = [_statement_site(statement, value), *_inner_sites(value)]
        for kind, node in (start for start in starts if start is not None):
            begin = _site_begin(kind, node, positions)
            line, column = positions.line_column(begin)
            inside = tuple(r for r in references if begin <= r.offset < end)
            sites.append(Site(path, kind, begin, end, line, column + 1, inside))
    return sorted(sites, key=lambda site: (site.begin, HOLE_KINDS.index(site.kind)))
