"""Module summaries: what a module defines, without bodies (built by :mod:`context.summarize`).

A summary holds functions with their signatures, classes with fields and methods, module
variables and imports — enough to resolve names across files and to render skeletons.
Annotations are kept as source text, resolved later in the defining module's namespace.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Param:
    name: str
    annotation: str | None = None
    default: str | None = None
    kind: str = "pos"  # "posonly", "pos", "varargs", "kwonly", "varkw"

    def render(self) -> str:
        prefix = "*" if self.kind == "varargs" else "**" if self.kind == "varkw" else ""
        text = prefix + self.name + (f": {self.annotation}" if self.annotation else "")
        if self.default is not None:
            text += f" = {self.default}" if self.annotation else f"={self.default}"
        return text


@dataclass(frozen=True)
class ValueSource:
    """An expression assigned or returned somewhere (``self.x = <text>``, ``return <text>``) with
    the names it reads that its function binds: each ``(name, annotation, value)``, a parameter
    with its annotation, a local with its annotation or with its value's text — once per binding
    (a parameter assigned again: its annotation, then each value), ``(name, None, None)`` when
    unknown. ``receiver`` is the function's first parameter (``self``, ``cls``) of a method."""

    text: str
    names: tuple[tuple[str, str | None, str | None], ...] = ()
    receiver: str | None = None
    function: str = ""  # the qualified name of the function it is written in (``Cls.method``)
    # of ``names``: the function's unannotated parameters, each with its default's text (or None)
    parameters: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class CallSite:
    """A call a function makes (``self.send(request, stream=True)``): the callee and the
    arguments as values written in that function (see :class:`ValueSource`), so the types a
    caller passes to an unannotated parameter can be read later from the summary alone. A
    positional argument that is a literal, or too long to keep, is an empty ``ValueSource``;
    the positional ones stop at the first ``*args``."""

    name: str  # the callee's last name: ``send``; a class's name for ``Cls(...)``
    callee: ValueSource
    args: tuple[ValueSource, ...] = ()
    keywords: tuple[tuple[str, ValueSource], ...] = ()


@dataclass(frozen=True)
class FunctionSummary:
    name: str
    params: tuple[Param, ...]
    returns: str | None
    line: int  # 0-based
    is_async: bool = False
    decorators: tuple[str, ...] = ()
    doc: str = ""
    returned: tuple[ValueSource, ...] = ()  # what an unannotated function returns (not a generator)
    calls: tuple[CallSite, ...] = ()  # the calls it makes that pass something other than literals

    @property
    def is_property(self) -> bool:
        return any(
            d in ("property", "cached_property", "functools.cached_property")
            for d in self.decorators
        )

    @property
    def is_static(self) -> bool:
        return "staticmethod" in self.decorators

    @property
    def is_classmethod(self) -> bool:
        return "classmethod" in self.decorators

    def render_params(self) -> str:
        parts: list[str] = []
        seen_kwonly = False
        for i, p in enumerate(self.params):
            if p.kind == "kwonly" and not seen_kwonly:
                seen_kwonly = True
                if not any(q.kind == "varargs" for q in self.params):
                    parts.append("*")
            parts.append(p.render())
            if p.kind == "posonly" and (
                i + 1 == len(self.params) or self.params[i + 1].kind != "posonly"
            ):
                parts.append("/")
        return ", ".join(parts)

    def header(self) -> str:
        ret = f" -> {self.returns}" if self.returns else ""
        prefix = "async def" if self.is_async else "def"
        return f"{prefix} {self.name}({self.render_params()}){ret}: ..."

    def call_params(self, bound: bool) -> tuple[Param, ...]:
        """Parameters a caller passes: without ``self``/``cls`` when bound."""
        if (
            bound
            and self.params
            and not self.is_static
            and self.params[0].kind in ("pos", "posonly")
        ):
            return self.params[1:]
        return self.params


@dataclass(frozen=True)
class FieldSummary:
    name: str
    annotation: str | None
    default: str | None
    line: int
    class_var: bool = False
    values: tuple[ValueSource, ...] = ()  # what is assigned to it when it is not annotated


@dataclass(frozen=True)
class ClassSummary:
    name: str
    bases: tuple[str, ...]
    line: int
    kind: str = (
        "class"  # "dataclass", "namedtuple", "typeddict", "enum", "protocol", "model", "class"
    )
    decorators: tuple[str, ...] = ()
    doc: str = ""
    fields: tuple[FieldSummary, ...] = ()
    methods: tuple[FunctionSummary, ...] = ()
    classes: tuple[ClassSummary, ...] = ()

    def method(self, name: str) -> FunctionSummary | None:
        for m in self.methods:
            if m.name == name:
                return m
        return None

    def field(self, name: str) -> FieldSummary | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(frozen=True)
class ImportSummary:
    local: str
    module: str  # absolute dotted name after resolving relative imports; "" when unknown
    name: str | None  # None for ``import a.b``; "*" for star imports
    line: int


@dataclass(frozen=True)
class VariableSummary:
    name: str
    annotation: str | None
    value: str | None  # the value's source text, shortened
    line: int
    is_alias: bool = False  # a type alias (``X = Union[...]``, ``X: TypeAlias``, ``type X = ...``)


@dataclass
class ModuleSummary:
    path: str
    module: str
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    variables: dict[str, VariableSummary] = field(default_factory=dict)
    imports: dict[str, ImportSummary] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    doc: str = ""
