"""The scope the ripple reads receivers in: the plain inference (:class:`context.infer.Scope`) and
two things a receiver's type often hangs on in code written without annotations.

- What a comprehension makes of its element: ``[(w, r) for w, r in pairs]`` is a
  ``list[tuple[W, R]]`` when ``pairs`` is typed, so a loop over it types its targets (the plain
  scope knows only ``list``).
- ``isinstance`` narrowing of a name: inside ``if isinstance(x, C):`` (or ``elif``, or a test
  ``isinstance(x, C) and ...``), after ``assert isinstance(x, C)`` and after ``if not
  isinstance(x, C): return`` (``raise``, ``continue``, ``break``), ``x`` is a ``C`` — unless the
  name is bound again after the test. A class the analysis cannot resolve makes ``x`` unknown.
- A class imported inside the function (``from .errors import Failure`` then ``except Failure as
  e:``, ``isinstance(x, Failure)``): names of types are read with the function's imports too.
- A missing value filled in: after ``if not x: x = fallback`` (``if x is None:``), ``x`` is what
  it was before (a parameter typed by its callers, say), without ``None``, or the fallback — a
  fallback of unknown type leaves what ``x`` was.
"""

from __future__ import annotations

import ast

from context.infer import Inferred, Scope
from context.occurrences import COMPREHENSIONS
from context.resolve import Resolver
from context.summary import ModuleSummary
from context.types import TypeExpr, make_union, without_none

Position = tuple[int, int]  # ast's: 1-based line, UTF-8 byte column
EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


class ReceiverScope(Scope):
    """:class:`Scope` with comprehension results and ``isinstance`` narrowing (see the module);
    a parameter is typed by its callers only when every call passes a known type (a use the
    ripple cannot place is a question for the user, not a silent miss)."""

    CALLERS_ALL = True

    def __init__(self, resolver: Resolver, module: ModuleSummary, chain: list[ast.AST], line: int, column: int,
                 busy: set[int] | None = None) -> None:
        super().__init__(resolver, module, chain, line, column)
        self.chain = chain
        self.comprehensions = busy if busy is not None else set()  # being typed: no loop through a name

    # -- comprehensions ------------------------------------------------------------------------
    def expr(self, node: ast.expr) -> Inferred:
        if isinstance(node, COMPREHENSIONS) and id(node) not in self.comprehensions:
            self.comprehensions.add(id(node))
            try:
                made = self.comprehension(node)
            finally:
                self.comprehensions.discard(id(node))
            if made is not None:
                return Inferred(type=made)
        return super().expr(node)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> TypeExpr | None:
        """``list[E]``/``set[E]``/``Iterator[E]``/``dict[K, V]`` when the element's type is known."""
        parts = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
        inner = ReceiverScope(self.resolver, self.module, [*self._around(node), node], parts[0].lineno - 1,
                              parts[0].col_offset, self.comprehensions)
        known: list[TypeExpr] = []
        for part in parts:
            t = inner.expr(part).type
            if t is None:
                return None
            known.append(t)
        name = {ast.ListComp: "list", ast.SetComp: "set", ast.GeneratorExp: "Iterator"}.get(type(node), "dict")
        return TypeExpr(name, tuple(known))

    def _around(self, node: ast.expr) -> list[ast.AST]:
        """The scopes of the chain that hold ``node`` (a local's value may be written in an
        enclosing function, whose nested function's parameters must not shadow its names)."""
        held: list[ast.AST] = []
        for scope in self.chain:
            if not (_start(scope) <= _start(node) and _end(node) <= _end(scope)):
                break
            held.append(scope)
        return held

    def resolve(self, annotation: str | None) -> TypeExpr | None:
        """A type's name read through the imports of the function when they bind it (they
        shadow the module's names), else as the module reads it."""
        return self._imported_type(annotation) or super().resolve(annotation)

    def _imported_type(self, annotation: str | None) -> TypeExpr | None:
        """The classes (a union of them) an annotation names through the function's imports;
        None when a part of it is not so named."""
        if not annotation or not any(b.kind == "import" for b in self.locals.values()):
            return None
        try:
            node = ast.parse(annotation, mode="eval").body
        except SyntaxError:
            return None
        classes: list[TypeExpr] = []
        for part in _union_parts(node):
            head = part
            while isinstance(head, ast.Attribute):
                head = head.value
            binding = self.locals.get(head.id) if isinstance(head, ast.Name) else None
            if binding is None or binding.kind != "import":
                return None
            symbol = self.expr(part).symbol
            if symbol is None or symbol.kind != "class":
                return None
            classes.append(TypeExpr(symbol.qualname))
        return make_union(classes) if classes else None

    # -- isinstance narrowing ----------------------------------------------------------------------
    def _name(self, name: str) -> Inferred:
        classes = self._narrowed(name)
        if classes is not None:
            return Inferred(type=self._classes(classes))
        filled = self._filled(name)
        if filled is not None:
            return Inferred(type=filled)
        return super()._name(name)

    def _filled(self, name: str) -> TypeExpr | None:
        """The type of ``name`` after ``if not name: name = fallback`` (or ``if name is None:``)
        when the use is past that ``if``: what the name was before, without ``None``, or the
        fallback (when its type is known); None when the name is not bound so."""
        binding = self.locals.get(name)
        function = next((s for s in reversed(self.chain) if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)), None)
        if binding is None or binding.kind != "local" or binding.value is None or binding.previous is None \
                or function is None:
            return None
        at = (self.line + 1, self.column)
        guard = _guard_of(function, binding.value, name)
        if guard is None or _start(guard) <= at <= _end(guard):
            return None
        before = self.binding_type(binding.previous)
        if before is None:
            return None
        fallback = self.value_type(self.expr(binding.value))
        kept = [t for t in (without_none(before), fallback) if t is not None and t.name != "None"]
        return make_union(kept) if kept else None

    def _narrowed(self, name: str) -> ast.expr | None:
        """The classes an ``isinstance`` test narrows ``name`` to here, in the scope that binds
        it (a comprehension's ``if``, or its function's statements)."""
        at = (self.line + 1, self.column)
        for scope in reversed(self.chain):
            if isinstance(scope, COMPREHENSIONS):
                binding = [g for g in scope.generators if name in _names(g.target)]
                if binding:
                    tests = [_isinstance_of(test, name) for test in binding[-1].ifs]
                    return next((c for c in tests if c is not None), None)
            elif isinstance(scope, ast.Lambda):
                if name in {a.arg for a in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]}:
                    return None
            elif isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                guard = _narrowing(scope.body, name, at)
                if guard is None:
                    return None
                classes, region = guard
                return None if _bound_in(region, name, _start(classes)) else classes
            else:
                return None
        return None

    def _classes(self, classes: ast.expr) -> TypeExpr | None:
        """The type ``isinstance``'s second argument names (a tuple: their union); None when
        one of them does not resolve."""
        found = [self.resolve(ast.unparse(c)) for c in (classes.elts if isinstance(classes, ast.Tuple) else [classes])]
        known = [t for t in found if t is not None]
        return make_union(known) if known and len(known) == len(found) else None


