"""Checking fillings: what the built-in checker and basedpyright say about a buffer, and which of
those errors a filling introduced.

    checkers = Checkers(builtin, pyright)            # pyright: any Checker, or None
    before = await checkers.diagnose(path, buffer)   # .diagnostics, .runs (which checkers ran)
    after = await checkers.diagnose(path, splice(buffer, start, end, filling))
    charged = introduced(before.diagnostics, after.diagnostics, Edit.of(buffer, start, end, filling))
    report = render_error_report(charged, filling, path, start_line=..., start_column=...)

The verdict on a filling (:func:`introduced`) charges it only with what it brought: a diagnostic
of the buffer with the filling that lies on the filled span (or on a range holding it, like the
call whose arity the filling broke) and that the buffer without the filling did not have at the
same place once positions are moved through the edit. Errors already present, and errors on code
the filling did not touch, are not its doing — a type checker reports those on true code too. Nor
is a pyright finding whose message names its subject that the buffer without the filling already
had anywhere (:data:`NAMED_FINDINGS`, :data:`NAMED_MESSAGES`): the filling does what the code
around it does.

Of pyright's diagnostics only errors of :data:`PYRIGHT_RULES` join the verdict: its other rules
flag correct code too often to reject a filling for them. Nor does a type error about a value
pyright knows only as ``object`` (it lost track of the value: an unpacked union, a narrowing it
does not follow) — it says nothing about the filling; nor one about a value whose type is a
type with ``Unknown`` in it (:func:`partly_unknown`); nor one that holds only because
basedpyright does not promote ``bytearray`` to ``bytes`` as other type checkers do; nor an
argument type error against a parameter its function leaves unannotated, whose type pyright took
from its default value (the pyright checker notes those, :data:`GUESSED_PARAMETER`, after
asking for the callee's definition). Nor, given the buffer's text, an argument
type error whose expected type is pyright's guess rather than a declaration (:func:`guessed`): the
element type of a container it inferred from the items of the ``[...]``/``{...}`` display an
undeclared name was last assigned (``names = ["a"]`` then ``names.append(None)``, or ``names``
passed where a ``list[Base]`` is wanted) — code that declares neither is not wrong for it.
Nor an error about a value pyright guessed may be None (:func:`optional_guessed`): an attribute
``self.x`` the class sets to None somewhere and never annotates, or a module name bound to None
as a fallback, read in another function (pyright does not follow which assignment ran first).
Nor a type error only because a value declared as something or None is used where None is not
taken (:func:`unnarrowed`: a narrowing the code's invariants make needless), nor one only because
a container's or a protocol's mutable part does not match exactly (:data:`INVARIANT`): code
written without a type checker does both as often when right as when wrong.

Lines and columns are 0-based code points, as everywhere inside holepilot.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import difflib
import keyword
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from completion.errors import CheckerError, ConfigError
from completion.shape import (
    DEFINITION_LOOKBACK,
    NEW_DEFINITION,
    STATEMENT_LOOKBACK,
    left_open,
    open_brackets,
    statement_window,
)
from context.api import Analyzer
from context.bindings import with_defaults
from context.brackets import CLOSERS, MATCHING, OPENERS, code_of
from context.brackets import open_brackets as open_code_brackets
from context.model import Diagnostic
from context.positions import byte_column, code_point_column, position_at

log = logging.getLogger(__name__)
MAX_REPORTED = 8
MAX_SNIPPET = 120
BUILTIN = "builtin"
# pyright's rules precise enough to reject a filling for ("" is a syntax error), chosen on the
# tuning packages of the mutation benchmark (benchmarks/check_mutations.py): on what a filling
# introduced, none of them flagged more than 1 % of the true fillings; the return and assignment
# rules catch a value of the wrong type where the built-in checker cannot tell.
PYRIGHT_RULES = frozenset({
    "", "reportAttributeAccessIssue", "reportUndefinedVariable", "reportCallIssue",
    "reportArgumentType", "reportOptionalMemberAccess", "reportIndexIssue",
    "reportReturnType", "reportAssignmentType",
})

# a value of a type pyright could not follow ("Argument of type "object" cannot be assigned ...")
LOST_TRACK = re.compile(r'^(?:Argument of type|Type) "object" ')
# the type of the value a type error is about (an argument, a returned or an assigned value)
VALUE_TYPE = re.compile(r'^(?:Argument of type|Type) "(.*?)" (?:cannot be assigned|is not assignable)')
# an error only because basedpyright does not let ``bytearray`` and ``memoryview`` pass for
# ``bytes`` (pyright's and mypy's defaults do; its message says which setting changes that)
BYTES_PROMOTION = "disableBytesTypePromotions"
# what the pyright checker adds to an argument type error against a parameter the callee does not
# annotate (:func:`unannotated_parameter`): pyright took the parameter's type from its default
# value (``renderer='html'`` is a ``str`` to it), a guess that the callee's code does not declare
GUESSED_PARAMETER = "has no annotation: pyright took its type from its default value"

Position = tuple[int, int]  # (line, code-point column)


class Checker(Protocol):
    """An external checker of whole buffers (basedpyright's language server)."""

    name: str

    async def diagnose(self, path: Path | str, text: str) -> list[Diagnostic]:
        """Its diagnostics of ``text`` as the content of ``path``; raises ConfigError when it is
        not installed, CheckerError when it did not answer."""
        ...


@dataclass(frozen=True)
class CheckerRun:
    """Whether one checker's diagnostics are in a verdict, and why not."""

    name: str
    ran: bool
    reason: str = ""  # why it did not run: not installed, did not answer, switched off


@dataclass(frozen=True)
class Checked:
    """The diagnostics of one buffer, and which checkers gave them."""

    diagnostics: tuple[Diagnostic, ...]
    runs: tuple[CheckerRun, ...]

    @property
    def checkers(self) -> tuple[str, ...]:
        return tuple(run.name for run in self.runs if run.ran)


def check_text(analyzer: Analyzer, path: str | Path, text: str | None = None) -> list[Diagnostic]:
    """The built-in diagnostics of a buffer (the file's text when ``text`` is None), with the
    lines that are a lone name and a colon (:func:`lone_name_headers`) of a given ``text``."""
    found = analyzer.diagnose(path, text)
    return merged(found, lone_name_headers(text, found)) if text is not None else found


# a line holding a name and a colon only (``esle:``): a misspelled ``else:``/``try:``/``finally:``
LONE_NAME_HEADER = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*:[ \t]*(?:#.*)?$", re.M)
BARE_HEADERS = ("else", "try", "finally", "except")


def lone_name_headers(text: str, found: Iterable[Diagnostic] = ()) -> list[Diagnostic]:
    """Syntax errors at lines of ``text`` that hold a name and a colon only (``esle:``), where
    Python's parser fails: no statement is that (an annotation needs its type after the colon),
    but tree-sitter reads it with the line below as an annotated assignment, so the built-in
    syntax check, which wants both parsers to fail, stays silent. None on a line where ``found``
    has an error already."""
    lines = [(text.count("\n", 0, m.start()), m) for m in LONE_NAME_HEADER.finditer(text)
             if not keyword.iskeyword(m.group(1)) and not keyword.issoftkeyword(m.group(1))]
    if not lines:
        return []
    try:
        ast.parse(text)
        return []
    except SyntaxError as error:
        failed = (error.lineno or 0) - 1
    except ValueError:
        return []
    taken = {d.line for d in found if d.severity == "error"}
    out: list[Diagnostic] = []
    for line, match in lines:
        if line == failed and line not in taken:
            name = match.group(1)
            column = match.start(1) - (text.rfind("\n", 0, match.start(1)) + 1)
            close = difflib.get_close_matches(name, BARE_HEADERS, n=1)
            hint = f"; did you mean `{close[0]}:`?" if close else ""
            message = f"syntax error: `{name}:` is not a statement{hint}"
            out.append(Diagnostic(line, column, line, column + len(name) + 1, "error", message, "syntax", "python"))
    return out


def precise(diagnostics: Iterable[Diagnostic], text: str | None = None) -> list[Diagnostic]:
    """pyright's errors of the rules in :data:`PYRIGHT_RULES`, but for type errors about a value
    it knows only as ``object`` or only in part (:func:`partly_unknown`) and, given the buffer's
    ``text``, argument type errors against a type pyright guessed (:func:`guessed`) or about an
    attribute whose literal type it widened (:func:`widened_literal`), and errors about a value
    pyright guessed may be None (:func:`optional_guessed`)."""
    errors = [d for d in diagnostics if d.severity == "error" and d.code in PYRIGHT_RULES]
    dropped = [d for d in errors if partly_unknown(d) or unnarrowed(d) or INVARIANT.search(d.message)]
    kept = [d for d in errors if d not in dropped and not LOST_TRACK.match(d.message)
            and BYTES_PROMOTION not in d.message and GUESSED_PARAMETER not in d.message]
    if text is not None and any(d.code in (ARGUMENT_TYPE, OPTIONAL_MEMBER) for d in kept):
        tree = _parsed(text)
        dropped += [d for d in kept if (d.code == ARGUMENT_TYPE and (guessed(d, tree) or widened_literal(d, tree)))
                    or optional_guessed(d, tree, text)]
        kept = [d for d in kept if d not in dropped]
    # the call of an overloaded function no overload of which takes the argument: as guessed as the argument
    return [d for d in kept if not (d.code == "reportCallIssue" and d.message.startswith(NO_OVERLOAD)
                                    and any(_inside(x, d) for x in dropped)
                                    and not any(_inside(x, d) for x in kept if x.code == ARGUMENT_TYPE))]


NO_OVERLOAD = "No overloads for "
# a reason a type error gives: a container's or a protocol's mutable part must match exactly
# (``dict[str, Any]`` for ``MutableMapping[str | None, Any]``), harmless when the code runs
INVARIANT = re.compile(r'\n\s*(?:Type parameter )?"[^"]+" is invariant\b')
# the value's type in a type error or in a reason it gives (``Type "bool | None" is not assignable``)
TYPE_REASON = re.compile(r"(?:^|\n)\s*" + VALUE_TYPE.pattern.removeprefix("^"))


def unnarrowed(d: Diagnostic) -> bool:
    """Whether ``d`` is a type error about a value declared to be something or None
    (``Markdown | None``, a function's ``-> bool | None``) used where None is not taken, and for
    that reason alone: pyright asks for a narrowing (``if md is not None``) that the code's own
    invariants make needless — the value is set by then, the argument given makes the function
    return one — in code written without a type checker as often on right code as on wrong.
    A value that is None itself (``f(x, None)``) is charged."""
    found = TYPE_REASON.search(d.message)
    if found is None or not NONE_LAST.search(d.message):
        return False
    members = [part.strip() for part in found.group(1).split("|")]
    return "None" in members and len(members) > 1


def partly_unknown(d: Diagnostic) -> bool:
    """Whether ``d`` is a type error about a value whose type pyright knows only in part:
    ``Unknown`` anywhere in it — a union member (``Any | Unknown | ParseResults``: some of the
    ways the value is made escaped its inference) or deeper (``list[Unknown | str]``,
    ``Generator[Unknown, None, None]``: the items of a display or a generator of untyped
    values). What it does know fails, but such a value comes from code written without the
    checker in mind, where it fails on correct code as often as on wrong code; like a value it
    knows only as ``object``, that says nothing about the filling. A value it knows whole (a
    literal, a declared class) is charged."""
    found = VALUE_TYPE.match(d.message)
    return found is not None and UNKNOWN_PART.search(found.group(1)) is not None


UNKNOWN_PART = re.compile(r"(?<![\w.])Unknown(?![\w.])")


def _inside(inner: Diagnostic, outer: Diagnostic) -> bool:
    return _start(outer) <= _start(inner) and _end(inner) <= _end(outer)


def combined(builtin: list[Diagnostic], external: list[Diagnostic], text: str | None = None) -> list[Diagnostic]:
    """The verdict's diagnostics of one buffer (``text``): the built-in checker's and pyright's
    precise errors (``external`` as pyright gave them), merged."""
    return merged(builtin, precise(external, text))


ARGUMENT_TYPE = "reportArgumentType"
# the parameter's type holds a type variable (``list[T@pair]``) ...
DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


# the reason under an argument type error that a container's element type differs from the
# parameter's: pyright took it from the items of a display, where a declared name would give it
INVARIANT_ITEMS = re.compile(r'\n\s*Type parameter "\w+@(?:list|dict|set)" is invariant')


def guessed(d: Diagnostic, tree: ast.Module | None) -> bool:
    """Whether pyright's argument type error ``d`` holds only against a type pyright guessed,
    not one the code declares: the call is a method of an undeclared local name last assigned a
    container display (pyright takes the element type from the items it saw); or the argument
    is such a name and the error is about its element type (``new = [sub]`` is a
    ``list[Sub]`` to pyright, which a ``list[Base]`` parameter does not take; written in the
    call, or declared, the display would be a ``list[Base]``). (A parameter whose type variable
    was solved from the other arguments is charged: leaving those out cost more caught mistakes
    than false alarms on the tuning split.)
    ``tree`` is the buffer's syntax tree (None when it does not parse: nothing is guessed)."""
    if tree is None:
        return False
    found = _call_at(tree, (d.line + 1, d.column))
    if found is None:
        return False
    call, scope = found
    at = (call.lineno, call.col_offset)
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(receiver, ast.Name) and _guessed_at(scope, receiver.id, at):
        return True
    argument = next((a for a in [*call.args, *(k.value for k in call.keywords)]
                     if (a.lineno, a.col_offset) == (d.line + 1, d.column)), None)
    return (isinstance(argument, ast.Name) and INVARIANT_ITEMS.search(d.message) is not None
            and _guessed_at(scope, argument.id, at))


# an argument of a plain builtin type rejected by a parameter (of the type named) that wants some
# of its literals
WIDENED = re.compile(r'^Argument of type "(?:str|int|bool|bytes)" cannot be assigned to parameter "\w+" '
                     r'of type "([\w.]+)".*\n\s*"(?:str|int|bool|bytes)" is not assignable to type "Literal\[', re.S)


def widened_literal(d: Diagnostic, tree: ast.Module | None) -> bool:
    """Whether pyright's argument type error ``d`` is about an attribute it typed by widening a
    literal: the argument is ``obj.name`` (or the key of ``table[obj.name]``), no annotation
    declares ``name`` in the buffer, and every assignment to it gives a literal or a parameter
    declared of the very type the error's parameter wants (``self.lifespan = lifespan`` with
    ``lifespan: LifespanType`` is a ``str`` attribute to pyright, which a ``LifespanType`` key
    then rejects). Declared, the attribute would keep its type; assigned anything else (a
    ``str`` parameter), it is charged."""
    found = WIDENED.match(d.message) if tree is not None and d.code == ARGUMENT_TYPE else None
    if found is None or tree is None:
        return False
    span = (d.line + 1, d.column, d.end_line + 1, d.end_column)
    argument: ast.AST | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Subscript) and \
                (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset) == span:
            argument = node.slice if isinstance(node, ast.Subscript) else node
            break
    if not isinstance(argument, ast.Attribute):
        return False
    assigned = _attribute_values(tree, argument.attr)
    return assigned is not None and bool(assigned) and all(
        isinstance(value, ast.Constant) or declared == found.group(1) for value, declared in assigned)


def _attribute_values(tree: ast.Module, attr: str) -> list[tuple[ast.expr, str | None]] | None:
    """Each value assigned to an attribute ``attr`` in the buffer, with the annotation of the
    parameter it is (None for another value); None when an annotation declares ``attr``."""
    out: list[tuple[ast.expr, str | None]] = []
    for function in ast.walk(tree):
        if isinstance(function, ast.AnnAssign) and (
                (isinstance(function.target, ast.Name) and function.target.id == attr)
                or (isinstance(function.target, ast.Attribute) and function.target.attr == attr)):
            return None
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        params = {a.arg: ast.unparse(a.annotation) if a.annotation is not None else None
                  for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == attr
                                                    for t in node.targets):
                value = node.value
                out.append((value, params.get(value.id) if isinstance(value, ast.Name) else None))
    return out


def _call_at(tree: ast.Module, position: Position) -> tuple[ast.Call, ast.AST] | None:
    """The innermost call with an argument starting at ``position`` (1-based line, column),
    and the function or module it is in."""
    best: tuple[ast.Call, ast.AST] | None = None

    def visit(node: ast.AST, scope: ast.AST) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else scope
            if isinstance(child, ast.Call) and any(
                    (argument.lineno, argument.col_offset) == position
                    for argument in [*child.args, *(keyword.value for keyword in child.keywords)]):
                best = (child, scope)
            visit(child, inner)

    visit(tree, tree)
    return best


def _guessed_at(scope: ast.AST, name: str, at: tuple[int, int]) -> bool:
    """Whether ``name``'s type at ``at`` in ``scope`` is one pyright inferred from a container
    display: the name is bound in ``scope`` (not in the functions or classes it holds) only by
    plain assignments — a parameter, an annotation, a ``global`` or any other binding declares or
    hides its type — and the last of them before ``at`` (the one pyright narrows the name to)
    assigns a ``[...]``/``{...}`` display or comprehension."""
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = scope.args
        if any(a.arg == name for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                        *filter(None, (arguments.vararg, arguments.kwarg))]):
            return False
    values: list[tuple[tuple[int, int], ast.AST]] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            if getattr(node, "name", None) == name:
                return False
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return False
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                values.append(((node.lineno, node.col_offset), node.value))
        elif (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name
              and not _plain_target(node, scope)):
            return False
        stack.extend(ast.iter_child_nodes(node))
    before = [(where, value) for where, value in values if where < at]
    return bool(before) and isinstance(max(before, key=lambda pair: pair[0])[1], DISPLAYS)


