"""Gathering definitions for a hole: relevant types, relevant headers, receiver members,
the callee's signature and cross-file definitions of names used nearby."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from context.infer import Inferred, Scope
from context.model import CallInfo, Definition, Location
from context.render import class_header, render_class, render_function
from context.resolve import Resolver, Symbol
from context.summary import ClassSummary, FunctionSummary, ModuleSummary, Param
from context.types import (
    MAPPING_NAMES,
    TypeExpr,
    display,
    element_type,
    names_in,
    type_parts,
    union_members,
    without_none,
)

MAX_TYPES = 12
MAX_HEADERS = 12


def _location(symbol: Symbol) -> Location:
    return Location(symbol.path, symbol.line, 0)


def constructor_params(resolver: Resolver, symbol: Symbol) -> tuple[Param, ...]:
    """What calling a class takes: ``__init__`` (inherited too), else the fields of a dataclass,
    NamedTuple, TypedDict, attrs or pydantic model."""
    for cls, _module in resolver.mro(symbol):
        init = cls.method("__init__")
        if init is not None:
            return init.call_params(bound=True)
        if cls.kind in ("dataclass", "namedtuple", "typeddict", "model"):
            return tuple(
                Param(
                    f.name, f.annotation, f.default, "pos" if cls.kind != "typeddict" else "kwonly"
                )
                for f in cls.fields
                if not f.class_var and f.annotation
            )
    return ()


def call_info(
    scope: Scope, call: ast.Call, hole: ast.AST
) -> tuple[CallInfo | None, TypeExpr | None]:
    """The call the hole is an argument of, and the type of the parameter it fills."""
    callee = scope.expr(call.func)
    symbol = callee.symbol
    if symbol is None:
        return _container_method_call(scope, call, hole)
    if symbol.kind == "class":
        params = constructor_params(scope.resolver, symbol)
        signature = f"{symbol.name}({', '.join(p.render() for p in params)})"
    elif symbol.kind == "function" and symbol.function is not None:
        params = symbol.function.call_params(
            bound=callee.bound_to is not None or symbol.function.is_classmethod
        )
        ret = f" -> {symbol.function.returns}" if symbol.function.returns else ""
        signature = f"{symbol.name}({', '.join(p.render() for p in params)}){ret}"
    else:
        return None, None
    active = _active_param(call, hole, params)
    param = params[active] if active is not None else None
    expected = (
        scope.resolver.resolve_type(param.annotation, symbol.module)
        if param and param.annotation
        else None
    )
    if param is not None and param.kind == "varargs" and expected is not None:
        pass  # each extra positional argument has the annotated type itself
    info = CallInfo(
        ast.unparse(call.func),
        signature,
        tuple(p.name for p in params),
        active,
        param.name if param else None,
        _location(symbol),
    )
    return info, expected


CONTAINER_METHODS = {
    "append": ("item",), "add": ("item",), "remove": ("item",), "discard": ("item",),
    "index": ("item",), "count": ("item",), "insert": ("index", "item"), "extend": ("items",),
    "appendleft": ("item",),
}


def _container_method_call(scope: Scope, call: ast.Call, hole: ast.AST) -> tuple[CallInfo | None, TypeExpr | None]:
    """``xs.append(<hole>)`` on a ``list[T]`` (or set, deque, sequence) expects a ``T``."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in CONTAINER_METHODS:
        return None, None
    receiver = scope.expr(call.func.value).type
    element = element_type(without_none(receiver)) if receiver is not None else None
    if element is None or without_none(receiver).short in MAPPING_NAMES:  # type: ignore[arg-type]
        return None, None
    names = CONTAINER_METHODS[call.func.attr]
    params = tuple(Param(n, "int" if n == "index" else str(element)) for n in names)
    active = _active_param(call, hole, params)
    if active is None:
        return None, None
    expected = TypeExpr("Iterable", (element,)) if names[active] == "items" else \
        TypeExpr("int") if names[active] == "index" else element
    signature = f"{call.func.attr}({', '.join(p.render() for p in params)})"
    info = CallInfo(ast.unparse(call.func), signature, names, active, names[active], None)
    return info, expected


