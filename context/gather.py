"""Gathering definitions for a hole: relevant types, receiver members and cross-file
definitions of names used nearby. The callee's signature is in :mod:`context.calls`, relevant
headers in :mod:`context.headers`."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from context.headers import header_text, producers_of_module
from context.infer import Inferred, Scope
from context.model import Definition, Location
from context.render import class_header, render_class, render_function
from context.resolve import Resolver, Symbol, location_of
from context.summary import ClassSummary, ModuleSummary
from context.types import (
    TypeExpr,
    display,
    names_in,
    without_none,
)
from context.value_sources import dotted as dotted_text
from context.workspace import TYPESHED_STDLIB


def is_stdlib(module: ModuleSummary) -> bool:
    """A module of the standard library (its typeshed stub)."""
    return module.module == "builtins" or module.path.startswith(str(TYPESHED_STDLIB))

MAX_TYPES = 12


# -- relevant types -----------------------------------------------------------------------------
def relevant_types(
    resolver: Resolver,
    scope: Scope,
    seeds: Iterable[TypeExpr],
    other_seeds: Iterable[TypeExpr] = (),
    shown: frozenset[str] = frozenset(),
) -> list[Definition]:
    """Definitions of the types named in ``seeds`` (the expected type: score 1 at depth 0) and in
    ``other_seeds`` (types of the bindings: score 0.4), followed through aliases, fields and bases.
    Classes of the standard library are left out but for the expected type itself (a model knows
    them), and the bindings' classes in ``shown`` (their members are listed otherwise) are
    followed without being repeated."""
    out: list[Definition] = []
    seen: set[str] = set()
    queue: list[tuple[str, int, float]] = []
    for weight, group in ((1.0, seeds), (0.4, other_seeds)):
        for t in group:
            queue.extend((name, 0, weight) for name in names_in(t))
    followed: set[str] = set()  # classes shown otherwise, whose referenced types were queued
    while queue and len(out) < MAX_TYPES:
        name, depth, weight = queue.pop(0)
        if name in seen or (name in followed and weight < 1.0):
            continue
        symbol = resolver.class_symbol(name) or resolver.alias_symbol(name, scope.module)
        if symbol is not None and symbol.qualname in shown and weight < 1.0 and symbol.cls is not None:
            followed.add(name)  # a weightier mention (of the expected type) still shows it
            if depth < 2:
                queue.extend((n, depth + 1, weight) for n in _referenced_types(resolver, symbol))
            continue
        seen.add(name)
        if symbol is None or ((depth > 0 or weight < 1.0) and is_stdlib(symbol.module)):
            continue
        if symbol.kind == "variable" and symbol.variable is not None:
            text = f"{symbol.name} = {symbol.variable.value}"
            out.append(
                Definition(
                    symbol.qualname, "alias", text, location_of(symbol), weight / (1 + depth)
                )
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
                location_of(symbol),
                weight / (1 + depth),
            )
        )
        if depth < 2:
            queue.extend((n, depth + 1, weight) for n in _referenced_types(resolver, symbol))
    return out


def _referenced_types(resolver: Resolver, symbol: Symbol) -> list[str]:
    """The names of the types a class's bases, fields and first methods' results refer to; kept
    across requests while the class's module summary stays the same."""
    key = ("referenced-types", symbol.qualname)
    cached = resolver.lasting.get(key)
    if isinstance(cached, tuple) and cached[0] is symbol.module and cached[1] is symbol.cls:
        return cached[2]  # type: ignore[no-any-return]
    found = list(_new_referenced_types(resolver, symbol))
    resolver.lasting[key] = (symbol.module, symbol.cls, found)
    return found


def _new_referenced_types(resolver: Resolver, symbol: Symbol) -> Iterator[str]:
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


# -- receiver members ---------------------------------------------------------------------------
def receiver_members(scope: Scope, receiver: Inferred) -> list[Definition]:
    resolver = scope.resolver
    if receiver.symbol is not None and receiver.symbol.kind == "module":
        module = receiver.symbol.module
        defs = [
            Definition(
                p.label,
                p.symbol.kind,
                # a class as a class line (its constructor's parameters after it), so it reads
                # as the definition it is; a function as its header
                _index_line(p.symbol) if p.symbol.kind == "class" else header_text(p.label, p.symbol, resolver),
                location_of(p.symbol),
            )
            for p in producers_of_module(module, resolver, 1.0)
            if "." not in p.label
        ]
        return defs + _module_values(scope, module)
    symbol = (
        receiver.symbol if receiver.symbol is not None and receiver.symbol.kind == "class" else None
    )
    if symbol is None and receiver.type is not None:
        symbol = resolver.class_symbol(without_none(receiver.type).name)
    mro = resolver.mro(symbol) if symbol is not None else []
    if receiver.super_of is not None:  # ``super().``: the classes after the current one
        mro = resolver.mro(receiver.super_of)[1:]
    out: list[Definition] = []
    seen: set[str] = set()
    for cls, module in mro:
        out.extend(_class_members(cls, module, seen))
    return out


