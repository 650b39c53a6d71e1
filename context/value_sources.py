"""Value sources: what a function assigns to its receiver's attributes and what it returns, each
with the names the expression reads that the function binds — so the value can be inferred later,
from the summary alone, in the defining module (``self.reader = env.open_reader(path)`` with
``env: Environment`` gives the attribute the return type of ``Environment.open_reader``).

A name bound more than once in the function, or by a loop, ``with``, an import or a nested
definition, is recorded without a type: unknown, never a global of the same name.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable

from context.bindings import with_defaults
from context.summary import CallSite, FieldSummary, ValueSource

MAX_VALUES = 3  # more distinct values than this: the attribute's type is left unknown
MAX_NAMES = 8
MAX_TEXT = 120
MAX_DEPTH = 3  # locals read through locals
MAX_CALLS = 48  # calls kept per function
UNKNOWN = ValueSource("")  # an assignment whose value cannot be summarized


def _text(node: ast.AST | None) -> str | None:
    if node is None:
        return None
    text = ast.unparse(node)
    return text if len(text) <= MAX_TEXT else None


def _kept(value: ast.expr) -> tuple[ast.expr, str | None]:
    """``value`` and its text, or when it is too long to keep, the same chain of calls with each
    call's arguments left out: what a callee returns seldom depends on them
    (``self.pool = ConnectionPool(<ten keyword arguments>)`` stays a ``ConnectionPool``;
    ``Combine(<long regexes>).set_name("string")`` becomes ``Combine(...).set_name(...)``); the
    text None when even that is too long."""
    text = _text(value)
    if text is not None:
        return value, text
    short = _elided(value)
    return short, _text(short)


def _elided(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.Call):
        return ast.Call(_elided(node.func), [ast.Constant(...)] if node.args or node.keywords else [], [])
    if isinstance(node, ast.Attribute):
        return ast.Attribute(_elided(node.value), node.attr, ast.Load())
    return node


def kept_text(value: ast.expr) -> str | None:
    """The text of ``value`` to infer its type from later (see :func:`_kept`); None when even
    that is too long."""
    return _kept(value)[1]


def _in_order(nodes: Iterable[ast.AST]) -> list[ast.AST]:
    return sorted(nodes, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def _nested(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)


NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


# Nodes without children that nothing here reads (``Load``, ``Add``, ``Eq``...): left out.
LEAVES = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
# The nodes that bind a name in a function body (see :meth:`FunctionValues._bind`).
BINDERS = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.comprehension,
           ast.NamedExpr, ast.withitem, ast.ExceptHandler, ast.Import, ast.ImportFrom, *NESTED)


def body_nodes(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of the function's own body (the nested functions, classes and lambdas
    themselves, not what is inside them), in the order :func:`ast.iter_child_nodes` would give
    them, without the childless operator and context nodes."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(fn.body)
    push, pop, AST = stack.append, stack.pop, ast.AST
    while stack:
        node = pop()
        out.append(node)
        if isinstance(node, NESTED):
            continue
        for field in node._fields:  # what ``ast.iter_child_nodes`` does, without its generators
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, AST) and not isinstance(item, LEAVES):
                        push(item)
            elif isinstance(value, AST) and not isinstance(value, LEAVES):
                push(value)
    return out


class FunctionValues:
    """The bindings of one function body, to summarize the values it assigns and returns."""

    def __init__(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, is_method: bool,
                 nodes: list[ast.AST] | None = None, qualname: str = "") -> None:
        self.nodes = nodes if nodes is not None else body_nodes(fn)
        self.qualname = qualname
        self._statements: list[ast.stmt] | None = None
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        self.receiver = positional[0].arg if is_method and positional else None
        self.params: dict[str, str | None] = {
            a.arg: _text(a.annotation) for a in [*positional, *args.kwonlyargs]
        }
        for extra, wrap in ((args.vararg, "tuple[{}, ...]"), (args.kwarg, "dict[str, {}]")):
            if extra is not None:
                ann = _text(extra.annotation)
                self.params[extra.arg] = wrap.format(ann) if ann else wrap.split("[", 1)[0]
        if self.receiver is not None:
            self.params.pop(self.receiver, None)
        self.defaults = {a.arg: _text(d) for a, d in with_defaults(args) if d is not None and a.annotation is None}
        self.locals: dict[str, list[tuple[str | None, ast.expr | None]]] = {}
        self.binders: dict[str, list[ast.AST]] = {}  # the node of each of ``locals``' bindings
        self._body = fn.body
        self._places: dict[int, tuple[int, int, ast.stmt | None]] | None = None
        for node in self.nodes:
            if isinstance(node, BINDERS):
                self._binder = node
                self._bind(node)

    def _add(self, name: str, annotation: str | None = None, value: ast.expr | None = None) -> None:
        self.locals.setdefault(name, []).append((annotation, value))
        self.binders.setdefault(name, []).append(self._binder)

    def _placed(self) -> dict[int, tuple[int, int, ast.stmt | None]]:
        """Each statement of the body (nested definitions' insides left out): the statement list
        it is in, its index there and the statement that holds that list."""
        if self._places is None:
            places: dict[int, tuple[int, int, ast.stmt | None]] = {}
            stack: list[tuple[list[ast.stmt], ast.stmt | None]] = [(self._body, None)]
            while stack:
                body, parent = stack.pop()
                for i, stmt in enumerate(body):
                    places[id(stmt)] = (id(body), i, parent)
                    if isinstance(stmt, NESTED):
                        continue
                    for field in ("body", "orelse", "finalbody"):
                        inner = getattr(stmt, field, None)
                        if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                            stack.append((inner, stmt))
                    for part in [*getattr(stmt, "handlers", []), *getattr(stmt, "cases", [])]:
                        stack.append((part.body, stmt))
            self._places = places
        return self._places

    def _dominates(self, binder: ast.AST, at: ast.stmt) -> bool:
        """Whether the statement ``binder`` runs, unconditionally, before ``at`` does: it sits
        earlier in a statement list that holds ``at`` or a statement around it."""
        places = self._placed()
        where = places.get(id(binder))
        node: ast.stmt | None = at
        while where is not None and node is not None:
            place = places.get(id(node))
            if place is None:
                return False
            if place[0] == where[0]:
                return place[1] > where[1]
            node = place[2]
        return False

    def _reaching(self, name: str, at: ast.AST | None) -> list[int] | None:
        """The bindings of ``name`` (indices into ``locals[name]``) that may hold at ``at``: from
        the last assignment that surely ran before it on (``expr = cast(ParserElement, expr)``
        then ``self.expr = expr`` sees the cast alone), else all. None when the name is unbound."""
        bound = self.locals.get(name)
        if bound is None or len(bound) < 2 or not isinstance(at, ast.stmt):
            return None if bound is None else list(range(len(bound)))
        binders = self.binders[name]
        lines = [getattr(b, "lineno", 0) for b in binders]
        if any(line >= at.lineno for line in lines):
            return list(range(len(bound)))  # bound again at or after the use: a loop may bring it back
        last = max((i for i, b in enumerate(binders)
                    if isinstance(b, ast.Assign | ast.AnnAssign) and self._dominates(b, at)),
                   key=lambda i: lines[i], default=None)
        if last is None:
            return list(range(len(bound)))
        return [i for i, line in enumerate(lines) if line >= lines[last]]

    def _bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self._add(target.id, value=node.value)
                else:
                    self._unknown_targets(target)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            self._add(node.target.id, _text(node.annotation), node.value)
        elif isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor | ast.comprehension):
            self._unknown_targets(node.target)
        elif isinstance(node, ast.NamedExpr):
            self._add(node.target.id, value=node.value)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._unknown_targets(node.optional_vars)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._add(node.name, _text(node.type))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                self._add((alias.asname or alias.name).split(".")[0])
        elif _nested(node) and not isinstance(node, ast.Lambda):
            self._add(node.name)  # type: ignore[attr-defined]

    def _unknown_targets(self, target: ast.expr) -> None:
        """The names a target binds, each unknown: not those it only reads (``new`` of
        ``new.parent = self`` or ``items[i] = x`` binds nothing)."""
        for node in ast.walk(target):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self._add(node.id)
                self._add(node.id)  # twice: never a single known value

    def source(self, value: ast.expr, at: ast.stmt | None = None) -> ValueSource:
        """``value`` (of the statement ``at``) with the function's names it reads; UNKNOWN when
        too long to keep."""
        value, text = _kept(value)
        if text is None:
            return UNKNOWN
        names: list[tuple[str, str | None, str | None]] = []
        self._gather(value, names, set(), 0, at)
        kept = tuple(names[:MAX_NAMES])
        parameters = tuple(
            (name, self.defaults.get(name)) for name, annotation, text in kept
            if annotation is None and text is None and name in self.params
            and self.params[name] is None and name not in self.locals
        )
        return ValueSource(text, kept, self.receiver, self.qualname if parameters else "", parameters)

    def calls(self) -> tuple[CallSite, ...]:
        """The calls of the body (its own, not nested definitions' or lambdas') that pass a name,
        an attribute or a call's result — what can hold an instance — in order, at most
        MAX_CALLS; calls of builtins left out."""
        found: list[CallSite] = []
        calls = [n for n in self.nodes if isinstance(n, ast.Call) and _passes_objects(n)
                 and _dotted_name(n.func) is not None]
        for call in _in_order(calls)[:MAX_CALLS]:
            assert isinstance(call, ast.Call)
            found.append(self._call_site(call))
        return tuple(found)

    def _call_site(self, call: ast.Call) -> CallSite:
        at = self._statement_of(call)
        args: list[ValueSource] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                break
            args.append(self.source(arg, at) if isinstance(arg, OBJECTS) else UNKNOWN)
        keywords = tuple((k.arg, self.source(k.value, at)) for k in call.keywords
                         if k.arg is not None and isinstance(k.value, OBJECTS))
        callee = _dotted_name(call.func) or ""
        root = callee.split(".", 1)[0]
        # a callee through the function's own names needs them; a global or ``self.x`` does not
        source = self.source(call.func, at) if root in self.params or root in self.locals \
            else ValueSource(callee, (), self.receiver)
        return CallSite(callee.rsplit(".", 1)[-1], source, tuple(args), keywords)

    def _statement_of(self, node: ast.AST) -> ast.stmt | None:
        """The innermost statement of the body that holds ``node``."""
        if self._statements is None:
            self._statements = sorted((n for n in self.nodes if isinstance(n, ast.stmt)),
                                      key=lambda n: (n.lineno, -(n.end_lineno or n.lineno)))
        line = getattr(node, "lineno", 0)
        held: ast.stmt | None = None
        for stmt in self._statements:
            if stmt.lineno > line:
                break
            if (stmt.end_lineno or stmt.lineno) >= line:
                held = stmt
        return held

    def _gather(self, value: ast.expr, names: list[tuple[str, str | None, str | None]], seen: set[str],
                depth: int, at: ast.AST | None) -> None:
        """Each name ``value`` (read in the statement ``at``) reads that the function binds: a
        parameter with its annotation, a local with each of its (at most MAX_VALUES) bindings
        that may reach ``at``, an unknown name once, unannotated."""
        for node in ast.walk(value):
            if not isinstance(node, ast.Name) or node.id == self.receiver or node.id in seen:
                continue
            name = node.id
            seen.add(name)
            reaching = self._reaching(name, at)
            if reaching is None:
                if name in self.params:
                    names.append((name, self.params[name], None))
                continue
            bound = [self.locals[name][i] for i in reaching]
            known = depth < MAX_DEPTH and len(bound) <= MAX_VALUES
            # each unannotated value as kept (see :func:`_kept`), worked out once
            kept = [_kept(v) if a is None and v is not None else None for a, v in bound] if known else []
            if not known or any(a is None and (k is None or k[1] is None)
                                for (a, _), k in zip(bound, kept, strict=True)):
                names.append((name, None, None))
                continue
            if name in self.params and self.params[name] is not None \
                    and len(bound) == len(self.locals[name]):
                names.append((name, self.params[name], None))  # declared; the values narrow it
            for i, (annotation, _), k in zip(reaching, bound, kept, strict=True):
                names.append((name, annotation, k[1] if k is not None else None))
                if k is not None:
                    self._gather(k[0], names, seen, depth + 1, self.binders[name][i])

    def returned(self) -> tuple[ValueSource, ...]:
        """What the function returns, when it is no generator and returns few distinct values."""
        found: list[ValueSource] = []
        if any(isinstance(node, ast.Yield | ast.YieldFrom) for node in self.nodes):
            return ()
        for node in _in_order(n for n in self.nodes if isinstance(n, ast.Return) and n.value is not None):
            assert isinstance(node, ast.Return) and node.value is not None
            source = self.source(node.value, node)
            if source not in found:
                found.append(source)
        return tuple(found) if len(found) <= MAX_VALUES else ()

    def receiver_fields(self) -> list[FieldSummary]:
        """``self.x: T = ...`` and ``self.x = value`` in this method."""
        out: list[FieldSummary] = []
        if self.receiver is None:
            return out
        kinds = (ast.AnnAssign, ast.Assign, *NESTED)
        for node in _in_order(n for n in self.nodes if isinstance(n, kinds)):
            if isinstance(node, ast.AnnAssign) and self._is_receiver_attr(node.target):
                assert isinstance(node.target, ast.Attribute)
                out.append(FieldSummary(node.target.attr, _text(node.annotation), None, node.lineno - 1))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    out.extend(self._assigned(target, node.value, node))
            elif _nested(node):
                out.extend(self._nested_fields(node))
        return out

    def _nested_fields(self, definition: ast.AST) -> list[FieldSummary]:
        """Attributes a nested function assigns through the receiver: known to exist, not typed."""
        out: list[FieldSummary] = []
        for node in ast.walk(definition):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                if self._is_receiver_attr(target):
                    assert isinstance(target, ast.Attribute)
                    out.append(FieldSummary(target.attr, None, None, target.lineno - 1, values=(UNKNOWN,)))
        return out

    def _is_receiver_attr(self, target: ast.expr) -> bool:
        return (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id == self.receiver)

    def _assigned(self, target: ast.expr, value: ast.expr | None, at: ast.stmt) -> list[FieldSummary]:
        if isinstance(target, ast.Tuple | ast.List):
            values: list[ast.expr | None] = [None] * len(target.elts)
            if isinstance(value, ast.Tuple | ast.List):
                if len(value.elts) == len(target.elts):
                    values = list(value.elts)
            elif value is not None and not any(isinstance(t, ast.Starred) for t in target.elts):
                # ``self.a, self.b = parse(x)``: each the item of the value at its index
                values = [ast.Subscript(value, ast.Constant(i), ast.Load()) for i in range(len(target.elts))]
            return [f for t, v in zip(target.elts, values, strict=True) for f in self._assigned(t, v, at)]
        if not self._is_receiver_attr(target):
            return []
        assert isinstance(target, ast.Attribute)
        line = target.lineno - 1
        if isinstance(value, ast.Name) and value.id in self.params and value.id not in self.locals \
                and self.params[value.id] is not None:
            return [FieldSummary(target.attr, self.params[value.id], None, line)]  # typed by the parameter
        source = self.source(value, at) if value is not None else UNKNOWN
        return [FieldSummary(target.attr, None, None, line, values=(source,))]


OBJECTS = (ast.Name, ast.Attribute, ast.Call)  # arguments that may hold an instance
BUILTIN_NAMES = frozenset(dir(builtins))


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a name or a chain of attributes on one; None for any other expression."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _dotted_name(node: ast.expr) -> str | None:
    """``name``, ``a.b.name``: a callee whose target the summary can look up (no builtin)."""
    text = dotted(node)
    return None if text is None or text in BUILTIN_NAMES else text


def _passes_objects(call: ast.Call) -> bool:
    return any(isinstance(a, OBJECTS) for a in call.args) or any(
        k.arg is not None and isinstance(k.value, OBJECTS) for k in call.keywords)


def value_source(value: ast.expr) -> ValueSource:
    """A value written where it reads no local names (a class body)."""
    text = _kept(value)[1]
    return ValueSource(text) if text is not None else UNKNOWN


def merge_fields(fields: list[FieldSummary], assigned: list[FieldSummary]) -> list[FieldSummary]:
    """Class-level fields, then attributes assigned through the receiver; one field per name: the
    first annotation wins, else the values assigned anywhere (too many: one unknown)."""
    order: list[str] = []
    by_name: dict[str, FieldSummary] = {}
    for f in [*fields, *assigned]:
        prior = by_name.get(f.name)
        if prior is None:
            order.append(f.name)
            by_name[f.name] = f
        elif prior.annotation is None and f.annotation is not None:
            by_name[f.name] = f
        elif prior.annotation is None and f.annotation is None:
            values = [*prior.values, *(v for v in f.values if v not in prior.values)]
            if len(values) > MAX_VALUES:
                values = [UNKNOWN]
            by_name[f.name] = FieldSummary(prior.name, None, prior.default, prior.line, prior.class_var,
                                           tuple(values))
    return [by_name[name] for name in order]


__all__ = ["UNKNOWN", "FunctionValues", "ValueSource", "body_nodes", "dotted", "kept_text", "merge_fields",
           "value_source"]
