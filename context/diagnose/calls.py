"""Call arity and keywords, against the signature of a plain function or constructor."""

from __future__ import annotations

import ast
from pathlib import Path

from context.diagnose.classes import Mro
from context.diagnose.inference import CautiousScope
from context.diagnose.text import chain_texts, did_you_mean, short
from context.diagnose.types import TypeChecks
from context.errors import SourceError
from context.infer import Inferred
from context.memo import file_stamp
from context.model import Diagnostic
from context.resolve import Symbol
from context.summarize import summarize_function
from context.summary import ClassSummary, FunctionSummary, ModuleSummary, Param
from context.workspace import TYPESHED_STDLIB, read_source

INIT_MAKERS = frozenset({"dataclass", "define", "frozen", "mutable", "attrs", "s", "attributes", "mapped",
                         "mapped_as_dataclass", "dataclass_transform"})  # decorators that write __init__


class CallChecks(TypeChecks):
    """Calls with too many, missing, duplicated or unexpected arguments, or arguments of the wrong type."""

    def call_problems(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for call, scope in self.facts.calls:
            if call.lineno - 1 in self.replaced or any(isinstance(a, ast.Starred) for a in call.args) \
                    or any(k.arg is None for k in call.keywords):
                continue
            narrowed = self.narrowed(scope)
            if narrowed and any(text in narrowed for text in chain_texts(call.func)):
                continue
            infer = self.infer_scope(scope)
            callee = infer.expr(call.func)
            signature = self.signature(callee)
            if signature is not None:
                out += self._arity(call, *signature)
                out += self._argument_types(call, infer, *signature)
            else:
                found = self._overloaded_arity(call, callee)
                out += found or self._overloaded_types(call, callee, infer)
        return out

    def _overloaded_types(self, call: ast.Call, callee: Inferred, infer: CautiousScope) -> list[Diagnostic]:
        """A call of an overloaded standard-library method or constructor that no overload takes:
        one failing only on an argument's type (``str(data, None)``: ``encoding`` is a ``str``), or
        every one on the arguments' count (``type()``, ``dict.get()``). Each overload is checked
        like a plain signature, so silence wins wherever one of them is unsure."""
        found = self._stdlib_overloads(callee)
        if found is None:
            return []
        label, overloads, module = found
        failures: list[list[Diagnostic]] = []
        for params in overloads:
            arity = self._arity(call, label, params, module)
            types = [] if arity else self._argument_types(call, infer, label, params, module)
            if not arity and not types:
                return []  # this overload takes the call (or may: nothing certain against it)
            failures.append(arity or types)
        # one failing on an argument's type says more than one failing on the count (``type()``
        # wants one argument or three: no overload takes none)
        typed = [f for f in failures if f and f[0].source == "types"]
        first = min(typed or failures, key=len)[0]
        message = f"no overload of {label} takes these arguments: {first.message}"
        return [Diagnostic(first.line, first.column, first.end_line, first.end_column, "error", message, first.source,
                           "no-matching-overload")]

    def _stdlib_overloads(self, callee: Inferred) -> tuple[str, list[tuple[Param, ...]], ModuleSummary] | None:
        """The overloads a call of ``callee`` is checked against: a method of a standard-library
        class that is nothing but overloads, or the overloaded ``__new__`` or ``__init__`` a
        class is constructed with when a standard-library class defines it (the other one left to
        ``object``): ``dict(None)``, and so a subclass of ``dict`` that adds neither."""
        symbol = callee.symbol
        stdlib = str(TYPESHED_STDLIB)
        if symbol is None or (symbol.kind != "class" and not symbol.path.startswith(stdlib)):
            return None
        if symbol.kind == "class":
            mro = self.mro(symbol)
            # (members computed by ``__getattr__`` are no part of how a class is constructed)
            if mro is None or any(f.metaclass is not None or f.decorated for _, f in mro):
                return None
            makers = [(o, f) for o, f in mro if ({"__new__", "__init__"} & f.members)
                      and not (o.module is self.builtins and o.name == "object")]
            if not makers or len({"__new__", "__init__"} & makers[0][1].members) != 1 \
                    or any(o.cls is None for o, _ in makers) or not makers[0][0].path.startswith(stdlib):
                return None
            owner = makers[0][0]
            name = next(iter({"__new__", "__init__"} & makers[0][1].members))
            other = "__init__" if name == "__new__" else "__new__"
            if any(other in f.members for _, f in makers[1:]):
                return None  # another class of the MRO defines the other one: both take part
            assert owner.cls is not None
            methods = [m for m in owner.cls.methods if m.name == name]
            bound = True
            label = f"{symbol.name}()"
        else:
            fn = symbol.function
            if symbol.kind != "function" or fn is None:
                return None
            methods = [m for m in symbol.owner.methods if m.name == fn.name] if symbol.owner is not None \
                else module_overloads(symbol.module.path).get(fn.name, [])
            bound = callee.bound_to is not None or fn.is_classmethod
            label = f"{fn.name}()"
        if len(methods) < 2 or not all(m.decorators == ("overload",) for m in methods):
            return None
        return label, [m.call_params(bound) for m in methods], symbol.module

    def _overloaded_arity(self, call: ast.Call, callee: Inferred) -> list[Diagnostic]:
        """More positional arguments than any overload of a method takes."""
        symbol = callee.symbol
        fn = symbol.function if symbol is not None else None
        if symbol is None or fn is None or symbol.kind != "function" or symbol.owner is None:
            return []
        overloads = [m for m in symbol.owner.methods if m.name == fn.name]
        if not overloads or not all(m.decorators == ("overload",) for m in overloads):
            return []
        bound = callee.bound_to is not None or fn.is_classmethod
        shapes = [m.call_params(bound) for m in overloads]
        if any(p.kind == "varargs" for params in shapes for p in params):
            return []
        most = max(len([p for p in params if p.kind in ("posonly", "pos")]) for params in shapes)
        given = len(call.args)
        if given <= most:
            return []
        message = f"{fn.name}() takes at most {most} positional argument{'s' if most != 1 else ''} but {given} " \
                  f"{'were' if given != 1 else 'was'} given"
        return [self.problem(call.args[most], message, "arity", "too-many-arguments")]

    def signature(self, callee: Inferred) -> tuple[str, tuple[Param, ...], ModuleSummary] | None:
        symbol = callee.symbol
        if symbol is None:
            return None
        if symbol.kind == "class":
            found = self.constructor(symbol)
            return (f"{symbol.name}()", *found) if found is not None else None
        fn = symbol.function
        if symbol.kind != "function" or fn is None or not self.plain_function(symbol):
            return None
        bound = callee.bound_to is not None or fn.is_classmethod
        return f"{fn.name}()", fn.call_params(bound), symbol.module

    def constructor(self, symbol: Symbol) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        """The parameters calling the class takes, when nothing can change them."""
        mro = self.mro(symbol)
        if mro is None or self.dynamic(mro):
            return None
        if not self.plain_class(symbol):
            return self._new_params(mro)
        for index, (owner, facts) in enumerate(mro):
            cls = owner.cls
            assert cls is not None
            if owner.module is self.builtins and cls.name == "object":
                return (), owner.module
            if "__new__" in facts.members or cls.kind in ("typeddict", "model", "enum", "protocol") \
                    or (facts.decorated and (INIT_MAKERS & {short(d) for d in cls.decorators}
                                             or ("__init__" not in facts.members and cls.kind != "namedtuple"))):
                return None
            if "__init__" in facts.members:
                return self._init_params(owner, cls)
            if cls.kind in ("dataclass", "namedtuple"):
                return self._field_params(mro)
            if len([b for b in cls.bases if short(b) not in ("Generic", "Protocol")]) > 1:
                return self._unordered_init(mro[index + 1 :])
        return None

    def _new_params(self, mro: Mro) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        """The parameters of the one ``__new__`` that makes instances, when no class but ``object``
        defines ``__init__`` and no metaclass takes part."""
        rest = [(o, f) for o, f in mro if not (o.module is self.builtins and o.name == "object")]
        news = [(o, f) for o, f in rest if "__new__" in f.members]
        if len(news) != 1 or any("__init__" in f.members or f.metaclass is not None for _, f in rest):
            return None
        owner, facts = news[0]
        cls = owner.cls
        assert cls is not None
        new = cls.method("__new__")
        method = Symbol("function", "__new__", owner.module, function=new, owner=cls)
        if new is None or facts.decorated or cls.kind != "class" or not self.plain_function(method):
            return None
        return new.call_params(bound=True), owner.module

    def _init_params(self, owner: Symbol, cls: ClassSummary) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        init = cls.method("__init__")
        method = Symbol("function", "__init__", owner.module, function=init, owner=cls)
        if init is None or not self.plain_function(method):
            return None
        return init.call_params(bound=True), owner.module

    def _unordered_init(self, rest: Mro) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        """Above multiple inheritance the order is C3's; it does not matter when at most one base
        class defines ``__init__`` (and none does anything else to construction)."""
        found: list[tuple[Symbol, ClassSummary]] = []
        for owner, facts in rest:
            cls = owner.cls
            assert cls is not None
            if owner.module is self.builtins and cls.name == "object":
                continue
            if "__new__" in facts.members or facts.decorated or cls.kind != "class":
                return None
            if "__init__" in facts.members:
                found.append((owner, cls))
        if not found:
            return (), rest[-1][0].module
        return self._init_params(*found[0]) if len(found) == 1 else None

    def _field_params(self, mro: Mro) -> tuple[tuple[Param, ...], ModuleSummary] | None:
        """The fields as parameters; annotated when declared in the module of the class called (the
        module its parameters' annotations are resolved in)."""
        fields: dict[str, tuple[bool, str | None]] = {}
        home = mro[0][0].module
        for owner, facts in reversed(mro):
            cls = owner.cls
            assert cls is not None
            if cls.kind == "namedtuple" and owner.module is not self.builtins:
                named = [f for f in cls.fields if f.annotation and not f.class_var]
                fields.update((f.name, (f.default is not None, _field_type(cls, f.name, owner.module is home)))
                              for f in named)
            elif cls.kind == "dataclass":
                if facts.dataclass_fields is None:
                    return None
                fields.update((name, (default, _field_type(cls, name, owner.module is home)))
                              for name, default in facts.dataclass_fields)
        params = tuple(Param(name, annotation, "..." if default else None, "pos")
                       for name, (default, annotation) in fields.items())
        return params, home

    def _arity(self, call: ast.Call, label: str, params: tuple[Param, ...], _module: ModuleSummary) -> list[Diagnostic]:
        positional = [p for p in params if p.kind in ("posonly", "pos")]
        varargs = any(p.kind == "varargs" for p in params)
        varkw = any(p.kind == "varkw" for p in params)
        out: list[Diagnostic] = []
        given = len(call.args)
        if given > len(positional) and not varargs:
            count = len(positional)
            message = f"{label} takes {count} positional argument{'s' if count != 1 else ''} but {given} " \
                      f"{'were' if given != 1 else 'was'} given"
            out.append(self.problem(call.args[count], message, "arity", "too-many-arguments"))
        filled = {p.name for p in positional[:given]}
        by_name = {p.name for p in params if p.kind in ("pos", "kwonly")}
        for kw in call.keywords:
            assert kw.arg is not None
            if kw.arg in filled:
                out.append(self.problem(kw, f"{label} got multiple values for argument '{kw.arg}'", "arity",
                                        "duplicate-argument"))
            elif kw.arg in by_name:
                filled.add(kw.arg)
            elif not varkw:
                hint = did_you_mean(kw.arg, by_name)
                out.append(self.problem(kw, f"{label} got an unexpected keyword argument '{kw.arg}'{hint}",
                                        "arity", "unexpected-keyword"))
        missing = [p.name for p in params if p.kind in ("posonly", "pos", "kwonly") and p.default is None
                   and p.name not in filled]
        if missing and not out:
            names = ", ".join(f"'{n}'" for n in missing)
            message = f"{label} missing required argument{'s' if len(missing) > 1 else ''} {names}"
            out.append(self.problem(call, message, "arity", "missing-argument"))
        return out


# overloads of a stub's module-level functions, by path: (size, mtime), {name: overloads}
_OVERLOADS: dict[str, tuple[tuple[int, int], dict[str, list[FunctionSummary]]]] = {}


def module_overloads(path: str) -> dict[str, list[FunctionSummary]]:
    """The module-level functions of a stub that are nothing but overloads (``sorted``, ``min``):
    a module's summary keeps one function of a name, the checks need every overload."""
    stamp = file_stamp(Path(path))
    if stamp is None:
        return {}
    hit = _OVERLOADS.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        tree = ast.parse(read_source(Path(path)))
    except (SourceError, SyntaxError, ValueError):
        return {}
    found: dict[str, list[FunctionSummary]] = {}
    for node in _module_level(tree):  # ``if sys.version_info`` branches hold overloads too
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.setdefault(node.name, []).append(summarize_function(node))
    out = {name: fns for name, fns in found.items() if len(fns) > 1
           and all(f.decorators == ("overload",) for f in fns)}
    _OVERLOADS[path] = (stamp, out)
    return out


def _module_level(tree: ast.Module) -> list[ast.stmt]:
    """The statements of a module outside any def or class (inside ``if``/``try`` blocks too), in
    their order."""
    out: list[ast.stmt] = []
    todo: list[ast.stmt] = list(reversed(tree.body))
    while todo:
        stmt = todo.pop()
        out.append(stmt)
        if isinstance(stmt, ast.If | ast.Try):
            inner = [*stmt.body, *[s for h in getattr(stmt, "handlers", []) for s in h.body], *stmt.orelse,
                     *getattr(stmt, "finalbody", [])]
            todo += reversed(inner)
    return out


def _field_type(cls: ClassSummary, name: str, home: bool) -> str | None:
    found = cls.field(name) if home else None
    if found is None or found.annotation is None or "InitVar" in found.annotation:
        return None  # an InitVar's type is its argument's
    return found.annotation