MAX_VALUES_TYPED = 40  # a module's variables whose unannotated values are inferred for its members
MAX_VALUE_CLASSES = 3  # the classes of those values shown after them


def _module_values(scope: Scope, module: ModuleSummary) -> list[Definition]:
    """A module's public variables with their types — declared, else inferred from their values
    (``Keyword: _TokenType`` for ``Keyword = Token.Keyword``) — after the first few classes the
    workspace defines for those values: what a model needs to use a member after the dot."""
    values = [v for v in module.variables.values() if not v.name.startswith("_")]
    out: list[Definition] = []
    classes: list[Definition] = []
    seen: set[str] = set()
    for index, v in enumerate(values):
        written = v.annotation
        if written is None and v.value and not v.is_alias and index < MAX_VALUES_TYPED:
            inferred = scope.symbol_value(Symbol("variable", v.name, module, variable=v))
            written = display(inferred.type)
            found = _value_class(scope, inferred, scope.module.path, seen) if len(classes) < MAX_VALUE_CLASSES else None
            if found is not None:
                classes.append(found)
        out.append(Definition(v.name, "variable", f"{v.name}: {written or '?'}", Location(module.path, v.line)))
    return classes + out


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
MAX_MODULE_MEMBERS = 3  # functions and classes of one module reached through its name, in full
MAX_MODULE_INDEX = 32  # the further ones the file uses, one line each


def cross_file_definitions(
    scope: Scope, names: Iterable[str], current_path: str, text: str = "",
    shown: frozenset[str] = frozenset(),
) -> list[Definition]:
    """The definitions of other modules that ``names`` (dotted) denote. For a name that is a
    module of the workspace (``from . import _helpers``), the functions and classes ``text``
    (the buffer) reaches through it (``_helpers.check(...)``), most used first: the first few
    in full, the others one line each, after every other definition. For a name that is a
    value of another module (``codes``, ``MISSING``), its class. Classes in ``shown`` (whose
    definitions or members the answer lists otherwise) are left out."""
    out: list[Definition] = []
    indexes: list[Definition] = []
    seen: set[str] = set()
    queue = list(names)
    value_seen = set(shown)
    while queue:
        dotted = queue.pop(0)
        node = ast.parse(dotted, mode="eval").body
        inferred = scope.expr(node)
        symbol = inferred.symbol
        if symbol is None:
            found = _value_class(scope, inferred, current_path, value_seen) if _imported_value(scope, node) else None
            if found is not None:
                seen.add(found.name)
                out.append(found)
            continue
        if symbol.path == current_path or symbol.qualname in seen:
            continue
        if symbol.kind == "module" and text and not is_stdlib(symbol.module):
            seen.add(symbol.qualname)
            used = _module_members_used(scope.resolver, symbol.module, dotted, text)
            queue[:0] = [f"{dotted}.{name}" for name, _ in used[:MAX_MODULE_MEMBERS]]
            if used:
                index = _module_index(symbol.module, dotted, used[MAX_MODULE_MEMBERS:], "used in this file")
            elif next(_uses_of(rf"{re.escape(dotted)}\b", _without_imports(text)), None) is None:
                # imported and not used yet: what the user is about to use is among its members
                index = _module_index(symbol.module, dotted, _public_members(symbol.module), "not used yet")
            else:
                index = None
            if index is not None:
                indexes.append(index)
            continue
        if symbol.kind not in ("class", "function") or is_stdlib(symbol.module):
            continue  # a model knows the standard library
        if symbol.kind == "class" and symbol.qualname in shown:
            continue  # listed with its members or in full: a bare header would take its place
        seen.add(symbol.qualname)
        value_seen.add(symbol.qualname)
        out.append(Definition(symbol.qualname, symbol.kind, _definition_text(symbol), location_of(symbol)))
    return out + indexes


def _definition_text(symbol: Symbol) -> str:
    if symbol.cls is not None:
        return class_header(symbol.cls)
    assert symbol.function is not None
    header = symbol.function.header()
    return f"class {symbol.owner.name}:\n    {header}" if symbol.owner is not None else header


def _imported_value(scope: Scope, node: ast.expr) -> bool:
    """A value another module defines: an imported name, or an attribute of a module."""
    if isinstance(node, ast.Name):
        return node.id in scope.module.imports and node.id not in scope.locals
    if isinstance(node, ast.Attribute):
        base = scope.expr(node.value).symbol
        return base is not None and base.kind == "module"
    return False


