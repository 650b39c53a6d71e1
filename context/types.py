"""A small model of Python type expressions, parsed from annotation text.

Only what the hole analysis needs: names with arguments, unions, the parts of a type a value
could come from, and the element types of containers and iterables.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

UNION_NAMES = {"Union", "typing.Union"}
OPTIONAL_NAMES = {"Optional", "typing.Optional"}
WRAPPER_NAMES = {"Annotated", "Final", "ClassVar", "Required", "NotRequired", "ReadOnly"}
ITERABLE_NAMES = {
    "list",
    "List",
    "set",
    "Set",
    "frozenset",
    "FrozenSet",
    "Sequence",
    "MutableSequence",
    "Iterable",
    "Iterator",
    "Collection",
    "AbstractSet",
    "MutableSet",
    "Generator",
    "deque",
    "AsyncIterator",
    "AsyncIterable",
    "AsyncGenerator",
    "Reversible",
    "KeysView",
    "ValuesView",
    "dict_keys",
}
MAPPING_NAMES = {
    "dict",
    "Dict",
    "Mapping",
    "MutableMapping",
    "DefaultDict",
    "defaultdict",
    "OrderedDict",
    "ChainMap",
    "Counter",
}
AWAITABLE_NAMES = {"Awaitable", "Coroutine"}
BUILTIN_TYPES = {
    "int",
    "float",
    "str",
    "bytes",
    "bool",
    "complex",
    "None",
    "object",
    "list",
    "dict",
    "set",
    "tuple",
    "frozenset",
    "type",
    "bytearray",
    "Any",
    "Callable",
    "Self",
    "NoReturn",
    "Never",
}


@dataclass(frozen=True)
class TypeExpr:
    """``name[args...]``; a union is ``name == "|"``; a literal string/number arg keeps its text."""

    name: str
    args: tuple[TypeExpr, ...] = ()

    def __str__(self) -> str:
        if self.name == "|":
            return " | ".join(str(a) for a in self.args)
        if self.name == "[]":  # an argument list, as in Callable[[int], str]
            return "[" + ", ".join(str(a) for a in self.args) + "]"
        if not self.args:
            return self.name
        return f"{self.name}[{', '.join(str(a) for a in self.args)}]"

    @property
    def short(self) -> str:
        """The last dotted component of the name: ``shapes.Circle`` → ``Circle``."""
        return self.name.rsplit(".", 1)[-1]


def _from_ast(node: ast.expr) -> TypeExpr:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return TypeExpr("None")
        if isinstance(node.value, str):
            return parse_type(node.value) or TypeExpr(repr(node.value))
        return TypeExpr(repr(node.value))
    if isinstance(node, ast.Name):
        return TypeExpr(node.id)
    if isinstance(node, ast.Attribute):
        return TypeExpr(ast.unparse(node))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return make_union([_from_ast(node.left), _from_ast(node.right)])
    if isinstance(node, ast.Subscript):
        base = _from_ast(node.value).name
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        args = tuple(_from_ast(i) for i in items)
        if base in UNION_NAMES:
            return make_union(list(args))
        if base in OPTIONAL_NAMES and args:
            return make_union([args[0], TypeExpr("None")])
        if base.rsplit(".", 1)[-1] in WRAPPER_NAMES and args:
            return args[0]
        return TypeExpr(base, args)
    if isinstance(node, ast.List):
        return TypeExpr("[]", tuple(_from_ast(e) for e in node.elts))
    return TypeExpr(ast.unparse(node))


def make_union(members: list[TypeExpr]) -> TypeExpr:
    flat: list[TypeExpr] = []
    for m in members:
        for part in m.args if m.name == "|" else (m,):
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else TypeExpr("|", tuple(flat))


@lru_cache(maxsize=4096)
def parse_type(text: str | None) -> TypeExpr | None:
    """Parse annotation text; None when it is not a type expression."""
    if not text:
        return None
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    return _from_ast(node)


def union_members(t: TypeExpr) -> tuple[TypeExpr, ...]:
    return t.args if t.name == "|" else (t,)


def without_none(t: TypeExpr) -> TypeExpr:
    members = [m for m in union_members(t) if m.name != "None"]
    return make_union(members) if members else t


def element_type(t: TypeExpr) -> TypeExpr | None:
    """What iterating over a value of type ``t`` yields, when the annotation says."""
    short = t.short
    if short in ("dict_items", "ItemsView") and len(t.args) == 2:
        return TypeExpr("tuple", t.args)
    if short == "dict_values" and len(t.args) == 2:
        return t.args[1]
    if short in ITERABLE_NAMES and t.args:
        return t.args[0]
    if short in MAPPING_NAMES and t.args:
        return t.args[0]
    if short in ("tuple", "Tuple") and t.args:
        if len(t.args) == 2 and t.args[1].name == "...":
            return t.args[0]
        return make_union(list(t.args))
    if short == "str":
        return TypeExpr("str")
    return None


def item_type(t: TypeExpr, index: int | None = None) -> TypeExpr | None:
    """What ``value[index]`` gives for a value of type ``t``."""
    short = t.short
    if short in MAPPING_NAMES and len(t.args) == 2:
        return t.args[1]
    if short in ("tuple", "Tuple") and t.args and index is not None and t.args[-1].name != "...":
        return t.args[index] if -len(t.args) <= index < len(t.args) else None
    return element_type(t)


def unwrap_awaitable(t: TypeExpr) -> TypeExpr:
    if t.short in AWAITABLE_NAMES and t.args:
        return t.args[-1]
    return t


def yield_type(t: TypeExpr) -> TypeExpr | None:
    """The yielded type of a generator function annotated ``t``."""
    if (
        t.short
        in ("Iterator", "Iterable", "Generator", "AsyncIterator", "AsyncIterable", "AsyncGenerator")
        and t.args
    ):
        return t.args[0]
    return None


def type_parts(t: TypeExpr) -> list[TypeExpr]:
    """Types a value of ``t`` can be built from: itself, union members, Optional's inner type,
    tuple items, container elements — most direct first."""
    parts: list[TypeExpr] = [t]
    for m in union_members(t):
        if m not in parts and m.name != "None":
            parts.append(m)
    for m in list(parts):
        if m.short in ("tuple", "Tuple") or m.short in ITERABLE_NAMES or m.short in MAPPING_NAMES:
            for a in m.args:
                if a.name not in ("...", "[]") and a not in parts:
                    parts.append(a)
    return parts


def names_in(t: TypeExpr) -> list[str]:
    """Every class-like name mentioned in ``t`` (builtins and typing constructs left out)."""
    found: list[str] = []

    def visit(x: TypeExpr) -> None:
        if (
            x.name not in ("|", "[]", "...")
            and not x.name.startswith(("'", '"'))
            and x.short not in BUILTIN_TYPES
            and x.short not in ITERABLE_NAMES | MAPPING_NAMES | AWAITABLE_NAMES
            and x.short
            not in {"Tuple", "Type", "Literal", "Optional", "Union", "TypeGuard", "Iterator"}
            and not x.name[:1].isdigit()
            and x.name not in found
        ):
            found.append(x.name)
        for a in x.args:
            if x.short != "Literal":
                visit(a)

    visit(t)
    return found


def display(t: TypeExpr | None) -> str | None:
    """``t`` for people: absolute class names shortened to their last component."""
    if t is None:
        return None
    return str(_shorten(t))


def _shorten(t: TypeExpr) -> TypeExpr:
    name = t.name if t.name in ("|", "[]") or t.name.startswith(("'", '"')) else t.short
    return TypeExpr(name, tuple(_shorten(a) for a in t.args))
