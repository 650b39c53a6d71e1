"""Calls whose result the index reads off more than a return annotation: ``super()``, builtins
whose result the argument's type tells (``enumerate(xs)``, ``sorted(xs)``), calling an instance
(``__call__``), and what ``with`` binds (``__enter__``, a ``@contextmanager`` function)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from context.types import TypeExpr, element_type, unwrap_awaitable, without_none, yield_type

if TYPE_CHECKING:
    from context.infer import Inferred, Scope

ELEMENT_CALLS = {"list": "list", "set": "set", "frozenset": "frozenset", "sorted": "list",
                 "reversed": "Iterator", "iter": "Iterator", "tuple": "tuple"}
RESULT_TYPES = {"int": "int", "str": "str", "float": "float", "bool": "bool", "list": "list",
                "dict": "dict", "set": "set", "tuple": "tuple", "bytes": "bytes", "len": "int",
                "repr": "str", "sorted": "list", "abs": "float", "round": "int", "frozenset": "frozenset"}
CONTEXT_MANAGER_DECORATORS = ("contextmanager", "asynccontextmanager")


def entered(scope: Scope, manager: ast.expr, is_async: bool) -> TypeExpr | None:
    """What ``with manager as x`` binds to ``x``: what ``__enter__`` (``__aenter__``) returns,
    or what a ``@contextmanager`` function yields."""
    if isinstance(manager, ast.Call):
        method = scope.expr(manager.func)
        callee = method.symbol
        fn = callee.function if callee is not None else None
        if fn is not None and callee is not None and any(
            d.rsplit(".", 1)[-1] in CONTEXT_MANAGER_DECORATORS for d in fn.decorators
        ):
            # Through the receiver: a generic class's ``Iterator[T]`` yields its argument.
            declared = scope.call_result(callee, method.bound_to)
            if declared is not None and fn.is_async:
                declared = unwrap_awaitable(declared)
            return yield_type(declared) if declared is not None else None
    value = scope.expr(manager).type
    symbol = scope.resolver.class_symbol(without_none(value).name) if value is not None else None
    if value is None or symbol is None:
        return None
    enter = scope.field_of(symbol, "__aenter__" if is_async else "__enter__", without_none(value))
    if enter.symbol is None or enter.symbol.function is None:
        return None
    found = scope.call_result(enter.symbol, enter.bound_to)
    return unwrap_awaitable(found) if found is not None and is_async else found


def called_instance(scope: Scope, t: TypeExpr) -> TypeExpr | None:
    """What calling an instance of ``t`` returns: its class's ``__call__`` result."""
    symbol = scope.resolver.class_symbol(without_none(t).name)
    if symbol is None or symbol.module.module == "builtins":
        return None
    method = scope.field_of(symbol, "__call__", without_none(t))
    if method.symbol is None or method.symbol.function is None:
        return None
    return scope.call_result(method.symbol, method.bound_to)


def builtin_call(scope: Scope, name: str, node: ast.Call) -> Inferred | None:
    """``super()``, and the builtins whose result the argument's type tells; None for others."""
    from context.infer import Inferred  # the scope's own module imports this one

    if name == "super":
        return Inferred(super_of=scope.class_symbol) if scope.class_symbol is not None else Inferred()
    if name in ELEMENT_CALLS and len(node.args) == 1:
        elem = _element(scope, node.args[0])
        container = ELEMENT_CALLS[name]
        if elem is not None:
            args = (elem, TypeExpr("...")) if container == "tuple" else (elem,)
            return Inferred(type=TypeExpr(container, args))
        return Inferred(type=TypeExpr(RESULT_TYPES.get(name, container)))
    if name == "enumerate" and node.args:
        pair = (TypeExpr("int"), _element(scope, node.args[0]) or TypeExpr("Any"))
        return Inferred(type=TypeExpr("Iterator", (TypeExpr("tuple", pair),)))
    if name == "zip" and node.args:
        items = tuple(_element(scope, arg) or TypeExpr("Any") for arg in node.args)
        return Inferred(type=TypeExpr("Iterator", (TypeExpr("tuple", items),)))
    if name == "next" and node.args:
        return Inferred(type=_element(scope, node.args[0]))
    if name in RESULT_TYPES:
        return Inferred(type=TypeExpr(RESULT_TYPES[name]))
    return None


def _element(scope: Scope, iterable: ast.expr) -> TypeExpr | None:
    t = scope.expr(iterable).type
    return element_type(without_none(t)) if t is not None else None


__all__ = ["ELEMENT_CALLS", "RESULT_TYPES", "builtin_call", "called_instance", "entered"]
