"""Members of the types used around a hole: for the receivers of the attribute chains near it
(``self.reader`` in ``self.reader.skip()``) and for the bindings in scope, the compact signatures
of their classes' members — inherited ones under the class that defines them — so a model that
writes ``self.reader.expect(...)`` at the start of a line sees what ``Reader`` offers.

Each class is one :class:`Definition` (``kind="members"``), the classes of the nearest receivers
first; within a class, the members the file uses most and those used nearest the hole are kept
when there are too many. Classes of the standard library are left out: a model knows them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from context.gather import is_stdlib
from context.headers import fit, weighted_parts
from context.hole import HoleSite
from context.infer import Inferred, Scope, parse_expression
from context.model import Definition, Location
from context.resolve import Symbol
from context.summary import ClassSummary, FieldSummary, FunctionSummary, ModuleSummary
from context.types import TypeExpr, display, union_members, without_none
from context.value_sources import dotted

MAX_CLASSES = 6
MAX_RECEIVERS = 24
RECEIVER_LIMITS = (8, 16, 24)  # members of an attribute hole's receiver's class, in two blocks
FIRST_LIMITS = (8, 12, 16)  # of the nearest receiver's class
LIMITS = (6, 10, 12)  # of the other classes
MAX_OWNERS = 6  # classes of one MRO shown
KEPT_DUNDERS = frozenset({"__init__", "__call__", "__enter__", "__aenter__", "__iter__", "__getitem__"})
MEMBER_USE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)")
CHAINED_USE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]")
FIT_WEIGHT = 1.5  # rank of a member whose result fits the expected type (near the hole: 2)
FRESH_LINES = 8  # a local bound this close above the hole and unused since is about to be used
MAX_ASKED = 3  # receivers near a hole whose types are asked of jedi
MAX_TRIED = 12  # fields of an attribute hole's receiver that no code near reads members of
MAX_EXPANDED = 2  # classes reached through the fields of the nearest receivers' classes
MAX_ENUM_MEMBERS = 200  # of an attribute hole's receiver that is an enumeration, in a last block


@dataclass(frozen=True)
class Receiver:
    text: str  # as written near the hole: ``self.reader``
    distance: int  # lines from the hole
    end: tuple[int, int] | None = None  # where its nearest use ends (0-based line, UTF-8 column)


def receivers_near(tree: ast.AST, line: int, before: int, after: int) -> list[Receiver]:
    """Receivers of attribute chains (``a`` and ``a.b`` of ``a.b.c``) on the lines around ``line``
    (0-based), nearest first."""
    found: dict[str, tuple[int, tuple[int, int] | None]] = {}
    for node in _nodes_between(tree, line - before, line + after):
        if not isinstance(node, ast.Attribute) or node.attr == "__hole__":
            continue
        value = node.value
        text = _dotted(value)
        if text is not None:
            distance = abs(value.lineno - 1 - line)
            if text not in found or distance < found[text][0]:
                end = value.end_lineno, value.end_col_offset
                found[text] = distance, ((end[0] - 1, end[1]) if end[0] is not None and end[1] is not None
                                         else None)
    ranked = sorted(found.items(), key=lambda item: (item[1][0], -len(item[0])))
    return [Receiver(text, distance, end) for text, (distance, end) in ranked[:MAX_RECEIVERS]]


def fresh_locals(scope: Scope, site: HoleSite) -> list[Receiver]:
    """Locals bound just above the hole (within ``FRESH_LINES``) and not used since: a value
    computed to be used next (``lines = Lines(...)`` then ``lines.pop()``), nearest first."""
    lines = site.text.split("\n")
    found: list[tuple[int, str]] = []
    for name, binding in scope.locals.items():
        distance = site.line - binding.line
        if binding.kind not in ("local", "loop") or not 0 < distance <= FRESH_LINES:
            continue
        used = re.compile(rf"\b{re.escape(name)}\b")
        if not any(used.search(text) for text in lines[binding.line + 1 : site.line]):
            found.append((distance, name))
    return [Receiver(name, 0) for _, name in sorted(found)]


def _nodes_between(tree: ast.AST, first: int, last: int) -> list[ast.AST]:
    out: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        start = getattr(node, "lineno", None)
        if start is not None:
            end = (getattr(node, "end_lineno", None) or start) - 1
            if end < first or start - 1 > last:
                continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _dotted(node: ast.expr) -> str | None:
    """``a.b`` of a chain on a name, not on the hole's stand-in."""
    text = dotted(node)
    return None if text is None or text.split(".", 1)[0] == "__hole__" else text


