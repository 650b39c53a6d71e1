"""Placeholders left in code: ``typing.Any`` instantiated (``Any()``), and a literal ``...`` passed
as a call argument where the parameter cannot take it (``Config(...)``).

Both are what a filling made without knowing the value looks like; neither runs as meant. The
ellipsis check stays silent in stubs (``.pyi``), in ``Protocol`` bodies, for callees whose signature
is unknown, for ``*args``/``**kwargs`` parameters, and for parameters whose annotation may take
``...`` (``Any``, ``object``, ``EllipsisType``, a type variable) or whose default is ``...`` (the
callee's own "not given" marker, as in pydantic's ``Field(...)``). ``x[...]`` is a subscript, not
a call argument: never flagged.
"""

from __future__ import annotations

import ast
import re

from context.diagnose.calls import CallChecks
from context.diagnose.facts import NameScope
from context.diagnose.text import short
from context.infer import Inferred
from context.model import Diagnostic
from context.summary import ModuleSummary, Param

TYPING_MODULES = frozenset({"typing", "typing_extensions"})
# names in an annotation that let a parameter take ``...``
TAKES_ELLIPSIS = frozenset({"Any", "object", "ellipsis", "EllipsisType"})
IDENTIFIER = re.compile(r"[A-Za-z_][\w]*")
TYPE_VARIABLE = re.compile(r"^_*[A-Z]\w{0,2}$|^_*T[A-Z_]\w*$|\w*_co$|\w*_contra$")
TYPE_VARIABLE_MAKERS = ("TypeVar(", "ParamSpec(", "TypeVarTuple(")


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


class PlaceholderChecks(CallChecks):
    """``Any()`` and ``...`` as a call argument."""

    def placeholder_problems(self) -> list[Diagnostic]:
        if self.summary.path.endswith(".pyi"):
            return []
        out: list[Diagnostic] = []
        for call, scope in self.facts.calls:
            if call.lineno - 1 in self.replaced:
                continue
            callee = self.infer_scope(scope).expr(call.func)
            if _is_typing_any(callee):
                out.append(self.problem(call, "typing.Any cannot be instantiated: it is a type, not a value",
                                        "types", "instantiated-any"))
                continue
            if not (any(_is_ellipsis(a) for a in call.args) or any(_is_ellipsis(k.value) for k in call.keywords)):
                continue
            if _in_protocol(scope) or any(isinstance(a, ast.Starred) for a in call.args):
                continue
            signature = self.signature(callee)
            if signature is not None:
                out += self._ellipsis_arguments(call, *signature)
        return out

    def _ellipsis_arguments(self, call: ast.Call, label: str, params: tuple[Param, ...],
                            module: ModuleSummary) -> list[Diagnostic]:
        positional = [p for p in params if p.kind in ("posonly", "pos")]
        by_name = {p.name: p for p in params if p.kind in ("pos", "kwonly")}
        bound: list[tuple[ast.expr, Param | None]] = [
            (arg, positional[i] if i < len(positional) else None) for i, arg in enumerate(call.args)]
        bound += [(k.value, by_name.get(k.arg or "")) for k in call.keywords]
        out: list[Diagnostic] = []
        for value, param in bound:
            if not _is_ellipsis(value) or param is None or _takes_ellipsis(param, module):
                continue
            wanted = f" (expected {param.annotation})" if param.annotation else ""
            out.append(self.problem(value, f"'...' is a placeholder, not a value for argument '{param.name}' "
                                           f"of {label}{wanted}", "types", "ellipsis-argument"))
        return out


def _is_typing_any(callee: Inferred) -> bool:
    symbol = callee.symbol
    return symbol is not None and symbol.kind == "class" and symbol.name == "Any" \
        and symbol.module.module in TYPING_MODULES


def _in_protocol(scope: NameScope | None) -> bool:
    while scope is not None:
        node = scope.node
        if isinstance(node, ast.ClassDef) and any(short(ast.unparse(b).split("[", 1)[0]) == "Protocol"
                                                  for b in node.bases):
            return True
        scope = scope.parent
    return False


def _takes_ellipsis(param: Param, module: ModuleSummary) -> bool:
    """Whether the parameter may be given ``...``: its annotation allows it, it is generic, or
    ``...`` is its own default."""
    if param.default is not None and param.default.strip() == "...":
        return True
    if param.annotation is None:
        return False
    for name in IDENTIFIER.findall(param.annotation):
        if name in TAKES_ELLIPSIS or TYPE_VARIABLE.match(name):
            return True
        variable = module.variables.get(name)
        if variable is not None and (variable.value or "").startswith(TYPE_VARIABLE_MAKERS):
            return True
    return False
