"""Inferring values assigned or returned elsewhere (see :mod:`context.value_sources`): each in a
scope of its own module, with the names it reads bound as its function bound them.

A scope that is ``PARTIAL`` makes a union of the values it knows; a cautious one (the checker's)
knows a union only when it knows every value, and keeps what a parameter was declared rather
than what it was assigned later.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from context.bindings import LocalBinding
from context.summary import ModuleSummary, ValueSource
from context.types import TypeExpr, make_union

if TYPE_CHECKING:
    from context.infer import Inferred, Scope

Names = tuple[tuple[str, str | None, str | None], ...]


def parse_expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None


def sources_type(scope: Scope, sources: tuple[ValueSource, ...], module: ModuleSummary,
                 receiver: TypeExpr | None) -> TypeExpr | None:
    """The union of the values' types; unknown when none is known (or, unless the scope is
    ``PARTIAL``, when one is not)."""
    found: list[TypeExpr] = []
    for source in sources:
        t = source_type(scope, source, module, receiver)
        if t is None and not scope.PARTIAL:
            return None
        if t is not None:
            found.append(t)
    return make_union(found) if found else None


def source_type(scope: Scope, source: ValueSource, module: ModuleSummary,
                receiver: TypeExpr | None) -> TypeExpr | None:
    """The type of a value written in ``module`` (in a method of ``receiver``'s class): ``type[C]``
    for the class ``C`` itself (see :func:`source_value`)."""
    value = source_value(scope, source, module, receiver)
    return scope.value_type(value) if value is not None else None


def source_value(scope: Scope, source: ValueSource, module: ModuleSummary,
                 receiver: TypeExpr | None) -> Inferred | None:
    """What a value written in ``module`` (in a method of ``receiver``'s class) is, once per
    request; a value that needs itself (``self.a = self.b``, ``self.b = self.a``) is unknown."""
    if not source.text:
        return None
    key = ("source", type(scope).__name__, module.path, source, str(receiver))
    memo = scope.resolver.memo
    if key in memo:
        return memo[key]  # type: ignore[return-value]
    busy = scope.resolver.evaluating
    value = parse_expression(source.text)
    if key in busy or value is None:
        return None
    busy.add(key)
    try:
        inner = scope.value_scope(module)
        bind_source(inner, source, receiver)
        found = inner.expr(value)
    finally:
        busy.discard(key)
    memo[key] = found
    return found


def bind_source(scope: Scope, source: ValueSource, receiver: TypeExpr | None) -> None:
    """Bind in ``scope`` (of the value's module) the names the value reads as its function
    bound them: the receiver (``self``) to ``receiver``, locals by their values, unannotated
    parameters to be typed by their defaults or the function's callers."""
    if source.receiver is not None and receiver is not None:
        scope.locals[source.receiver] = LocalBinding(source.receiver, "parameter", 0, fixed=receiver)
    _bind_names(scope, source.names)
    for name, default in source.parameters:
        scope.locals[name] = LocalBinding(name, "parameter", 0, param_of=source.function,
                                          default=parse_expression(default) if default else None)


def _bind_names(scope: Scope, names: Names) -> None:
    """The function's names a value reads, bound in ``scope``. A name bound several times has
    the union of its values — declared first (a parameter), the values narrow it."""
    groups: dict[str, list[tuple[str | None, str | None]]] = {}
    for name, annotation, text in names:
        groups.setdefault(name, []).append((annotation, text))
    several: dict[str, list[tuple[str | None, str | None]]] = {}
    for name, entries in groups.items():
        annotation, text = entries[0]
        value = parse_expression(text) if text else None
        scope.locals[name] = LocalBinding(name, "local", 0, annotation=annotation, value=value)
        if len(entries) > 1 and (annotation is None or scope.PARTIAL):
            several[name] = entries[1:] if annotation is not None else entries
    for name, entries in several.items():
        types = [_entry_type(scope, annotation, text) for annotation, text in entries]
        known = [t for t in types if t is not None]
        if known and (scope.PARTIAL or len(known) == len(types)):
            scope.locals[name] = LocalBinding(name, "local", 0, fixed=make_union(known))
        elif not scope.PARTIAL:
            scope.locals[name] = LocalBinding(name, "local", 0)
        scope.forget()


def _entry_type(scope: Scope, annotation: str | None, text: str | None) -> TypeExpr | None:
    if annotation:
        return scope.resolve(annotation)
    value = parse_expression(text) if text else None
    return scope.expr(value).type if value is not None else None


__all__ = ["bind_source", "parse_expression", "source_type", "source_value", "sources_type"]
