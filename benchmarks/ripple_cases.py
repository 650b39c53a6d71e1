"""The ripple benchmark's cases: functions and methods of a package, the four edits made at their
definitions, and what the other files must look like afterwards.

A definition is a candidate when it is a module-level ``def`` or a ``def`` of a top-level class,
not a dunder, defined once in its scope, with no decorator but ``staticmethod``/``classmethod``
(a decorator may change what callers pass), and no positional-only parameter. The edits are
made on its text:

- ``rename``: the name becomes ``NAME_r1``;
- ``add``: a parameter ``extra_arg: int`` without default, before the first positional
  parameter that has a default (else after the last positional one);
- ``remove``: one parameter taken out (with its default);
- ``keyword``: one parameter renamed ``PARAM_r1``.

The expected result of a file is its syntax tree transformed at the true sites (found by the
oracle, :mod:`benchmarks.ripple_oracle`): names renamed, arguments removed. Comparing syntax
trees (``ast.dump``) leaves formatting out of the verdict.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from context.diagnose.text import Lines

NEW_PARAMETER = "extra_arg"
SUFFIX = "_r1"
ALLOWED_DECORATORS = {"staticmethod", "classmethod"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "pos", "varargs", "kwonly", "varkw"
    index: int  # among all parameters (self too)
    line: int  # 0-based line and code-point column of its name
    column: int
    start: int  # code-point offsets: the name, to the end of its default
    end: int
    default: bool


@dataclass(frozen=True)
class Function:
    path: Path
    relative: str
    name: str
    owner: str | None
    line: int  # 0-based line and code-point column of the name
    column: int
    start: int  # code-point offset of the name
    params: tuple[Param, ...]
    is_static: bool
    is_classmethod: bool
    open_paren: int  # code-point offset just after the signature's "("

    @property
    def qualname(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name

    @property
    def implicit(self) -> int:
        """Parameters a call through an instance does not pass (``self``/``cls``)."""
        return 1 if self.owner and not self.is_static else 0


class Offsets:
    """ast positions of one text in code points."""

    def __init__(self, text: str) -> None:
        self.lines = Lines(text)
        self.starts = [0]
        for line in self.lines.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def column(self, lineno: int, col: int) -> int:
        return self.lines.column(lineno, col)

    def start(self, node: ast.AST) -> int:
        line = node.lineno  # type: ignore[attr-defined]
        return self.starts[line - 1] + self.column(line, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        line = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return self.starts[line - 1] + self.column(line, node.end_col_offset or 0)  # type: ignore[attr-defined]

    def position(self, offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {ast.unparse(d) for d in node.decorator_list}


def functions_of(path: Path, relative: str, text: str) -> list[Function]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    offsets = Offsets(text)
    out: list[Function] = []
    scopes: list[tuple[list[ast.stmt], str | None]] = [(tree.body, None)]
    scopes += [(c.body, c.name) for c in tree.body if isinstance(c, ast.ClassDef)]
    for body, owner in scopes:
        defined = [s.name for s in body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.name.startswith("__") or defined.count(node.name) > 1 or node.args.posonlyargs:
                continue
            decorators = _decorators(node)
            if decorators - ALLOWED_DECORATORS:
                continue
            out.append(_function(node, path, relative, text, offsets, owner, decorators))
    return out


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, path: Path, relative: str, text: str,
              offsets: Offsets, owner: str | None, decorators: set[str]) -> Function:
    keyword = "async def " if isinstance(node, ast.AsyncFunctionDef) else "def "
    start = offsets.start(node) + text[offsets.start(node):].index(keyword) + len(keyword)
    while text[start] in " \t":
        start += 1
    line, column = offsets.position(start)
    a = node.args
    defaults = [None] * (len(a.args) - len(a.defaults)) + list(a.defaults)
    params: list[Param] = []
    for i, arg in enumerate(a.args):
        default = defaults[i]
        end = offsets.end(default) if default is not None else offsets.end(arg)
        params.append(_param(arg, "pos", len(params), offsets, end, default is not None))
    if a.vararg is not None:
        params.append(_param(a.vararg, "varargs", len(params), offsets, offsets.end(a.vararg), False))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        end = offsets.end(default) if default is not None else offsets.end(arg)
        params.append(_param(arg, "kwonly", len(params), offsets, end, default is not None))
    if a.kwarg is not None:
        params.append(_param(a.kwarg, "varkw", len(params), offsets, offsets.end(a.kwarg), False))
    open_paren = text.index("(", start) + 1
    return Function(path, relative, node.name, owner, line, column, start, tuple(params),
                    "staticmethod" in decorators, "classmethod" in decorators, open_paren)


def _param(arg: ast.arg, kind: str, index: int, offsets: Offsets, end: int, default: bool) -> Param:
    start = offsets.start(arg)
    line, column = offsets.position(start)
    return Param(arg.arg, kind, index, line, column, start, end, default)


# -- the edits at the definition ----------------------------------------------------------------------
def rename(text: str, fn: Function) -> str:
    return text[: fn.start] + fn.name + SUFFIX + text[fn.start + len(fn.name) :]


def add_parameter(text: str, fn: Function) -> tuple[str, int] | None:
    """The text with ``extra_arg: int`` added, and its index; None when the signature has
    parameters but no positional one to place it by (``*args``, keyword-only only)."""
    positional = [p for p in fn.params if p.kind == "pos"]
    if fn.implicit and not positional:
        return None
    own = positional[fn.implicit :]
    new = f"{NEW_PARAMETER}: int"
    with_default = [p for p in own if p.default]
    if with_default:
        at = with_default[0]
        return text[: at.start] + f"{new}, " + text[at.start :], at.index
    if own:
        last = own[-1]
        return text[: last.end] + f", {new}" + text[last.end :], last.index + 1
    if positional:  # only self/cls
        last = positional[-1]
        return text[: last.end] + f", {new}" + text[last.end :], last.index + 1
    if fn.params:
        return None
    return text[: fn.open_paren] + new + text[fn.open_paren :], 0


def remove_parameter(text: str, fn: Function, param: Param) -> str:
    """The text without ``param`` (a positional parameter) and its comma."""
    following = [p for p in fn.params if p.index == param.index + 1 and p.kind == "pos"]
    if following:
        return text[: param.start] + text[following[0].start :]
    previous = [p for p in fn.params if p.index == param.index - 1]
    if previous:
        return text[: previous[0].end] + text[param.end :]
    after = text[param.end :]
    gap = len(after) - len(after.lstrip(" ,\n"))
    return text[: param.start] + after[gap:]


def rename_parameter(text: str, param: Param) -> str:
    return text[: param.start] + param.name + SUFFIX + text[param.start + len(param.name) :]


# -- the expected trees --------------------------------------------------------------------------------
class Renamer(ast.NodeTransformer):
    """Renames ``old`` to ``new`` at the given (line, code-point column) positions of identifiers."""

    def __init__(self, text: str, positions: set[tuple[int, int]], old: str, new: str) -> None:
        self.offsets = Offsets(text)
        self.positions = positions
        self.old, self.new = old, new
        self.done: set[tuple[int, int]] = set()

    def _at(self, node: ast.AST, line: int, column: int) -> bool:
        key = (line, column)
        if key in self.positions:
            self.done.add(key)
            return True
        return False

    def _start(self, node: ast.AST) -> tuple[int, int]:
        return self.offsets.position(self.offsets.start(node))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        self.generic_visit(node)
        if node.name == self.old:
            start = self.offsets.start(node)
            text = self.offsets.lines.lines
            line, column = self.offsets.position(start)
            head = text[line][column:]
            at = head.find(" " + self.old)
            if at >= 0 and self._at(node, line, column + at + 1):
                node.name = self.new
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_arg(self, node: ast.arg) -> ast.AST:
        self.generic_visit(node)
        if node.arg == self.old and self._at(node, *self._start(node)):
            node.arg = self.new
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == self.old and self._at(node, *self._start(node)):
            node.id = self.new
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if node.attr == self.old:
            line, column = self.offsets.position(self.offsets.end(node) - len(self.old))
            if self._at(node, line, column):
                node.attr = self.new
        return node

    def visit_alias(self, node: ast.alias) -> ast.AST:
        if node.name == self.old and self._at(node, *self._start(node)):
            node.name = self.new
        return node

    def visit_keyword(self, node: ast.keyword) -> ast.AST:
        self.generic_visit(node)
        if node.arg == self.old and self._at(node, *self._start(node)):
            node.arg = self.new
        return node

    def visit_Nonlocal(self, node: ast.Nonlocal) -> ast.AST:
        at = declared_position(self.offsets, node, self.old)
        if at is not None and self._at(node, *at):
            node.names = [self.new if n == self.old else n for n in node.names]
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if node.value == self.old:
            line, column = self._start(node)
            if self._at(node, line, column + 1):
                node.value = self.new
        return node


class ArgumentRemover(ast.NodeTransformer):
    """Removes, from the calls whose callee identifier is at a given position, a keyword argument
    named ``name`` or else the positional argument at the index given for that call."""

    def __init__(self, text: str, calls: dict[tuple[int, int], int], name: str) -> None:
        self.offsets = Offsets(text)
        self.calls = calls
        self.name = name

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        callee = callee_position(node, self.offsets)
        if callee in self.calls:
            named = [k for k in node.keywords if k.arg == self.name]
            if named:
                node.keywords.remove(named[0])
            elif 0 <= self.calls[callee] < len(node.args):
                del node.args[self.calls[callee]]
        return node


def declared_position(offsets: Offsets, node: ast.Nonlocal, name: str) -> tuple[int, int] | None:
    """(line, column) of ``name`` in a ``nonlocal a, b`` statement; None when it is not there."""
    start = offsets.start(node) + len("nonlocal")
    text = "\n".join(offsets.lines.lines)[start : offsets.end(node)]
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    return offsets.position(start + found.start()) if found else None


def callee_position(call: ast.Call, offsets: Offsets) -> tuple[int, int] | None:
    """(line, column) of the identifier a call's callee ends with."""
    func = call.func
    if isinstance(func, ast.Name):
        return offsets.position(offsets.start(func))
    if isinstance(func, ast.Attribute):
        return offsets.position(offsets.end(func) - len(func.attr))
    return None


def dump(text: str) -> str | None:
    """The syntax tree of a text without positions; None when it does not parse."""
    try:
        return ast.dump(ast.parse(text))
    except (SyntaxError, ValueError):
        return None
