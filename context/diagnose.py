"""Fast built-in diagnostics: syntax errors, undefined names, unknown attributes, call arity and
keywords, and values that clearly cannot match their declared type.

Precision comes before recall: every check stays silent when the analysis is unsure (an
unresolvable base class, ``__getattr__``, a decorator that may change a signature, a name narrowed
by ``isinstance``, a name bound more than once, ``*args`` at the call site, ...).

One pass over the module records, per lexical scope, what each scope binds (:class:`NameScope`);
the checks then run on the recorded names, attributes, calls, annotated assignments and returns,
inferring types with one :class:`context.infer.Scope` per function.
"""

from __future__ import annotations

import ast
import builtins
import copy
import difflib
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from context.errors import SourceError
from context.infer import Inferred, Scope, parse_expression
from context.model import Problem
from context.parsing import error_nodes, tolerant_ast, ts_parse
from context.positions import code_point_column
from context.resolve import Resolver, Symbol
from context.summary import ClassSummary, ModuleSummary, Param, summarize_function, summarize_module
from context.types import TypeExpr, display, make_union, parse_type, union_members
from context.workspace import Workspace, read_source

log = logging.getLogger(__name__)

MODULE_DUNDERS = frozenset({"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__",
                            "__builtins__", "__path__", "__cached__", "__annotations__"})
BUILTIN_NAMES = frozenset(dir(builtins)) | MODULE_DUNDERS | {"reveal_type", "reveal_locals", "WindowsError"}
NARROWERS = frozenset({"isinstance", "issubclass", "callable"})
SAFE_DECORATORS = frozenset({"property", "staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod",
                             "override", "typing.override", "typing_extensions.override", "final",
                             "typing.final", "cached_property", "functools.cached_property"})
SAFE_CLASS_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass", "final", "typing.final",
                                   "total_ordering", "functools.total_ordering", "unique", "enum.unique",
                                   "runtime_checkable", "typing.runtime_checkable", "disjoint_base",
                                   "type_check_only", "typing.type_check_only"})
SAFE_METACLASSES = frozenset({"ABCMeta", "abc.ABCMeta"})
DATACLASS_OPTIONS = frozenset({"frozen", "order", "eq", "repr", "unsafe_hash", "slots", "match_args",
                               "weakref_slot"})
SCALARS = frozenset({"int", "float", "complex", "str", "bytes", "bool", "None", "list", "dict", "set",
                     "tuple", "frozenset", "bytearray"})
PROMOTIONS = {"bool": {"int", "float", "complex"}, "int": {"float", "complex"}, "float": {"complex"},
              "bytearray": {"bytes"}}
UNRELIABLE_BUILTIN_CALLS = frozenset({"abs", "round"})
COMPLETE_STUBS = frozenset({"builtins", "abc", "typing", "typing_extensions"})  # bases without private state
DUCK_TYPED_MODULES = frozenset({"typing", "typing_extensions", "collections.abc", "_typeshed", "types", "abc"})
TYPING_ALIASES = {"List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset", "Tuple": "tuple",
                  "Text": "str"}
INIT_MAKERS = frozenset({"dataclass", "define", "frozen", "mutable", "attrs", "s", "attributes", "mapped",
                         "mapped_as_dataclass", "dataclass_transform"})  # decorators that write __init__
OPAQUE_TYPES = frozenset({"Any", "object", "super", "type", "Self", "NoReturn", "Never"})  # no members to check
MAX_SYNTAX_PROBLEMS = 5
MAX_TYPE_TEXT = 60
IGNORE_COMMENT = re.compile(r"#\s*(type|pyright):\s*ignore")
IDENTIFIER = re.compile(r"[^\W\d]\w*")
STAR_DEPTH = 3


# -- facts: what each scope of a module binds --------------------------------------------------------
@dataclass(eq=False)
class ClassFacts:
    """What a class body and its methods bind, from the syntax tree (nested ``if`` blocks too)."""

    name: str
    members: set[str] = field(default_factory=set)
    self_stores: dict[str, int] = field(default_factory=dict)
    annotated: set[str] = field(default_factory=set)
    duplicated: set[str] = field(default_factory=set)  # defined more than once
    dynamic: bool = False  # __getattr__, __getattribute__, setattr with computed names
    decorated: bool = False  # an unknown class decorator: it may rewrite __init__ (not the attributes)
    metaclass: str | None = None
    dataclass_fields: list[tuple[str, bool]] | None = None  # (name, has default) when a plain @dataclass


@dataclass(eq=False)
class NameScope:
    """A lexical scope: module, class, function, lambda or comprehension."""

    kind: str
    node: ast.AST
    parent: NameScope | None
    counts: dict[str, int] = field(default_factory=dict)
    annotated: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    narrowed: set[str] = field(default_factory=set)  # expressions narrowed by isinstance & co
    facts: ClassFacts | None = None  # for class scopes
    self_name: str | None = None  # first parameter of a method
    stars: list[str] = field(default_factory=list)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # local: (module, name)
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)

    def bind(self, name: str, annotated: bool = False) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1
        if annotated:
            self.annotated.add(name)
        if self.facts is not None:
            self.facts.members.add(name)

    def ambiguous(self) -> set[str]:
        return {n for n, c in self.counts.items() if c > 1 and n not in self.annotated}


@dataclass(eq=False)
class ModuleFacts:
    """One module's scopes and the uses the checks look at."""

    scope: NameScope
    classes: dict[int, ClassFacts] = field(default_factory=dict)  # by 0-based line of ``class``
    stored_attrs: set[str] = field(default_factory=set)
    dynamic_attrs: bool = False  # setattr with a computed name, __dict__ updates
    dynamic_globals: bool = False  # globals() in use
    loads: list[tuple[ast.Name, NameScope]] = field(default_factory=list)
    attributes: list[tuple[ast.Attribute, NameScope]] = field(default_factory=list)
    calls: list[tuple[ast.Call, NameScope]] = field(default_factory=list)
    annassigns: list[tuple[ast.AnnAssign, NameScope]] = field(default_factory=list)
    returns: list[tuple[ast.Return, NameScope]] = field(default_factory=list)


def _caught(handlers: list[ast.ExceptHandler]) -> set[str]:
    names: set[str] = set()
    for h in handlers:
        for n in ast.walk(h.type) if h.type is not None else ():
            if isinstance(n, ast.Name):
                names.add(n.id)
            elif isinstance(n, ast.Attribute):
                names.add(n.attr)
    return names