def _active_param(call: ast.Call, hole: ast.AST, params: tuple[Param, ...]) -> int | None:
    for kw in call.keywords:
        if kw.value is hole or kw is hole:
            names = [p.name for p in params]
            if kw.arg in names:
                return names.index(kw.arg)
            varkw = [i for i, p in enumerate(params) if p.kind == "varkw"]
            return varkw[0] if varkw else None
    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    index = next((i for i, a in enumerate(call.args) if a is hole), len(call.args))
    positional = [i for i, p in enumerate(params) if p.kind in ("posonly", "pos")]
    if index < len(positional):
        return positional[index]
    varargs = [i for i, p in enumerate(params) if p.kind == "varargs"]
    return varargs[0] if varargs else None


# -- relevant types -----------------------------------------------------------------------------
def relevant_types(resolver: Resolver, scope: Scope, seeds: Iterable[TypeExpr],
                   other_seeds: Iterable[TypeExpr] = ()) -> list[Definition]:
    """Definitions of the types named in ``seeds`` (the expected type: score 1 at depth 0) and in
    ``other_seeds`` (types of the bindings: score 0.4), followed through aliases, fields and bases."""
    out: list[Definition] = []
    seen: set[str] = set()
    queue: list[tuple[str, int, float]] = []
    for weight, group in ((1.0, seeds), (0.4, other_seeds)):
        for t in group:
            queue.extend((name, 0, weight) for name in names_in(t))
    while queue and len(out) < MAX_TYPES:
        name, depth, weight = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        symbol = resolver.class_symbol(name) or resolver.alias_symbol(name, scope.module)
        if symbol is None:
            continue
        if symbol.kind == "variable" and symbol.variable is not None:
            text = f"{symbol.name} = {symbol.variable.value}"
            out.append(
                Definition(symbol.qualname, "alias", text, _location(symbol), weight / (1 + depth))
            )
            target = resolver.resolve_type(symbol.variable.value, symbol.module)
            if target is not None:
                queue.extend((n, depth + 1, weight) for n in names_in(target))
            continue
        assert symbol.cls is not None
        out.append(
            Definition(
                symbol.qualname,
                "class",
                render_class(symbol.cls, compact=weight < 1.0 or depth > 0),
                _location(symbol),
                weight / (1 + depth),
            )
        )
        if depth < 2:
            queue.extend((n, depth + 1, weight) for n in _referenced_types(resolver, symbol))
    return out


def _referenced_types(resolver: Resolver, symbol: Symbol) -> Iterator[str]:
    assert symbol.cls is not None
    for base in symbol.cls.bases:
        t = resolver.resolve_type(base, symbol.module)
        if t is not None:
            yield from names_in(t)
    for f in symbol.cls.fields:
        t = resolver.resolve_type(f.annotation, symbol.module)
        if t is not None:
            yield from names_in(t)
    for m in symbol.cls.methods[:8]:
        t = resolver.resolve_type(m.returns, symbol.module)
        if t is not None:
            yield from names_in(t)


# -- relevant headers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Producer:
    label: str  # how a caller names it here, e.g. "make_circle", "Circle", "repo.find"
    symbol: Symbol
    returns: TypeExpr | None
    proximity: float  # 1.0 in scope here, lower for the rest of the workspace


def _weighted_parts(expected: TypeExpr) -> list[tuple[TypeExpr, float]]:
    parts = type_parts(expected)
    members = set(union_members(expected))
    out = []
    for i, p in enumerate(parts):
        weight = 1.0 if i == 0 else 0.9 if p in members or p == without_none(expected) else 0.6
        out.append((p, weight))
    return out


def fit(resolver: Resolver, returns: TypeExpr | None, expected: TypeExpr) -> float:
    """How well a value of type ``returns`` fills a hole expecting ``expected`` (0 = not at all)."""
    if returns is None:
        return 0.0
    best = 0.0
    for part, weight in _weighted_parts(expected):
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
            f"{m.module}.{c.name}" == sup.name for c, m in resolver.mro(symbol)[1:])
    return bool(resolver.memo[key])


