"""Values that clearly cannot match their declared type: annotated assignments, returns and
arguments."""

from __future__ import annotations

import ast

from context.diagnose.facts import NameScope
from context.diagnose.inference import CautiousScope, InferenceScopes
from context.diagnose.text import chain_texts, norm, short, short_name, union_parts
from context.model import Diagnostic
from context.resolve import Symbol
from context.summary import ModuleSummary, Param
from context.types import TypeExpr, display, make_union

SCALARS = frozenset({"int", "float", "complex", "str", "bytes", "bool", "None", "list", "dict", "set",
                     "tuple", "frozenset", "bytearray"})
PROMOTIONS = {"bool": {"int", "float", "complex"}, "int": {"float", "complex"}, "float": {"complex"},
              "bytearray": {"bytes"}}
DUCK_TYPED_MODULES = frozenset({"typing", "typing_extensions", "collections.abc", "_typeshed", "types", "abc"})
MAX_TYPE_TEXT = 60
STRING_ELEMENTS = {"str": "str", "bytes": "int", "bytearray": "int"}  # what iterating over them gives
ELEMENT_CONTAINERS = frozenset({"Iterable", "Sequence", "Collection", "Reversible"})  # parameter: the element
WRAPPERS = frozenset({"InitVar", "ClassVar", "Final"})  # qualifiers around the declared type