class _Walker:
    """One pass over a module: scopes, bindings, and (when ``record``) the uses to check."""

    def __init__(self, tree: ast.Module, module: str, is_package: bool, record: bool) -> None:
        self.facts = ModuleFacts(NameScope("module", tree, None))
        self.module = module
        self.is_package = is_package
        self.record = record
        self.guards: list[set[str]] = []
        self._dict_copies: set[int] = set()

    def run(self, tree: ast.Module) -> ModuleFacts:
        for stmt in tree.body:
            self.visit(stmt, self.facts.scope)
        return self.facts

    def guarded(self, error: str) -> bool:
        return any(error in g for g in self.guards)

    def visit(self, node: ast.AST, scope: NameScope) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            self._function(node, scope)
        elif isinstance(node, ast.ClassDef):
            self._class(node, scope)
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            self._comprehension(node, scope)
        elif isinstance(node, ast.Name):
            self._name(node, scope)
        elif isinstance(node, ast.Attribute):
            self._attribute(node, scope)
        elif isinstance(node, ast.Call):
            self._call(node, scope)
        elif isinstance(node, ast.Try | ast.TryStar):
            self._try(node, scope)
        elif isinstance(node, ast.AnnAssign):
            self._annassign(node, scope)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            self._import(node, scope)
        elif isinstance(node, ast.NamedExpr):
            target = scope
            while target.kind == "comprehension" and target.parent is not None:
                target = target.parent
            target.bind(node.target.id)
            self.visit(node.value, scope)
        else:
            self._simple(node, scope)

    def _simple(self, node: ast.AST, scope: NameScope) -> None:
        if isinstance(node, ast.Assign) and "__dict__" in ast.unparse(node.value):
            # ``copy.__dict__ = self.__dict__.copy()`` copies attributes the class has already
            self._dict_copies.update(id(t) for t in node.targets if isinstance(t, ast.Attribute))
        if isinstance(node, ast.Global):
            scope.globals.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            scope.bind(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            scope.bind(node.rest)
        elif isinstance(node, ast.Match):
            scope.narrowed.add(ast.unparse(node.subject))
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Call) and node.left.args \
                and isinstance(node.left.func, ast.Name) and node.left.func.id == "type":
            scope.narrowed.add(ast.unparse(node.left.args[0]))  # type(x) is C
        elif isinstance(node, ast.Return) and self.record:
            self.facts.returns.append((node, scope))
        for child in ast.iter_child_nodes(node):
            self.visit(child, scope)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, scope: NameScope) -> None:
        args = node.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default, scope)
        inner = NameScope("lambda" if isinstance(node, ast.Lambda) else "function", node, scope)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                 *[a for a in (args.vararg, args.kwarg) if a is not None]]
        for a in every:
            inner.bind(a.arg, annotated=a.annotation is not None)
        if isinstance(node, ast.Lambda):
            self.visit(node.body, inner)
            return
        for d in node.decorator_list:
            self.visit(d, scope)
        for annotation in [*(a.annotation for a in every), node.returns]:
            if annotation is not None:
                self.visit(annotation, scope)
        if scope.facts is not None and node.name in scope.facts.members:
            scope.facts.duplicated.add(node.name)
        scope.bind(node.name)
        if scope.kind == "function":
            scope.defs[node.name] = node
        positional = [*args.posonlyargs, *args.args]
        if scope.kind == "class" and positional:
            inner.self_name = positional[0].arg
        for stmt in node.body:
            self.visit(stmt, inner)

    def _class(self, node: ast.ClassDef, scope: NameScope) -> None:
        for child in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(child, scope)
        scope.bind(node.name)
        facts = ClassFacts(node.name)
        self.facts.classes[node.lineno - 1] = facts
        decorators = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
        facts.decorated = any(d not in SAFE_CLASS_DECORATORS for d in decorators)
        metaclass = next((k.value for k in node.keywords if k.arg == "metaclass"), None)
        facts.metaclass = ast.unparse(metaclass) if metaclass is not None else None
        facts.dataclass_fields = _dataclass_fields(node) if decorators and all(
            d in ("dataclass", "dataclasses.dataclass") for d in decorators) else None
        inner = NameScope("class", node, scope, facts=facts)
        for stmt in node.body:
            self.visit(stmt, inner)
        if {"__getattr__", "__getattribute__"} & facts.members:
            facts.dynamic = True

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                       scope: NameScope) -> None:
        self.visit(node.generators[0].iter, scope)
        inner = NameScope("comprehension", node, scope)
        for i, gen in enumerate(node.generators):
            self.visit(gen.target, inner)
            if i:
                self.visit(gen.iter, inner)
            for cond in gen.ifs:
                self.visit(cond, inner)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            self.visit(part, inner)

    def _name(self, node: ast.Name, scope: NameScope) -> None:
        if isinstance(node.ctx, ast.Load):
            if self.record and not self.guarded("NameError"):
                self.facts.loads.append((node, scope))
            return
        if node.id in scope.globals:
            self.facts.scope.bind(node.id)
        elif node.id not in scope.nonlocals:
            scope.bind(node.id)

    def _attribute(self, node: ast.Attribute, scope: NameScope) -> None:
        if isinstance(node.ctx, ast.Load):
            if self.record and not self.guarded("AttributeError"):
                self.facts.attributes.append((node, scope))
        else:
            self.facts.stored_attrs.add(node.attr)
            if isinstance(node.value, ast.Name) and node.value.id == scope.self_name and scope.parent \
                    and scope.parent.facts is not None:
                stores = scope.parent.facts.self_stores
                stores[node.attr] = stores.get(node.attr, 0) + 1
                scope.parent.facts.members.add(node.attr)
            if node.attr == "__dict__" and id(node) not in self._dict_copies:
                self._dict_write(node.value, scope)
        self.visit(node.value, scope)

    def _dict_write(self, target: ast.expr, scope: NameScope) -> None:
        """``x.__dict__`` replaced or updated: any attribute may exist, on ``self``'s class or on
        anything of the module."""
        owner = scope.parent.facts if scope.parent is not None else None
        if isinstance(target, ast.Name) and target.id == scope.self_name and owner is not None:
            owner.dynamic = getattr(scope.node, "name", "") != "__setstate__" or owner.dynamic
        else:
            self.facts.dynamic_attrs = True

    def _call(self, node: ast.Call, scope: NameScope) -> None:
        if self.record:
            self.facts.calls.append((node, scope))
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name == "setattr" and len(node.args) >= 2:
            self._setattr(node, scope)
        elif name in ("globals", "vars") and not node.args:
            self.facts.dynamic_globals = True
        elif name == "update" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) \
                and func.value.attr == "__dict__":
            self._dict_write(func.value.value, scope)
        if isinstance(func, ast.Name) and name in NARROWERS and node.args:
            scope.narrowed.add(ast.unparse(node.args[0]))
        elif isinstance(func, ast.Name) and name == "hasattr" and len(node.args) == 2 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            scope.narrowed.add(f"{ast.unparse(node.args[0])}.{node.args[1].value}")
        self._simple(node, scope)

    def _setattr(self, node: ast.Call, scope: NameScope) -> None:
        """``setattr`` with a literal name stores that attribute; with a computed one, anything —
        on the class of ``self`` when it sets its own attributes (``__setstate__`` restores only
        attributes the class has), else on any object of the module."""
        key, target = node.args[1], node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.facts.stored_attrs.add(key.value)
            return
        owner = scope.parent.facts if scope.parent is not None else None
        if isinstance(target, ast.Name) and target.id == scope.self_name and owner is not None:
            if getattr(scope.node, "name", "") != "__setstate__":
                owner.dynamic = True
        else:
            self.facts.dynamic_attrs = True

    def _try(self, node: ast.Try | ast.TryStar, scope: NameScope) -> None:
        self.guards.append(_caught(node.handlers))
        for stmt in node.body:
            self.visit(stmt, scope)
        self.guards.pop()
        for part in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(part, scope)

    def _annassign(self, node: ast.AnnAssign, scope: NameScope) -> None:
        if isinstance(node.target, ast.Name):
            if node.value is not None or scope.kind == "class":
                scope.bind(node.target.id, annotated=True)
            else:
                scope.annotated.add(node.target.id)
            if scope.facts is not None:
                scope.facts.annotated.add(node.target.id)
        else:
            target = node.target
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                    and target.value.id == scope.self_name and scope.parent and scope.parent.facts is not None:
                scope.parent.facts.annotated.add(target.attr)
            self.visit(target, scope)
        if self.record and node.value is not None:
            self.facts.annassigns.append((node, scope))
        self.visit(node.annotation, scope)
        if node.value is not None:
            self.visit(node.value, scope)

    def _import(self, node: ast.Import | ast.ImportFrom, scope: NameScope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".", 1)[0]
                scope.bind(local)
                scope.imports[local] = (alias.name if alias.asname else local, None)
            return
        source = _absolute(self.module, node.level, node.module, self.is_package)
        for alias in node.names:
            if alias.name == "*":
                scope.stars.append(source)
            else:
                scope.bind(alias.asname or alias.name)
                scope.imports[alias.asname or alias.name] = (source, alias.name)


