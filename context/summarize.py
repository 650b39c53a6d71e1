"""Building module summaries from a syntax tree: functions, classes with their fields and
methods, module variables and imports (relative ones made absolute). Given the source lines and
a fragment cache, each top-level statement and each method is summarized once per distinct text
and place, so re-summarizing an edited buffer costs only the statements the edit touched.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Any

from context.bindings import with_defaults
from context.memo import TextCache
from context.summary import (
    ClassSummary,
    FieldSummary,
    FunctionSummary,
    ImportSummary,
    ModuleSummary,
    Param,
    VariableSummary,
)
from context.value_sources import FunctionValues, kept_text, merge_fields, value_source

DATACLASS_DECORATORS = {
    "dataclass",
    "dataclasses.dataclass",
    "attr.s",
    "attrs.define",
    "attr.define",
    "define",
    "frozen",
    "attrs.frozen",
    "attr.attrs",
    "pydantic.dataclasses.dataclass",
}
SPECIAL_BASES = {
    "NamedTuple": "namedtuple",
    "TypedDict": "typeddict",
    "Enum": "enum",
    "IntEnum": "enum",
    "StrEnum": "enum",
    "Flag": "enum",
    "IntFlag": "enum",
    "Protocol": "protocol",
    "BaseModel": "model",
}


def _text(node: ast.AST | None, limit: int = 80) -> str | None:
    if node is None:
        return None
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _value_text(value: ast.expr | None) -> str | None:
    """A module variable's value: whole when short, a long chain of calls with their arguments
    left out (its type still follows from the callees), else cut."""
    return (kept_text(value) or _text(value, 120)) if value is not None else None


def _doc_line(node: ast.AST) -> str:
    body = getattr(node, "body", None)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        lines = body[0].value.value.strip().splitlines()
        return lines[0].strip() if lines else ""
    return ""


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def _params(args: ast.arguments) -> tuple[Param, ...]:
    out: list[Param] = []
    pairs = with_defaults(args)
    positional = len(args.posonlyargs) + len(args.args)
    for i, (a, d) in enumerate(pairs[:positional]):
        kind = "posonly" if i < len(args.posonlyargs) else "pos"
        out.append(Param(a.arg, _text(a.annotation), _text(d, 40), kind))
    if args.vararg:
        out.append(Param(args.vararg.arg, _text(args.vararg.annotation), None, "varargs"))
    for a, kd in pairs[positional:]:
        out.append(Param(a.arg, _text(a.annotation), _text(kd, 40), "kwonly"))
    if args.kwarg:
        out.append(Param(args.kwarg.arg, _text(args.kwarg.annotation), None, "varkw"))
    return tuple(out)


def summarize_function(fn: ast.FunctionDef | ast.AsyncFunctionDef, *, is_method: bool = False,
                       values: FunctionValues | None = None) -> FunctionSummary:
    """The signature; for a function without a return annotation, what it returns; the calls it
    makes (see :mod:`context.value_sources`)."""
    values = values or FunctionValues(fn, is_method, qualname=fn.name)
    return FunctionSummary(
        name=fn.name,
        params=_params(fn.args),
        returns=_text(fn.returns, 120),
        line=fn.lineno - 1,
        is_async=isinstance(fn, ast.AsyncFunctionDef),
        decorators=tuple(_decorator_name(d) for d in fn.decorator_list),
        doc=_doc_line(fn),
        returned=values.returned() if fn.returns is None else (),
        calls=values.calls(),
    )


def _class_kind(bases: tuple[str, ...], decorators: tuple[str, ...]) -> str:
    for b in bases:
        short = b.rsplit(".", 1)[-1].split("[", 1)[0]
        if short in SPECIAL_BASES:
            return SPECIAL_BASES[short]
    if any(
        d in DATACLASS_DECORATORS or d.rsplit(".", 1)[-1] in ("dataclass", "define", "frozen")
        for d in decorators
    ):
        return "dataclass"
    return "class"


# Methods by qualname and text, each with the summary made of it at its last place: a method
# moved by lines added or removed above it is the same summary, its lines moved (shifted).
_METHODS: TextCache[tuple[FunctionSummary, list[FieldSummary]]] = TextCache()
# What a summary was made of, to be stored with it: (first line, last line (1-based), the
# qualname of a method (None for a top-level statement), its summary). The lines of the text
# give back the keys of the fragment caches, so a summary read back from disk brings the pieces
# a later buffer of the same file is summarized from.
FragmentRecord = tuple[int, int, str | None, Any]


def _summarize_method(fn: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str
                      ) -> tuple[FunctionSummary, list[FieldSummary]]:
    is_method = not any(_decorator_name(d) == "staticmethod" for d in fn.decorator_list)
    values = FunctionValues(fn, is_method, qualname=qualname)
    return summarize_function(fn, is_method=is_method, values=values), values.receiver_fields()


def _method(fn: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str] | None, qualname: str,
            record: list[FragmentRecord] | None = None) -> tuple[FunctionSummary, list[FieldSummary]]:
    """A method's summary and the receiver's fields it assigns, once per distinct text, place
    and class."""
    if lines is None:
        return _summarize_method(fn, qualname)
    last = fn.end_lineno or fn.lineno
    key = (qualname, "\n".join(lines[fn.lineno - 1 : last]))
    found = _METHODS.get(key)
    if found is None:
        found = _summarize_method(fn, qualname)
        _METHODS[key] = found
    elif found[0].line != fn.lineno - 1:
        delta = fn.lineno - 1 - found[0].line
        found = _shifted_function(found[0], delta), [_shifted(f, delta) for f in found[1]]
        _METHODS[key] = found
    if record is not None:
        record.append((fn.lineno, last, qualname, found))
    return found


def summarize_class(cls: ast.ClassDef, lines: list[str] | None = None, *, nested: bool = False,
                    record: list[FragmentRecord] | None = None) -> ClassSummary:
    """The class; its methods' values and calls name them ``Cls.method`` (nothing for the
    methods of a nested class, which are not looked up by name)."""
    bases = tuple(ast.unparse(b) for b in cls.bases)
    decorators = tuple(_decorator_name(d) for d in cls.decorator_list)
    fields: list[FieldSummary] = []
    methods: list[FunctionSummary] = []
    assigned: list[FieldSummary] = []
    inner: list[ClassSummary] = []
    kind = _class_kind(bases, decorators)
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            ann = _text(node.annotation, 120)
            fields.append(
                FieldSummary(
                    node.target.id,
                    ann,
                    _text(node.value, 40),
                    node.lineno - 1,
                    class_var=bool(ann and "ClassVar" in ann),
                )
            )
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    ann = cls.name if kind == "enum" else None
                    source = (value_source(node.value),) if ann is None else ()
                    fields.append(
                        FieldSummary(
                            t.id, ann, _text(node.value, 40), node.lineno - 1, class_var=True,
                            values=source,
                        )
                    )
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            summary, self_fields = _method(node, lines, "" if nested else f"{cls.name}.{node.name}", record)
            methods.append(summary)
            assigned.extend(self_fields)
        elif isinstance(node, ast.ClassDef):
            inner.append(summarize_class(node, lines, nested=True, record=record))
    fields = merge_fields(fields, assigned)
    return ClassSummary(
        name=cls.name,
        bases=bases,
        line=cls.lineno - 1,
        kind=kind,
        decorators=decorators,
        doc=_doc_line(cls),
        fields=tuple(fields),
        methods=tuple(methods),
        classes=tuple(inner),
    )


def absolute_module(module: str, level: int, target: str | None, is_package: bool) -> str:
    """The absolute module named by an import written in ``module`` (``level`` leading dots)."""
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    drop = level - 1 if is_package else level
    base = parts[: len(parts) - drop] if drop <= len(parts) else []
    return ".".join([*base, target] if target else base)


def _is_alias_value(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Subscript):
        head = ast.unparse(value.value).rsplit(".", 1)[-1]
        return head in {
            "Union",
            "Optional",
            "Callable",
            "Literal",
            "list",
            "dict",
            "tuple",
            "set",
            "List",
            "Dict",
            "Tuple",
            "Set",
            "Sequence",
            "Mapping",
            "Iterable",
            "type",
            "Type",
        }
    # ``Alias = int | str``; not ``parser = Word(x) | Regex(y)``: a type alias calls nothing
    return isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr) \
        and not any(isinstance(n, ast.Call) for n in ast.walk(value))


def _summarize_statement(summary: ModuleSummary, node: ast.stmt, is_package: bool,
                         lines: list[str] | None = None, record: list[FragmentRecord] | None = None) -> None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        summary.functions[node.name] = summarize_function(node)
    elif isinstance(node, ast.ClassDef):
        summary.classes[node.name] = summarize_class(node, lines, record=record)
    elif isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".", 1)[0]
            target = alias.name if alias.asname else alias.name.split(".", 1)[0]
            summary.imports[local] = ImportSummary(local, target, None, node.lineno - 1)
    elif isinstance(node, ast.ImportFrom):
        module = absolute_module(summary.module, node.level, node.module, is_package)
        for alias in node.names:
            if alias.name == "*":
                summary.star_imports.append(module)
                continue
            local = alias.asname or alias.name
            summary.imports[local] = ImportSummary(local, module, alias.name, node.lineno - 1)
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        ann = _text(node.annotation, 120)
        is_alias = bool(ann and ann.rsplit(".", 1)[-1] == "TypeAlias")
        summary.variables[node.target.id] = VariableSummary(
            node.target.id,
            None if is_alias else ann,
            _value_text(node.value),
            node.lineno - 1,
            is_alias,
        )
    elif isinstance(node, ast.Assign):
        for t in node.targets:
            if isinstance(t, ast.Name):
                summary.variables[t.id] = VariableSummary(
                    t.id, None, _value_text(node.value), node.lineno - 1, _is_alias_value(node.value)
                )
    elif type(node).__name__ == "TypeAlias" and isinstance(
        getattr(node, "name", None), ast.Name
    ):  # 3.12+
        type_alias: Any = node
        name = type_alias.name.id
        summary.variables[name] = VariableSummary(name, None, _text(type_alias.value, 120), node.lineno - 1, True)
    elif isinstance(node, ast.If | ast.Try):
        # ``if TYPE_CHECKING:`` imports and try/except import fallbacks define names too.
        for child in [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]:
            _summarize_statement(summary, child, is_package, lines, record)


# Top-level statements by text: the line the statement began on (0-based) and its summary.
FragmentCache = dict[str, tuple[int, "ModuleSummary"]]  # a TextCache in practice (bounded)


def summarize_module(
    tree: ast.Module,
    path: str,
    module: str,
    is_package: bool = False,
    *,
    lines: list[str] | None = None,
    cache: FragmentCache | None = None,
    record: list[FragmentRecord] | None = None,
) -> ModuleSummary:
    """The module's summary. With ``lines`` (the source) and ``cache``, each top-level statement
    is summarized once per distinct text and place: re-summarizing a buffer after an edit costs
    only the statements the edit touched. ``record`` (with a cache) receives the pieces the
    summary was made of (see :func:`remember_fragments`)."""
    summary = ModuleSummary(path=path, module=module, doc=_doc_line(tree))
    for node in tree.body:
        if cache is None or lines is None:
            _summarize_statement(summary, node, is_package)
            continue
        last = node.end_lineno or node.lineno
        key = "\n".join(lines[node.lineno - 1 : last])
        found = cache.get(key)
        # Recorded, a statement is summarized again (its methods come from their cache): the
        # methods it holds are recorded too.
        if found is None or found[1].module != module or record is not None:
            fragment = ModuleSummary(path=path, module=module)
            _summarize_statement(fragment, node, is_package, lines, record)
            cache[key] = (node.lineno - 1, fragment)
        elif found[0] != node.lineno - 1:  # moved by lines added or removed above it
            fragment = _shifted_module(found[1], node.lineno - 1 - found[0])
            cache[key] = (node.lineno - 1, fragment)
        else:
            fragment = found[1]
        if record is not None:
            record.append((node.lineno, last, None, fragment))
        _merge(summary, fragment)
    return summary


def remember_fragments(lines: list[str], records: list[FragmentRecord], cache: FragmentCache,
                       module: str) -> int:
    """Put the pieces a summary of the text of ``lines`` was made of (``record`` of
    :func:`summarize_module`) back in the fragment caches, keyed by their text: a buffer of the
    same file then costs only the statements that differ. Entries present are kept. The number
    put back."""
    count = 0
    for first, last, qualname, value in records:
        text = "\n".join(lines[first - 1 : last])
        if qualname is None:
            if isinstance(value, ModuleSummary) and value.module == module and text not in cache:
                cache[text] = (first - 1, value)
                count += 1
        elif (qualname, text) not in _METHODS:
            _METHODS[qualname, text] = value
            count += 1
    return count


def _shifted(item: Any, delta: int) -> Any:
    """A frozen summary (a field, a variable, an import) ``delta`` lines further down."""
    return dataclasses.replace(item, line=item.line + delta)


def _shifted_function(function: FunctionSummary, delta: int) -> FunctionSummary:
    return dataclasses.replace(function, line=function.line + delta)


def _shifted_class(cls: ClassSummary, delta: int) -> ClassSummary:
    return dataclasses.replace(
        cls,
        line=cls.line + delta,
        fields=tuple(_shifted(f, delta) for f in cls.fields),
        methods=tuple(_shifted_function(m, delta) for m in cls.methods),
        classes=tuple(_shifted_class(c, delta) for c in cls.classes),
    )


def _shifted_module(fragment: ModuleSummary, delta: int) -> ModuleSummary:
    """The summary of a statement (or statements) moved ``delta`` lines: only lines differ."""
    return dataclasses.replace(
        fragment,
        functions={name: _shifted_function(f, delta) for name, f in fragment.functions.items()},
        classes={name: _shifted_class(c, delta) for name, c in fragment.classes.items()},
        variables={name: _shifted(v, delta) for name, v in fragment.variables.items()},
        imports={name: _shifted(i, delta) for name, i in fragment.imports.items()},
        star_imports=list(fragment.star_imports),
    )


def _merge(summary: ModuleSummary, fragment: ModuleSummary) -> None:
    summary.functions.update(fragment.functions)
    summary.classes.update(fragment.classes)
    summary.variables.update(fragment.variables)
    summary.imports.update(fragment.imports)
    summary.star_imports.extend(fragment.star_imports)