OPTIONAL_MEMBER = "reportOptionalMemberAccess"
NONE_MEMBER = re.compile(r'^"(\w+)" is not a known attribute of "None"')
NONE_REJECTED = re.compile(r'\n\s*"None" is not assignable to ')  # a reason under an argument type error
NONE_LAST = re.compile(NONE_REJECTED.pattern + r'"[^"\n]*"\s*$')  # ... the last one it gives


def optional_guessed(d: Diagnostic, tree: ast.Module | None, text: str) -> bool:
    """Whether pyright's error ``d`` about a value that may be None (``"x" is not a known
    attribute of "None"``, or an argument rejected because ``"None" is not assignable``; ``d`` is
    of the buffer ``text`` whose syntax tree is ``tree``) holds only because pyright guessed the
    value's type from undeclared assignments, one of them ``None``: the value (the receiver, or
    the argument) is ``self.name`` in a method of a class of the buffer that assigns
    ``self.name = None`` (or ``name = None`` in its body) and annotates ``name`` nowhere, or a
    module-level name read inside a function that binds it only by plain assignments and
    imports, one of them ``None`` (an import that may fail). Code in another method, or in a
    function, runs after the name was set; pyright does not follow that across functions and
    takes every assignment as a possible value."""
    member = NONE_MEMBER.match(d.message) if d.code == OPTIONAL_MEMBER else None
    if tree is None or (member is None and not (d.code == ARGUMENT_TYPE and NONE_REJECTED.search(d.message))):
        return False
    lines = text.split("\n")
    start = (d.line + 1, _byte_column(lines, d.line, d.column))  # as ast places nodes
    end = (d.end_line + 1, _byte_column(lines, d.end_line, d.end_column))
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Attribute, ast.Name)) or (node.end_lineno, node.end_col_offset) != end:
            continue
        if member is not None and isinstance(node, ast.Attribute) and node.attr == member.group(1):
            return _guessed_none(node.value, _parents(tree), tree)
        if member is None and (node.lineno, node.col_offset) == start:
            return _guessed_none(node, _parents(tree), tree)
    return False