def _absolute(module: str, level: int, target: str | None, is_package: bool) -> str:
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    drop = level - 1 if is_package else level
    base = parts[: len(parts) - drop] if drop <= len(parts) else []
    return ".".join([*base, target] if target else base)


def _dataclass_fields(node: ast.ClassDef) -> list[tuple[str, bool]] | None:
    """``(name, has default)`` of a plain ``@dataclass``; None when options change ``__init__``."""
    for d in node.decorator_list:
        if isinstance(d, ast.Call) and any(k.arg not in DATACLASS_OPTIONS for k in d.keywords):
            return None
    out: list[tuple[str, bool]] = []
    for stmt in node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        annotation = ast.unparse(stmt.annotation)
        if "ClassVar" in annotation:
            continue
        if "InitVar" in annotation or "KW_ONLY" in annotation:
            return None
        value = stmt.value
        has_default = value is not None
        if isinstance(value, ast.Call) and ast.unparse(value.func).rsplit(".", 1)[-1] == "field":
            keywords = {k.arg for k in value.keywords}
            if keywords & {"init", "kw_only"} or None in keywords:
                return None
            has_default = bool(keywords & {"default", "default_factory"})
        out.append((stmt.target.id, has_default))
    return out


def module_facts(tree: ast.Module, module: str, is_package: bool, record: bool = False) -> ModuleFacts:
    return _Walker(tree, module, is_package, record).run(tree)


