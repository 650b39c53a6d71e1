"""Where each identifier occurs in a module: names, attributes, imported names, keywords of
calls and identifier-like strings, each with the scopes around it.

One walk of a module's syntax tree builds its :class:`ModuleIndex`; indexes are cached by text
(a bounded cache), so a workspace searched again and again is parsed once per version of each
file. What a name occurrence binds in its scope (:meth:`ModuleIndex.binds`) is computed on
demand, once per scope.
"""

from __future__ import annotations

import ast
import threading
from dataclasses import dataclass, field
from pathlib import Path

from context.errors import SourceError
from context.memo import TextCache, file_stamp
from context.parsing import tolerant_ast
from context.ripple_model import SourceText
from context.workspace import read_source

ScopeNode = (
    ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
    | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
)
FUNCTION_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
INDEXED_CHARS = 3_000_000  # texts whose indexes are kept (the trees take ~70 bytes a character)


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an identifier.

    ``kind``: ``name`` (``ast.Name``), ``attribute`` (the ``attr`` of ``ast.Attribute``),
    ``import`` (a name of ``from m import ...``; ``node`` is the alias), ``keyword`` (a keyword
    argument of a call; ``parent`` is the call), ``string`` (a string constant holding just the
    identifier; ``context`` says where: ``annotation``, ``all``, ``dynamic`` or ``other``)."""

    kind: str
    node: ast.AST
    parent: ast.AST | None
    chain: tuple[ast.AST, ...]  # function, class, lambda and comprehension scopes, outermost first
    statement: ast.stmt | None
    context: str = ""


@dataclass(frozen=True)
class Bindings:
    """The names a scope binds, those it declares ``global``, and those bound by nothing but
    one ``from m import name`` in it: (level, module, imported name)."""

    names: frozenset[str]
    declared: frozenset[str]
    imports: dict[str, tuple[int, str | None, str]]


@dataclass
class ModuleIndex:
    path: Path
    text: str
    tree: ast.Module
    source: SourceText
    replaced: frozenset[int]  # lines set aside to make a text that does not parse readable
    _names: dict[str, list[Occurrence]] | None = None
    _binds: dict[int, Bindings] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, list[Occurrence]]:
        """Occurrences by identifier (one walk of the tree, on first use)."""
        if self._names is None:
            self._names = {}
            walker = _Walker(self)
            for stmt in self.tree.body:
                walker.walk(stmt, self.tree, (), None, "")
        return self._names

    @property
    def broken(self) -> bool:
        return bool(self.replaced)

    def occurrences(self, name: str) -> list[Occurrence]:
        return self.names.get(name, [])

    def binds(self, scope: ast.AST) -> Bindings:
        """What ``scope`` binds."""
        key = id(scope)
        if key not in self._binds:
            self._binds[key] = _bindings(scope)
        return self._binds[key]


DYNAMIC_CALLS = {"getattr", "setattr", "hasattr", "delattr"}


class _Walker:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index

    def add(self, name: str, occurrence: Occurrence) -> None:
        assert self.index._names is not None
        self.index._names.setdefault(name, []).append(occurrence)

    def walk(self, node: ast.AST, parent: ast.AST | None, chain: tuple[ast.AST, ...],
             statement: ast.stmt | None, context: str) -> None:
        if isinstance(node, ast.stmt):
            statement = node
        if isinstance(node, ast.Name):
            self.add(node.id, Occurrence("name", node, parent, chain, statement, context))
        elif isinstance(node, ast.Attribute):
            self.add(node.attr, Occurrence("attribute", node, parent, chain, statement, context))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                self.add(alias.name, Occurrence("import", alias, node, chain, statement))
            return
        elif isinstance(node, ast.keyword) and node.arg is not None:
            self.add(node.arg, Occurrence("keyword", node, parent, chain, statement))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            where = context or _string_context(parent, statement)
            self.add(node.value, Occurrence("string", node, parent, chain, statement, where))
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self._function(node, chain, statement)
        elif isinstance(node, ast.Lambda):
            for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
                self.walk(default, node, chain, statement, context)
            self.walk(node.body, node, (*chain, node), statement, context)
        elif isinstance(node, ast.ClassDef):
            for outer in [*node.decorator_list, *node.bases, *node.keywords]:
                self.walk(outer, node, chain, statement, context)
            inner = (*chain, node)
            for stmt in node.body:
                self.walk(stmt, node, inner, statement, "")
        elif isinstance(node, COMPREHENSIONS):
            first, inner = True, (*chain, node)
            for gen in node.generators:
                self.walk(gen.iter, gen, chain if first else inner, statement, context)
                self.walk(gen.target, gen, inner, statement, context)
                for cond in gen.ifs:
                    self.walk(cond, gen, inner, statement, context)
                first = False
            for part in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
                self.walk(part, node, inner, statement, context)
        else:
            for child in ast.iter_child_nodes(node):
                self.walk(child, node, chain, statement, context)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, chain: tuple[ast.AST, ...],
                  statement: ast.stmt | None) -> None:
        args = node.args
        for outer in [*node.decorator_list, *args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.walk(outer, node, chain, statement, "")
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs,
                 *[a for a in (args.vararg, args.kwarg) if a is not None]]
        for arg in every:
            if arg.annotation is not None:
                self.walk(arg.annotation, arg, chain, statement, "annotation")
        if node.returns is not None:
            self.walk(node.returns, node, chain, statement, "annotation")
        inner = (*chain, node)
        for stmt in node.body:
            self.walk(stmt, node, inner, statement, "")


def _string_context(parent: ast.AST | None, statement: ast.stmt | None) -> str:
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in DYNAMIC_CALLS:
        return "dynamic"
    if statement is not None and _assigns_all(statement):
        return "all"
    if isinstance(statement, ast.AnnAssign) and parent is statement:
        return "other"
    return "other"


def _assigns_all(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "__all__"
    return False


def _bindings(scope: ast.AST) -> Bindings:
    """Names a scope binds (parameters, assignments, loop and ``with`` targets, imports, nested
    definitions; not those it declares ``nonlocal``: they stay the enclosing function's), those
    it declares ``global``, and its local ``from m import name`` imports."""
    bound: list[str] = []
    declared: set[str] = set()
    enclosing: set[str] = set()  # declared ``nonlocal``: the enclosing function's variables
    imports: dict[str, tuple[int, str | None, str]] = {}
    if isinstance(scope, FUNCTION_SCOPES):
        a = scope.args
        bound += [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs] + [v for v in (a.vararg, a.kwarg) if v]]
    if isinstance(scope, COMPREHENSIONS):
        for gen in scope.generators:
            bound += [n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)]
        return Bindings(frozenset(bound), frozenset(), {})
    if isinstance(scope, ast.Lambda):
        return Bindings(frozenset(bound), frozenset(), {})
    body = scope.body if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) else []
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.append(node.name)
            continue
        if isinstance(node, (ast.Lambda, *COMPREHENSIONS)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound.append(node.id)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                local = alias.asname or alias.name
                bound.append(local)
                imports[local] = (node.level, node.module, alias.name)
            continue
        elif isinstance(node, ast.alias):
            bound.append((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            bound.append(node.name)
        elif isinstance(node, ast.Global):
            declared |= set(node.names)
        elif isinstance(node, ast.Nonlocal):
            enclosing |= set(node.names)
        stack.extend(ast.iter_child_nodes(node))
    once = {name for name in imports if bound.count(name) == 1}
    return Bindings(frozenset(bound) - declared - enclosing, frozenset(declared),
                    {name: imports[name] for name in once if name not in declared})


def build_index(path: Path, text: str) -> ModuleIndex:
    try:
        parsed = tolerant_ast(text)
        tree, replaced = parsed.tree, parsed.replaced_lines
    except ValueError:  # NUL bytes
        tree, replaced = ast.Module(body=[], type_ignores=[]), frozenset({0})
    return ModuleIndex(path, text, tree, SourceText(text), replaced)


class IndexCache:
    """Indexes of module texts, and the texts of files on disk by file stamp. Thread-safe."""

    def __init__(self, max_chars: int = INDEXED_CHARS) -> None:
        self._indexes: TextCache[ModuleIndex] = TextCache(max_chars)
        self._texts: dict[Path, tuple[tuple[int, int], str | None]] = {}
        self._lock = threading.Lock()

    def text_of(self, path: Path) -> str | None:
        """The file's text (re-read when its stamp changed); None when it cannot be read."""
        stamp = file_stamp(path)
        if stamp is None:
            return None
        with self._lock:
            hit = self._texts.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        try:
            text: str | None = read_source(path)
        except SourceError:
            text = None
        with self._lock:
            if len(self._texts) > 20000:
                self._texts.clear()
            self._texts[path] = (stamp, text)
        return text

    def index(self, path: Path, text: str) -> ModuleIndex:
        key = (str(path), text)
        with self._lock:
            found = self._indexes.get(key)
        if found is not None:
            return found
        index = build_index(path, text)
        with self._lock:
            self._indexes[key] = index
        return index


INDEXES = IndexCache()