def _byte_column(lines: list[str], line: int, column: int) -> int:
    """The UTF-8 column ast gives a code-point column of ``lines`` (-1 off the text)."""
    return byte_column(lines[line], column) if 0 <= line < len(lines) and column <= len(lines[line]) else -1


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _guessed_none(receiver: ast.expr, parents: dict[ast.AST, ast.AST], tree: ast.Module) -> bool:
    function = _enclosing_function(receiver, parents)
    if function is None:
        return False  # at module or class level pyright narrows in the order the code runs
    if isinstance(receiver, ast.Name):
        return receiver.id not in _local_names(function) and _binding(_scope_nodes(tree.body), receiver.id) == NONE
    if not (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name)):
        return False
    owner = parents.get(function)
    if not isinstance(owner, ast.ClassDef) or _first_parameter(function) != receiver.value.id:
        return False
    return _attribute_binding(owner, receiver.attr) == NONE


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
DECLARED, NONE = "declared", "none"  # how a scope binds a name: annotated (or a def), or None among plain values


def _enclosing_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None:
    """The function ``node`` is in, directly (not through a class body)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, FUNCTIONS):
            return node
        if isinstance(node, ast.ClassDef):
            return None
    return None


def _first_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> str:
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0].arg if positional else ""


def _scope_nodes(body: list[ast.stmt]) -> list[ast.AST]:
    """The nodes of one scope: nested functions and classes, not what they hold."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return out