# -- positions ----------------------------------------------------------------------------------------
class _Lines:
    """ast byte columns to code-point columns."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self._encoded: dict[int, bytes] = {}

    def column(self, lineno: int, byte_col: int) -> int:
        index = lineno - 1
        if not 0 <= index < len(self.lines):
            return byte_col
        line = self.lines[index]
        if line.isascii():
            return byte_col
        data = self._encoded.get(index)
        if data is None:
            data = self._encoded[index] = line.encode("utf-8")
        return code_point_column(data, byte_col)

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None) or 0
        return (line - 1, self.column(line, node.col_offset), end_line - 1,  # type: ignore[attr-defined]
                self.column(end_line, end_col))


def _did_you_mean(name: str, candidates: Iterator[str] | set[str] | list[str]) -> str:
    pool = [c for c in candidates if c != name and not (c.startswith("__") and not name.startswith("__"))]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _chain_texts(node: ast.expr) -> Iterator[str]:
    """``a``, ``a.b``, ``a.b.c`` for ``a.b.c`` (what an ``isinstance`` may have narrowed)."""
    while True:
        yield ast.unparse(node)
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return


# -- facts of other modules, cached by file identity -------------------------------------------------
_FACTS_CACHE: dict[str, tuple[tuple[int, int], ModuleFacts]] = {}
MAX_CACHED_FACTS = 4000


def facts_of_file(path: str, module: str) -> ModuleFacts | None:
    file = Path(path)
    try:
        stat = file.stat()
    except OSError:
        return None
    stamp = (stat.st_size, stat.st_mtime_ns)
    hit = _FACTS_CACHE.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        text = read_source(file)
    except SourceError:
        return None
    facts = module_facts(tolerant_ast(text).tree, module, file.name.startswith("__init__."))
    facts.scope.node = ast.Module(body=[], type_ignores=[])  # keep the facts, not the syntax tree
    if len(_FACTS_CACHE) >= MAX_CACHED_FACTS:
        _FACTS_CACHE.clear()
    _FACTS_CACHE[path] = (stamp, facts)
    return facts


def _shown(t: TypeExpr) -> str:
    text = display(t) or str(t)
    return text if len(text) <= MAX_TYPE_TEXT else text[: MAX_TYPE_TEXT - 3] + "..."


def _short_name(base: str) -> str:
    parsed = parse_type(base)
    return parsed.name if parsed is not None else base


def _short(base: str) -> str:
    parsed = parse_type(base)
    return parsed.short if parsed is not None else base


def _norm(name: str) -> str:
    name = name.removeprefix("builtins.")
    return TYPING_ALIASES.get(name.removeprefix("typing."), name)


Mro = list[tuple[Symbol, ClassFacts]]


class _Scope(Scope):
    """``Scope`` that says "unknown" for names it cannot trust (bound twice, narrowed, free in an
    enclosing function, bound by a local import or def) and knows the builtins."""

    def __init__(self, checker: Checker, module: ModuleSummary, chain: list[ast.AST], untrusted: set[str],
                 facts: ModuleFacts, imports: dict[str, tuple[str, str | None]] | None = None) -> None:
        self.checker = checker
        self.untrusted = untrusted
        self.mfacts = facts
        self.imports = imports or {}  # the function's own imports, bound once
        self.defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}  # its own functions, defined once
        self.narrowed_texts: set[str] = set()  # expressions isinstance() & co may have narrowed
        super().__init__(checker.resolver, module, chain, 10**9, 0)

    def view(self, extra: set[str]) -> _Scope:
        clone = copy.copy(self)
        clone.untrusted = self.untrusted | extra
        clone._cache = {}
        clone._busy = set()
        return clone

    def _name(self, name: str) -> Inferred:
        if name in self.untrusted:
            return Inferred()
        binding = self.locals.get(name)
        if binding is not None and binding.kind == "import" and name in self.imports:
            return self.checker.imported(*self.imports[name])
        if binding is not None and binding.kind == "function" and name in self.defs:
            return Inferred(symbol=self.checker.local_function(self.defs[name], self.module))
        if binding is not None:
            return Inferred() if binding.kind in ("import", "function", "class") else super()._name(name)
        result = super()._name(name)
        if result.type is None and result.symbol is None and name not in self.mfacts.scope.counts:
            symbol = self.checker.builtin(name)
            if symbol is not None:
                return Inferred(symbol=symbol)
        return result

    def symbol_value(self, symbol: Symbol) -> Inferred:
        if symbol.kind == "variable" and symbol.variable is not None and not symbol.variable.is_alias:
            facts = self.checker.facts_for(symbol.module)
            if facts is None or symbol.name in self.checker.untrusted_globals(facts):
                return Inferred()
            var = symbol.variable
            if not var.annotation and var.value:
                value = parse_expression(var.value)
                if value is None or var.value.endswith("..."):
                    return Inferred()
                return self.checker.module_scope(symbol.module, facts).expr(value)
        return super().symbol_value(symbol)

    def call(self, node: ast.Call) -> Inferred:
        func = node.func
        if isinstance(func, ast.Name) and func.id in UNRELIABLE_BUILTIN_CALLS and func.id not in self.locals:
            return Inferred()
        callee = self.expr(func)
        symbol = callee.symbol
        if symbol is not None and symbol.kind == "function" and not self.checker.plain_function(symbol):
            return Inferred()
        if symbol is not None and symbol.kind == "class" and (
                not self.checker.plain_class(symbol) or symbol.name in OPAQUE_TYPES):
            return Inferred()
        return super().call(node)

    def expr(self, node: ast.expr) -> Inferred:
        if isinstance(node, ast.Await):  # only what Awaitable and Coroutine say is certain
            inner = self.expr(node.value).type
            if inner is not None and inner.short in ("Awaitable", "Coroutine") and inner.args:
                return Inferred(type=inner.args[-1])
            return Inferred()
        return super().expr(node)

    def field_of(self, symbol: Symbol, attr: str, receiver: TypeExpr | None) -> Inferred:
        for cls, module in self.resolver.mro(symbol):
            found = cls.field(attr)
            if found is not None:
                facts = self.checker.facts_for(module)
                owner = facts.classes.get(cls.line) if facts else None
                if owner is None or (attr not in owner.annotated and owner.self_stores.get(attr, 0) > 1):
                    return Inferred()
                if self.checker.is_descriptor(found.annotation, module):
                    return Inferred()
                break
            if cls.method(attr) is not None:
                break
        return super().field_of(symbol, attr, receiver)


class Checker:
    """The checks of one module text; caches live as long as the check."""

    def __init__(self, workspace: Workspace, resolver: Resolver, summary: ModuleSummary, facts: ModuleFacts,
                 lines: _Lines, replaced: frozenset[int]) -> None:
        self.workspace = workspace
        self.resolver = resolver
        self.summary = summary
        self.facts = facts
        self.lines = lines
        self.replaced = replaced
        self.builtins = workspace.module("builtins")
        self._scopes: dict[int, _Scope] = {}
        self._module_scopes: dict[str, _Scope] = {}
        self._mros: dict[str, Mro | None] = {}
        self._untrusted: dict[int, set[str]] = {}
        self._stars: dict[int, tuple[set[str], bool]] = {}
        self._facts: dict[str, ModuleFacts | None] = {}
        self._generators: dict[int, bool] = {}
        self._local_functions: dict[int, Symbol] = {}
        self._protocols: dict[str, set[str] | None] = {}

    def run(self) -> list[Problem]:
        out = self.name_problems()
        out += self.attribute_problems()
        out += self.call_problems()
        out += self.declared_type_problems()
        return out

    def problem(self, node: ast.AST, message: str, source: str, code: str) -> Problem:
        line, column, end_line, end_column = self.lines.span(node)
        return Problem(line, column, end_line, end_column, "error", message, source, code)

    # -- modules, classes and their members ----------------------------------------------------------
    def facts_for(self, module: ModuleSummary) -> ModuleFacts | None:
        if module.path == self.summary.path:
            return self.facts
        if module.path not in self._facts:
            self._facts[module.path] = facts_of_file(module.path, module.module)
        return self._facts[module.path]

    def builtin(self, name: str) -> Symbol | None:
        if self.builtins is None:
            return None
        if name in self.builtins.classes:
            return Symbol("class", name, self.builtins, cls=self.builtins.classes[name])
        if name in self.builtins.functions:
            return Symbol("function", name, self.builtins, function=self.builtins.functions[name])
        return None

    def untrusted_globals(self, facts: ModuleFacts) -> set[str]:
        key = id(facts)
        if key not in self._untrusted:
            self._untrusted[key] = facts.scope.ambiguous() | {n for n in facts.scope.narrowed if n.isidentifier()}
        return self._untrusted[key]

    def star_names(self, facts: ModuleFacts, depth: int = 0) -> tuple[set[str], bool]:
        """Names star imports bring into a module, and whether every one was resolved."""
        key = id(facts)
        if key in self._stars:
            return self._stars[key]
        names: set[str] = set()
        complete = depth < STAR_DEPTH
        for dotted in facts.scope.stars if complete else []:
            module = self.workspace.module(dotted)
            other = self.facts_for(module) if module is not None else None
            if other is None or other is facts:
                complete = False
                continue
            inner, inner_complete = self.star_names(other, depth + 1)
            names |= set(other.scope.counts) | other.scope.annotated | inner
            complete = complete and inner_complete and not other.dynamic_globals
        self._stars[key] = (names, complete)
        return names, complete

    def imported(self, module_name: str, name: str | None) -> Inferred:
        """What a function-level import binds."""
        module = self.workspace.module(module_name)
        if module is None:
            return Inferred()
        if name is None:
            return Inferred(symbol=Symbol("module", module_name, module))
        symbol = self.resolver.lookup(module, name)
        if symbol is None:
            submodule = self.workspace.module(f"{module_name}.{name}")
            return Inferred(symbol=Symbol("module", name, submodule)) if submodule is not None else Inferred()
        return self.module_scope(module, self.facts_for(module) or self.facts).symbol_value(symbol) \
            if symbol.kind == "variable" else Inferred(symbol=symbol)

    def resolve_class(self, name: str, module: ModuleSummary, depth: int = 0) -> Symbol | None:
        symbol = self.resolver.lookup_dotted(module, name)
        if symbol is None and "." not in name and not self._bound_in(module, name):
            symbol = self.builtin(name)
        if symbol is not None and symbol.kind == "variable" and symbol.variable is not None and depth < 3:
            value = symbol.variable.value or ""  # ``_Base = ReprEnum``: a class under another name
            if value.replace(".", "").isidentifier() and not symbol.variable.annotation:
                return self.resolve_class(value, symbol.module, depth + 1)
        return symbol if symbol is not None and symbol.kind == "class" and symbol.cls is not None else None

    @staticmethod
    def _bound_in(module: ModuleSummary, name: str) -> bool:
        return name in module.classes or name in module.functions or name in module.variables \
            or name in module.imports

    def class_of(self, t: TypeExpr) -> Symbol | None:
        name = _norm(t.name)
        if name.rsplit(".", 1)[-1] in OPAQUE_TYPES:
            return None
        if "." not in name:
            symbol = self.builtin(name)
            return symbol if symbol is not None and symbol.kind == "class" else None
        return self.resolver.class_symbol(name)

    def mro(self, symbol: Symbol) -> Mro | None:
        """Every class of the MRO with its facts; None when a base cannot be resolved."""
        key = f"{symbol.path}:{symbol.line}:{symbol.name}"
        if key not in self._mros:
            self._mros[key] = self._full_mro(symbol)
        return self._mros[key]

    def _full_mro(self, symbol: Symbol) -> Mro | None:
        out: Mro = []
        queue, seen = [symbol], set()
        while queue:
            current = queue.pop(0)
            key = (current.path, current.line)
            if key in seen:
                continue
            seen.add(key)
            facts = self.facts_for(current.module)
            assert current.cls is not None
            class_facts = facts.classes.get(current.cls.line) if facts is not None else None
            if class_facts is None or len(out) > 40:
                return None
            out.append((current, class_facts))
            for base in current.cls.bases:
                parsed = parse_type(base)
                if parsed is None:
                    return None
                if parsed.short == "Protocol" and current is symbol:
                    return None  # structural: anything with the members may stand for it
                if parsed.short in ("Generic", "Protocol"):
                    continue
                resolved = self.resolve_class(parsed.name, current.module)
                if resolved is None:
                    return None
                queue.append(resolved)
        root = self.builtin("object")
        if root is not None and (root.path, root.line) not in seen:
            root_facts = self.facts_for(root.module)
            found = root_facts.classes.get(root.line) if root_facts else None
            if found is not None:
                out.append((root, found))
        return out

    def instance_members(self, symbol: Symbol) -> set[str] | None:
        mro = self.mro(symbol)
        if mro is None or self.dynamic(mro):
            return None
        members: set[str] = set(self.facts.stored_attrs)
        for owner, facts in mro:
            module_facts = self.facts_for(owner.module)
            if module_facts is None or module_facts.dynamic_attrs:
                return None
            members |= facts.members | module_facts.stored_attrs
        return members

    def is_descriptor(self, annotation: str | None, module: ModuleSummary) -> bool:
        """Whether a class attribute of this type may compute what instances see (``__get__``)."""
        t = self.resolver.resolve_type(annotation, module)
        symbol = self.class_of(t) if t is not None else None
        if symbol is None:
            return False
        members = self.instance_members(symbol)
        return members is None or "__get__" in members

    def dynamic(self, mro: Mro) -> bool:
        """Whether a class of the MRO (but ``object``) computes attributes or is decorated."""
        return any(facts.dynamic for owner, facts in mro
                   if not (owner.module is self.builtins and owner.name == "object"))

    def local_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, module: ModuleSummary) -> Symbol:
        key = id(node)
        if key not in self._local_functions:
            self._local_functions[key] = Symbol("function", node.name, module, function=summarize_function(node))
        return self._local_functions[key]

    def plain_function(self, symbol: Symbol) -> bool:
        """A function whose summary is its signature: no signature-changing decorator, one def."""
        fn = symbol.function
        if fn is None or any(d not in SAFE_DECORATORS for d in fn.decorators):
            return False
        if any(s is symbol for s in self._local_functions.values()):
            return True  # defined once in the function calling it
        facts = self.facts_for(symbol.module)
        if facts is None:
            return False
        if symbol.owner is not None:
            owner = facts.classes.get(symbol.owner.line)
            return owner is not None and fn.name not in owner.duplicated
        return facts.scope.counts.get(fn.name, 0) == 1

    def plain_class(self, symbol: Symbol) -> bool:
        """Calling the class makes an instance of it (no metaclass, no ``__new__`` of its own)."""
        mro = self.mro(symbol)
        if mro is None:
            return True
        for owner, facts in mro:
            if facts.metaclass is not None and facts.metaclass not in SAFE_METACLASSES:
                return False
            if "__new__" in facts.members and owner.module is not self.builtins:
                return False
        return True

    # -- names ------------------------------------------------------------------------------------------
    def name_problems(self) -> list[Problem]:
        broken = self._broken_identifiers()
        out: list[Problem] = []
        for node, scope in self.facts.loads:
            if node.id in broken or self.visible(node.id, scope):
                continue
            hint = _did_you_mean(node.id, self._visible_names(scope))
            out.append(self.problem(node, f"undefined name '{node.id}'{hint}", "names", "undefined-name"))
        return out

    def _broken_identifiers(self) -> set[str]:
        found: set[str] = set()
        for index in self.replaced:
            if 0 <= index < len(self.lines.lines):
                found.update(IDENTIFIER.findall(self.lines.lines[index]))
        return found

    def visible(self, name: str, scope: NameScope) -> bool:
        current: NameScope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            if current.kind != "module" and name in current.globals:
                current = self.facts.scope
                continue
            if name in current.counts or name in current.annotated or name in current.nonlocals:
                return True
            if (current.kind == "class" and name in ("__qualname__", "__module__")) or (
                    name == "__class__" and current.parent is not None and current.parent.kind == "class"):
                return True
            first = False
            current = current.parent
        if name in BUILTIN_NAMES:
            return True
        stars, complete = self.star_names(self.facts)
        return name in stars or not complete or self.facts.dynamic_globals

    def _visible_names(self, scope: NameScope) -> set[str]:
        names = {n for n in BUILTIN_NAMES if not n.startswith("_")}
        current: NameScope | None = scope
        while current is not None:
            names |= set(current.counts)
            current = current.parent
        return names

    # -- inference scopes -------------------------------------------------------------------------------
    def infer_scope(self, scope: NameScope) -> _Scope:
        key = id(scope)
        found = self._scopes.get(key)
        if found is not None:
            return found
        if scope.kind in ("comprehension", "lambda"):
            extra: set[str] = set()
            base: NameScope = scope
            while base.kind in ("comprehension", "lambda") and base.parent is not None:
                extra |= set(base.counts) | {n for n in base.narrowed if n.isidentifier()}
                base = base.parent
            found = self.infer_scope(base).view(extra)
        elif scope.kind == "function":
            imports = {n: i for n, i in scope.imports.items() if scope.counts.get(n) == 1}
            found = _Scope(self, self.summary, self._chain(scope), self._untrusted_in(scope), self.facts, imports)
            found.defs = {n: d for n, d in scope.defs.items() if scope.counts.get(n) == 1}
        elif scope.kind == "class":
            untrusted = set(scope.counts) | self._untrusted_in(scope)
            found = _Scope(self, self.summary, [], untrusted, self.facts)
        else:
            found = self.module_scope(self.summary, self.facts)
        found.narrowed_texts = self.narrowed(scope)
        self._scopes[key] = found
        return found

    def module_scope(self, module: ModuleSummary, facts: ModuleFacts) -> _Scope:
        found = self._module_scopes.get(module.path)
        if found is None:
            found = _Scope(self, module, [], set(self.untrusted_globals(facts)), facts)
            self._module_scopes[module.path] = found
        return found

    @staticmethod
    def _chain(scope: NameScope) -> list[ast.AST]:
        classes: list[ast.AST] = []
        parent = scope.parent
        while parent is not None and parent.kind == "class":
            classes.insert(0, parent.node)
            parent = parent.parent
        return [*classes, scope.node] if parent is None or parent.kind == "module" else [scope.node]

    def _untrusted_in(self, scope: NameScope) -> set[str]:
        out = scope.ambiguous() | {n for n in scope.narrowed if n.isidentifier()} | scope.globals | scope.nonlocals
        parent = scope.parent
        while parent is not None:
            if parent.kind in ("function", "lambda", "comprehension"):
                out |= {n for n in parent.counts if n not in scope.counts}
            parent = parent.parent
        out |= {n for n in self.untrusted_globals(self.facts) if n not in scope.counts}
        return out

    def narrowed(self, scope: NameScope) -> set[str]:
        out: set[str] = set()
        current: NameScope | None = scope
        while current is not None:
            out |= current.narrowed
            current = current.parent
        return out

    # -- attributes -------------------------------------------------------------------------------------
    def attribute_problems(self) -> list[Problem]:
        out: list[Problem] = []
        for node, scope in self.facts.attributes:
            attr = node.attr
            if (attr.startswith("__") and attr.endswith("__")) or node.lineno - 1 in self.replaced:
                continue
            narrowed = self.narrowed(scope)
            if narrowed and any(text in narrowed for text in _chain_texts(node)):
                continue
            base = self.infer_scope(scope).expr(node.value)
            message = self.missing_attribute(base, attr)
            if message is not None:
                _, _, end_line, end_column = self.lines.span(node)
                start = max(end_column - len(attr), 0)
                out.append(Problem(end_line, start, end_line, end_column, "error", message, "attributes",
                                   "unknown-attribute"))
        return out

    def missing_attribute(self, base: Inferred, attr: str) -> str | None:
        message = self._missing_attribute(base, attr)
        if message is not None and attr.startswith("_") and self._from_stub(base):
            return None  # stubs leave private names out
        return message

    def _from_stub(self, base: Inferred) -> bool:
        if base.symbol is not None:
            return base.symbol.path.endswith(".pyi")
        for member in union_members(base.type) if base.type is not None else ():
            symbol = self.class_of(member)
            mro = self.mro(symbol) if symbol is not None else None
            if mro is not None and any(o.path.endswith(".pyi") and o.module.module not in COMPLETE_STUBS
                                       for o, _ in mro):
                return True
        return False

    def _missing_attribute(self, base: Inferred, attr: str) -> str | None:
        symbol = base.symbol
        if symbol is not None:
            if symbol.kind == "module":
                return self._missing_in_module(symbol, attr)
            if symbol.kind == "class":
                return self._missing_in_class_object(symbol, attr)
            return None
        if base.type is None:
            return None
        members = [m for m in union_members(base.type) if m.name != "None"]
        first: tuple[TypeExpr, set[str]] | None = None
        for member in members:
            cls = self.class_of(member)
            known = self.instance_members(cls) if cls is not None else None
            if known is None or attr in known:
                return None
            first = first or (member, known)
        if first is None:
            return None
        return f"'{display(first[0])}' has no attribute '{attr}'{_did_you_mean(attr, first[1])}"

    def _missing_in_module(self, symbol: Symbol, attr: str) -> str | None:
        facts = self.facts_for(symbol.module)
        if facts is None or facts.dynamic_globals:
            return None
        names = set(facts.scope.counts) | facts.scope.annotated
        stars, complete = self.star_names(facts)
        if "__getattr__" in names or not complete or attr in names or attr in stars or attr in MODULE_DUNDERS:
            return None
        dotted = symbol.module.module
        if attr in self.facts.stored_attrs or self.workspace.module(f"{dotted}.{attr}") is not None:
            return None
        return f"module '{dotted}' has no attribute '{attr}'{_did_you_mean(attr, names | stars)}"

    def _missing_in_class_object(self, symbol: Symbol, attr: str) -> str | None:
        mro = self.mro(symbol)
        members = self.instance_members(symbol)
        kind = symbol.cls.kind if symbol.cls is not None else ""
        if mro is None or members is None or kind in ("typeddict", "model"):
            return None
        type_symbol = self.builtin("type")
        metaclass_members = self.instance_members(type_symbol) if type_symbol is not None else None
        for owner, facts in mro:
            if metaclass_members is None:
                return None
            if facts.metaclass is not None:
                metaclass = self.resolve_class(facts.metaclass, owner.module)
                extra = self.instance_members(metaclass) if metaclass is not None else None
                metaclass_members = metaclass_members | extra if extra is not None else None
        if metaclass_members is None or attr in members or attr in metaclass_members:
            return None
        return f"class '{symbol.name}' has no attribute '{attr}'{_did_you_mean(attr, members)}"

    # -- calls ------------------------------------------------------------------------------------------
    def call_problems(self) -> list[Problem]:
        out: list[Problem] = []
        for call, scope in self.facts.calls:
            if call.lineno - 1 in self.replaced or any(isinstance(a, ast.Starred) for a in call.args) \
                    or any(k.arg is None for k in call.keywords):
                continue
            narrowed = self.narrowed(scope)
            if narrowed and any(text in narrowed for text in _chain_texts(call.func)):
                continue
            infer = self.infer_scope(scope)
            signature = self.signature(infer.expr(call.func))
            if signature is not None:
                out += self._arity(call, *signature)
                out += self._argument_types(call, infer, *signature)
        return out

    def signature(self, callee: Inferred) -> tuple[str, tuple[Param, ...], ModuleSummary] | None:
        symbol = callee.symbol
        if symbol is None:
            return None
        if symbol.kind == "class":
            found = self.constructor(symbol)
            return (f"{symbol.name}()", *found) if found is not None else None
        fn = symbol.function
        if symbol.kind != "function" or fn is None or not self.plain_function(symbol):
            return None
        bound = callee.bound_to is not None or fn.is_classmethod
        return f"{fn.name}()", fn.call_params(bound), symbol.module

    def constructor(self, symbol: Symbol) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        """The parameters calling the class takes, when nothing can change them."""
        mro = self.mro(symbol)
        if mro is None or not self.plain_class(symbol) or self.dynamic(mro):
            return None
        for index, (owner, facts) in enumerate(mro):
            cls = owner.cls
            assert cls is not None
            if owner.module is self.builtins and cls.name == "object":
                return (), owner.module
            if "__new__" in facts.members or cls.kind in ("typeddict", "model", "enum", "protocol") \
                    or (facts.decorated and (INIT_MAKERS & {_short(d) for d in cls.decorators}
                                             or ("__init__" not in facts.members and cls.kind != "namedtuple"))):
                return None
            if "__init__" in facts.members:
                return self._init_params(owner, cls)
            if cls.kind in ("dataclass", "namedtuple"):
                return self._field_params(mro)
            if len([b for b in cls.bases if _short(b) not in ("Generic", "Protocol")]) > 1:
                return self._unordered_init(mro[index + 1 :])
        return None

    def _init_params(self, owner: Symbol, cls: ClassSummary) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        init = cls.method("__init__")
        method = Symbol("function", "__init__", owner.module, function=init, owner=cls)
        if init is None or not self.plain_function(method):
            return None
        return init.call_params(bound=True), owner.module

    def _unordered_init(self, rest: Mro) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        """Above multiple inheritance the order is C3's; it does not matter when at most one base
        class defines ``__init__`` (and none does anything else to construction)."""
        found: list[tuple[Symbol, ClassSummary]] = []
        for owner, facts in rest:
            cls = owner.cls
            assert cls is not None
            if owner.module is self.builtins and cls.name == "object":
                continue
            if "__new__" in facts.members or facts.decorated or cls.kind != "class":
                return None
            if "__init__" in facts.members:
                found.append((owner, cls))
        if not found:
            return (), rest[-1][0].module
        return self._init_params(*found[0]) if len(found) == 1 else None

    def _field_params(self, mro: Mro) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        fields: dict[str, bool] = {}
        for owner, facts in reversed(mro):
            cls = owner.cls
            assert cls is not None
            if cls.kind == "namedtuple" and owner.module is not self.builtins:
                named = [(f.name, f.default is not None) for f in cls.fields if f.annotation and not f.class_var]
                fields.update(named)
            elif cls.kind == "dataclass":
                if facts.dataclass_fields is None:
                    return None
                fields.update(facts.dataclass_fields)
        params = tuple(Param(name, None, "..." if default else None, "pos") for name, default in fields.items())
        return params, mro[0][0].module

    def _arity(self, call: ast.Call, label: str, params: tuple[Param, ...], _module: ModuleSummary) -> list[Problem]:
        positional = [p for p in params if p.kind in ("posonly", "pos")]
        varargs = any(p.kind == "varargs" for p in params)
        varkw = any(p.kind == "varkw" for p in params)
        out: list[Problem] = []
        given = len(call.args)
        if given > len(positional) and not varargs:
            count = len(positional)
            message = f"{label} takes {count} positional argument{'s' if count != 1 else ''} but {given} " \
                      f"{'were' if given != 1 else 'was'} given"
            out.append(self.problem(call.args[count], message, "arity", "too-many-arguments"))
        filled = {p.name for p in positional[:given]}
        by_name = {p.name for p in params if p.kind in ("pos", "kwonly")}
        for kw in call.keywords:
            assert kw.arg is not None
            if kw.arg in filled:
                out.append(self.problem(kw, f"{label} got multiple values for argument '{kw.arg}'", "arity",
                                        "duplicate-argument"))
            elif kw.arg in by_name:
                filled.add(kw.arg)
            elif not varkw:
                hint = _did_you_mean(kw.arg, by_name)
                out.append(self.problem(kw, f"{label} got an unexpected keyword argument '{kw.arg}'{hint}",
                                        "arity", "unexpected-keyword"))
        missing = [p.name for p in params if p.kind in ("posonly", "pos", "kwonly") and p.default is None
                   and p.name not in filled]
        if missing and not out:
            names = ", ".join(f"'{n}'" for n in missing)
            message = f"{label} missing required argument{'s' if len(missing) > 1 else ''} {names}"
            out.append(self.problem(call, message, "arity", "missing-argument"))
        return out

    # -- declared types ---------------------------------------------------------------------------------
    def _argument_types(self, call: ast.Call, infer: _Scope, label: str, params: tuple[Param, ...],
                        module: ModuleSummary) -> list[Problem]:
        positional = [p for p in params if p.kind in ("posonly", "pos")]
        pairs = list(zip(call.args, positional, strict=False))
        varargs = next((p for p in params if p.kind == "varargs"), None)
        if varargs is not None:  # each extra positional argument has the annotated type
            pairs += [(arg, varargs) for arg in call.args[len(positional):]]
        named = {p.name: p for p in params if p.kind in ("pos", "kwonly")}
        pairs += [(kw.value, named[kw.arg]) for kw in call.keywords if kw.arg in named]
        out: list[Problem] = []
        for value, param in pairs:
            if param.annotation is None:
                continue
            expected = self.resolver.resolve_type(param.annotation, module)
            problem = self.type_problem(value, expected, infer, f"for parameter '{param.name}' of {label}")
            if problem is not None:
                out.append(problem)
        return out

    def declared_type_problems(self) -> list[Problem]:
        out: list[Problem] = []
        for node, scope in self.facts.annassigns:
            if node.value is None or node.lineno - 1 in self.replaced:
                continue
            infer = self.infer_scope(scope)
            expected = infer.resolve(ast.unparse(node.annotation))
            problem = self.type_problem(node.value, expected, infer, f"for '{ast.unparse(node.target)}'")
            if problem is not None:
                out.append(problem)
        for ret, scope in self.facts.returns:
            fn = scope.node
            if ret.value is None or not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) \
                    or fn.returns is None or ret.lineno - 1 in self.replaced or self._generator(fn):
                continue
            infer = self.infer_scope(scope)
            expected = infer.resolve(ast.unparse(fn.returns))
            problem = self.type_problem(ret.value, expected, infer, f"as the return value of {fn.name}()")
            if problem is not None:
                out.append(problem)
        return out

    def _generator(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        key = id(fn)
        if key not in self._generators:
            self._generators[key] = _is_generator(fn)
        return self._generators[key]

    def type_problem(self, value: ast.expr, expected: TypeExpr | None, infer: _Scope, where: str) -> Problem | None:
        wanted = self._expected_members(expected) if expected is not None else None
        if wanted is None or expected is None:
            return None
        got = self._actual_members(value, infer)
        if got is None or any(self.compatible(a, e) for a in got for e in wanted):
            return None
        message = f"expected '{_shown(expected)}' {where}, got '{_shown(make_union(got))}'"
        return self.problem(value, message, "types", "type-mismatch")

    def _expected_members(self, t: TypeExpr) -> list[TypeExpr] | None:
        out: list[TypeExpr] = []
        for member in union_members(t):
            name = _norm(member.name)
            if name not in SCALARS and not self._nominal(member) and self._structural(member) is None:
                return None
            out.append(member)
        return out

    def _nominal(self, t: TypeExpr) -> bool:
        """A class whose instances are exactly its subclasses' (no registration, no protocol)."""
        symbol = self.class_of(t)
        mro = self.mro(symbol) if symbol is not None else None
        return not (symbol is None or mro is None or self.dynamic(mro) or symbol.module.module in DUCK_TYPED_MODULES
                    or any(f.metaclass is not None for _, f in mro)
                    or (symbol.cls is not None and symbol.cls.kind not in ("class", "dataclass", "namedtuple")))

    def _structural(self, t: TypeExpr) -> set[str] | None:
        """The members a protocol (or a duck-typed typing class) asks for; None for other types."""
        key = _norm(t.name)
        if key not in self._protocols:
            self._protocols[key] = self._required_members(t)
        return self._protocols[key]

    def _required_members(self, t: TypeExpr) -> set[str] | None:
        symbol = self.class_of(t)
        root = self.builtin("object")
        if symbol is None or symbol.cls is None or root is None:
            return None
        common = self.instance_members(root) or set()
        if symbol.module.module in DUCK_TYPED_MODULES and self.mro(symbol) is not None:
            members = self.instance_members(symbol)
            return members - common if members is not None else None
        if not any(_short(b) == "Protocol" for b in symbol.cls.bases):
            return None
        required: set[str] = set()
        queue: list[Symbol] = [symbol]
        seen: set[tuple[str, int]] = set()
        while queue:
            current = queue.pop()
            if (current.path, current.line) in seen:
                continue
            seen.add((current.path, current.line))
            facts = self.facts_for(current.module)
            found = facts.classes.get(current.line) if facts is not None else None
            if found is None or current.cls is None:
                return None
            required |= found.members
            for base in current.cls.bases:
                if _short(base) not in ("Protocol", "Generic"):
                    resolved = self.resolve_class(_short_name(base), current.module)
                    if resolved is None:
                        return None
                    queue.append(resolved)
        return required - common - {"__slots__", "__match_args__"}

    def _actual_members(self, node: ast.expr, infer: _Scope) -> list[TypeExpr] | None:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return [TypeExpr("None")]
            kind = type(node.value).__name__
            return [TypeExpr(kind)] if kind in SCALARS else None
        displays = {ast.JoinedStr: "str", ast.List: "list", ast.ListComp: "list", ast.Dict: "dict",
                    ast.DictComp: "dict", ast.Set: "set", ast.SetComp: "set", ast.Tuple: "tuple"}
        for kind_of, name in displays.items():
            if isinstance(node, kind_of):
                return [TypeExpr(name)]
        if isinstance(node, ast.BoolOp | ast.Lambda | ast.GeneratorExp | ast.Yield | ast.YieldFrom):
            return None
        narrowed = infer.narrowed_texts
        if narrowed and any(n == text or n.startswith(text + ".") for text in _chain_texts(node) for n in narrowed):
            return None  # isinstance() or hasattr() may have changed what the value is here
        inferred = infer.expr(node).type
        if inferred is None:
            return None
        members = list(union_members(inferred))
        for member in members:
            if _norm(member.name) in SCALARS:
                continue
            symbol = self.class_of(member)
            if symbol is None or self.mro(symbol) is None:
                return None
        return members

    def compatible(self, actual: TypeExpr, expected: TypeExpr) -> bool:
        a, e = _norm(actual.name), _norm(expected.name)
        if a == e or e in PROMOTIONS.get(a, ()):
            return True
        required = self._structural(expected) if e not in SCALARS and not self._nominal(expected) else None
        if required is not None:  # checked for builtin values only: their members are all known
            if a == "None":
                return not required
            builtin = self.builtin(a) if "." not in a else None
            members = self.instance_members(builtin) if builtin is not None else None
            return members is None or required <= members
        if "None" in (a, e):
            return False
        symbol = self.class_of(actual)
        mro = self.mro(symbol) if symbol is not None else None
        if mro is None:
            return True
        return any(_norm(owner.qualname) == e for owner, _ in mro)


