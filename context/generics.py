"""Type arguments of generic classes: ``Box[Item]`` makes ``Box.get() -> T`` return ``Item``, and
``class Names(Registry[str])`` makes what ``Registry`` declares with ``T`` hold ``str``.

Only what the summaries say plainly: the parameters of ``Generic[...]``/``Protocol[...]``, else the
type variables a class's bases are subscripted with, in order of appearance.
"""

from __future__ import annotations

from context.resolve import Resolver, Symbol
from context.summary import ClassSummary, ModuleSummary
from context.types import TypeExpr, parse_type

TYPEVAR_MAKERS = ("TypeVar(", "typing.TypeVar(", "typing_extensions.TypeVar(", "ParamSpec(")
MAX_BASES = 20

ClassKey = tuple[str, str, int]  # (path, name, line) of a class
Arguments = dict[ClassKey, dict[str, TypeExpr]]


def class_key(cls: ClassSummary, module: ModuleSummary) -> ClassKey:
    return (module.path, cls.name, cls.line)


def _is_typevar(resolver: Resolver, module: ModuleSummary, name: str) -> bool:
    symbol = resolver.lookup(module, name) if "." not in name else None
    value = symbol.variable.value if symbol is not None and symbol.variable is not None else None
    return bool(value) and value.startswith(TYPEVAR_MAKERS)  # type: ignore[union-attr]


def type_parameters(resolver: Resolver, cls: ClassSummary, module: ModuleSummary) -> tuple[str, ...]:
    """The names of the class's type parameters, in order."""
    key = ("type-parameters", module.path, cls.name, cls.line)
    cached = resolver.memo.get(key)
    if isinstance(cached, tuple):
        return cached
    found: list[str] = []
    for base in cls.bases:
        parsed = parse_type(base)
        if parsed is not None and parsed.short in ("Generic", "Protocol") and parsed.args:
            found = [a.name for a in parsed.args]
            break
    else:
        for base in cls.bases:
            parsed = parse_type(base)
            for arg in parsed.args if parsed is not None else ():
                if arg.name not in found and not arg.args and _is_typevar(resolver, module, arg.name):
                    found.append(arg.name)
    resolver.memo[key] = tuple(found)
    return tuple(found)


def has_type_variable(resolver: Resolver, t: TypeExpr, module: ModuleSummary) -> bool:
    """Whether ``t`` (written in ``module``) still names a type variable."""
    if t.args:
        return any(has_type_variable(resolver, a, module) for a in t.args)
    return "." not in t.name and _is_typevar(resolver, module, t.name)


def substitute(t: TypeExpr, mapping: dict[str, TypeExpr]) -> TypeExpr:
    if not mapping:
        return t
    if not t.args and t.name in mapping:
        return mapping[t.name]
    return TypeExpr(t.name, tuple(substitute(a, mapping) for a in t.args)) if t.args else t


def class_arguments(resolver: Resolver, symbol: Symbol, receiver: TypeExpr | None) -> Arguments:
    """For the class of ``receiver`` and each of its bases, what its type parameters stand for."""
    if symbol.cls is None:
        return {}
    key = ("class-arguments", symbol.qualname, str(receiver) if receiver is not None else "")
    cached = resolver.memo.get(key)
    if isinstance(cached, dict):
        return cached
    out: Arguments = {}
    params = type_parameters(resolver, symbol.cls, symbol.module)
    given = receiver.args if receiver is not None else ()
    queue: list[tuple[ClassSummary, ModuleSummary, dict[str, TypeExpr]]] = [
        (symbol.cls, symbol.module, {p: a for p, a in zip(params, given, strict=False)})
    ]
    while queue and len(out) < MAX_BASES:
        cls, module, mapping = queue.pop(0)
        if class_key(cls, module) in out:
            continue
        out[class_key(cls, module)] = mapping
        for base in cls.bases:
            parsed = parse_type(base)
            if parsed is None or parsed.short in ("Generic", "Protocol"):
                continue
            resolved = resolver.lookup_dotted(module, parsed.name)
            if resolved is None or resolved.cls is None:
                continue
            inner = type_parameters(resolver, resolved.cls, resolved.module)
            args = [substitute(resolver.resolve_type(a, module) or a, mapping) for a in parsed.args]
            queue.append((resolved.cls, resolved.module, dict(zip(inner, args, strict=False))))
    resolver.memo[key] = out
    return out


__all__ = ["class_arguments", "class_key", "has_type_variable", "substitute", "type_parameters"]