class MemberContext:
    """Member blocks for the classes of receivers and bindings, in the order they are offered."""

    def __init__(self, scope: Scope, text: str, window: str, expected: TypeExpr | None = None,
                 ask: Callable[[Receiver], Inferred | None] | None = None) -> None:
        self.scope = scope
        self.ask = ask  # for receivers the index cannot follow (jedi's cached answers)
        self.expected = expected if expected is not None and without_none(expected).name not in (
            "Any", "object", "None") else None
        self.uses = Counter(MEMBER_USE.findall(text))  # how often the file uses each member name
        self.chained = Counter(CHAINED_USE.findall(text))  # members whose own members are read
        self._lines: dict[tuple[str, int, str, str], str] = {}  # member lines of the class being shown
        self.near = set(MEMBER_USE.findall(window))
        if scope.function is not None:  # an override calls its base's method (``super().run()``)
            self.near.add(scope.function.name)
        self._seen: set[str] = set()
        self._parts = weighted_parts(self.expected) if self.expected is not None else []
        self._fit: dict[TypeExpr, float] = {}  # of a result type, to the expected type

    def classes_of(self, receivers: list[Receiver], bindings: list[TypeExpr], skip: set[str],
                   roots: list[tuple[Symbol, TypeExpr, str]] | None = None) -> list[tuple[Symbol, TypeExpr, str]]:
        """(class, receiver type, how it is reached) for the receivers, then the bindings' types,
        then the classes of the fields the file reads members of, of ``roots`` (shown already)
        and of the nearest of those classes."""
        out: list[tuple[Symbol, TypeExpr, str]] = []
        seen = set(skip)
        for symbol, t, text in roots or []:  # one step further from an attribute hole's receiver
            self._expand(symbol, t, text, True, seen, out, MAX_EXPANDED)
        candidates: list[tuple[Inferred, str]] = []
        asked = 0
        for receiver in receivers:
            node = parse_expression(receiver.text)
            if node is None:
                continue
            inferred = self.scope.expr(node)
            if not self._classes(inferred) and inferred.symbol is None and self.ask is not None \
                    and asked < MAX_ASKED and receiver.end is not None:
                asked += 1
                inferred = self.ask(receiver) or inferred
            candidates.append((inferred, receiver.text))
        candidates.extend((Inferred(type=t), "") for t in bindings)
        for inferred, text in candidates:
            for symbol, t in self._classes(inferred):
                if symbol.qualname not in seen and _shown(symbol):
                    seen.add(symbol.qualname)
                    out.append((symbol, t, text))
            if len(out) >= MAX_CLASSES:
                break
        for symbol, t, text in out[:MAX_EXPANDED]:
            self._expand(symbol, t, text, False, seen, out, MAX_CLASSES + 2 * MAX_EXPANDED)
        return out

    def _expand(self, symbol: Symbol, t: TypeExpr, text: str, every: bool, seen: set[str],
                out: list[tuple[Symbol, TypeExpr, str]], limit: int) -> None:
        """Add the classes of ``symbol``'s fields (see :meth:`_used_fields`) to ``out``."""
        for field, field_type in self._used_fields(symbol, t, every):
            for inner, inner_type in self._classes(Inferred(type=field_type)):
                if inner.qualname not in seen and _shown(inner) and len(out) < limit:
                    seen.add(inner.qualname)
                    out.append((inner, inner_type, f"{text or display(t)}.{field}"))

    def _used_fields(self, symbol: Symbol, receiver: TypeExpr, every: bool = False) -> list[tuple[str, TypeExpr]]:
        """The class's fields and properties the file reads members of (``.url.`` in
        ``request.url.host``), most used first, with their types; with ``every`` (the receiver of
        an attribute hole: ``state.md.block.ruler.getRules()`` goes one further), the other
        public ones after them."""
        found: list[tuple[int, str, TypeExpr]] = []
        names: set[str] = set()
        tried = 0
        for cls, module in self.scope.resolver.mro(symbol)[:MAX_OWNERS]:
            if not _shown_module(module):
                continue
            candidates = [f.name for f in cls.fields] + [m.name for m in cls.methods if m.is_property]
            for name in candidates:
                if name in names or (self.chained[name] == 0 and (not every or name.startswith("_"))):
                    continue
                if self.chained[name] == 0:
                    if tried >= MAX_TRIED:
                        continue
                    tried += 1
                names.add(name)
                t = self.scope.field_of(symbol, name, receiver).type
                if t is not None and (self.chained[name] or self._classes(Inferred(type=t))):
                    found.append((self.chained[name], name, t))
        found.sort(key=lambda item: -item[0])
        return [(name, t) for _, name, t in found[:MAX_EXPANDED]]

    def _classes(self, inferred: Inferred) -> list[tuple[Symbol, TypeExpr]]:
        resolver = self.scope.resolver
        if inferred.symbol is not None and inferred.symbol.kind == "class":
            return [(inferred.symbol, TypeExpr(inferred.symbol.qualname))]
        if inferred.type is None:
            return []
        out: list[tuple[Symbol, TypeExpr]] = []
        for member in union_members(without_none(inferred.type)):
            symbol = resolver.class_symbol(member.name)
            if symbol is not None:
                out.append((symbol, member))
        return out

    def blocks(self, symbol: Symbol, receiver: TypeExpr, reached: str, *, limits: tuple[int, ...],
               score: float = 1.0, kind: str = "members") -> list[Definition]:
        """The class's members, grouped under the classes of its MRO that define them: the best
        ranked ``limits[0]`` in a first block, the next ``limits[1]`` in a second (kind "more"),
        and so on — so a small budget takes the first alone. Classes of the hole's own file are
        left out (the code shows them) but for an attribute hole's receiver."""
        inside = self.scope.class_symbol is not None and any(
            cls is symbol.cls for cls, _ in self.scope.resolver.mro(self.scope.class_symbol)
        )
        owners, listed = self._listed(symbol, inside, "" if kind == "receiver" else self.scope.module.path)
        if not inside:  # private members of another class: those this file reads anyway
            listed = [(cls, m) for cls, m in listed if _wanted(m.name, False) or (
                not m.name.startswith("__") and self.uses[m.name] > 0)]
        modules = {id(cls): module for cls, module in owners}
        members = [(self._rank(member.name) + self._fits(cls, modules.get(id(cls)), member), i, cls, member)
                   for i, (cls, member) in enumerate(listed)]
        ranked = sorted(members, key=lambda m: (-m[0], m[1]))
        out: list[Definition] = []
        if not members:
            return out
        if kind == "receiver" and symbol.cls is not None and symbol.cls.kind == "enum":
            limits = (*limits, MAX_ENUM_MEMBERS)  # ``Color.``: any member may come next, each a short line
        start = 0
        location = Location(symbol.path, symbol.line)
        for i, limit in enumerate(limits):
            chunk = sorted(ranked[start : start + limit], key=lambda m: m[1])
            start += limit
            if not chunk and i:
                break
            left = len(members) - start if i == len(limits) - 1 else 0
            text = self._render(symbol, receiver, reached, owners, chunk, left)
            name = symbol.qualname if i == 0 else f"{symbol.qualname} ({i + 1})"
            out.append(Definition(name, kind if i == 0 else "more", text, location, round(score / (1 + i), 3),
                                  display(receiver)))
        return out

    def _listed(self, symbol: Symbol, inside: bool, here: str) -> tuple[
            list[tuple[ClassSummary, ModuleSummary]], list[tuple[ClassSummary, FieldSummary | FunctionSummary]]]:
        """The classes of the MRO shown (not those of ``here``, the hole's file) and the members
        they define, each name once; kept across requests while the modules stay the same."""
        resolver = self.scope.resolver
        mro = resolver.mro(symbol)
        key = ("members", symbol.qualname, inside, here)
        cached = resolver.lasting.get(key)
        if isinstance(cached, tuple) and len(cached[0]) == len(mro) and all(
                a is b for a, (_, b) in zip(cached[0], mro, strict=True)):
            self._lines = cached[3]
            return cached[1], cached[2]
        owners = [(c, m) for c, m in mro if _shown_module(m) and m.path != here][:MAX_OWNERS]
        listed: list[tuple[ClassSummary, FieldSummary | FunctionSummary]] = []
        names: set[str] = set()
        for cls, _module in owners:
            every: list[FieldSummary | FunctionSummary] = [*cls.fields, *cls.methods]
            for member in every:
                name = member.name
                if name in names or not _wanted(name, True) or (
                    isinstance(member, FieldSummary) and member.class_var and cls.kind != "enum"
                    and name.isupper()
                ):
                    continue
                names.add(name)
                listed.append((cls, member))
        self._lines = {}
        resolver.lasting[key] = (tuple(m for _, m in mro), owners, listed, self._lines)
        return owners, listed

    def _fits(self, cls: ClassSummary, module: ModuleSummary | None,
              member: FieldSummary | FunctionSummary) -> float:
        """A bonus for a member whose value (a method's result) fits the expected type."""
        if self.expected is None or module is None:
            return 0.0
        known = self._returns_in(module)
        key = (cls.name, cls.line, member.name)
        if key not in known:
            written = member.returns if isinstance(member, FunctionSummary) else member.annotation
            known[key] = self.scope.resolver.resolve_type(written, module) if written else None
        returns = known[key]
        if returns is None:
            return 0.0
        found = self._fit.get(returns)
        if found is None:  # many members give the same type (``None``, ``str``): judged once
            found = self._fit[returns] = FIT_WEIGHT * fit(self.scope.resolver, returns, self.expected, self._parts)
        return found

    def _returns_in(self, module: ModuleSummary) -> dict[tuple[str, int, str], TypeExpr | None]:
        """The resolved result types of the members of ``module``'s classes, kept across requests
        (whatever the hole's file) while the module's summary stays the same."""
        key = ("member-returns", module.path)
        cached = self.scope.resolver.lasting.get(key)
        if isinstance(cached, tuple) and cached[0] is module:
            return cached[1]  # type: ignore[no-any-return]
        known: dict[tuple[str, int, str], TypeExpr | None] = {}
        self.scope.resolver.lasting[key] = (module, known)
        return known

    def _rank(self, name: str) -> float:
        return (2.0 if name in self.near else 0.0) + min(self.uses[name], 8) * 0.25 + (
            0.0 if name.startswith("_") else 0.5)

    def _render(self, symbol: Symbol, receiver: TypeExpr, reached: str,
                owners: list[tuple[ClassSummary, ModuleSummary]],
                kept: list[tuple[float, int, ClassSummary, FieldSummary | FunctionSummary]], left: int) -> str:
        lines = [f"# {reached}: {display(receiver)}" if reached else f"# {display(receiver)}"]
        for cls, module in owners:
            mine = [m for _, _, owner, m in kept if owner is cls]
            if not mine and cls is not symbol.cls:
                continue
            bases = f"({', '.join(cls.bases)})" if cls.bases and cls is symbol.cls else ""
            lines.append(f"class {cls.name}{bases}:")
            lines.extend("    " + self._member_line(cls, module, m, receiver) for m in mine)
            if not mine:
                lines.append("    ...")
        if left > 0:
            lines.append(f"    # … {left} more members")
        return "\n".join(lines)

    def _member_line(self, cls: ClassSummary, module: ModuleSummary, member: FieldSummary | FunctionSummary,
                     receiver: TypeExpr) -> str:
        key = (cls.name, cls.line, member.name, str(receiver))
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = self._new_member_line(cls, module, member, receiver)
        return found

    def _new_member_line(self, cls: ClassSummary, module: ModuleSummary, member: FieldSummary | FunctionSummary,
                         receiver: TypeExpr) -> str:
        if isinstance(member, FunctionSummary):
            if member.is_property:
                return f"{member.name}: {member.returns or self._type_text(cls, member.name, receiver)}"
            decorator = "@classmethod\n    " if member.is_classmethod else "@staticmethod\n    " \
                if member.is_static else ""
            return decorator + member.header()
        return f"{member.name}: {member.annotation or self._type_text(cls, member.name, receiver)}"

    def _type_text(self, cls: ClassSummary, name: str, receiver: TypeExpr) -> str:
        symbol = self.scope.resolver.class_symbol(receiver.name)
        found = self.scope.field_of(symbol, name, receiver).type if symbol is not None else None
        return display(found) or "?"


