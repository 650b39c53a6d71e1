"""Types of expressions and bindings at a point of a module, from annotations and constructors.

The inference is deliberately simple and predictable — what the annotations, constructor calls
and return types say, followed across modules — and says "unknown" (None) rather than guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from context.bindings import LocalBinding, LocalBindings
from context.resolve import Resolver, Symbol
from context.summary import ModuleSummary
from context.types import (
    TypeExpr,
    element_type,
    item_type,
    make_union,
    unwrap_awaitable,
    without_none,
)

LITERAL_TYPES = {
    bool: "bool",
    int: "int",
    float: "float",
    complex: "complex",
    str: "str",
    bytes: "bytes",
}
BUILTIN_CALL_TYPES = {
    "int": "int",
    "str": "str",
    "float": "float",
    "bool": "bool",
    "list": "list",
    "dict": "dict",
    "set": "set",
    "tuple": "tuple",
    "bytes": "bytes",
    "len": "int",
    "repr": "str",
    "sorted": "list",
    "abs": "float",
    "round": "int",
    "frozenset": "frozenset",
}


@dataclass(frozen=True)
class Inferred:
    """An instance of ``type``, or the object ``symbol`` itself (a class, function or module)."""

    type: TypeExpr | None = None
    symbol: Symbol | None = None
    bound_to: TypeExpr | None = None  # the receiver of a bound method


def parents_of(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


class Scope:
    """What names and expressions denote at (line, column) inside ``chain`` (outermost first)
    of ``module``."""

    def __init__(
        self,
        resolver: Resolver,
        module: ModuleSummary,
        chain: list[ast.AST],
        line: int,
        column: int,
    ) -> None:
        self.resolver = resolver
        self.module = module
        self.line = line
        self.column = column
        bindings = LocalBindings(chain, line, column)
        self.function = bindings.function
        self.class_symbol: Symbol | None = None
        self.locals = bindings.locals
        if bindings.class_names:
            symbol = resolver.lookup_dotted(module, ".".join(bindings.class_names))
            self.class_symbol = symbol if symbol is not None and symbol.kind == "class" else None
        self._cache: dict[str, Inferred] = {}
        self._busy: set[str] = set()

    def resolve(self, annotation: str | None) -> TypeExpr | None:
        return self.resolver.resolve_type(annotation, self.module)

    def name(self, name: str) -> Inferred:
        """What ``name`` denotes here: locals, then the module, then builtins."""
        if name in self._cache:
            return self._cache[name]
        if name in self._busy:
            return Inferred()
        self._busy.add(name)
        try:
            result = self._name(name)
        finally:
            self._busy.discard(name)
        self._cache[name] = result
        return result

    def _name(self, name: str) -> Inferred:
        binding = self.locals.get(name)
        if binding is not None and binding.kind not in ("import", "function", "class"):
            return Inferred(type=self.binding_type(binding))
        symbol = self.resolver.lookup(self.module, name)
        if symbol is None:
            if name in BUILTIN_CALL_TYPES:
                return Inferred(symbol=None, type=None)
            return Inferred()
        return self.symbol_value(symbol)

    def symbol_value(self, symbol: Symbol) -> Inferred:
        if (
            symbol.kind == "variable"
            and symbol.variable is not None
            and not symbol.variable.is_alias
        ):
            var = symbol.variable
            if var.annotation:
                return Inferred(type=self.resolver.resolve_type(var.annotation, symbol.module))
            if var.value:
                return self._module_value(symbol, var.value)
            return Inferred()
        return Inferred(symbol=symbol)

    def _module_value(self, symbol: Symbol, source: str) -> Inferred:
        """The value of a module variable, inferred in its own module. A variable whose value
        refers back to itself (``n = n + 1``, ``a = b; b = a``) is unknown, not a loop."""
        key = (symbol.module.path, symbol.name)
        busy = self.resolver.evaluating
        if key in busy:
            return Inferred()
        try:
            value = ast.parse(source, mode="eval").body
        except SyntaxError:
            return Inferred()
        busy.add(key)
        try:
            return Scope(self.resolver, symbol.module, [], 0, 0).expr(value)
        finally:
            busy.discard(key)

    def binding_type(self, binding: LocalBinding) -> TypeExpr | None:
        if binding.fixed is not None:
            return binding.fixed
        if binding.annotation:
            return self.resolve(binding.annotation)
        if binding.iter_of is not None:
            iterable = self.expr(binding.iter_of).type
            elem = element_type(without_none(iterable)) if iterable is not None else None
            if elem is not None and binding.index is not None:
                return item_type(elem, binding.index)
            return elem
        if binding.value is not None:
            value = self.expr(binding.value).type
            if value is not None and binding.index is not None:
                return item_type(value, binding.index)
            return value
        return None

    def expr(self, node: ast.expr) -> Inferred:
        """What an expression evaluates to, as far as the annotations tell."""
        if isinstance(node, ast.Constant):
            kind = LITERAL_TYPES.get(type(node.value))
            return Inferred(type=TypeExpr(kind if kind else "None"))
        if isinstance(node, ast.JoinedStr):
            return Inferred(type=TypeExpr("str"))
        if isinstance(node, ast.List | ast.Set):
            elems = [self.expr(e).type for e in node.elts[:3]]
            known = [e for e in elems if e is not None]
            name = "list" if isinstance(node, ast.List) else "set"
            return Inferred(type=TypeExpr(name, (make_union(known),) if known else ()))
        if isinstance(node, ast.Tuple):
            items = [self.expr(e).type or TypeExpr("Any") for e in node.elts]
            return Inferred(type=TypeExpr("tuple", tuple(items)))
        if isinstance(node, ast.Dict):
            keys = [self.expr(k).type for k in node.keys[:1] if k is not None]
            values = [self.expr(v).type for v in node.values[:1]]
            if keys and values and keys[0] is not None and values[0] is not None:
                return Inferred(type=TypeExpr("dict", (keys[0], values[0])))
            return Inferred(type=TypeExpr("dict"))
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return Inferred(
                type=TypeExpr(
                    "list"
                    if isinstance(node, ast.ListComp)
                    else "set"
                    if isinstance(node, ast.SetComp)
                    else "Iterator"
                )
            )
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Attribute):
            return self.attribute(self.expr(node.value), node.attr)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Subscript):
            base = self.expr(node.value)
            if isinstance(node.slice, ast.Slice):
                return Inferred(type=base.type)
            index = (
                node.slice.value
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)
                else None
            )
            if base.type is not None:
                return Inferred(type=item_type(without_none(base.type), index))
            return Inferred()
        if isinstance(node, ast.Await):
            inner = self.expr(node.value).type
            return Inferred(type=unwrap_awaitable(inner) if inner else None)
        if isinstance(node, ast.Yield):
            return Inferred(type=self.sent_type())
        if isinstance(node, ast.IfExp):
            a, b = self.expr(node.body).type, self.expr(node.orelse).type
            return Inferred(type=make_union([a, b]) if a and b else a or b)
        if isinstance(node, ast.Compare | ast.BoolOp) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            return (
                Inferred(type=TypeExpr("bool"))
                if not isinstance(node, ast.BoolOp)
                else self.expr(node.values[-1])
            )
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left).type, self.expr(node.right).type
            if left and right and left.name in ("int", "float") and right.name in ("int", "float"):
                return Inferred(
                    type=TypeExpr(
                        "float"
                        if "float" in (left.name, right.name) or isinstance(node.op, ast.Div)
                        else "int"
                    )
                )
            return Inferred(type=left if left == right else None)
        return Inferred()

    def sent_type(self) -> TypeExpr | None:
        """What ``yield`` evaluates to here: the send type of a ``Generator[Y, S, R]`` or an
        ``AsyncGenerator[Y, S]`` return annotation (``response = yield request``)."""
        fn = self.function
        declared = self.resolve(ast.unparse(fn.returns)) if fn is not None and fn.returns else None
        if declared is None or declared.short not in ("Generator", "AsyncGenerator") or len(declared.args) < 2:
            return None
        sent = declared.args[1]
        return None if sent.short in ("None", "Any") else sent

    def attribute(self, base: Inferred, attr: str) -> Inferred:
        if base.symbol is not None and base.symbol.kind in ("module", "class"):
            member = self.resolver.member(base.symbol, attr)
            if member is not None:
                return self.symbol_value(member)
            if base.symbol.kind == "class" and base.symbol.cls is not None:
                return self.field_of(base.symbol, attr, None)
            return Inferred()
        if base.type is None:
            return Inferred()
        receiver = without_none(base.type)
        symbol = self.resolver.class_symbol(receiver.name)
        if symbol is None:
            return Inferred()
        return self.field_of(symbol, attr, receiver)

    def field_of(self, symbol: Symbol, attr: str, receiver: TypeExpr | None) -> Inferred:
        for cls, module in self.resolver.mro(symbol):
            field = cls.field(attr)
            if field is not None:
                return Inferred(type=self.resolver.resolve_type(field.annotation, module))
            method = cls.method(attr)
            if method is not None:
                owner = Symbol("function", attr, module, function=method, owner=cls)
                if method.is_property:
                    return Inferred(type=self._returns(owner, receiver))
                return Inferred(symbol=owner, bound_to=receiver)
        return Inferred()

    def _returns(self, fn: Symbol, receiver: TypeExpr | None) -> TypeExpr | None:
        assert fn.function is not None
        returns = self.resolver.resolve_type(fn.function.returns, fn.module)
        if returns is not None and returns.short == "Self" and receiver is not None:
            return receiver
        if returns is not None and fn.function.is_async:
            return TypeExpr("Coroutine", (TypeExpr("Any"), TypeExpr("Any"), returns))
        return returns

    def call(self, node: ast.Call) -> Inferred:
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in BUILTIN_CALL_TYPES
            and self.resolver.lookup(self.module, node.func.id) is None
            and node.func.id not in self.locals
        ):
            return Inferred(type=TypeExpr(BUILTIN_CALL_TYPES[node.func.id]))
        callee = self.expr(node.func)
        symbol = callee.symbol
        if symbol is None:
            return Inferred()
        if symbol.kind == "class":
            return Inferred(type=TypeExpr(symbol.qualname))
        if symbol.kind == "function" and symbol.function is not None:
            receiver = callee.bound_to
            if receiver is None and symbol.function.is_classmethod and symbol.owner is not None:
                receiver = TypeExpr(f"{symbol.module.module}.{symbol.owner.name}")
            return Inferred(type=self._returns(symbol, receiver))
        return Inferred()


def parse_expression(text: str) -> ast.expr | None:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None


__all__ = ["Inferred", "Scope", "parents_of", "parse_expression"]
