"""The type a hole expects, read from the syntax around it — an annotation, a declared return
or yield type, the parameter a call passes it to, the element type of its container, a
condition — and where that type comes from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from context.hole import HoleSite
from context.infer import Scope
from context.types import TypeExpr, element_type, item_type, union_members, yield_type


@dataclass(frozen=True)
class Expectation:
    type: TypeExpr | None
    source: str | None
    line: int | None = None
    path: str | None = None


class ExpectedType:
    """Works out the type the hole expects from the syntax around it."""

    def __init__(
        self, site: HoleSite, scope: Scope, call_param: tuple[TypeExpr | None, str | None]
    ) -> None:
        self.site = site
        self.scope = scope
        self.call_param = (
            call_param  # (the parameter's type, resolved where it was written; its name)
        )

    def at(self, node: ast.expr, depth: int = 0) -> Expectation:
        parent = self.site.parents.get(node)
        if parent is None or depth > 6:
            return Expectation(None, None)
        scope = self.scope
        if isinstance(parent, ast.AnnAssign) and parent.value is node:
            return Expectation(
                scope.resolve(ast.unparse(parent.annotation)),
                f"annotation of {ast.unparse(parent.target)}",
            )
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1:
            return self._assigned(parent.targets[0])
        if isinstance(parent, ast.AugAssign) and parent.value is node:
            return Expectation(
                scope.expr(parent.target).type, f"type of {ast.unparse(parent.target)}"
            )
        if isinstance(parent, ast.Return):
            return self._returned()
        if isinstance(parent, ast.Yield):
            fn = scope.function
            declared = scope.resolve(ast.unparse(fn.returns)) if fn and fn.returns else None
            return Expectation(
                yield_type(declared) if declared else None, "yield type of the enclosing function"
            )
        if isinstance(parent, ast.Call | ast.keyword) and node is not getattr(parent, "func", None):
            expected, name = self.call_param
            return Expectation(expected, f"parameter {name}" if expected is not None else None)
        if isinstance(parent, ast.arguments):
            return self._default(parent, node)
        if isinstance(parent, ast.List | ast.Set | ast.Tuple | ast.Dict):
            return self._element(parent, node, depth)
        if isinstance(parent, ast.Compare):
            others = [parent.left, *parent.comparators]
            other = next((o for o in others if o is not node), None)
            if other is not None and not isinstance(
                parent.ops[0], ast.In | ast.NotIn | ast.Is | ast.IsNot
            ):
                return Expectation(scope.expr(other).type, f"other operand {ast.unparse(other)}")
            return Expectation(None, None)
        if isinstance(parent, ast.If | ast.While | ast.Assert) and parent.test is node:
            return Expectation(TypeExpr("bool"), "condition")
        if isinstance(parent, ast.IfExp):
            if parent.test is node:
                return Expectation(TypeExpr("bool"), "condition")
            return self.at(parent, depth + 1)
        if isinstance(parent, ast.BoolOp | ast.NamedExpr):
            return self.at(parent, depth + 1)
        if isinstance(parent, ast.Await):
            outer = self.at(parent, depth + 1)
            if outer.type is not None:
                return Expectation(TypeExpr("Awaitable", (outer.type,)), outer.source)
            return outer
        return Expectation(None, None)

    def _assigned(self, target: ast.expr) -> Expectation:
        scope = self.scope
        if isinstance(target, ast.Name):
            binding = scope.locals.get(target.id)
            if binding is not None and binding.annotation:
                return Expectation(
                    scope.resolve(binding.annotation), f"declared type of {target.id}", binding.line
                )
            var = scope.module.variables.get(target.id)
            if var is not None and var.annotation and (scope.function is None or binding is None):
                return Expectation(
                    scope.resolve(var.annotation), f"declared type of {target.id}", var.line
                )
            return Expectation(None, None)
        if isinstance(target, ast.Attribute):
            owner = scope.expr(target.value)
            found = scope.attribute(owner, target.attr)
            if found.type is not None:
                return Expectation(found.type, f"declared type of {ast.unparse(target)}")
            return Expectation(None, None)
        if isinstance(target, ast.Subscript):
            container = scope.expr(target.value).type
            value = item_type(container, None) if container else None
            return Expectation(value, f"item type of {ast.unparse(target.value)}")
        return Expectation(None, None)

    def _returned(self) -> Expectation:
        fn = self.scope.function
        if fn is None or fn.returns is None:
            return Expectation(None, None)
        declared = self.scope.resolve(ast.unparse(fn.returns))
        if declared is None:
            return Expectation(None, None)
        if isinstance(fn, ast.FunctionDef) and any(
            isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(fn)
        ):
            if declared.short == "Generator" and len(declared.args) == 3:
                return Expectation(declared.args[2], f"return type of {fn.name}", fn.lineno - 1)
            return Expectation(None, None)
        return Expectation(declared, f"return type of {fn.name}", fn.lineno - 1)

    def _default(self, args: ast.arguments, node: ast.expr) -> Expectation:
        positional = [*args.posonlyargs, *args.args]
        offset = len(positional) - len(args.defaults)
        for i, default in enumerate(args.defaults):
            a = positional[offset + i]
            if default is node and a.annotation is not None:
                return Expectation(
                    self.scope.resolve(ast.unparse(a.annotation)), f"annotation of parameter {a.arg}"
                )
        for kw, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is node and kw.annotation is not None:
                return Expectation(
                    self.scope.resolve(ast.unparse(kw.annotation)), f"annotation of parameter {kw.arg}"
                )
        return Expectation(None, None)

    def _element(self, container: ast.expr, node: ast.expr, depth: int) -> Expectation:
        outer = self.at(container, depth + 1)
        if outer.type is None:
            return outer
        for member in union_members(outer.type):
            if isinstance(container, ast.Dict):
                if len(member.args) == 2:
                    is_key = any(k is node for k in container.keys)
                    return Expectation(
                        member.args[0 if is_key else 1],
                        f"{'key' if is_key else 'value'} of {outer.source}",
                    )
            elif isinstance(container, ast.Tuple) and member.short in ("tuple", "Tuple"):
                index = container.elts.index(node)
                return Expectation(item_type(member, index), f"item {index} of {outer.source}")
            else:
                elem = element_type(member)
                if elem is not None:
                    return Expectation(elem, f"element of {outer.source}")
        return Expectation(None, None)


__all__ = ["Expectation", "ExpectedType"]
