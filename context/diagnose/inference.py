"""Inference scopes that say "unknown" rather than guess."""

from __future__ import annotations

import ast
import copy
import functools
from pathlib import Path

from context.diagnose.classes import OPAQUE_TYPES, ClassModel
from context.diagnose.facts import ModuleFacts, NameScope
from context.infer import Inferred, Scope, parse_expression
from context.resolve import Symbol
from context.summary import ClassSummary, ModuleSummary
from context.types import TypeExpr, without_none
from context.vocabulary import Vocabulary, import_statements, imported_modules

UNRELIABLE_BUILTIN_CALLS = frozenset({"abs", "round"})
SAME_TYPE_OPERATORS = frozenset({"int", "float", "complex", "str", "bytes", "list", "tuple", "set", "frozenset",
                                 "dict"})  # types whose operators with their own type give their type


class CautiousScope(Scope):
    """``Scope`` that says "unknown" for names it cannot trust (bound twice, narrowed, free in an
    enclosing function, bound by a local import or def) and knows the builtins. A value assigned
    or returned in several places is known only when every one is."""

    PARTIAL = False
    GUESSES = False

    def __init__(self, checker: InferenceScopes, module: ModuleSummary, chain: list[ast.AST], untrusted: set[str],
                 facts: ModuleFacts, imports: dict[str, tuple[str, str | None]] | None = None) -> None:
        self.checker = checker
        self.untrusted = untrusted
        self.mfacts = facts
        self.imports = imports or {}  # the function's own imports, bound once
        self.defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}  # its own functions, defined once
        self.narrowed_texts: set[str] = set()  # expressions isinstance() & co may have narrowed
        self.rebound: set[str] = set()  # names assigned more than once: narrower than declared, maybe
        super().__init__(checker.resolver, module, chain, 10**9, 0)

    def view(self, extra: set[str]) -> CautiousScope:
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
            return Inferred(type=self._overloads_return(symbol))
        if symbol is not None and symbol.kind == "class" and (
                not self.checker.plain_class(symbol) or symbol.name in OPAQUE_TYPES):
            return Inferred()
        return super().call(node)

    def _overloads_return(self, symbol: Symbol) -> TypeExpr | None:
        """What a method returns when all its overloads agree (``LiteralString`` read as ``str``)."""
        if symbol.owner is None or symbol.function is None:
            return None
        overloads = [m for m in symbol.owner.methods if m.name == symbol.name]
        if not all(m.decorators == ("overload",) and m.returns for m in overloads):
            return None
        returns = {"str" if m.returns == "LiteralString" else m.returns for m in overloads}
        return self.resolver.resolve_type(returns.pop(), symbol.module) if len(returns) == 1 else None

    def expr(self, node: ast.expr) -> Inferred:
        if isinstance(node, ast.BinOp):  # a class's operators may return any type: trust the builtins'
            found = super().expr(node)
            return found if found.type is not None and found.type.name in SAME_TYPE_OPERATORS else Inferred()
        if isinstance(node, ast.Await):  # only what Awaitable and Coroutine say is certain
            inner = self.expr(node.value).type
            if inner is not None and inner.short in ("Awaitable", "Coroutine") and inner.args:
                return Inferred(type=inner.args[-1])
            return Inferred()
        return super().expr(node)

    def attribute(self, base: Inferred, attr: str) -> Inferred:
        found = super().attribute(base, attr)
        if found.type is not None or found.symbol is not None or base.symbol is not None or base.type is None:
            return found
        receiver = without_none(base.type)  # builtins are known by their short names
        symbol = self.checker.class_of(receiver) if "." not in receiver.name else None
        return self.field_of(symbol, attr, receiver) if symbol is not None else found

    def value_scope(self, module: ModuleSummary) -> Scope:
        facts = self.checker.facts_for(module)
        if facts is None:  # unreadable: none of its names is trusted
            every = {*module.variables, *module.functions, *module.classes, *module.imports}
            return CautiousScope(self.checker, module, [], every, self.mfacts)
        return CautiousScope(self.checker, module, [], set(self.checker.untrusted_globals(facts)), facts)

    def field_of(self, symbol: Symbol, attr: str, receiver: TypeExpr | None,
                 mro: list[tuple[ClassSummary, ModuleSummary]] | None = None) -> Inferred:
        for cls, module in mro if mro is not None else self.resolver.mro(symbol):
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
        return super().field_of(symbol, attr, receiver, mro)


class InferenceScopes(ClassModel):
    """One inference scope per lexical scope of the checked module, and one per other module."""

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        """The names known to the checked buffer (:mod:`context.vocabulary`)."""
        tree = self.facts.scope.node
        assert isinstance(tree, ast.Module)
        is_package = Path(self.summary.path).name in ("__init__.py", "__init__.pyi")
        imported = imported_modules(list(import_statements(tree)), self.summary.module, is_package)
        return Vocabulary(self.workspace, Path(self.summary.path), "\n".join(self.lines.lines), imported)

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

    def infer_scope(self, scope: NameScope) -> CautiousScope:
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
            found = CautiousScope(self, self.summary, self._chain(scope), self._untrusted_in(scope), self.facts, imports)
            found.defs = {n: d for n, d in scope.defs.items() if scope.counts.get(n) == 1}
        elif scope.kind == "class":
            untrusted = set(scope.counts) | self._untrusted_in(scope)
            found = CautiousScope(self, self.summary, [], untrusted, self.facts)
        else:
            found = self.module_scope(self.summary, self.facts)
        found.narrowed_texts = self.narrowed(scope)
        if scope.kind not in ("comprehension", "lambda"):
            found.rebound = {n for n, count in scope.counts.items() if count > 1}
        self._scopes[key] = found
        return found

    def module_scope(self, module: ModuleSummary, facts: ModuleFacts) -> CautiousScope:
        found = self._module_scopes.get(module.path)
        if found is None:
            found = CautiousScope(self, module, [], set(self.untrusted_globals(facts)), facts)
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
