"""Every reference to one definition across the workspace, found by name and resolved.

The files that hold the definition's name as a word are indexed (:mod:`context.occurrences`);
each occurrence is resolved the way the analysis resolves names: a bare name through the local
scopes then the module's imports, ``module.name`` and ``Class.name`` through the summaries,
``obj.name`` through the inferred type of ``obj`` (its class and bases), ``from m import name``
through ``m``, a string of ``__all__`` or a string annotation as a name of its module. An
occurrence whose receiver has no known type is *uncertain*: the caller decides what to do with
it. A string passed to ``getattr`` & co. is *dynamic*: never edited, reported.

Resolution sees the workspace through ``buffers`` (path → text): the defining file as it was
before the edit, so that the old names still resolve.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from context.infer import Inferred, Scope
from context.occurrences import INDEXES, IndexCache, ModuleIndex, Occurrence
from context.receiver_scope import ReceiverScope
from context.resolve import Resolver, Symbol
from context.summarize import absolute_module
from context.summary import ModuleSummary
from context.types import without_none
from context.workspace import Workspace

LOCAL = "local"


@dataclass(frozen=True)
class Target:
    """A definition: ``name`` in the module at ``path``; ``owner`` the class (``Outer.Inner``)
    of a method or attribute. ``kind``: ``function``, ``class``, ``variable``, ``attribute``."""

    path: str
    module: str
    name: str
    owner: str | None
    kind: str

    @property
    def owner_name(self) -> str | None:
        return self.owner.rsplit(".", 1)[-1] if self.owner else None


@dataclass(frozen=True)
class Reference:
    """One occurrence of the target. ``start``/``end``: code-point offsets of the identifier (in
    a string, without its quotes). ``call``: the call when the occurrence is its callee;
    ``bound``: the callee was reached through an instance (or ``cls``), whose first parameter
    the call does not pass."""

    path: Path
    index: ModuleIndex
    occurrence: Occurrence
    start: int
    end: int
    call: ast.Call | None = None
    bound: bool = False
    certain: bool = True


@dataclass
class Found:
    references: list[Reference] = field(default_factory=list)
    uncertain: list[Reference] = field(default_factory=list)  # ``x.name`` with ``x`` of unknown type
    dynamic: list[Reference] = field(default_factory=list)  # ``getattr(x, "name")``
    files: int = 0  # files that hold the name


@contextmanager
def summaries_of(workspace: Workspace, buffers: Mapping[Path, str]) -> Iterator[dict[Path, ModuleSummary]]:
    """The summaries of the buffers stand for their modules while the block runs."""
    summaries: dict[Path, ModuleSummary] = {}
    for path, text in buffers.items():
        index = INDEXES.index(path, text)
        summaries[path] = workspace.summary_for_text(path, text, index.tree)
    for summary in summaries.values():
        workspace.set_overlay(summary)
    try:
        yield summaries
    finally:
        for summary in summaries.values():
            workspace.set_overlay(None, summary.module)


class ReferenceFinder:
    """Finds references in one state of the workspace (files on disk, ``buffers`` over them)."""

    def __init__(self, workspace: Workspace, resolver: Resolver, buffers: Mapping[Path, str],
                 summaries: Mapping[Path, ModuleSummary], cache: IndexCache = INDEXES) -> None:
        self.workspace = workspace
        self.resolver = resolver
        self.buffers = buffers
        self.summaries = summaries
        self.cache = cache

    def texts(self, word: str) -> Iterator[tuple[Path, str]]:
        """Workspace files (buffers first) whose text holds ``word``."""
        seen: set[Path] = set()
        for path, text in self.buffers.items():
            seen.add(path)
            if word in text:
                yield path, text
        for path in self.workspace.files():
            if path in seen:
                continue
            found = self.cache.text_of(path)
            if found is not None and word in found:
                yield path, found

    def module_of(self, path: Path, index: ModuleIndex) -> ModuleSummary | None:
        if path in self.summaries:
            return self.summaries[path]
        if path in self.buffers:
            return self.workspace.summary_for_text(path, index.text, index.tree)
        return self.workspace.summary_for_path(path)

    def find(self, target: Target, word: str | None = None) -> Found:
        """References of ``target`` (by its name, or ``word``: another name to look for)."""
        found = Found()
        name = word or target.name
        for path, text in self.texts(name):
            index = self.cache.index(path, text)
            occurrences = index.occurrences(name)
            if not occurrences:
                continue
            module = self.module_of(path, index)
            if module is None:
                continue
            found.files += 1
            for occurrence in occurrences:
                self._classify(found, target, path, index, module, occurrence)
        return found

    def _classify(self, found: Found, target: Target, path: Path, index: ModuleIndex, module: ModuleSummary,
                  occurrence: Occurrence) -> None:
        if occurrence.kind == "keyword":
            return
        if occurrence.kind == "string" and occurrence.context == "dynamic":
            found.dynamic.append(self.reference(path, index, occurrence))
            return
        verdict = self.resolve(target, index, module, occurrence)
        if verdict is None:
            return
        symbol_matches, bound = verdict
        if symbol_matches is None:
            found.uncertain.append(self.reference(path, index, occurrence, bound=True, certain=False))
        elif symbol_matches:
            found.references.append(self.reference(path, index, occurrence, bound=bound))

    def reference(self, path: Path, index: ModuleIndex, occurrence: Occurrence, *, bound: bool = False,
                  certain: bool = True) -> Reference:
        start, end = identifier_span(index, occurrence)
        parent = occurrence.parent
        call = parent if isinstance(parent, ast.Call) and parent.func is occurrence.node else None
        return Reference(path, index, occurrence, start, end, call, bound, certain)

    # -- resolution ------------------------------------------------------------------------------
    def resolve(self, target: Target, index: ModuleIndex, module: ModuleSummary,
                occurrence: Occurrence) -> tuple[bool | None, bool] | None:
        """(whether the occurrence denotes the target — None: unknown —, bound); None: it is
        no reference at all (a local name, another thing)."""
        node = occurrence.node
        if occurrence.kind == "name" and isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store | ast.Del) and not occurrence.chain:
                # A module-level assignment: the target variable again in its own module, else
                # a name of another module (not a use).
                same = target.kind == "variable" and str(index.path) == target.path and node.id == target.name
                return (True, False) if same else None
            symbol = self.name_symbol(index, module, occurrence, node.id, target)
            return (symbol is True or (isinstance(symbol, Symbol) and matches(symbol, target)), False)
        if occurrence.kind == "attribute" and isinstance(node, ast.Attribute):
            return self.attribute(target, module, occurrence, node)
        if occurrence.kind == "import" and isinstance(node, ast.alias) and isinstance(occurrence.parent, ast.ImportFrom):
            imported = occurrence.parent
            return (matches(self.imported(index, module, imported.level, imported.module, node.name), target), False)
        if occurrence.kind == "string" and occurrence.context in ("all", "annotation") and not target.owner:
            symbol = self.resolver.lookup(module, target.name)
            return (matches(symbol, target), False)
        return None

    def name_symbol(self, index: ModuleIndex, module: ModuleSummary, occurrence: Occurrence, name: str,
                    target: Target) -> Symbol | bool | None:
        """What a bare name denotes: True when it is the target written in its own class body
        (a method used as a value there, ``@name.setter``), None when local to a function."""
        chain = occurrence.chain
        for depth in range(len(chain) - 1, -1, -1):
            scope = chain[depth]
            binds = index.binds(scope)
            if isinstance(scope, ast.ClassDef):
                if depth == len(chain) - 1 and name in binds.names:
                    owner = ".".join(n.name for n in chain if isinstance(n, ast.ClassDef))
                    return owner == target.owner and name == target.name and index.path == Path(target.path)
                continue
            if name in binds.declared:
                break
            if name in binds.imports:  # ``from m import name`` inside the function
                return self.imported(index, module, *binds.imports[name])
            if name in binds.names:
                return None
        return self.resolver.lookup(module, name)

    def imported(self, index: ModuleIndex, module: ModuleSummary, level: int, target: str | None,
                 name: str) -> Symbol | None:
        """What ``from target import name`` (``level`` dots) written in ``module`` binds."""
        is_package = index.path.name in ("__init__.py", "__init__.pyi")
        source = self.workspace.module(absolute_module(module.module, level, target, is_package))
        return self.resolver.lookup(source, name) if source is not None else None

    def attribute(self, target: Target, module: ModuleSummary, occurrence: Occurrence,
                  node: ast.Attribute) -> tuple[bool | None, bool] | None:
        line, column = node.lineno - 1, node.col_offset
        scope = ReceiverScope(self.resolver, module, list(occurrence.chain), line, column)
        base = scope.expr(node.value)
        symbols, bound, known = self.members(scope, base, node.attr)
        if not known:
            return (None, True)
        return (any(matches(symbol, target) for symbol in symbols), bound)

    def members(self, scope: Scope, base: Inferred, attr: str) -> tuple[list[Symbol], bool, bool]:
        """(the member of each type the receiver may have, reached through an instance,
        whether the receiver was known). A receiver of a union type (``A | B``) reaches the
        member of each: the use is a reference of each."""
        if base.super_of is not None:
            return _listed(instance_member(self.resolver, base.super_of, attr, skip_first=True)), True, True
        if base.symbol is not None:
            symbol = base.symbol
            if symbol.kind == "module":
                return _listed(self.resolver.member(symbol, attr)), False, True
            if symbol.kind == "class":
                member = self.resolver.member(symbol, attr)
                if member is None:
                    member = instance_member(self.resolver, symbol, attr)
                bound = bool(member and member.function and member.function.is_classmethod)
                return _listed(member), bound, True
            return [], False, True
        if base.type is None or base.type.name == "None":
            # Reading an attribute of a value that is only ever None would fail: the inference
            # saw the ``None`` of it (``self.x = None`` set again elsewhere, a conditional whose
            # other branch it could not type), not what the value is when the line runs.
            return [], True, False
        receiver = without_none(base.type)
        found: list[Symbol] = []
        unknown = False
        for t in receiver.args if receiver.name == "|" else (receiver,):
            cls = self.resolver.class_symbol(t.name)
            member = instance_member(self.resolver, cls, attr) if cls is not None else None
            if member is not None:
                found.append(member)
                continue
            # ``Any`` and ``object`` tell nothing of the value (``x: object`` narrowed by an
            # ``isinstance``), nor does a class the workspace does not define.
            unknown = unknown or (cls is None and t.name != "None") or t.short in ("Any", "object")
        return found, True, bool(found) or not unknown


def _listed(symbol: Symbol | None) -> list[Symbol]:
    return [symbol] if symbol is not None else []


def instance_member(resolver: Resolver, cls: Symbol, attr: str, skip_first: bool = False) -> Symbol | None:
    """``attr`` of an instance of ``cls``: the first class of its MRO that defines it (a method,
    or an attribute as a ``variable`` symbol)."""
    for owner, module in resolver.mro(cls)[1 if skip_first else 0 :]:
        field_summary = owner.field(attr)
        if field_summary is not None:
            return Symbol("variable", attr, module, owner=owner)
        method = owner.method(attr)
        if method is not None:
            return Symbol("function", attr, module, function=method, owner=owner)
    return None


def matches(symbol: Symbol | None, target: Target) -> bool:
    if symbol is None or symbol.name != target.name or symbol.path != target.path:
        return False
    owner = symbol.owner.name if symbol.owner is not None else None
    if target.kind == "function":
        return symbol.kind == "function" and owner == target.owner_name
    if target.kind == "class":
        return symbol.kind == "class"
    if target.kind == "attribute":
        return symbol.kind == "variable" and owner == target.owner_name
    return symbol.kind == "variable" and owner is None


def identifier_span(index: ModuleIndex, occurrence: Occurrence) -> tuple[int, int]:
    """Code-point offsets of the identifier an occurrence spells."""
    node = occurrence.node
    source = index.source
    if isinstance(node, ast.Attribute):
        end = source.node_end(node)
        return end - len(node.attr), end
    if isinstance(node, ast.Name):
        start = source.node_start(node)
        return start, start + len(node.id)
    if isinstance(node, ast.alias):
        start = source.node_start(node)
        return start, start + len(node.name)
    if isinstance(node, ast.keyword):
        start = source.node_start(node)
        return start, start + len(node.arg or "")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        start = source.node_start(node)
        quote = source.text[start : start + 1]
        if quote in ("'", '"') and source.text[start + 1 : start + 1 + len(node.value)] == node.value:
            return start + 1, start + 1 + len(node.value)
        return start, start  # a prefixed or implicitly joined string: no span to edit
    start = source.node_start(node)
    return start, start
