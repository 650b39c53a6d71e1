"""Types of expressions and bindings at a point of a module, from annotations and constructors.

The inference is deliberately simple and predictable — what the annotations, constructor calls
and return types say, followed across modules — and says "unknown" (None) rather than guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from context.bindings import LocalBinding, LocalBindings
from context.callers import parameter_type
from context.generics import class_arguments, class_key, has_type_variable, substitute
from context.infer_calls import RESULT_TYPES as BUILTIN_CALL_TYPES
from context.infer_calls import builtin_call, called_instance, entered
from context.infer_values import parse_expression, sources_type
from context.resolve import Resolver, Symbol
from context.summarize import absolute_module
from context.summary import ClassSummary, FieldSummary, FunctionSummary, ModuleSummary, ValueSource
from context.types import (
    BUILTIN_TYPES,
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


CAST_FUNCTIONS = ("typing.cast", "typing_extensions.cast")


@dataclass(frozen=True)
class Inferred:
    """An instance of ``type``, or the object ``symbol`` itself (a class, function or module);
    ``super_of`` for ``super()`` in a method of that class."""

    type: TypeExpr | None = None
    symbol: Symbol | None = None
    bound_to: TypeExpr | None = None  # the receiver of a bound method
    super_of: Symbol | None = None


def parents_of(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


class Scope:
    """What names and expressions denote at (line, column) inside ``chain`` (outermost first)
    of ``module``. Values assigned or returned elsewhere (see :mod:`context.value_sources`) are
    inferred in scopes of their own (:meth:`value_scope`); of several, the known ones make a
    union (``PARTIAL``) — a cautious subclass asks for all."""

    PARTIAL = True
    GUESSES = True  # an unannotated parameter is taken to be of its default's type (a cautious scope: unknown)
    CALLERS_ALL = False  # a parameter typed by its callers when some pass known types (else: all must)

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
            # the class being defined (not what a later import binds its name to)
            dotted = ".".join(bindings.class_names)
            symbol = resolver.defined_class(module, dotted) or resolver.lookup_dotted(module, dotted)
            self.class_symbol = symbol if symbol is not None and symbol.kind == "class" else None
        self._cache: dict[str, Inferred] = {}
        self._busy: set[str] = set()
        self._reading: dict[str, LocalBinding] = {}  # the earlier binding a busy name's reads get

    def forget(self) -> None:
        """Forget what names were inferred to be (after bindings changed)."""
        self._cache.clear()

    def resolve(self, annotation: str | None) -> TypeExpr | None:
        return self.resolver.resolve_type(annotation, self.module)

    def name(self, name: str) -> Inferred:
        """What ``name`` denotes here: locals, then the module, then builtins."""
        if name in self._cache:
            return self._cache[name]
        if name in self._busy:
            return self._earlier(name)
        self._busy.add(name)
        try:
            result = self._name(name)
        finally:
            self._busy.discard(name)
        self._cache[name] = result
        return result

    def _earlier(self, name: str) -> Inferred:
        """``name`` read while its own value is being worked out: ``node = node.parent`` reads
        the binding the assignment replaces (and ``x = f(x)`` after ``x = g(x)`` the one before
        that), unknown when there is none. The checker's cautious scope does not follow it."""
        saved = self._reading.get(name)
        current = saved or self.locals.get(name)
        earlier = current.previous if current is not None else None
        if earlier is None or not self.GUESSES or earlier.kind in ("import", "function", "class"):
            return Inferred()
        self._reading[name] = earlier
        try:
            return self.instance_or_class(self.binding_type(earlier))
        finally:
            if saved is None:
                del self._reading[name]
            else:
                self._reading[name] = saved

    def _name(self, name: str) -> Inferred:
        binding = self.locals.get(name)
        if binding is not None and binding.kind not in ("import", "function", "class"):
            return self.instance_or_class(self.binding_type(binding))
        if binding is not None and binding.imported is not None:
            return self._imported(*binding.imported)
        if binding is not None and binding.kind == "function":
            # a nested function: called, it gives what its annotation says (unknown without one)
            nested = FunctionSummary(name, (), binding.returns, binding.line, binding.is_async)
            return Inferred(symbol=Symbol("function", name, self.module, function=nested))
        if binding is not None and binding.kind == "class":
            return Inferred()  # a class defined in the function: not in the index
        symbol = self.resolver.lookup(self.module, name)
        if symbol is None:
            if name in BUILTIN_CALL_TYPES:
                return Inferred(symbol=None, type=None)
            return Inferred()
        return self.symbol_value(symbol)

    def _imported(self, level: int, target: str, name: str | None) -> Inferred:
        """What an import inside a function binds."""
        is_package = self.module.path.endswith(("__init__.py", "__init__.pyi"))
        dotted = absolute_module(self.module.module, level, target or None, is_package)
        module = self.resolver.workspace.module(dotted)
        if name is None:
            return Inferred(symbol=Symbol("module", dotted, module)) if module is not None else Inferred()
        symbol = self.resolver.lookup(module, name) if module is not None else None
        if symbol is None:
            submodule = self.resolver.workspace.module(f"{dotted}.{name}")
            return Inferred(symbol=Symbol("module", name, submodule)) if submodule is not None else Inferred()
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

    def instance_or_class(self, t: TypeExpr | None) -> Inferred:
        """A value of type ``t``; the class object itself for ``type[C]`` (``cls``)."""
        if t is not None and t.short in ("type", "Type") and len(t.args) == 1:
            symbol = self.resolver.class_symbol(t.args[0].name)
            if symbol is not None:
                return Inferred(symbol=symbol)
        return Inferred(type=t)

    def binding_type(self, binding: LocalBinding) -> TypeExpr | None:
        if binding.fixed is not None:
            return binding.fixed
        if binding.receiver and self.class_symbol is not None:  # ``self`` (``cls``) of the class being defined
            own = TypeExpr(self.class_symbol.qualname)
            return TypeExpr("type", (own,)) if (binding.annotation or "").startswith("type[") else own
        if binding.annotation:
            return self.resolve(binding.annotation)
        if binding.enter_of is not None:
            return self.entered(binding.enter_of, binding.is_async)
        if binding.iter_of is not None:
            iterable = self.expr(binding.iter_of).type
            elem = element_type(without_none(iterable)) if iterable is not None else None
            if elem is not None and binding.index is not None:
                return item_type(elem, binding.index)
            return elem
        if binding.value is not None:
            value = self.value_type(self.expr(binding.value))
            if value is not None and binding.index is not None:
                return item_type(value, binding.index)
            return value
        if binding.default is not None and self.GUESSES:
            guessed = self.value_type(self.expr(binding.default))
            if guessed is not None and guessed.name != "None":
                return guessed
        if binding.param_of is not None and self.GUESSES:
            return parameter_type(self, binding.param_of, binding.name)
        return None

    @staticmethod
    def value_type(value: Inferred) -> TypeExpr | None:
        """The type of a value: ``type[C]`` for the class ``C`` itself."""
        if value.type is None and value.symbol is not None and value.symbol.kind == "class":
            return TypeExpr("type", (TypeExpr(value.symbol.qualname),))
        return value.type

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
            if values and values[0] is not None:  # a key of unknown type still gives the values
                key = keys[0] if keys and keys[0] is not None else TypeExpr("Any")
                return Inferred(type=TypeExpr("dict", (key, values[0])))
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
            if base.symbol is not None and base.symbol.kind == "class":
                return base  # ``Ruler[T]``: the generic class itself (``Ruler[T]()`` makes one)
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
            by_method = self._operator_result(node.op, left, right)
            if by_method is not None:
                return by_method
            return Inferred(type=left if left == right else None)
        return Inferred()

    def _operator_result(self, op: ast.operator, left: TypeExpr | None, right: TypeExpr | None) -> Inferred | None:
        """What ``left <op> right`` gives by the operand classes' operator methods: the left
        operand's ``__or__`` that takes the right operand, else the right one's ``__ror__`` that
        takes the left (``Word(x) | Regex(y)`` is what ``__or__`` returns, a ``MatchFirst``, not a
        ``Word``). None when no method decides: none takes the other operand, or overloads that
        take it differ in what they return (``datetime - datetime`` is no ``datetime``)."""
        name = OPERATOR_METHODS.get(type(op))
        if name is None:
            return None
        for operand, other, method in ((left, right, f"__{name}__"), (right, left, f"__r{name}__")):
            if operand is None:
                continue
            found = self.attribute(Inferred(type=operand), method)
            symbol = found.symbol
            if symbol is None or symbol.kind != "function" or symbol.function is None or symbol.owner is None:
                continue
            takers = [m for m in symbol.owner.methods if m.name == method and self._takes(m, symbol, other)]
            if len({m.returns for m in takers}) != 1:
                continue
            taker = Symbol("function", method, symbol.module, function=takers[0], owner=symbol.owner)
            result = self._returns(taker, found.bound_to or operand)
            if result is not None and result.short not in ("NotImplementedType", "Any"):
                return Inferred(type=result)
        return None

    def _takes(self, method: FunctionSummary, symbol: Symbol, other: TypeExpr | None) -> bool:
        """Whether an operator method's operand parameter may take ``other`` (unknown: yes)."""
        params = [p for p in method.params if p.kind in ("posonly", "pos")]
        annotation = params[1].annotation if len(params) > 1 else None
        if other is None or annotation is None:
            return True
        wanted = self.resolver.resolve_type(annotation, symbol.module)
        if wanted is not None and wanted.short == "Self" and symbol.owner is not None:
            wanted = TypeExpr(f"{symbol.module.module}.{symbol.owner.name}")
        if wanted is None or wanted.short in ("object", "Any") or wanted.name == "|":
            return True
        given = self.resolver.class_symbol(other.name)
        names = {other.name, other.short}
        for cls, module in self.resolver.mro(given) if given is not None else ():
            names |= {f"{module.module}.{cls.name}", cls.name}
        return wanted.name in names or wanted.short in names

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
        if base.super_of is not None:
            owner = base.super_of
            return self.field_of(owner, attr, TypeExpr(owner.qualname), self.resolver.mro(owner)[1:])
        if base.symbol is not None and base.symbol.kind in ("module", "class"):
            member = self.resolver.member(base.symbol, attr)
            if member is not None:
                if base.symbol.kind == "class" and member.function is not None \
                        and member.function.is_classmethod:
                    return Inferred(symbol=member, bound_to=TypeExpr(base.symbol.qualname))
                return self.symbol_value(member)
            if base.symbol.kind == "class" and base.symbol.cls is not None:
                return self.field_of(base.symbol, attr, None)
            return Inferred()
        if base.type is None:
            return Inferred()
        receiver = without_none(base.type)
        if receiver.name == "|":
            return self._union_attribute(receiver, attr)
        symbol = self.resolver.class_symbol(receiver.name)
        if symbol is None:
            return Inferred()
        return self.field_of(symbol, attr, receiver)

    def _union_attribute(self, union: TypeExpr, attr: str) -> Inferred:
        """``attr`` of a union: of the first member that has it (all must agree unless ``PARTIAL``)."""
        found: list[Inferred] = []
        for member in union.args:
            result = self.attribute(Inferred(type=member), attr)
            if result.type is None and result.symbol is None and not self.PARTIAL:
                return Inferred()
            if result.type is not None or result.symbol is not None:
                found.append(result)
        if not found or (not self.PARTIAL and any(f.type != found[0].type or f.type is None for f in found)):
            return Inferred()
        return found[0]

    def field_of(
        self,
        symbol: Symbol,
        attr: str,
        receiver: TypeExpr | None,
        mro: list[tuple[ClassSummary, ModuleSummary]] | None = None,
    ) -> Inferred:
        """``attr`` of an instance ``receiver`` of ``symbol`` (of the class object when None),
        looked up along ``mro`` (the class's by default)."""
        for cls, module in mro if mro is not None else self.resolver.mro(symbol):
            field = cls.field(attr)
            if field is not None:
                return self.instance_or_class(self._field_type(symbol, field, cls, module, receiver))
            method = cls.method(attr)
            if method is not None:
                owner = Symbol("function", attr, module, function=method, owner=cls)
                if method.is_property:
                    return Inferred(type=self._returns(owner, receiver))
                return Inferred(symbol=owner, bound_to=receiver)
        return self._dynamic_attribute(symbol, attr, receiver, mro)

    def _dynamic_attribute(self, symbol: Symbol, attr: str, receiver: TypeExpr | None,
                           mro: list[tuple[ClassSummary, ModuleSummary]] | None) -> Inferred:
        """An attribute no class declares, of an instance whose class makes the missing ones in
        ``__getattr__`` (``Token.Whitespace`` where ``_TokenType.__getattr__`` returns a new
        ``_TokenType``): what that returns. A guess — a cautious scope leaves it unknown."""
        if not self.GUESSES or receiver is None or attr.startswith("__"):
            return Inferred()
        for cls, module in mro if mro is not None else self.resolver.mro(symbol):
            method = cls.method("__getattr__")
            if method is not None and module.module != "builtins":
                owner = Symbol("function", "__getattr__", module, function=method, owner=cls)
                return self.instance_or_class(self._returns(owner, receiver))
        return Inferred()

    def _field_type(self, symbol: Symbol, field: FieldSummary, cls: ClassSummary,
                    module: ModuleSummary, receiver: TypeExpr | None) -> TypeExpr | None:
        if field.annotation:
            declared = self.resolver.resolve_type(field.annotation, module)
            if declared is None or receiver is None or not free_names(declared):
                return declared
            mapping = class_arguments(self.resolver, symbol, receiver).get(class_key(cls, module), {})
            return substitute(declared, mapping)
        owner = receiver or TypeExpr(f"{module.module}.{cls.name}" if module.module else cls.name)
        found = sources_type(self, field.values, module, owner)
        if found is not None and field.class_var and receiver is not None:
            return self._descriptor_value(found)
        return found

    def _descriptor_value(self, t: TypeExpr) -> TypeExpr | None:
        """What an instance sees of a class attribute of type ``t``: ``__get__``'s result when the
        class is a descriptor (unknown when that is not plainly annotated)."""
        symbol = self.resolver.class_symbol(without_none(t).name)
        if symbol is None or symbol.module.module == "builtins":
            return t
        for cls, module in self.resolver.mro(symbol):
            get = cls.method("__get__")
            if get is not None:
                overloaded = sum(1 for m in cls.methods if m.name == "__get__") > 1
                returns = self.resolver.resolve_type(get.returns, module) if not overloaded else None
                if returns is None or has_type_variable(self.resolver, returns, module):
                    return None
                return returns
        return t

    def sources_type(self, sources: tuple[ValueSource, ...], module: ModuleSummary,
                     receiver: TypeExpr | None) -> TypeExpr | None:
        """The union of the types of values written in ``module`` (see :mod:`context.infer_values`)."""
        return sources_type(self, sources, module, receiver)

    def value_scope(self, module: ModuleSummary) -> Scope:
        """A scope of ``module``'s top level, to infer a value written in it."""
        return Scope(self.resolver, module, [], 0, 0)

    def _returns(self, fn: Symbol, receiver: TypeExpr | None) -> TypeExpr | None:
        assert fn.function is not None
        function = fn.function
        if function.returns:
            returns = self.resolver.resolve_type(function.returns, fn.module)
        else:
            owner = receiver
            if owner is None and fn.owner is not None:
                owner = TypeExpr(f"{fn.module.module}.{fn.owner.name}")
            if owner is not None and function.is_classmethod:
                owner = TypeExpr("type", (owner,))  # what ``cls`` is
            returns = sources_type(self, function.returned, fn.module, owner)
        if returns is not None and receiver is not None and (
            returns.short == "Self" or (fn.owner is not None and returns.name == _self_variable(function))
        ):
            return receiver
        if returns is not None and receiver is not None and fn.owner is not None and free_names(returns):
            symbol = self.resolver.class_symbol(receiver.name)
            if symbol is not None:
                arguments = class_arguments(self.resolver, symbol, receiver)
                returns = substitute(returns, arguments.get(class_key(fn.owner, fn.module), {}))
        if returns is not None and function.is_async:
            return TypeExpr("Coroutine", (TypeExpr("Any"), TypeExpr("Any"), returns))
        return returns

    def as_bound(self, t: TypeExpr | None, method: Inferred) -> TypeExpr | None:
        """A type written in a method's signature, as seen through its receiver: type variables of
        a generic receiver replaced (``list[Vec].append(object: _T)`` takes a ``Vec``); None while
        a type variable is left."""
        fn, receiver = method.symbol, method.bound_to
        if t is None or fn is None or not free_names(t):
            return t
        symbol = self.resolver.class_symbol(receiver.name) if receiver is not None else None
        if fn.owner is not None and symbol is not None:
            arguments = class_arguments(self.resolver, symbol, receiver)
            t = substitute(t, arguments.get(class_key(fn.owner, fn.module), {}))
        return None if has_type_variable(self.resolver, t, fn.module) else t

    def call_result(self, fn: Symbol, receiver: TypeExpr | None) -> TypeExpr | None:
        """What calling ``fn`` (bound to ``receiver``, the class for a class method) returns."""
        return self._returns(fn, receiver)

    def entered(self, manager: ast.expr, is_async: bool) -> TypeExpr | None:
        """What ``with manager as x`` binds to ``x`` (see :func:`context.infer_calls.entered`)."""
        return entered(self, manager, is_async)

    def call(self, node: ast.Call) -> Inferred:
        func = node.func
        if isinstance(func, ast.Name) and func.id not in self.locals \
                and self.resolver.lookup(self.module, func.id) is None:
            builtin = builtin_call(self, func.id, node)
            if builtin is not None:
                return builtin
        callee = self.expr(func)
        symbol = callee.symbol
        if symbol is None and callee.type is not None:
            return Inferred(type=called_instance(self, callee.type))
        if symbol is None:
            return Inferred()
        if symbol.kind == "class":
            return Inferred(type=TypeExpr(symbol.qualname))
        if symbol.kind == "function" and symbol.function is not None:
            if symbol.qualname in CAST_FUNCTIONS and node.args:
                return Inferred(type=self.resolve(ast.unparse(node.args[0])))
            passed = self._passed_through(symbol.function, node, bound=callee.bound_to is not None)
            if passed is not None:
                return passed
            receiver = callee.bound_to
            if receiver is None and symbol.function.is_classmethod and symbol.owner is not None:
                receiver = TypeExpr(f"{symbol.module.module}.{symbol.owner.name}")
            return self.instance_or_class(self._returns(symbol, receiver))
        return Inferred()

    def _passed_through(self, function: FunctionSummary, node: ast.Call, bound: bool) -> Inferred | None:
        """What a function that gives back one of its unannotated parameters as it came (every
        ``return`` is ``return stack``, never rebound) returns for this call: the argument passed
        for that parameter. None for other functions, or when the call passes it by ``*``/``**``."""
        returned = function.returned
        if function.returns or not returned or len({(r.text, r.names) for r in returned}) != 1:
            return None
        name = returned[0].text
        if returned[0].names != ((name, None, None),):
            return None
        params = list(function.params[1:] if bound and not function.is_static else function.params)
        index = next((i for i, p in enumerate(params) if p.name == name), None)
        if index is None or params[index].annotation or params[index].kind not in ("posonly", "pos", "kwonly"):
            return None
        argument = next((k.value for k in node.keywords if k.arg == name), None)
        positional = node.args[index] if params[index].kind != "kwonly" and index < len(node.args) else None
        if any(isinstance(a, ast.Starred) for a in node.args[: index + 1]):
            return None
        argument = argument or positional
        return self.expr(argument) if argument is not None else None


OPERATOR_METHODS: dict[type[ast.operator], str] = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.MatMult: "matmul", ast.Div: "truediv",
    ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow", ast.LShift: "lshift",
    ast.RShift: "rshift", ast.BitOr: "or", ast.BitXor: "xor", ast.BitAnd: "and",
}


def _self_variable(function: FunctionSummary) -> str | None:
    """The type variable a method's first parameter is annotated with (``self: T``, ``cls:
    type[T]``): a return of that variable is the receiver's own type."""
    if not function.params or function.is_static:
        return None
    written = (function.params[0].annotation or "").strip("'\" ")
    node = parse_expression(written) if written else None
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in ("type", "Type"):
        node = node.slice
    return node.id if isinstance(node, ast.Name) else None


def free_names(t: TypeExpr) -> bool:
    """Whether ``t`` names something unqualified that is no builtin: a type variable, maybe."""
    if not t.args:
        return "." not in t.name and t.name not in BUILTIN_TYPES and t.name[:1] not in "'\"0123456789-"
    return any(free_names(a) for a in t.args)


__all__ = ["Inferred", "Scope", "parents_of", "parse_expression"]
