"""The scope walker: one pass over a module records what each scope binds and, when asked, the
uses to check; facts of other modules are cached by file identity."""

from __future__ import annotations

import ast
from pathlib import Path

from context.diagnose.facts import ClassFacts, ModuleFacts, NameScope
from context.errors import SourceError
from context.index_cache import DiskIndex, content_key
from context.memo import file_stamp
from context.parsing import tolerant_ast
from context.summarize import absolute_module  # the same relative-import rule as the summaries
from context.workspace import read_source

NARROWERS = frozenset({"isinstance", "issubclass", "callable"})
SAFE_CLASS_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass", "final", "typing.final",
                                   "total_ordering", "functools.total_ordering", "unique", "enum.unique",
                                   "runtime_checkable", "typing.runtime_checkable", "disjoint_base",
                                   "type_check_only", "typing.type_check_only"})
DATACLASS_OPTIONS = frozenset({"frozen", "order", "eq", "repr", "unsafe_hash", "slots", "match_args",
                               "weakref_slot"})


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
        slots = _slots(node)
        if slots is not None and "__dict__" not in slots:
            facts.slotted = True
            facts.members |= slots

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
        source = absolute_module(self.module, node.level, node.module, self.is_package)
        for alias in node.names:
            if alias.name == "*":
                scope.stars.append(source)
            else:
                scope.bind(alias.asname or alias.name)
                scope.imports[alias.asname or alias.name] = (source, alias.name)


def _slots(node: ast.ClassDef) -> set[str] | None:
    """The names a class body's ``__slots__`` lists, when it is a literal of strings."""
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__" for t in stmt.targets):
            value = stmt.value
            items = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
            if all(isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items):
                return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}
            return None
    return None


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


# -- facts of other modules, cached by file identity -------------------------------------------------
_FACTS_CACHE: dict[str, tuple[tuple[int, int], str, ModuleFacts]] = {}  # path -> stamp, content key, facts
MAX_CACHED_FACTS = 4000


def facts_of_file(path: str, module: str, disk: DiskIndex | None = None) -> ModuleFacts | None:
    """Facts of another module's file; from ``disk`` (the workspace's index) when it holds
    those of this very text."""
    file = Path(path)
    stamp = file_stamp(file)
    if stamp is None:
        return None
    hit = _FACTS_CACHE.get(path)
    if hit is not None and hit[0] == stamp:
        if disk is not None:
            disk.put_facts(hit[1], hit[2])  # another workspace's index wants them too
        return hit[2]
    try:
        text = read_source(file)
    except SourceError:
        return None
    key = content_key(file, module, text)
    facts = disk.get_facts(key) if disk is not None else None
    if not isinstance(facts, ModuleFacts):
        facts = module_facts(tolerant_ast(text).tree, module, file.name.startswith("__init__."))
        facts.scope.node = ast.Module(body=[], type_ignores=[])  # keep the facts, not the syntax tree
        if disk is not None:
            disk.put_facts(key, facts)
    if len(_FACTS_CACHE) >= MAX_CACHED_FACTS:
        _FACTS_CACHE.clear()
    _FACTS_CACHE[path] = (stamp, key, facts)
    return facts