def _local_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """The names a function binds (parameters, assignments, imports, definitions, globals)."""
    arguments = function.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                             *filter(None, (arguments.vararg, arguments.kwarg))]}
    body: list[ast.stmt] = function.body if isinstance(function.body, list) else [ast.Expr(function.body)]
    for node in _scope_nodes(body):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def _binding(nodes: list[ast.AST], name: str) -> str:
    """How the nodes of one scope bind ``name``: DECLARED (an annotation, a def or class), NONE
    (only plain assignments and imports, one of them ``None``), or ""."""
    found = ""
    for node in nodes:
        if ((isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name)
                or (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name)):
            return DECLARED
        if isinstance(node, ast.Assign) and _is_none(node.value) and any(
                isinstance(target, ast.Name) and target.id == name for target in node.targets):
            found = NONE
    return found


def _attribute_binding(cls: ast.ClassDef, name: str) -> str:
    """How a class binds its attribute ``name``: in its body (see :func:`_binding`), or as
    ``self.name`` in its methods (annotated: DECLARED)."""
    found = _binding(_scope_nodes(cls.body), name)
    if found == DECLARED:
        return found
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _first_parameter(method):
            continue
        receiver = _first_parameter(method)
        for node in ast.walk(method):
            if isinstance(node, ast.AnnAssign) and _is_member(node.target, receiver, name):
                return DECLARED
            if isinstance(node, ast.Assign) and _is_none(node.value) and any(
                    _is_member(target, receiver, name) for target in node.targets):
                found = NONE
    return found


def _is_member(node: ast.AST, receiver: str, name: str) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name)
            and node.value.id == receiver)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _plain_target(node: ast.Name, scope: ast.AST) -> bool:
    """Whether the binding ``node`` is a whole target of a plain assignment in ``scope``."""
    for statement in ast.walk(scope):
        if isinstance(statement, ast.Assign) and any(t is node for t in statement.targets):
            return True
    return False


# an argument type error: the parameter's name, its type when that is one class (what pyright
# makes of a default value), and the function's name
PARAMETER_OF = re.compile(r'^Argument of type ".*?" cannot be assigned to parameter "(\w+)" of type "([\w.]+)" '
                          r'in function "(\w+)"')


@dataclass(frozen=True)
class ParameterQuestion:
    """Whether pyright guessed the type of the parameter an argument type error is about: the
    callee is named at ``callee`` (line, column) of the buffer; the error names ``function``,
    its ``parameter`` and that parameter's type, ``type_name``."""

    callee: Position
    function: str
    parameter: str
    type_name: str


