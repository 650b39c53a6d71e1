"""Relevant headers: functions, methods and constructors whose result fits the expected type."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from context.calls import constructor_params
from context.infer import Scope
from context.model import Definition
from context.resolve import Resolver, Symbol, location_of
from context.summary import ModuleSummary, VariableSummary
from context.types import (
    TypeExpr,
    display,
    type_parts,
    union_members,
    without_none,
)

MAX_HEADERS = 12
TEST_CODE_WEIGHT = 0.5  # helpers of the tests, offered to code that is not a test
TEST_DIRS = frozenset({"tests", "test", "testing"})


@dataclass(frozen=True)
class _Producer:
    label: str  # how a caller names it here, e.g. "make_circle", "Circle", "repo.find"
    symbol: Symbol
    returns: TypeExpr | None
    proximity: float  # 1.0 in scope here, lower for the rest of the workspace


def weighted_parts(expected: TypeExpr) -> list[tuple[TypeExpr, float]]:
    parts = type_parts(expected)
    members = set(union_members(expected))
    out = []
    for i, p in enumerate(parts):
        weight = 1.0 if i == 0 else 0.9 if p in members or p == without_none(expected) else 0.6
        out.append((p, weight))
    return out


def fit(resolver: Resolver, returns: TypeExpr | None, expected: TypeExpr,
        parts: list[tuple[TypeExpr, float]] | None = None) -> float:
    """How well a value of type ``returns`` fills a hole expecting ``expected`` (0 = not at all).
    ``parts`` are ``expected``'s weighted parts when the caller has them already."""
    if returns is None:
        return 0.0
    best = 0.0
    for part, weight in parts if parts is not None else weighted_parts(expected):
        for candidate, penalty in ((returns, 1.0), (without_none(returns), 0.7)):
            if candidate == part or (
                candidate.short == part.short
                and not part.args
                and candidate.name.endswith(part.name)
            ):
                best = max(best, weight * penalty)
            elif not part.args and _is_subclass(resolver, candidate, part):
                best = max(best, weight * penalty * 0.9)
    return best


def _is_subclass(resolver: Resolver, sub: TypeExpr, sup: TypeExpr) -> bool:
    key = ("subclass", sub.name, sup.name)
    if key not in resolver.memo:
        symbol = resolver.class_symbol(sub.name)
        resolver.memo[key] = symbol is not None and any(
            f"{m.module}.{c.name}" == sup.name for c, m in resolver.mro(symbol)[1:]
        )
    return bool(resolver.memo[key])


def producers_of_module(
    module: ModuleSummary, resolver: Resolver, proximity: float, prefix: str = ""
) -> list[_Producer]:
    """The module's producers, resolved once per module summary (a changed file makes a new one)."""
    key = ("producers", module.path, proximity, prefix)
    cached = resolver.lasting.get(key)
    if isinstance(cached, tuple) and cached[0] is module:
        return cached[1]  # type: ignore[no-any-return]
    found = list(_module_producers(module, resolver, proximity, prefix))
    resolver.lasting[key] = (module, found)
    return found


def _producer_index(module: ModuleSummary, resolver: Resolver) -> dict[str, list[_Producer]]:
    """The module's producers by the short names their results can stand for: the returned
    class, its bases, union members. Only these can fit a hole (see :func:`fit`)."""
    key = ("producer-index", module.path)
    cached = resolver.lasting.get(key)
    if isinstance(cached, tuple) and cached[0] is module:
        return cached[1]  # type: ignore[no-any-return]
    index: dict[str, list[_Producer]] = {}
    for p in producers_of_module(module, resolver, 0.8):
        for name in _result_names(resolver, p.returns):
            index.setdefault(name, []).append(p)
    resolver.lasting[key] = (module, index)
    return index


def _result_names(resolver: Resolver, returns: TypeExpr | None) -> set[str]:
    if returns is None:
        return set()
    names: set[str] = set()
    for member in union_members(returns):
        names.add(member.short)
        symbol = resolver.class_symbol(member.name) if not member.args else None
        if symbol is not None:
            names.update(cls.name for cls, _ in resolver.mro(symbol))
    return names


def _module_producers(
    module: ModuleSummary, resolver: Resolver, proximity: float, prefix: str = ""
) -> Iterator[_Producer]:
    for fn in module.functions.values():
        if not fn.name.startswith("_"):
            symbol = Symbol("function", fn.name, module, function=fn)
            yield _Producer(
                prefix + fn.name, symbol, resolver.resolve_type(fn.returns, module), proximity
            )
    for cls in module.classes.values():
        if cls.name.startswith("_") or cls.kind == "protocol":
            continue
        symbol = Symbol("class", cls.name, module, cls=cls)
        yield _Producer(prefix + cls.name, symbol, TypeExpr(symbol.qualname), proximity)
        yield from _constructors(resolver, symbol, f"{prefix}{cls.name}", proximity)


def _constructors(resolver: Resolver, symbol: Symbol, label: str, proximity: float) -> Iterator[_Producer]:
    """The public class and static methods of a class (``Color.parse``), with what they return:
    annotated, or inferred from what they return (``return cls(rows)``)."""
    assert symbol.cls is not None
    for m in symbol.cls.methods:
        if (m.is_classmethod or m.is_static) and not m.name.startswith("_"):
            owner = Symbol("function", m.name, symbol.module, function=m, owner=symbol.cls)
            returns = (
                resolver.resolve_type(m.returns, symbol.module)
                if m.returns or not m.returned
                else Scope(resolver, symbol.module, [], 0, 0).call_result(owner, TypeExpr(symbol.qualname))
            )
            if returns is not None and returns.short == "Self":
                returns = TypeExpr(symbol.qualname)
            yield _Producer(f"{label}.{m.name}", owner, returns, proximity)