def _value_class(scope: Scope, inferred: Inferred, current_path: str, seen: set[str]) -> Definition | None:
    """The class of a value (``codes``, an instance made at the top of another module) when
    the workspace defines it outside the hole's file: what a model needs to use the value."""
    if inferred.type is None:
        return None
    t = without_none(inferred.type)
    symbol = scope.resolver.class_symbol(t.name) if t.name != "|" else None
    if symbol is None or symbol.cls is None or symbol.path == current_path or is_stdlib(symbol.module) \
            or symbol.qualname in seen:
        return None
    seen.add(symbol.qualname)
    return Definition(symbol.qualname, "class", class_header(symbol.cls), location_of(symbol))


def _module_members_used(resolver: Resolver, module: ModuleSummary, dotted: str, text: str
                         ) -> list[tuple[str, Symbol]]:
    """The functions and classes of ``module`` (its own, or imported into it: a package's
    ``__init__`` re-exports) that ``text`` uses as ``dotted.NAME``, most used first."""
    uses = Counter(match.group(1) for match in _uses_of(rf"{re.escape(dotted)}\.([A-Za-z_]\w*)", text))
    found: list[tuple[str, Symbol]] = []
    for name, _ in uses.most_common():
        if name in module.functions or name in module.classes:
            symbol = resolver.lookup(module, name)
        elif name in module.imports:
            symbol = resolver.lookup(module, name)
            if symbol is not None and (symbol.kind not in ("class", "function") or is_stdlib(symbol.module)):
                symbol = None
        else:
            symbol = None
        if symbol is not None:
            found.append((name, symbol))
    return found


_NAME_CHAR = re.compile(r"[\w.]")


def _uses_of(pattern: str, text: str) -> Iterator[re.Match[str]]:
    r"""The matches of ``pattern`` (a dotted name first) not preceded by a name character or a
    dot: what ``(?<![\w.])pattern`` finds, but searched for by its literal head (a lookbehind
    first makes the regex engine try every position of a large file)."""
    for match in re.finditer(pattern, text):
        if not (match.start() and _NAME_CHAR.match(text, match.start() - 1)):
            yield match


def _public_members(module: ModuleSummary) -> list[tuple[str, Symbol]]:
    """A module's own public classes and functions, in the order written."""
    found = [
        *(Symbol("class", c.name, module, cls=c) for c in module.classes.values()),
        *(Symbol("function", f.name, module, function=f) for f in module.functions.values()),
    ]
    found.sort(key=lambda symbol: symbol.line)
    return [(symbol.name, symbol) for symbol in found if not symbol.name.startswith("_")]


def _without_imports(text: str) -> str:
    return re.sub(r"^\s*(from\s+\S+\s+)?import\s.*$", "", text, flags=re.M)


def _module_index(module: ModuleSummary, dotted: str, members: list[tuple[str, Symbol]],
                  why: str) -> Definition | None:
    """One line for each of ``members``, further members of a module the file reaches through
    its name: a class with its constructor's parameters, a function's signature."""
    lines = [_index_line(symbol) for _, symbol in members[:MAX_MODULE_INDEX]]
    if not lines:
        return None
    text = "\n".join([f"# {'more of ' if why.startswith('used') else ''}{dotted} ({module.module}), {why}", *lines])
    return Definition(f"{module.module} ({why})", "module", text, Location(module.path, 0))


def _index_line(symbol: Symbol) -> str:
    if symbol.cls is not None:
        bases = f"({', '.join(symbol.cls.bases)})" if symbol.cls.bases else ""
        init = symbol.cls.method("__init__")
        params = f"  # {symbol.name}({', '.join(p.render() for p in init.call_params(bound=True))})" \
            if init is not None else ""
        return f"class {symbol.name}{bases}: ...{params}"
    assert symbol.function is not None
    return symbol.function.header()


def _statements_between(tree: ast.AST, first_line: int, last_line: int) -> list[ast.AST]:
    """The innermost statements overlapping the lines (whole bodies are not walked)."""
    out: list[ast.AST] = []
    body = list(getattr(tree, "body", []))
    while body:
        stmt = body.pop()
        start, end = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
        if end < first_line or start > last_line:
            continue
        inner = [
            x
            for field in ("body", "orelse", "finalbody", "handlers")
            for x in getattr(stmt, field, [])
        ]
        if inner and (start < first_line or end > last_line):
            body.extend(inner)  # partly inside: look closer
            out.extend(
                getattr(stmt, f)
                for f in ("test", "iter", "target")
                if getattr(stmt, f, None) is not None
            )
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
            dotted = dotted_text(node)
            if dotted:
                found.append((node.lineno, dotted))
    found.sort(key=lambda x: -x[0])
    seen: list[str] = []
    for _, name in found:
        if name not in seen:
            seen.append(name)
    return seen


__all__ = ["cross_file_definitions", "names_used", "receiver_members", "relevant_types"]