def _wanted(name: str, inside: bool) -> bool:
    if name.startswith("__"):
        return name in KEPT_DUNDERS and inside
    return inside or not name.startswith("_")


def _shown_module(module: ModuleSummary) -> bool:
    return not is_stdlib(module)


def _shown(symbol: Symbol) -> bool:
    return symbol.cls is not None and _shown_module(symbol.module)


def receiver_class_of(scope: Scope, inferred: Inferred) -> tuple[Symbol, TypeExpr] | None:
    """The class of an attribute hole's receiver (an instance's, or the class object itself;
    for ``super()``, the next class of the MRO)."""
    if inferred.super_of is not None:
        mro = scope.resolver.mro(inferred.super_of)
        if len(mro) < 2:
            return None
        cls, module = mro[1]
        base = Symbol("class", cls.name, module, cls=cls)
        return base, TypeExpr(base.qualname)
    if inferred.symbol is not None and inferred.symbol.kind == "class":
        return inferred.symbol, TypeExpr(inferred.symbol.qualname)
    if inferred.type is None:
        return None
    t = without_none(inferred.type)
    symbol = scope.resolver.class_symbol(t.name) if t.name != "|" else None
    return (symbol, t) if symbol is not None else None


def shown_class(symbol: Symbol) -> bool:
    return _shown(symbol)


__all__ = ["MemberContext", "Receiver", "fresh_locals", "receiver_class_of", "receivers_near", "shown_class"]