def _start(node: ast.AST) -> Position:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _end(node: ast.AST) -> Position:
    return getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0


def _holds(nodes: list[ast.stmt], at: Position) -> bool:
    return bool(nodes) and _start(nodes[0]) <= at <= _end(nodes[-1])


def _isinstance_of(test: ast.expr, name: str, negated: bool = False) -> ast.expr | None:
    """The classes of ``isinstance(name, classes)`` in ``test`` (``not isinstance(...)`` when
    ``negated``; one of the operands of an ``and`` when not)."""
    if negated:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return _isinstance_of(test.operand, name)
        return None
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return next((c for c in (_isinstance_of(v, name) for v in test.values) if c is not None), None)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" \
            and len(test.args) == 2 and not test.keywords:
        subject, classes = test.args
        if isinstance(subject, ast.Name) and subject.id == name:
            return classes
    return None


def _narrowing(body: list[ast.stmt], name: str, at: Position) -> tuple[ast.expr, ast.AST] | None:
    """The innermost ``isinstance`` test on ``name`` that holds at ``at`` in ``body``, with the
    region it holds in; None when there is none."""
    found: tuple[ast.expr, ast.AST] | None = None
    region: ast.AST = ast.Module(body=body, type_ignores=[])
    for stmt in body:
        if _start(stmt) > at:
            break
        if _start(stmt) <= at <= _end(stmt):
            if isinstance(stmt, ast.If) and _holds(stmt.body, at):
                classes = _isinstance_of(stmt.test, name)
                found = (classes, stmt) if classes is not None else found
            for block in _blocks(stmt):
                if _holds(block, at):
                    return _narrowing(block, name, at) or found
            return found
        if isinstance(stmt, ast.Assert):
            classes = _isinstance_of(stmt.test, name)
        elif isinstance(stmt, ast.If) and not stmt.orelse and stmt.body and isinstance(stmt.body[-1], EXITS):
            classes = _isinstance_of(stmt.test, name, negated=True)
        else:
            classes = None
        if classes is not None:
            found = (classes, region)
    return found


def _union_parts(node: ast.expr) -> list[ast.expr]:
    """``A | B | C``: its operands; anything else: itself."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_union_parts(node.left), *_union_parts(node.right)]
    return [node]


def _guard_of(function: ast.AST, value: ast.expr, name: str) -> ast.If | None:
    """The ``if not name:`` (``if name is None:``) of ``function`` whose body assigns ``value``
    to the name; None when the assignment is not so guarded."""
    for node in ast.walk(function):
        if not isinstance(node, ast.If) or node.orelse or not _tests_missing(node.test, name):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and stmt.value is value \
                    and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                return node
    return None


def _tests_missing(test: ast.expr, name: str) -> bool:
    """``not name``, ``name is None`` or ``name == None``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == name
    return isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == name \
        and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is | ast.Eq) \
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    """The statement blocks a compound statement holds (not those of nested definitions)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    blocks = [getattr(stmt, field) for field in ("body", "orelse", "finalbody") if getattr(stmt, field, None)]
    blocks += [h.body for h in getattr(stmt, "handlers", [])]
    blocks += [c.body for c in getattr(stmt, "cases", [])]
    return blocks


def _names(target: ast.expr) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _bound_in(region: ast.AST, name: str, after: Position) -> bool:
    """Whether ``name`` is bound again in ``region`` after the test at ``after`` (before the use
    or after it: a loop may bring it back)."""
    for node in ast.walk(region):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound = node.id
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound = node.name
        elif isinstance(node, ast.alias):
            bound = (node.asname or node.name).split(".")[0]
        else:
            continue
        if bound == name and _start(node) > after:
            return True
    return False


__all__ = ["ReceiverScope"]
