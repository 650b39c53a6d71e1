"""Local bindings: the names a function (and the lambdas and comprehensions in it) binds up to
a point of its body — parameters, assignments, loop and ``with`` targets, imports and nested
definitions — each with what its type can be read from (an annotation, a value, an iterable).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from context.types import TypeExpr


@dataclass
class LocalBinding:
    name: str
    kind: str  # "parameter", "local", "loop", "comprehension", "import", "function", "class"
    line: int
    annotation: str | None = None
    value: ast.expr | None = None
    iter_of: ast.expr | None = None
    index: int | None = None  # position in a tuple target
    fixed: TypeExpr | None = None
    enter_of: ast.expr | None = None  # the context manager of ``with ... as name``
    is_async: bool = False  # ``async with``
    imported: tuple[int, str, str | None] | None = None  # (level, module, name) of a local import
    returns: str | None = None  # the return annotation of a nested function
    default: ast.expr | None = None  # an unannotated parameter's default value
    param_of: str | None = None  # a parameter's function (``Cls.method``), to ask its callers
    previous: LocalBinding | None = None  # the binding an assignment replaced (``node = node.parent``)
    receiver: bool = False  # a method's first parameter: its class's instance (or the class)


def with_defaults(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """A signature's positional then keyword-only parameters, each with its default (None
    without one)."""
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + [*args.defaults, *args.kw_defaults]
    return list(zip([*positional, *args.kwonlyargs], defaults, strict=True))


def _targets(target: ast.expr) -> list[tuple[str, int | None]]:
    if isinstance(target, ast.Name):
        return [(target.id, None)]
    if isinstance(target, ast.Tuple | ast.List):
        # After ``*rest`` the positions count from the end (``first, *rest, last``).
        elts = target.elts
        star = next((i for i, e in enumerate(elts) if isinstance(e, ast.Starred)), len(elts))
        return [(e.id, i if i < star else i - len(elts)) for i, e in enumerate(elts) if isinstance(e, ast.Name)]
    return []


def _before(node: ast.AST, line: int, column: int) -> bool:
    end_line = (getattr(node, "end_lineno", None) or node.lineno) - 1  # type: ignore[attr-defined]
    end_col = getattr(node, "end_col_offset", 0) or 0
    return end_line < line or (end_line == line and end_col <= column)


class LocalBindings:
    """Names bound at (line, column) inside ``chain`` (outermost first): those of the innermost
    function and of the lambdas and comprehensions in it (or the values of the class body the
    point is in), and the names of the enclosing classes."""

    def __init__(self, chain: list[ast.AST], line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        self.class_names: list[str] = []
        self.locals: dict[str, LocalBinding] = {}
        self._collect(chain)

    def _collect(self, chain: list[ast.AST]) -> None:
        class_names = self.class_names
        previous: ast.AST | None = None
        functions = [n for n in chain if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for depth, node in enumerate(chain):
            if isinstance(node, ast.ClassDef):
                class_names.append(node.name)
                if not any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                           for n in chain[chain.index(node) + 1:]):
                    self._collect_class_body(node.body)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # An enclosing function's names stay visible (closures); a method's first
                # parameter is its instance only right inside the class.
                self.function = node
                # a module's function or a method of its class: its callers can be looked up
                named = depth == 0 or (depth == 1 and isinstance(previous, ast.ClassDef))
                qualname = ".".join([*class_names, node.name]) if named else None
                self._add_params(node, class_names if isinstance(previous, ast.ClassDef) else [], qualname)
                self._collect_body(node.body)
                if node is not functions[-1]:
                    self._collect_later(node.body)
            elif isinstance(node, ast.Lambda):
                for a in node.args.args:
                    self.locals[a.arg] = LocalBinding(a.arg, "parameter", node.lineno - 1)
            elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
                for gen in node.generators:
                    for name, index in _targets(gen.target):
                        self.locals[name] = LocalBinding(
                            name,
                            "comprehension",
                            gen.target.lineno - 1,
                            iter_of=gen.iter,
                            index=index,
                        )
            previous = node

    def _add_params(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef, class_names: list[str], qualname: str | None
    ) -> None:
        args = [*fn.args.posonlyargs, *fn.args.args]
        is_method = bool(class_names) and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list
        )
        for i, (a, default) in enumerate(with_defaults(fn.args)):
            binding = LocalBinding(
                a.arg,
                "parameter",
                a.lineno - 1,
                annotation=ast.unparse(a.annotation) if a.annotation else None,
                default=default if a.annotation is None else None,
                param_of=qualname if a.annotation is None else None,
            )
            if i == 0 and is_method and a.annotation is None and a in args:
                binding.param_of = None
                binding.receiver = True
                binding.annotation = ".".join(class_names)
                if any(
                    isinstance(d, ast.Name) and d.id == "classmethod" for d in fn.decorator_list
                ):
                    binding.annotation = f"type[{'.'.join(class_names)}]"
            self.locals[a.arg] = binding
        for extra, wrap in ((fn.args.vararg, "tuple"), (fn.args.kwarg, "dict")):
            if extra is not None:
                ann = ast.unparse(extra.annotation) if extra.annotation else None
                text = (
                    (f"tuple[{ann}, ...]" if wrap == "tuple" else f"dict[str, {ann}]")
                    if ann
                    else wrap
                )
                self.locals[extra.arg] = LocalBinding(
                    extra.arg, "parameter", extra.lineno - 1, annotation=text
                )

    def _collect_class_body(self, body: list[ast.stmt]) -> None:
        """The values a class body assigns before the point, read further down the same body
        (``integer = Word(nums)`` then ``signed = integer.copy()``); its methods and nested
        classes are the class's members, found through the class."""
        known = self.locals
        self.locals = {}
        try:
            self._collect_body(body)
            assigned = {name: b for name, b in self.locals.items() if b.kind in ("local", "loop")}
        finally:
            self.locals = known
        self.locals.update(assigned)

    def _collect_later(self, body: list[ast.stmt]) -> None:
        """Names an enclosing function binds after the nested one: a closure sees them when it
        runs (``stdin`` assigned below ``def send(): stdin.send(...)``)."""
        known, line, column = self.locals, self.line, self.column
        self.locals, self.line, self.column = {}, 10**9, 0
        try:
            self._collect_body(body)
            later = self.locals
        finally:
            self.locals, self.line, self.column = known, line, column
        for name, binding in later.items():
            known.setdefault(name, binding)

    def _collect_body(self, body: list[ast.stmt]) -> None:
        stack: list[ast.AST] = list(reversed(body))
        while stack:
            node = stack.pop()
            line = node.pattern.lineno if isinstance(node, ast.match_case) else node.lineno  # type: ignore[attr-defined]
            if line - 1 > self.line:
                continue
            self._bind_statement(node)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                continue
            # the handlers of a ``try`` and the cases of a ``match`` hold statements too
            stack.extend(
                reversed(
                    [c for c in ast.iter_child_nodes(node)
                     if isinstance(c, ast.stmt | ast.expr | ast.excepthandler | ast.match_case)]
                )
            )

    def _bind_statement(self, node: ast.AST) -> None:
        line = getattr(node, "lineno", 1) - 1
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and (node.value is None or _before(node, self.line, self.column)):
            self.locals[node.target.id] = LocalBinding(
                node.target.id,
                "local",
                line,
                annotation=ast.unparse(node.annotation),
                value=node.value,
            )
        elif isinstance(node, ast.Assign) and _before(node, self.line, self.column):
            for target in node.targets:
                for name, index in _targets(target):
                    prior = self.locals.get(name)
                    if prior is not None and prior.annotation:
                        continue  # a declared type wins over later assignments
                    self.locals[name] = LocalBinding(
                        name, "local", line, value=node.value, index=index, previous=prior
                    )
        elif isinstance(node, ast.NamedExpr) and _before(node, self.line, self.column):
            self.locals[node.target.id] = LocalBinding(
                node.target.id, "local", line, value=node.value
            )
        elif isinstance(node, ast.For | ast.AsyncFor):
            for name, index in _targets(node.target):
                self.locals[name] = LocalBinding(name, "loop", line, iter_of=node.iter, index=index)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    name = item.optional_vars.id
                    self.locals[name] = LocalBinding(name, "local", line, enter_of=item.context_expr,
                                                     is_async=isinstance(node, ast.AsyncWith))
                elif item.optional_vars is not None:
                    for name, _ in _targets(item.optional_vars):
                        self.locals[name] = LocalBinding(name, "local", line)
        elif isinstance(node, ast.match_case):
            for part in ast.walk(node.pattern):  # names a pattern captures: of unknown type
                captured = getattr(part, "name", None) or getattr(part, "rest", None)
                if isinstance(captured, str):
                    self.locals[captured] = LocalBinding(captured, "local", node.pattern.lineno - 1)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type] if node.type else []
            # ``except (A, B) as e``: an ``A | B``
            self.locals[node.name] = LocalBinding(
                node.name, "local", line, annotation=" | ".join(ast.unparse(t) for t in caught) or None
            )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                dotted = alias.name if alias.asname else local
                self.locals[local] = LocalBinding(local, "import", line, imported=(0, dotted, None))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                local = alias.asname or alias.name
                self.locals[local] = LocalBinding(
                    local, "import", line, imported=(node.level, node.module or "", alias.name)
                )
        elif isinstance(node, ast.ClassDef):
            self.locals[node.name] = LocalBinding(node.name, "class", line)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            returns = ast.unparse(node.returns) if node.returns is not None else None
            self.locals[node.name] = LocalBinding(node.name, "function", line, is_async=isinstance(
                node, ast.AsyncFunctionDef), returns=returns)