def _producers_in_scope(scope: Scope) -> Iterator[_Producer]:
    resolver = scope.resolver
    yield from producers_of_module(scope.module, resolver, 1.0)
    for name in scope.module.imports:
        symbol = resolver.lookup(scope.module, name)
        if symbol is None:
            continue
        if symbol.kind == "module":
            yield from producers_of_module(symbol.module, resolver, 0.95, prefix=f"{name}.")
        elif symbol.kind == "function" and symbol.function is not None:
            yield _Producer(
                name, symbol, resolver.resolve_type(symbol.function.returns, symbol.module), 1.0
            )
        elif symbol.kind == "class" and symbol.cls is not None and symbol.cls.kind != "protocol":
            yield _Producer(name, symbol, TypeExpr(symbol.qualname), 1.0)
            yield from _constructors(resolver, symbol, name, 1.0)
    for binding_name, binding in list(scope.locals.items()):
        t = scope.binding_type(binding)
        if t is None or binding.kind not in ("parameter", "local"):
            continue
        yield from _members_of(scope, binding_name, without_none(t))


def _members_of(scope: Scope, receiver: str, t: TypeExpr) -> Iterator[_Producer]:
    """Public methods and fields of a binding's class: ``settings.enabled`` fills a ``bool``."""
    symbol = scope.resolver.class_symbol(t.name)
    if symbol is None:
        return
    for name, member, returns in _class_producers(scope.resolver, symbol, t):
        yield _Producer(f"{receiver}.{name}", member, returns, 0.98)


def _class_producers(resolver: Resolver, symbol: Symbol, t: TypeExpr
                     ) -> list[tuple[str, Symbol, TypeExpr | None]]:
    """The public members of a class with what they give; kept across requests while the
    modules of its MRO stay the same."""
    mro = resolver.mro(symbol)
    key = ("class-producers", symbol.qualname, str(t))
    cached = resolver.lasting.get(key)
    if isinstance(cached, tuple) and len(cached[0]) == len(mro) and all(
            a is b for a, (_, b) in zip(cached[0], mro, strict=True)):
        return cached[1]  # type: ignore[no-any-return]
    out: list[tuple[str, Symbol, TypeExpr | None]] = []
    for cls, module in mro:
        for m in cls.methods:
            if m.name.startswith("_"):
                continue
            owner = Symbol("function", m.name, module, function=m, owner=cls)
            returns = resolver.resolve_type(m.returns, module)
            if returns is not None and returns.short == "Self":
                returns = t
            out.append((m.name, owner, returns))
        for f in cls.fields:
            if f.name.startswith("_") or f.class_var:
                continue
            variable = VariableSummary(f.name, f.annotation, f.default, f.line)
            field = Symbol("variable", f.name, module, variable=variable, owner=cls)
            out.append((f.name, field, resolver.resolve_type(f.annotation, module)))
    resolver.lasting[key] = (tuple(m for _, m in mro), out)
    return out


@lru_cache(maxsize=16384)
def is_test_code(path: str, root: Path) -> bool:
    """A test module, or a module of a test folder (fixtures, helpers) of the workspace."""
    file = Path(path)
    parts = file.relative_to(root).parts if file.is_relative_to(root) else file.parts
    name = parts[-1] if parts else ""
    return (
        name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
        or any(part in TEST_DIRS for part in parts[:-1])
    )


def header_text(label: str, symbol: Symbol, resolver: Resolver) -> str:
    if symbol.kind == "variable" and symbol.variable is not None:
        return f"{label}: {symbol.variable.annotation}"
    if symbol.kind == "class" and symbol.cls is not None:
        params = constructor_params(resolver, symbol)
        return f"{label}({', '.join(p.render() for p in params)}) -> {symbol.name}"
    assert symbol.function is not None
    fn = symbol.function
    params = fn.call_params(bound=symbol.owner is not None)
    ret = f" -> {fn.returns}" if fn.returns else ""
    return f"{'async ' if fn.is_async else ''}def {label}({', '.join(p.render() for p in params)}){ret}"


def relevant_headers(
    scope: Scope, expected: TypeExpr, workspace_modules: Iterable[ModuleSummary]
) -> list[Definition]:
    """Functions, methods and constructors whose result fits ``expected``, best first."""
    resolver = scope.resolver
    scored: dict[str, Definition] = {}

    parts = weighted_parts(expected)

    def consider(producers: Iterable[_Producer], weight: float = 1.0) -> None:
        for p in producers:
            score = fit(resolver, p.returns, expected, parts) * p.proximity * weight
            key = p.symbol.qualname
            if score <= 0 or (key in scored and scored[key].score >= score):
                continue
            text = header_text(p.label, p.symbol, resolver)
            kinds = {"class": "constructor", "variable": "field"}
            kind = kinds.get(p.symbol.kind, "method" if p.symbol.owner else "function")
            scored[key] = Definition(
                p.label, kind, text, location_of(p.symbol), round(score, 3), display(p.returns)
            )

    consider(
        p
        for p in _producers_in_scope(scope)
        if scope.function is None
        or p.symbol.function is None
        or p.symbol.line != scope.function.lineno - 1
    )
    wanted = {part.short for part in type_parts(expected)}
    root = resolver.workspace.root
    in_tests = is_test_code(scope.module.path, root)
    for module in workspace_modules:
        if module.path != scope.module.path:
            index = _producer_index(module, resolver)
            weight = TEST_CODE_WEIGHT if not in_tests and is_test_code(module.path, root) else 1.0
            consider((p for name in wanted for p in index.get(name, ())), weight)
    ranked = sorted(scored.values(), key=lambda d: (-d.score, d.name))
    return ranked[:MAX_HEADERS]
