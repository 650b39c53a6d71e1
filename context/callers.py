"""Types of unannotated parameters from the calls that pass them.

``def resolve_redirects(self, resp, req)`` says nothing of ``resp``; ``self.resolve_redirects(r,
request)`` in ``Session.send``, where ``r`` is a ``Response``, does. The summaries keep each
function's calls with their arguments as values written in the caller (see
:class:`context.summary.CallSite`); a parameter's type is the union of what the workspace's
calls of its function pass for it — an argument that is itself an unannotated parameter is typed
by its own function's callers in turn, a few levels deep. Only a scope that guesses (not the
checker's cautious one) asks: the calls a workspace happens to make are evidence, not a
declaration.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from context.infer_values import source_value
from context.summary import (
    CallSite,
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    Param,
    ValueSource,
)
from context.types import TypeExpr, make_union

if TYPE_CHECKING:
    from context.infer import Scope

MAX_SITES = 24  # calls of one name examined per parameter
MAX_LEVELS = 3  # parameters typed through their callers' parameters
MAX_TYPES = 3  # more distinct types passed than this: unknown
BUDGET_S = 0.025  # per request: once the callers have taken this long, parameters stay unknown

SPENT = ("callers-spent",)
Calls = dict[str, list[tuple[str | None, CallSite]]]  # by callee name: (caller's class, call)


def parameter_type(scope: Scope, qualname: str, param: str) -> TypeExpr | None:
    """What the workspace's calls of ``qualname`` (``f`` or ``Cls.method`` of the scope's module)
    pass for its parameter ``param``: the union of the types known, None when none is known."""
    module = scope.module
    resolver = scope.resolver
    key = ("callers", type(scope).__name__, module.path, qualname, param)
    memo = resolver.memo
    if key in memo:
        return memo[key]  # type: ignore[return-value]
    busy = resolver.evaluating
    levels = sum(1 for k in busy if isinstance(k, tuple) and k[:1] == ("callers",))
    spent = memo.get(SPENT, 0.0)
    if key in busy or levels >= MAX_LEVELS or spent >= BUDGET_S:  # type: ignore[operator]
        return None
    target = _target(module, qualname)
    if target is None:
        memo[key] = None
        return None
    started = time.perf_counter()
    busy.add(key)
    try:
        found = _passed(scope, module, target, param)
    finally:
        busy.discard(key)
        if not levels:
            memo[SPENT] = memo.get(SPENT, 0.0) + time.perf_counter() - started  # type: ignore[operator]
    memo[key] = found
    return found


def _target(module: ModuleSummary, qualname: str) -> tuple[ClassSummary | None, FunctionSummary] | None:
    owner_name, _, name = qualname.rpartition(".")
    if not owner_name:
        function = module.functions.get(name)
        return (None, function) if function is not None else None
    cls = module.classes.get(owner_name)
    method = cls.method(name) if cls is not None else None
    return (cls, method) if cls is not None and method is not None else None


def _passed(scope: Scope, module: ModuleSummary, target: tuple[ClassSummary | None, FunctionSummary],
            param: str) -> TypeExpr | None:
    owner, function = target
    if function.name == "__init__" and owner is None:
        return None
    name = owner.name if owner is not None and function.name == "__init__" else function.name
    found: list[TypeExpr] = []
    examined = 0
    for caller, caller_owner, site in _sites(scope, name):
        if examined >= MAX_SITES:
            break
        examined += 1
        bound = _bound(scope, caller, caller_owner, site, module, target)
        if bound is None:
            continue
        argument = _argument(site, function.call_params(bound), param)
        t = scope.sources_type((argument,), caller, _receiver(caller, caller_owner)) \
            if argument is not None and argument.text else None
        if t is None and scope.CALLERS_ALL:
            return None  # a call passes something unknown: so is the parameter, to this scope
        if t is not None and t.name != "None" and t not in found:
            found.append(t)
    return make_union(found) if 0 < len(found) <= MAX_TYPES else None


def _receiver(module: ModuleSummary, owner: str | None) -> TypeExpr | None:
    if owner is None:
        return None
    return TypeExpr(f"{module.module}.{owner}" if module.module else owner)


def _bound(scope: Scope, caller: ModuleSummary, owner: str | None, site: CallSite,
           module: ModuleSummary, target: tuple[ClassSummary | None, FunctionSummary]) -> bool | None:
    """Whether ``site`` calls the target (None: it calls something else, or nothing known), and
    whether bound to a receiver (its first parameter not passed)."""
    callee = source_value(scope, site.callee, caller, _receiver(caller, owner))
    symbol = callee.symbol if callee is not None else None
    if callee is None or symbol is None or symbol.module.path != module.path:
        return None
    cls, function = target
    if symbol.kind == "class":
        if function.name != "__init__" or cls is None:
            return None
        init = next(((c, m) for c, m in scope.resolver.mro(symbol) if c.method("__init__") is not None), None)
        return True if init is not None and init[0].name == cls.name and init[1].path == module.path else None
    if symbol.kind != "function" or symbol.name != function.name:
        return None
    if (symbol.owner.name if symbol.owner is not None else None) != (cls.name if cls is not None else None):
        return None
    return callee.bound_to is not None


def _argument(site: CallSite, params: tuple[Param, ...], param: str) -> ValueSource | None:
    for keyword, value in site.keywords:
        if keyword == param:
            return value
    for index, p in enumerate(params):
        if p.name == param:
            if p.kind in ("posonly", "pos") and index < len(site.args):
                return site.args[index]
            return None
    return None


def _sites(scope: Scope, name: str) -> Iterator[tuple[ModuleSummary, str | None, CallSite]]:
    """The workspace's calls of ``name``, the scope's own module first (read as they are asked
    for: the caller stops after MAX_SITES)."""
    for module in _modules(scope):
        for owner, site in _calls_of(scope, module).get(name, ()):
            yield module, owner, site


def _modules(scope: Scope) -> list[ModuleSummary]:
    """The workspace's modules for this request, an open buffer's in place of its file's, the
    scope's module first."""
    resolver = scope.resolver
    key = ("callers-modules",)
    cached = resolver.memo.get(key)
    if cached is None:
        workspace = resolver.workspace
        overlays = {m.module: m for m in workspace.overlays()}
        listed = [overlays.get(m.module, m) for m in workspace.all_summaries()]
        listed += [m for m in overlays.values() if not any(m is n for n in listed)]
        resolver.memo[key] = cached = listed
    modules: list[ModuleSummary] = cached  # type: ignore[assignment]
    first = [m for m in modules if m.path == scope.module.path] or [scope.module]
    return first + [m for m in modules if m.path != scope.module.path]


def _calls_of(scope: Scope, module: ModuleSummary) -> Calls:
    """The module's calls by callee name, worked out once per module summary."""
    key = ("calls", module.path)
    cached = scope.resolver.lasting.get(key)
    if isinstance(cached, tuple) and cached[0] is module:
        return cached[1]  # type: ignore[no-any-return]
    calls: Calls = {}
    for function in module.functions.values():
        for site in function.calls:
            calls.setdefault(site.name, []).append((None, site))
    for cls in module.classes.values():
        for method in cls.methods:
            for site in method.calls:
                calls.setdefault(site.name, []).append((cls.name, site))
    scope.resolver.lasting[key] = (module, calls)
    return calls


__all__ = ["parameter_type"]