def parameter_questions(text: str, diagnostics: Iterable[Diagnostic]) -> dict[int, ParameterQuestion]:
    """For the argument type errors among ``diagnostics`` (pyright's, of the buffer ``text``)
    whose parameter's type may be one pyright took from a default value, by their index: where
    the called function is named (the name, or the attribute after the last dot), to ask for
    its definition. None for a callee of another form, or when the buffer does not parse."""
    candidates = [(index, d, match) for index, d in enumerate(diagnostics)
                  if d.severity == "error" and d.code == ARGUMENT_TYPE and (match := PARAMETER_OF.match(d.message))]
    tree = _parsed(text) if candidates else None
    if tree is None:
        return {}
    lines = text.split("\n")
    out: dict[int, ParameterQuestion] = {}
    for index, d, match in candidates:
        found = _call_at(tree, (d.line + 1, _byte_column(lines, d.line, d.column)))
        callee = _name_position(found[0].func, lines) if found is not None else None
        if callee is not None:
            out[index] = ParameterQuestion(callee, match.group(3), match.group(1), match.group(2))
    return out


def _name_position(func: ast.expr, lines: list[str]) -> Position | None:
    """Where the name a callee ends in starts (``f`` of ``f(...)``, ``m`` of ``a.b.m(...)``)."""
    if isinstance(func, ast.Name):
        line, byte = func.lineno - 1, func.col_offset
    elif isinstance(func, ast.Attribute) and func.end_lineno is not None and func.end_col_offset is not None:
        line, byte = func.end_lineno - 1, func.end_col_offset - len(func.attr.encode("utf-8"))
    else:
        return None
    if not 0 <= line < len(lines):
        return None
    return line, code_point_column(lines[line].encode("utf-8"), byte)


def unannotated_parameter(text: str, line: int, question: ParameterQuestion) -> bool:
    """Whether the definition at ``line`` (0-based) of the module ``text`` — where pyright's
    definition of the callee of ``question`` lies: the function, or the class whose method it
    is — leaves the parameter unannotated, with a default value from which pyright took the type
    the error names: a constant of that very type (``flag=False`` for ``bool``), or another
    value of a plain function or of a method of a class without bases (a method may take the
    annotation of the method it overrides). Then the type is pyright's guess, not the callee's
    declaration. Not for a signature type comment, nor a definition not found."""
    tree = _parsed_with_comments(text)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or node.lineno - 1 != line:
            continue
        owner: ast.ClassDef | None = None
        function: ast.AST | None = node
        if isinstance(node, ast.ClassDef):
            owner = node
            function = next((child for child in node.body if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and child.name == question.function), None)
        elif node.name != question.function:
            function = None
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return _guessed_parameter(function, owner, question)
    return False


def _parsed_with_comments(text: str) -> ast.Module | None:
    try:
        return ast.parse(text, type_comments=True)
    except (SyntaxError, ValueError):
        return None


def _guessed_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, owner: ast.ClassDef | None,
                       question: ParameterQuestion) -> bool:
    if function.type_comment:
        return False
    found = next(((argument, default) for argument, default in with_defaults(function.args)
                  if argument.arg == question.parameter), None)
    if found is None:
        return False
    argument, default = found
    if argument.annotation is not None or argument.type_comment or default is None or _is_none(default):
        return False
    if isinstance(default, ast.Constant):
        return type(default.value).__name__ == question.type_name
    in_subclass = owner is not None and any(not (isinstance(base, ast.Name) and base.id == "object")
                                            for base in owner.bases)
    return not in_subclass


def merged(builtin: list[Diagnostic], external: list[Diagnostic]) -> list[Diagnostic]:
    """Both checkers' diagnostics, in document order; an external one that starts where a
    built-in error starts is the same finding said twice, and the built-in one (it names the
    close match) is kept."""
    starts = {(d.line, d.column) for d in builtin if d.severity == "error"}
    kept = [d for d in external if (d.line, d.column) not in starts]
    return sorted([*builtin, *kept], key=lambda d: (d.line, d.column))


class Checkers:
    """The built-in checker and an optional external one, combined into one verdict per buffer.

    An external checker that is not installed is not asked again (front ends say so once, from
    :attr:`Checked.runs`; ``required`` makes it a ConfigError instead); one that fails (hung,
    dead) leaves the built-in verdict alone for that buffer, with a warning logged and the
    reason in :attr:`Checked.runs`."""

    def __init__(self, builtin: Callable[[Path, str], Awaitable[list[Diagnostic]]],
                 external: Checker | None, *, required: bool = False) -> None:
        self.builtin = builtin
        self.external = external
        self.required = required  # a missing external checker raises ConfigError
        self.missing = ""  # why the external checker is not installed, once known

    async def diagnose(self, path: Path, text: str) -> Checked:
        """Both checkers on ``text`` at once (the built-in one on the analysis thread while
        pyright answers), combined."""
        builtin = asyncio.ensure_future(self.builtin(path, text))
        try:
            run, extra = await self._external(path, text)
        finally:
            found = await builtin
        runs = (CheckerRun(BUILTIN, True),) + ((run,) if run is not None else ())
        return Checked(tuple(combined(found, extra, text) if extra else found), runs)

    async def _external(self, path: Path, text: str) -> tuple[CheckerRun | None, list[Diagnostic]]:
        if self.external is None:
            return None, []
        name = self.external.name
        if self.missing:
            return CheckerRun(name, False, self.missing), []
        try:
            return CheckerRun(name, True), await self.external.diagnose(path, text)
        except ConfigError as error:
            if self.required:
                raise
            self.missing = str(error)
            log.info("%s: %s; checking with the built-in checker only", name, error)
            return CheckerRun(name, False, self.missing), []
        except CheckerError as error:
            log.warning("%s did not answer (%s); this check uses the built-in checker only", name, error)
            return CheckerRun(name, False, f"did not answer: {error}"), []