def _is_generator(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))
    return False


class _MemoWorkspace:
    """The workspace, with modules looked up once per check (files do not change meanwhile)."""

    def __init__(self, inner: Workspace) -> None:
        self.inner = inner
        self.memo: dict[str, ModuleSummary | None] = {}

    def module(self, dotted: str) -> ModuleSummary | None:
        if dotted not in self.memo:
            self.memo[dotted] = self.inner.module(dotted)
        return self.memo[dotted]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _MemoResolver(Resolver):
    """The resolver, remembering lookups and types for the duration of one check."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._lookups: dict[tuple[int, str], Symbol | None] = {}
        self._types: dict[tuple[int, str], TypeExpr | None] = {}

    def lookup(self, module: ModuleSummary, name: str, depth: int = 0) -> Symbol | None:
        key = (id(module), name)
        if key not in self._lookups:
            self._lookups[key] = super().lookup(module, name, depth)
        return self._lookups[key]

    def resolve_type(self, text: str | TypeExpr | None, module: ModuleSummary) -> TypeExpr | None:
        if not isinstance(text, str):
            return super().resolve_type(text, module)
        key = (id(module), text)
        if key not in self._types:
            self._types[key] = super().resolve_type(text, module)
        return self._types[key]


def diagnose(workspace: Workspace, resolver: Resolver, path: Path, text: str) -> list[Problem]:
    """Problems in ``text`` (the buffer of ``path``), in document order."""
    started = time.perf_counter()
    parsed = tolerant_ast(text)
    problems = syntax_problems(text, parsed.replaced_lines)
    module_name = workspace.module_name(path)
    is_package = path.name in ("__init__.py", "__init__.pyi")
    summary = summarize_module(parsed.tree, str(path), module_name, is_package)
    facts = module_facts(parsed.tree, module_name, is_package, record=True)
    workspace.set_overlay(summary)
    memo = _MemoWorkspace(workspace)
    try:
        checker = Checker(cast(Workspace, memo), _MemoResolver(cast(Workspace, memo)), summary, facts, _Lines(text),
                          parsed.replaced_lines)
        problems += checker.run()
    finally:
        workspace.set_overlay(None, summary.module)
    ignored = _ignored_lines(text)
    unique = sorted({p for p in problems if p.line not in ignored or p.source == "syntax"},
                    key=lambda p: (p.line, p.column, p.message))
    log.debug("diagnosed %s in %.1f ms: %d problems", path, (time.perf_counter() - started) * 1000, len(unique))
    return unique


def _ignored_lines(text: str) -> set[int]:
    """Lines a ``# type: ignore`` or ``# pyright: ignore`` comment silences."""
    if "ignore" not in text:
        return set()
    return {i for i, line in enumerate(text.split("\n")) if IGNORE_COMMENT.search(line)}


