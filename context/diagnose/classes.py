"""The state of one check and what it knows about modules, classes and their members."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from context.diagnose.facts import ClassFacts, ModuleFacts
from context.diagnose.scopes import facts_of_file
from context.diagnose.text import Lines, norm
from context.model import Diagnostic
from context.resolve import Resolver, Symbol
from context.summarize import summarize_function
from context.summary import ModuleSummary
from context.types import TypeExpr, parse_type
from context.workspace import TYPESHED_STDLIB, Workspace

if TYPE_CHECKING:
    from context.diagnose.inference import CautiousScope

SAFE_DECORATORS = frozenset({"property", "staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod",
                             "override", "typing.override", "typing_extensions.override", "final",
                             "typing.final", "cached_property", "functools.cached_property"})
SAFE_METACLASSES = frozenset({"ABCMeta", "abc.ABCMeta"})
OPAQUE_TYPES = frozenset({"Any", "object", "super", "type", "Self", "NoReturn", "Never"})  # no members to check
STAR_DEPTH = 3

Mro = list[tuple[Symbol, ClassFacts]]


class ClassModel:
    """The state of one check (its caches live as long as the check) and what it knows of modules,
    classes and their members."""

    def __init__(self, workspace: Workspace, resolver: Resolver, summary: ModuleSummary, facts: ModuleFacts,
                 lines: Lines, replaced: frozenset[int]) -> None:
        self.workspace = workspace
        self.resolver = resolver
        self.summary = summary
        self.facts = facts
        self.lines = lines
        self.replaced = replaced
        self.builtins = workspace.module("builtins")
        self._scopes: dict[int, CautiousScope] = {}
        self._module_scopes: dict[str, CautiousScope] = {}
        self._mros: dict[str, Mro | None] = {}
        self._untrusted: dict[int, set[str]] = {}
        self._stars: dict[int, tuple[set[str], bool]] = {}
        self._facts: dict[str, ModuleFacts | None] = {}
        self._generators: dict[int, bool] = {}
        self._local_functions: dict[int, Symbol] = {}
        self._protocols: dict[str, set[str] | None] = {}

    def problem(self, node: ast.AST, message: str, source: str, code: str) -> Diagnostic:
        line, column, end_line, end_column = self.lines.span(node)
        return Diagnostic(line, column, end_line, end_column, "error", message, source, code)

    # -- modules, classes and their members ----------------------------------------------------------
    def facts_for(self, module: ModuleSummary) -> ModuleFacts | None:
        if module.path == self.summary.path:
            return self.facts
        if module.path not in self._facts:
            self._facts[module.path] = facts_of_file(module.path, module.module, self.workspace.disk)
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
        name = norm(t.name)
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
        """None too when the bases make a cycle (``class A(B)``, ``class B(A)``): not a class."""
        out: Mro = []
        queue, seen = [symbol], set()
        below: dict[tuple[str, int], frozenset[tuple[str, int]]] = {}  # the subclasses a class was reached from
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
                path = below.get(key, frozenset()) | {key}
                if (resolved.path, resolved.line) in path:
                    return None
                below.setdefault((resolved.path, resolved.line), path)
                queue.append(resolved)
        root = self.builtin("object")
        if root is not None and (root.path, root.line) not in seen:
            root_facts = self.facts_for(root.module)
            found = root_facts.classes.get(root.line) if root_facts else None
            if found is not None:
                out.append((root, found))
        return out

    def instance_members(self, symbol: Symbol, instance: bool = False) -> set[str] | None:
        """The attributes instances of the class (or the class object) may have; None when unknown.
        A computed ``setattr`` in a module may add attributes to anything, but not to instances of
        classes that are slotted all the way up."""
        mro = self.mro(symbol)
        if mro is None or self.dynamic(mro) or (instance and self._made_by_metaclass(mro)):
            return None
        slotted = instance and all(facts.slotted for owner, facts in mro
                                   if not (owner.module is self.builtins and owner.name == "object"))
        members: set[str] = set(self.facts.stored_attrs)
        for owner, facts in mro:
            module_facts = self.facts_for(owner.module)
            if module_facts is None or (module_facts.dynamic_attrs and not slotted):
                return None
            members |= facts.members | module_facts.stored_attrs
        return members

    def _made_by_metaclass(self, mro: Mro) -> bool:
        """Whether a class of the MRO has a metaclass of its project's own (not the standard
        library's): it may give the class attributes its body does not show."""
        for owner, facts in mro:
            if facts.metaclass is None or facts.metaclass in SAFE_METACLASSES:
                continue
            metaclass = self.resolve_class(facts.metaclass, owner.module)
            if metaclass is None or not metaclass.path.startswith(str(TYPESHED_STDLIB)):
                return True
        return False

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