class TypeChecks(InferenceScopes):
    """Values whose inferred type is incompatible with the declared one."""

    def _argument_types(self, call: ast.Call, infer: CautiousScope, label: str, params: tuple[Param, ...],
                        module: ModuleSummary) -> list[Diagnostic]:
        positional = [p for p in params if p.kind in ("posonly", "pos")]
        pairs = list(zip(call.args, positional, strict=False))
        varargs = next((p for p in params if p.kind == "varargs"), None)
        if varargs is not None:  # each extra positional argument has the annotated type
            pairs += [(arg, varargs) for arg in call.args[len(positional):]]
        named = {p.name: p for p in params if p.kind in ("pos", "kwonly")}
        pairs += [(kw.value, named[kw.arg]) for kw in call.keywords if kw.arg in named]
        out: list[Diagnostic] = []
        for value, param in pairs:
            if param.annotation is None:
                continue
            expected = self.resolver.resolve_type(param.annotation, module)
            problem = self.type_problem(value, expected, infer, f"for parameter '{param.name}' of {label}")
            if problem is not None:
                out.append(problem)
        return out

    def declared_type_problems(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for node, scope in self.facts.annassigns:
            if node.value is None or node.lineno - 1 in self.replaced:
                continue
            problem = self._annotation_problem(node.value, node.annotation, scope,
                                               f"for '{ast.unparse(node.target)}'")
            if problem is not None:
                out.append(problem)
        for ret, scope in self.facts.returns:
            fn = scope.node
            if ret.value is None or not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) \
                    or fn.returns is None or ret.lineno - 1 in self.replaced or self._generator(fn):
                continue
            problem = self._annotation_problem(ret.value, fn.returns, scope, f"as the return value of {fn.name}()")
            if problem is not None:
                out.append(problem)
        return out

    def _annotation_problem(self, value: ast.expr, annotation: ast.expr, scope: NameScope,
                            where: str) -> Diagnostic | None:
        infer = self.infer_scope(scope)
        expected = infer.resolve(ast.unparse(_declared(annotation)))
        return self.type_problem(value, expected, infer, where)

    def _generator(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        key = id(fn)
        if key not in self._generators:
            self._generators[key] = _is_generator(fn)
        return self._generators[key]

    def type_problem(self, value: ast.expr, expected: TypeExpr | None, infer: CautiousScope, where: str) -> Diagnostic | None:
        wanted = self._expected_members(expected) if expected is not None else None
        if wanted is None or expected is None:
            return None
        got = self._actual_members(value, infer)
        if got is None or any(self.compatible(a, e) for a in got for e in wanted):
            return None
        message = f"expected '{_shown(expected)}' {where}, got '{_shown(make_union(got))}'"
        return self.problem(value, message, "types", "type-mismatch")

    def _expected_members(self, t: TypeExpr) -> list[TypeExpr] | None:
        out: list[TypeExpr] = []
        for member in union_parts(t):
            name = norm(member.name)
            if name not in SCALARS and not self._nominal(member) and self._structural(member) is None:
                return None
            out.append(member)
        return out

    def _nominal(self, t: TypeExpr) -> bool:
        """A class whose instances are exactly its subclasses' (no registration, no protocol)."""
        symbol = self.class_of(t)
        mro = self.mro(symbol) if symbol is not None else None
        return not (symbol is None or mro is None or self.dynamic(mro) or symbol.module.module in DUCK_TYPED_MODULES
                    or any(f.metaclass is not None for _, f in mro)
                    or (symbol.cls is not None and symbol.cls.kind not in ("class", "dataclass", "namedtuple")))

    def _structural(self, t: TypeExpr) -> set[str] | None:
        """The members a protocol (or a duck-typed typing class) asks for; None for other types."""
        key = norm(t.name)
        if key not in self._protocols:
            self._protocols[key] = self._required_members(t)
        return self._protocols[key]

    def _required_members(self, t: TypeExpr) -> set[str] | None:
        symbol = self.class_of(t)
        root = self.builtin("object")
        if symbol is None or symbol.cls is None or root is None:
            return None
        common = self.instance_members(root) or set()
        if symbol.module.module in DUCK_TYPED_MODULES and self.mro(symbol) is not None:
            members = self.instance_members(symbol)
            return members - common if members is not None else None
        if not any(short(b) == "Protocol" for b in symbol.cls.bases):
            return None
        required: set[str] = set()
        queue: list[Symbol] = [symbol]
        seen: set[tuple[str, int]] = set()
        while queue:
            current = queue.pop()
            if (current.path, current.line) in seen:
                continue
            seen.add((current.path, current.line))
            facts = self.facts_for(current.module)
            found = facts.classes.get(current.line) if facts is not None else None
            if found is None or current.cls is None:
                return None
            required |= found.members
            for base in current.cls.bases:
                if short(base) not in ("Protocol", "Generic"):
                    resolved = self.resolve_class(short_name(base), current.module)
                    if resolved is None:
                        return None
                    queue.append(resolved)
        return required - common - {"__slots__", "__match_args__"}

    def _actual_members(self, node: ast.expr, infer: CautiousScope) -> list[TypeExpr] | None:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return [TypeExpr("None")]
            kind = type(node.value).__name__
            return [TypeExpr(kind)] if kind in SCALARS else None
        displays = {ast.JoinedStr: "str", ast.List: "list", ast.ListComp: "list", ast.Dict: "dict",
                    ast.DictComp: "dict", ast.Set: "set", ast.SetComp: "set", ast.Tuple: "tuple"}
        for kind_of, name in displays.items():
            if isinstance(node, kind_of):
                return [TypeExpr(name)]
        if isinstance(node, ast.BoolOp | ast.Lambda | ast.GeneratorExp | ast.Yield | ast.YieldFrom):
            return None
        if isinstance(node, ast.Name) and node.id in infer.rebound:
            return None  # an assignment may have narrowed what the declaration says
        narrowed = infer.narrowed_texts
        if narrowed and any(n == text or n.startswith(text + ".") for text in chain_texts(node) for n in narrowed):
            return None  # isinstance() or hasattr() may have changed what the value is here
        inferred = infer.expr(node).type
        if inferred is None:
            return None
        members = list(union_parts(inferred))
        for member in members:
            if norm(member.name) in SCALARS:
                continue
            symbol = self.class_of(member)
            if symbol is None or self.mro(symbol) is None:
                return None
        return members

    def compatible(self, actual: TypeExpr, expected: TypeExpr) -> bool:
        a, e = norm(actual.name), norm(expected.name)
        if a == e or e in PROMOTIONS.get(a, ()):
            return True
        required = self._structural(expected) if e not in SCALARS and not self._nominal(expected) else None
        if required is not None:  # checked for builtin values only: their members are all known
            if a == "None":
                return not required
            builtin = self.builtin(a) if "." not in a else None
            members = self.instance_members(builtin) if builtin is not None else None
            return members is None or (required <= members and self._elements_fit(a, expected))
        if "None" in (a, e):
            return False
        symbol = self.class_of(actual)
        mro = self.mro(symbol) if symbol is not None else None
        if mro is None:
            return True
        return any(norm(owner.qualname) == e for owner, _ in mro)

    def _elements_fit(self, actual: str, expected: TypeExpr) -> bool:
        """Whether iterating over a string (of characters) or bytes (of ints) may give the elements an
        iterable type asks for; true unless the element type clearly differs."""
        element = STRING_ELEMENTS.get(actual)
        if element is None or expected.short not in ELEMENT_CONTAINERS or not expected.args:
            return True
        wanted = self._expected_members(expected.args[0])
        return wanted is None or any(self.compatible(TypeExpr(element), w) for w in wanted)


def _declared(annotation: ast.expr) -> ast.expr:
    """The type inside ``InitVar[...]``, ``ClassVar[...]`` and ``Final[...]``."""
    while isinstance(annotation, ast.Subscript) and short(ast.unparse(annotation.value)) in WRAPPERS:
        annotation = annotation.slice
    return annotation


def _is_generator(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Yield | ast.YieldFrom):
            return True
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _shown(t: TypeExpr) -> str:
    text = display(t) or str(t)
    return text if len(text) <= MAX_TYPE_TEXT else text[: MAX_TYPE_TEXT - 3] + "..."