def _producers_of_module(
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
    for p in _producers_of_module(module, resolver, 0.8):
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
        for m in cls.methods:
            if m.is_classmethod or m.is_static:
                owner = Symbol("function", m.name, module, function=m, owner=cls)
                returns = resolver.resolve_type(m.returns, module)
                if returns is not None and returns.short == "Self":
                    returns = TypeExpr(symbol.qualname)
                yield _Producer(f"{prefix}{cls.name}.{m.name}", owner, returns, proximity)


def _producers_in_scope(scope: Scope) -> Iterator[_Producer]:
    resolver = scope.resolver
    yield from _producers_of_module(scope.module, resolver, 1.0)
    for name in scope.module.imports:
        symbol = resolver.lookup(scope.module, name)
        if symbol is None:
            continue
        if symbol.kind == "module":
            yield from _producers_of_module(symbol.module, resolver, 0.95, prefix=f"{name}.")
        elif symbol.kind == "function" and symbol.function is not None:
            yield _Producer(
                name, symbol, resolver.resolve_type(symbol.function.returns, symbol.module), 1.0
            )
        elif symbol.kind == "class" and symbol.cls is not None and symbol.cls.kind != "protocol":
            yield _Producer(name, symbol, TypeExpr(symbol.qualname), 1.0)
    for binding_name, binding in list(scope.locals.items()):
        t = scope.binding_type(binding)
        if t is None or binding.kind not in ("parameter", "local"):
            continue
        yield from _methods_of(scope, binding_name, without_none(t))


def _methods_of(scope: Scope, receiver: str, t: TypeExpr) -> Iterator[_Producer]:
    symbol = scope.resolver.class_symbol(t.name)
    if symbol is None:
        return
    for cls, module in scope.resolver.mro(symbol):
        for m in cls.methods:
            if m.name.startswith("_"):
                continue
            owner = Symbol("function", m.name, module, function=m, owner=cls)
            returns = scope.resolver.resolve_type(m.returns, module)
            if returns is not None and returns.short == "Self":
                returns = t
            yield _Producer(f"{receiver}.{m.name}", owner, returns, 0.98)


def _header_text(label: str, symbol: Symbol, resolver: Resolver) -> str:
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

    def consider(producers: Iterable[_Producer]) -> None:
        for p in producers:
            score = fit(resolver, p.returns, expected) * p.proximity
            key = p.symbol.qualname
            if score <= 0 or (key in scored and scored[key].score >= score):
                continue
            text = _header_text(p.label, p.symbol, resolver)
            kind = (
                "constructor"
                if p.symbol.kind == "class"
                else "method"
                if p.symbol.owner
                else "function"
            )
            scored[key] = Definition(
                p.label, kind, text, _location(p.symbol), round(score, 3), display(p.returns)
            )

    consider(
        p
        for p in _producers_in_scope(scope)
        if scope.function is None
        or p.symbol.function is None
        or p.symbol.line != scope.function.lineno - 1
    )
    wanted = {part.short for part in type_parts(expected)}
    for module in workspace_modules:
        if module.path != scope.module.path:
            index = _producer_index(module, resolver)
            consider(p for name in wanted for p in index.get(name, ()))
    ranked = sorted(scored.values(), key=lambda d: (-d.score, d.name))
    return ranked[:MAX_HEADERS]


# -- receiver members ---------------------------------------------------------------------------
def receiver_members(scope: Scope, receiver: Inferred) -> list[Definition]:
    resolver = scope.resolver
    if receiver.symbol is not None and receiver.symbol.kind == "module":
        module = receiver.symbol.module
        defs = [
            Definition(
                p.label,
                p.symbol.kind,
                _header_text(p.label, p.symbol, resolver),
                _location(p.symbol),
            )
            for p in _producers_of_module(module, resolver, 1.0)
            if "." not in p.label
        ]
        defs.extend(
            Definition(
                v.name,
                "variable",
                f"{v.name}: {v.annotation or '?'}",
                Location(module.path, v.line),
            )
            for v in module.variables.values()
            if not v.name.startswith("_")
        )
        return defs
    symbol = (
        receiver.symbol if receiver.symbol is not None and receiver.symbol.kind == "class" else None
    )
    if symbol is None and receiver.type is not None:
        symbol = resolver.class_symbol(without_none(receiver.type).name)
    if symbol is None:
        return []
    out: list[Definition] = []
    seen: set[str] = set()
    for cls, module in resolver.mro(symbol):
        out.extend(_class_members(cls, module, seen))
    return out


def _class_members(
    cls: ClassSummary, module: ModuleSummary, seen: set[str]
) -> Iterator[Definition]:
    for f in cls.fields:
        if f.name not in seen and not f.name.startswith("_"):
            seen.add(f.name)
            yield Definition(
                f.name,
                "field",
                f"{f.name}: {f.annotation or '?'}",
                Location(module.path, f.line),
                type=f.annotation,
            )
    for m in cls.methods:
        if m.name not in seen and not m.name.startswith("_"):
            seen.add(m.name)
            kind = "property" if m.is_property else "method"
            text = f"{m.name}: {m.returns or '?'}" if m.is_property else render_function(m)
            yield Definition(m.name, kind, text, Location(module.path, m.line), type=m.returns)


# -- cross-file definitions --------------------------------------------------------------------
def cross_file_definitions(
    scope: Scope, names: Iterable[str], current_path: str
) -> list[Definition]:
    out: list[Definition] = []
    seen: set[str] = set()
    for dotted in names:
        node = ast.parse(dotted, mode="eval").body
        symbol = scope.expr(node).symbol
        if symbol is None or symbol.path == current_path or symbol.qualname in seen:
            continue
        if symbol.kind not in ("class", "function"):
            continue
        seen.add(symbol.qualname)
        if symbol.cls is not None:
            text = class_header(symbol.cls)
        else:
            assert symbol.function is not None
            header = symbol.function.header()
            text = f"class {symbol.owner.name}:\n    {header}" if symbol.owner is not None else header
        out.append(Definition(symbol.qualname, symbol.kind, text, _location(symbol)))
    return out


def _statements_between(tree: ast.AST, first_line: int, last_line: int) -> list[ast.AST]:
    """The innermost statements overlapping the lines (whole bodies are not walked)."""
    out: list[ast.AST] = []
    body = list(getattr(tree, "body", []))
    while body:
        stmt = body.pop()
        start, end = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
        if end < first_line or start > last_line:
            continue
        inner = [x for field in ("body", "orelse", "finalbody", "handlers") for x in getattr(stmt, field, [])]
        if inner and (start < first_line or end > last_line):
            body.extend(inner)  # partly inside: look closer
            out.extend(getattr(stmt, f) for f in ("test", "iter", "target") if getattr(stmt, f, None) is not None)
        else:
            out.append(stmt)
    return out


def names_used(tree: ast.AST, first_line: int, last_line: int) -> list[str]:
    """Names and dotted attribute chains used between two 0-based lines, nearest the end first."""
    found: list[tuple[int, str]] = []
    nodes = [n for stmt in _statements_between(tree, first_line, last_line) for n in ast.walk(stmt)]
    for node in nodes:
        if (
            isinstance(node, ast.Name | ast.Attribute)
            and isinstance(node.ctx, ast.Load)
            and first_line <= node.lineno - 1 <= last_line
        ):
            dotted = _dotted(node)
            if dotted:
                found.append((node.lineno, dotted))
    found.sort(key=lambda x: -x[0])
    seen: list[str] = []
    for _, name in found:
        if name not in seen:
            seen.append(name)
    return seen


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


__all__ = [
    "FunctionSummary",
    "call_info",
    "cross_file_definitions",
    "fit",
    "names_used",
    "receiver_members",
    "relevant_headers",
    "relevant_types",
]