# -- syntax -------------------------------------------------------------------------------------------
def syntax_problems(text: str, replaced: frozenset[int]) -> list[Problem]:
    """Python's own syntax error, then tree-sitter's ERROR and MISSING nodes on other lines — only
    when both parsers reject the text: tree-sitter's grammar may lag behind the language, and the
    running Python may be older than the project's (``def f[T]()`` is fine from 3.12 on)."""
    if not replaced:
        return []
    tree = ts_parse(text)
    errors = error_nodes(tree.root_node)
    if not errors:
        return []
    data_lines = text.encode("utf-8").split(b"\n")
    out: list[Problem] = _python_syntax_problem(text)
    for node in errors[:MAX_SYNTAX_PROBLEMS]:
        row, col = node.start_point
        if any(p.line == row for p in out):
            continue
        line_bytes = data_lines[row] if row < len(data_lines) else b""
        column = code_point_column(line_bytes, col)
        if node.is_missing:
            message = f"syntax error: missing '{node.type}'"
            out.append(Problem(row, column, row, column, "error", message, "syntax", "missing"))
            continue
        leaf = node
        while leaf.children:
            leaf = leaf.children[0]
        token = (leaf.text or b"").decode("utf-8", "replace").split("\n", 1)[0][:30]
        end_row, end_col = leaf.end_point
        end_bytes = data_lines[end_row] if end_row < len(data_lines) else b""
        message = f"syntax error: unexpected '{token}'" if token else "syntax error: unexpected end of input"
        out.append(Problem(row, column, end_row, code_point_column(end_bytes, end_col), "error", message,
                           "syntax", "unexpected"))
    return out


def _python_syntax_problem(text: str) -> list[Problem]:
    try:
        compile(text, "<buffer>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        line = max((error.lineno or 1) - 1, 0)
        column = max((error.offset or 1) - 1, 0)
        return [Problem(line, column, line, column, "error", f"syntax error: {error.msg}", "syntax", "python")]
    return []


__all__ = ["ClassFacts", "ModuleFacts", "NameScope", "diagnose", "module_facts", "syntax_problems"]