def splice(text: str, start_offset: int, end_offset: int, filling: str) -> str:
    """``text`` with the code points ``[start_offset, end_offset)`` replaced by ``filling``."""
    if not 0 <= start_offset <= end_offset <= len(text):
        raise ValueError(f"bad splice range {start_offset}..{end_offset} for a text of {len(text)} characters")
    return text[:start_offset] + filling + text[end_offset:]


@dataclass(frozen=True)
class Edit:
    """A replacement in a buffer: ``[start, old_end)`` of the old text became ``[start, new_end)``
    of the new one (positions as (line, column))."""

    start: Position
    old_end: Position
    new_end: Position

    @classmethod
    def of(cls, text: str, start_offset: int, end_offset: int, filling: str) -> Edit:
        """The edit of :func:`splice` with the same arguments."""
        start = position_at(text, start_offset)
        old_end = position_at(text, end_offset)
        lines = filling.split("\n")
        if len(lines) == 1:
            new_end = (start[0], start[1] + len(filling))
        else:
            new_end = (start[0] + len(lines) - 1, len(lines[-1]))
        return cls(start, old_end, new_end)

    @classmethod
    def between(cls, old: str, new: str, head: int, tail: int) -> Edit:
        """The edit that turned ``old`` into ``new``, given their common head and tail lengths."""
        return cls.of(old, head, len(old) - tail, new[head : len(new) - tail])

    def moved(self, position: Position, *, end: bool) -> Position:
        """Where a position of the old text is in the new one. Inside the replaced range, a
        range's start goes to the edit's start and its end to the new text's end: a range that
        held replaced text holds the new text. An end at the edit's start stays (the range ends
        before the edit); a start at the old end moves with the text after it."""
        if position < self.start or (end and position == self.start):
            return position
        if position < self.old_end:
            return self.new_end if end else self.start
        line, column = position
        if line == self.old_end[0]:
            return self.new_end[0], self.new_end[1] + column - self.old_end[1]
        return line + self.new_end[0] - self.old_end[0], column

    def moved_range(self, d: Diagnostic) -> tuple[Position, Position]:
        end = self.moved(_end(d), end=True)
        if _start(d) == _end(d):  # a point keeps being a point
            return end, end
        return self.moved(_start(d), end=False), end

    def holds(self, d: Diagnostic) -> bool:
        """Whether ``d`` (of the old text) lies on the replaced range, boundaries included."""
        return _start(d) >= self.start and _end(d) <= self.old_end


def _start(d: Diagnostic) -> Position:
    return d.line, d.column


def _end(d: Diagnostic) -> Position:
    return d.end_line, d.end_column


def on_span(d: Diagnostic, start: Position, end: Position) -> bool:
    """Whether ``d``'s range meets ``[start, end]`` (touching counts: a zero-width diagnostic at
    the end of a filling is about it)."""
    return _start(d) <= end and _end(d) >= start


def _identity(d: Diagnostic) -> tuple[str, str, str]:
    return d.source, d.code, d.message


# pyright's rules whose messages name what they are about (the attribute and its class, the
# variable, the argument's and the parameter's types and the function): the same message twice
# is the same finding about code written the same way
NAMED_FINDINGS = frozenset({
    "reportAttributeAccessIssue", "reportOptionalMemberAccess", "reportArgumentType", "reportUndefinedVariable",
    "reportIndexIssue",
})


# the argument's own type in an argument type error whose details give the reason
ARGUMENT_OF_TYPE = re.compile(r'^Argument of type ".*?" (?=cannot be assigned to parameter .*\n)')


# pyright's messages of other rules that name their subject: calling a value of a type that is
# not callable (the same type called twice is the same finding)
NAMED_MESSAGES = {"reportCallIssue": re.compile(r'^Object of type ".+" is not callable')}


# the built-in checker's findings that name what they are about: a class's attribute it does not
# find — the buffer reading it elsewhere too is a class whose attributes come from elsewhere (a
# mixin's, set by the classes it is mixed into), not a slip of the filling
BUILTIN_NAMED = frozenset({"unknown-attribute"})


def _said_before(d: Diagnostic) -> bool:
    if d.source != "pyright":
        return d.code in BUILTIN_NAMED
    named = NAMED_MESSAGES.get(d.code)
    return d.code in NAMED_FINDINGS or (named is not None and named.match(d.message) is not None)


def _finding(d: Diagnostic) -> tuple[str, str, str]:
    """What a pyright finding says, for matching it against the findings of the buffer without
    the filling: its message, but an argument type error that gives a reason (the type a value
    has underneath, like ``"Annotated" is not assignable to "type[Any]"``) is the same finding for
    any argument the same parameter rejects for the same reason."""
    return d.source, d.code, ARGUMENT_OF_TYPE.sub("Argument of type … ", d.message)


def introduced(before: list[Diagnostic], after: list[Diagnostic], edit: Edit, *,
               anywhere: bool = False) -> list[Diagnostic]:
    """The diagnostics of ``after`` (the buffer with the edit) that the edit brought: on the new
    text's span, and not in ``before`` (the buffer without it) at the same place once moved
    through the edit. One that ``before`` had on the edited range itself is matched by its
    message alone: the filling's text moved it, it did not make it. So is a pyright finding whose
    message names its subject (:data:`NAMED_FINDINGS`) that ``before`` had anywhere: the buffer
    already does what the filling does and pyright already said so (an attribute of a union it
    does not narrow, an argument of a type it infers wrongly) — repeating the code around it is
    not the filling's mistake. With ``anywhere``, new diagnostics off the span count too (what
    changed at all, not what to charge), and a finding said before elsewhere counts too."""
    span = (edit.start, edit.new_end)
    placed: Counter[tuple[tuple[str, str, str], Position, Position]] = Counter()
    at_edit: Counter[tuple[str, str, str]] = Counter()
    said = set() if anywhere else {_finding(d) for d in before if _said_before(d)}
    for d in before:
        placed[(_identity(d), *edit.moved_range(d))] += 1
        if edit.holds(d):
            at_edit[_identity(d)] += 1
    out: list[Diagnostic] = []
    for d in after:
        if not anywhere and not on_span(d, *span):
            continue
        key = (_identity(d), _start(d), _end(d))
        if placed[key] > 0:
            placed[key] -= 1
        elif at_edit[_identity(d)] > 0:
            at_edit[_identity(d)] -= 1
        elif not _said_before(d) or _finding(d) not in said:
            out.append(d)
    return out if anywhere else out + misspelled_bindings(before, after, edit)


