"""Name resolution across modules: imports are followed to the summaries that define names.

Types are resolved in the namespace of the module that wrote them: a class name becomes a
:class:`Symbol` with its defining module, so a type read in one file means the same thing
wherever it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from context.model import Location
from context.summary import (
    ClassSummary,
    FunctionSummary,
    ImportSummary,
    ModuleSummary,
    VariableSummary,
)
from context.types import TypeExpr, parse_type
from context.workspace import Workspace

MAX_DEPTH = 12
BUILTIN_ALIASES = {"List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset",
                   "Tuple": "tuple", "Type": "type", "Text": "str"}


@dataclass(frozen=True)
class Symbol:
    """A resolved definition: a class, function, variable or module, and where it lives."""

    kind: str  # "class", "function", "variable", "module"
    name: str
    module: ModuleSummary
    cls: ClassSummary | None = None
    function: FunctionSummary | None = None
    variable: VariableSummary | None = None
    owner: ClassSummary | None = None  # the class of a method

    @property
    def qualname(self) -> str:
        prefix = f"{self.owner.name}." if self.owner else ""
        return (
            f"{self.module.module}.{prefix}{self.name}"
            if self.module.module
            else prefix + self.name
        )

    @property
    def path(self) -> str:
        return self.module.path

    @property
    def line(self) -> int:
        if self.cls is not None:
            return self.cls.line
        if self.function is not None:
            return self.function.line
        if self.variable is not None:
            return self.variable.line
        return 0


def location_of(symbol: Symbol) -> Location:
    """Where a resolved definition is written."""
    return Location(symbol.path, symbol.line, 0)


class Resolver:
    """Looks names up through imports. Class look-ups and MROs are memoized for one request
    (:meth:`begin_request`); ``memo`` serves callers the same way."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._classes: dict[str, Symbol | None] = {}
        self._mros: dict[str, list[tuple[ClassSummary, ModuleSummary]]] = {}
        self.memo: dict[object, object] = {}
        self.lasting: dict[object, object] = {}  # across requests; entries validate themselves
        self.evaluating: set[object] = set()  # module variables and values being inferred now

    def begin_request(self) -> None:
        self._classes.clear()
        self._mros.clear()
        self.memo.clear()
        self.workspace.begin_request()

    def lookup(self, module: ModuleSummary, name: str, depth: int = 0) -> Symbol | None:
        """The definition ``name`` refers to at the top level of ``module``."""
        if depth > MAX_DEPTH:
            return None
        cls, function, imported = module.classes.get(name), module.functions.get(name), module.imports.get(name)
        # of a class, a function and an import of the same name, the one written last is what
        # the module holds (a class, then ``from .fast import Name`` in a ``try``: the import)
        last = max((d.line for d in (cls, function) if d is not None), default=-1)
        if imported is not None and imported.line > last:
            found = self._imported(module, imported, depth)
            if found is not None or last < 0:
                return found
        if cls is not None and (function is None or cls.line >= function.line):
            return Symbol("class", name, module, cls=cls)
        if function is not None:
            return Symbol("function", name, module, function=function)
        if imported is not None:
            return self._imported(module, imported, depth)
        if name in module.variables:
            return Symbol("variable", name, module, variable=module.variables[name])
        for star in module.star_imports:
            source = self.workspace.module(star)
            if source is not None and source is not module:
                found = self.lookup(source, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _imported(self, module: ModuleSummary, imp: ImportSummary, depth: int) -> Symbol | None:
        """What an import of ``module`` binds: a module, or a name of one (a submodule)."""
        if imp.name is None:
            target = self.workspace.module(imp.module)
            return Symbol("module", imp.module, target) if target else None
        source = self.workspace.module(imp.module)
        if source is not None and source is not module:
            found = self.lookup(source, imp.name, depth + 1)
            if found is not None:
                return found
        submodule = self.workspace.module(f"{imp.module}.{imp.name}")
        return Symbol("module", imp.name, submodule) if submodule else None

    @staticmethod
    def defined_class(module: ModuleSummary, dotted: str) -> Symbol | None:
        """The class ``module`` defines as ``A`` or ``A.B`` (nested), whatever the name is bound
        to later."""
        head, *rest = dotted.split(".")
        cls = module.classes.get(head)
        for part in rest:
            cls = next((c for c in cls.classes if c.name == part), None) if cls is not None else None
        return Symbol("class", cls.name, module, cls=cls) if cls is not None else None

    def lookup_dotted(self, module: ModuleSummary, dotted: str) -> Symbol | None:
        """``a.b.C`` from ``module``: the head is looked up, the rest followed as attributes."""
        head, *rest = dotted.split(".")
        symbol = self.lookup(module, head)
        if symbol is None and dotted in ("builtins",):
            return None
        for part in rest:
            if symbol is None:
                return None
            symbol = self.member(symbol, part)
        return symbol

    def member(self, symbol: Symbol, name: str) -> Symbol | None:
        """``symbol.name`` for modules (their top level) and classes (nested classes, methods)."""
        if symbol.kind == "module":
            found = self.lookup(symbol.module, name)
            if found is None:
                sub = self.workspace.module(f"{symbol.module.module}.{name}")
                return Symbol("module", name, sub) if sub else None
            return found
        if symbol.kind == "class" and symbol.cls is not None:
            for owner, owner_module in self.mro(symbol):
                for nested in owner.classes:
                    if nested.name == name:
                        return Symbol("class", name, owner_module, cls=nested)
                method = owner.method(name)
                if method is not None:
                    return Symbol("function", name, owner_module, function=method, owner=owner)
        return None

    def mro(self, symbol: Symbol) -> list[tuple[ClassSummary, ModuleSummary]]:
        """The class and its resolvable bases, depth first, each once."""
        key = symbol.qualname
        if key not in self._mros:
            self._mros[key] = self._mro(symbol)
        return self._mros[key]

    def _mro(self, symbol: Symbol) -> list[tuple[ClassSummary, ModuleSummary]]:
        out: list[tuple[ClassSummary, ModuleSummary]] = []
        stack = [symbol]
        seen: set[str] = set()
        while stack and len(out) < 20:
            current = stack.pop(0)
            if current.cls is None or current.qualname in seen:
                continue
            seen.add(current.qualname)
            out.append((current.cls, current.module))
            for base in current.cls.bases:
                parsed = parse_type(base)
                if parsed is None:
                    continue
                resolved = self.lookup_dotted(current.module, parsed.name)
                if resolved is None and "." not in parsed.name and parsed.name not in current.module.imports:
                    resolved = self.class_symbol(parsed.name)  # a builtin base (``Exception``)
                if resolved is not None and resolved.kind == "class":
                    stack.append(resolved)
        return out

    def resolve_type(self, text: str | TypeExpr | None, module: ModuleSummary) -> TypeExpr | None:
        """A type written in ``module``, with every class name made absolute (``pkg.mod.Name``)."""
        parsed = parse_type(text) if isinstance(text, str) or text is None else text
        if parsed is None:
            return None
        return self._qualify(parsed, module, 0)

    def _qualify(self, t: TypeExpr, module: ModuleSummary, depth: int) -> TypeExpr:
        args = tuple(self._qualify(a, module, depth) for a in t.args)
        if t.name in ("|", "[]", "...", "None") or t.name[:1] in "'\"0123456789-":
            return TypeExpr(t.name, args)
        symbol = self.lookup_dotted(module, t.name)
        if symbol is not None and symbol.kind == "class":
            return TypeExpr(symbol.qualname, args)
        if (
            symbol is not None
            and symbol.kind == "variable"
            and symbol.variable
            and symbol.variable.is_alias
            and depth < 4
            and not args
        ):
            target = symbol.variable.value or symbol.variable.annotation
            inner = parse_type(target)
            if inner is not None:
                return self._qualify(inner, symbol.module, depth + 1)
        return TypeExpr(t.name, args)

    def class_symbol(self, qualname: str) -> Symbol | None:
        """The class named by an absolute name produced by :meth:`resolve_type`."""
        if qualname not in self._classes:
            self._classes[qualname] = self._class_symbol(qualname)
        return self._classes[qualname]

    def _class_symbol(self, qualname: str) -> Symbol | None:
        module_name, _, rest = qualname.rpartition(".")
        if not module_name:  # a builtin type (``str``, ``list``, ``List``), known by its name
            builtins = self.workspace.module("builtins")
            found = builtins.classes.get(BUILTIN_ALIASES.get(rest, rest)) if builtins is not None else None
            return Symbol("class", found.name, builtins, cls=found) if found and builtins else None
        while module_name:
            module = self.workspace.module(module_name)
            if module is not None:
                # a class's absolute name is where it is defined: the module's own class of that
                # name, even one a later import of the same name shadows
                symbol = self.defined_class(module, rest) or self.lookup_dotted(module, rest)
                return symbol if symbol is not None and symbol.kind == "class" else None
            module_name, _, head = module_name.rpartition(".")
            rest = f"{head}.{rest}"
        return None

    def alias_symbol(self, name: str, module: ModuleSummary) -> Symbol | None:
        symbol = self.lookup_dotted(module, name)
        if (
            symbol is not None
            and symbol.kind == "variable"
            and symbol.variable
            and symbol.variable.is_alias
        ):
            return symbol
        return None
