"""The call being written around a hole: its callee's signature and the parameter the hole fills."""

from __future__ import annotations

import ast

from context.infer import Scope
from context.model import CallInfo
from context.resolve import Resolver, Symbol, location_of
from context.summary import Param
from context.types import (
    MAPPING_NAMES,
    TypeExpr,
    element_type,
    without_none,
)


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
        scope.as_bound(scope.resolver.resolve_type(param.annotation, symbol.module), callee)
        if param and param.annotation
        else None
    )
    if expected is None and symbol.module.module == "builtins":
        return _container_method_call(scope, call, hole)
    info = CallInfo(
        ast.unparse(call.func),
        signature,
        tuple(p.name for p in params),
        active,
        param.name if param else None,
        location_of(symbol),
    )
    return info, expected


CONTAINER_METHODS = {
    "append": ("item",),
    "add": ("item",),
    "remove": ("item",),
    "discard": ("item",),
    "index": ("item",),
    "count": ("item",),
    "insert": ("index", "item"),
    "extend": ("items",),
    "appendleft": ("item",),
}


def _container_method_call(
    scope: Scope, call: ast.Call, hole: ast.AST
) -> tuple[CallInfo | None, TypeExpr | None]:
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
    expected = (
        TypeExpr("Iterable", (element,))
        if names[active] == "items"
        else TypeExpr("int")
        if names[active] == "index"
        else element
    )
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