QUOTED = re.compile(r"^'([^']+)'")
# a built-in finding's "did you mean" hint (see :func:`context.diagnose.text.did_you_mean`)
HINTED = re.compile(r"^(?P<finding>.*) \(did you mean '(?P<name>[^']+)'\?\)$", re.S)


def misspelled_bindings(before: list[Diagnostic], after: list[Diagnostic], edit: Edit) -> list[Diagnostic]:
    """A name the edit binds that is one letter off a name the code elsewhere reads and nothing
    defines (``statr = pos + 1`` typed above ``return text[start:]``): the code around was
    wrong before the edit and is still, so :func:`introduced` charges nothing off the edit — but
    now the finding there suggests the edit's new name, which it did not before. That is a
    misspelling no checker sees on the edit itself (a new name is valid code); it is charged to
    the edit, once per name."""
    span = (edit.start, edit.new_end)
    # the names the built-in checker calls misspelled on the edit already (``statr`` for ``start``)
    named = {found.group(1) for d in after if d.code == "misspelled-binding" and on_span(d, *span)
             and (found := QUOTED.match(d.message)) is not None}
    earlier: dict[tuple[str, str, Position, Position], set[str]] = {}
    for d in before:
        hinted = HINTED.match(d.message)
        finding, hint = (hinted["finding"], hinted["name"]) if hinted else (d.message, "")
        earlier.setdefault((d.source, finding, *edit.moved_range(d)), set()).add(hint)
    out: list[Diagnostic] = []
    for d in after:
        hinted = HINTED.match(d.message)
        if hinted is None or on_span(d, *span) or hinted["name"] in named:
            continue
        hints = earlier.get((d.source, hinted["finding"], _start(d), _end(d)))
        if hints is None or hinted["name"] in hints:
            continue  # not there before (charged or not as it is), or suggested before too
        named.add(hinted["name"])
        message = f"'{hinted['name']}' looks misspelled: line {d.line + 1} has {hinted['finding']}"
        out.append(Diagnostic(*edit.start, *edit.new_end, "error", message, d.source, "misspelled-binding"))
    return out


BLOCK_KEYWORD = re.compile(r"(?:async\s+)?(?:if|elif|else|for|while|try|except|finally|with|def|class|match|case)\b")
BODY = "pass"
# the headers of compound statements whose brackets may span lines (``if (``, ``def f(``)
BLOCK_HEADER = re.compile(r"(?:async\s+)?(?:if|elif|while|for|with|except|def|class)\b")


def unfinished_tail(head: str, rest: str) -> str:
    """What finishes the statement a filling leaves open at the end of ``head`` (the buffer up
    to the filling's end; ``rest`` the buffer after it) where the user goes on writing on the
    next line: after a line that ends in an opening bracket or a comma, or a whole line inside
    brackets opened on the lines above it, the closers of the brackets that nothing in ``rest``
    closes (then, for a compound statement's header like ``if (``, its colon and body); after a
    block opener whose body is not written yet, a ``pass`` body; "" otherwise (``f(1, (2)`` is
    unbalanced, not unfinished). A ``try`` block the filling's end ends without a handler gets
    one (the user has not written it yet: :func:`_handlers`). Checking the buffer with this
    tail charges a filling with its errors, not with being unfinished."""
    if code_of(rest.split("\n", 1)[0]).strip():
        return ""  # the line goes on after the filling
    tail = _statement_tail(head, rest)
    return tail + _handlers(head + tail, rest)


def _statement_tail(head: str, rest: str) -> str:
    lines = head.split("\n")
    last = code_of(lines[-1]).rstrip()
    window = statement_window(head)
    opened = open_brackets(window)
    if opened:
        if not (last.endswith((*OPENERS, ",")) or _whole_line_inside(window, opened, last)):
            return ""
        statement_line = window[opened[0][1] :].split("\n", 1)[0]
        left = left_open(rest, opened, window, _line_indent(statement_line))
        header = BLOCK_HEADER.match(statement_line.strip())
        closers = _closers(window, len(opened) - left, last, signature=header is not None
                           and header.group(0).split()[-1] in ("def", "class"))
        if closers and left == len(opened) and header:
            # ``if (`` or ``def f(``: once its brackets close, a header still wants its colon and body
            return closers + ":" + _body(_line_indent(statement_line), rest)
        return closers
    if not last.endswith(":"):
        return ""
    # the opener's first line: this one, or above a signature's closing line (``) -> int:``)
    above = lines[-STATEMENT_LOOKBACK:] if last.lstrip()[:1] in CLOSERS else lines[-1:]
    opener = next((line for line in reversed(above) if BLOCK_KEYWORD.match(line.strip())), None)
    if opener is None:
        return ""
    return _body(_line_indent(opener), rest)


# the arguments still to come of a call left open (``max(p.x,``): an unpacked list of unknown
# length, so that no checker counts the call's arguments or judges it by those written so far
MORE_ARGUMENTS = "*[]"


def _closers(window: str, first: int, last: str, *, signature: bool) -> str:
    """The closers of the brackets open at the end of ``window`` from the ``first`` (outermost
    first) on, innermost first; a call's with :data:`MORE_ARGUMENTS` before its ``)`` (not the
    parameters of a ``def`` or the bases of a ``class``: ``signature``). ``last`` is the code of
    the window's last line."""
    out = ""
    brackets = open_code_brackets(window)[first:]
    for index, (bracket, offset) in enumerate(reversed(brackets)):
        if bracket == "(" and not (signature and index == len(brackets) - 1) and _called(window[:offset]):
            after = last.rstrip() if index == 0 else ")"
            out += ("" if after.endswith(("(", ",")) else ", ") + MORE_ARGUMENTS
        out += MATCHING[bracket]
    return out


def _called(before: str) -> bool:
    """Whether a ``(`` after ``before`` opens a call's arguments: right after a name that is no
    keyword (``if(``), or after a closer (``f()(``, ``handlers[0](``)."""
    if before.endswith((")", "]")):
        return True
    name = re.search(r"\w+$", before)
    return name is not None and not keyword.iskeyword(name.group(0)) and not name.group(0)[0].isdigit()


TRY_HEADER = re.compile(r"try\s*:")
HANDLER = re.compile(r"(?:except|finally)\b")


def _handlers(head: str, rest: str) -> str:
    """Handlers (``except BaseException: pass``) for the ``try`` blocks around the end of
    ``head`` that end there, ``rest`` going on at a lower indentation without one: a ``try`` whose
    handler is still to be written is valid code to check the rest with (innermost first)."""
    following = _next_code_line(rest)
    after = _line_indent(following) if following else -1
    out: list[str] = []
    current: int | None = None
    for line in reversed(head.split("\n")[-DEFINITION_LOOKBACK:]):
        code = code_of(line).strip()
        indent = _line_indent(line)
        if not code or (current is not None and indent >= current):
            continue
        current = indent
        if after > indent:
            break  # this block goes on after the filling
        handled = after == indent and HANDLER.match(following.strip()) is not None
        if TRY_HEADER.fullmatch(code) and not handled:
            out.append("\n" + " " * indent + "except BaseException:\n" + " " * (indent + 4) + BODY)
        if indent == 0 or NEW_DEFINITION.match(code):
            break
    return "".join(out)


def _body(indent: int, rest: str) -> str:
    """The body of a block opener at ``indent`` whose line ends where ``rest`` begins: none when
    the lines of ``rest`` are its body already, else ``pass``."""
    following = _next_code_line(rest)
    if following and _line_indent(following) > indent:
        return ""  # its body is there
    return "\n" + " " * (indent + 4) + BODY


def _next_code_line(rest: str) -> str:
    """The first line after the filling's own (``rest``'s first) that holds code; "" if none."""
    return next((line for line in rest.split("\n")[1:] if code_of(line).strip()), "")


def _whole_line_inside(window: str, opened: list[tuple[str, int]], last: str) -> bool:
    """Whether the last line of ``window`` (its code ``last``) is a whole line of code inside
    brackets opened on earlier lines (a list comprehension's ``if`` clause, an argument on a
    line of its own), leaving none of its own open: a line break may follow it there. One that
    leaves its own bracket open (``f(1, (2)``) is unbalanced."""
    line_start = window.rfind("\n") + 1
    return bool(last.strip()) and all(start < line_start for _, start in opened)


def _line_indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def finished(d: Diagnostic, text: str, at: int, tail: str) -> Diagnostic:
    """``d``, a diagnostic of ``text`` with ``tail`` inserted at offset ``at``, placed in
    ``text`` itself (one on the tail lands where the tail was)."""
    edit = Edit.of(text[:at] + tail + text[at:], at, at + len(tail), "")
    (line, column), (end_line, end_column) = edit.moved_range(d)
    return dataclasses.replace(d, line=line, column=column, end_line=end_line, end_column=end_column)


def _relative(d: Diagnostic, start_line: int, start_column: int, line_count: int) -> tuple[int, int] | None:
    """1-based (line, column) of a problem inside the filling; None when it lies outside."""
    line = d.line - start_line
    if not 0 <= line < line_count:
        return None
    column = d.column - start_column if line == 0 else d.column
    return line + 1, max(column, 0) + 1


def _snippet(filling_lines: list[str], d: Diagnostic, start_line: int, start_column: int) -> list[str]:
    index = d.line - start_line
    text = filling_lines[index]
    column = d.column - start_column if index == 0 else d.column
    end = d.end_column - start_column if index == 0 else d.end_column
    if d.end_line != d.line:
        end = len(text)
    column = max(0, min(column, len(text)))
    end = max(column + 1, min(end, len(text)))
    if len(text) > MAX_SNIPPET:
        return [f"    {text[:MAX_SNIPPET]}..."]
    return [f"    {text}", "    " + " " * column + "^" * (end - column)]


def render_error_report(problems: list[Diagnostic], filling: str, path: str, *, start_line: int | None = None,
                        start_column: int = 0) -> str:
    """A compact report for the model: each problem with its message and where it is.

    With ``start_line``/``start_column`` (where the filling starts in the document, 0-based) a
    problem inside the filling gets its line:column relative to the filling (1-based) and the
    offending line with a marker under its span; without them, its line:column in the file."""
    if not problems:
        return ""
    lines = filling.split("\n")
    shown = problems[:MAX_REPORTED]
    count = len(problems)
    out = [f"Your code for {Path(path).name} has {count} problem{'s' if count != 1 else ''}:"]
    for d in shown:
        where = _relative(d, start_line, start_column, len(lines)) if start_line is not None else None
        if where is None:
            out.append(f"- line {d.line + 1}:{d.column + 1} of the file: {d.message}")
            continue
        out.append(f"- {where[0]}:{where[1]} {d.message}")
        out.extend(_snippet(lines, d, start_line or 0, start_column))
    if count > len(shown):
        out.append(f"- ... and {count - len(shown)} more")
    return "\n".join(out)


__all__ = [
    "GUESSED_PARAMETER", "NAMED_FINDINGS", "NAMED_MESSAGES", "PYRIGHT_RULES", "Checked", "Checker", "CheckerRun",
    "Checkers", "Edit", "ParameterQuestion", "check_text", "combined", "finished", "guessed", "introduced", "merged",
    "misspelled_bindings", "on_span", "optional_guessed", "parameter_questions", "partly_unknown", "precise",
    "render_error_report", "splice", "unannotated_parameter", "unfinished_tail", "unnarrowed", "widened_literal",
]
