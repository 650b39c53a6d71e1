"""Compact skeletons of definitions: class lines, fields with types, method signatures, the
first docstring line — never bodies."""

from __future__ import annotations

from context.summary import ClassSummary, FunctionSummary

MAX_METHODS = 14
MAX_FIELDS = 24


def _public(method: FunctionSummary) -> bool:
    return not method.name.startswith("_") or method.name in (
        "__init__",
        "__call__",
        "__getitem__",
        "__iter__",
        "__enter__",
        "__post_init__",
    )


def render_function(fn: FunctionSummary, indent: str = "") -> str:
    lines = [
        f"{indent}@{d}" for d in fn.decorators if d in ("property", "classmethod", "staticmethod")
    ]
    lines.append(indent + fn.header())
    if fn.doc:
        lines[-1] = lines[-1].removesuffix(" ...")
        lines.append(f'{indent}    """{fn.doc}"""')
    return "\n".join(lines)


def render_class(cls: ClassSummary, *, with_doc: bool = True, compact: bool = False) -> str:
    """The skeleton; ``compact`` keeps fewer fields and methods (for less central types)."""
    max_fields, max_methods = (8, 5) if compact else (MAX_FIELDS, MAX_METHODS)
    head = [
        f"@{d}"
        for d in cls.decorators
        if d.rsplit(".", 1)[-1] in ("dataclass", "define", "frozen", "total_ordering")
    ]
    bases = f"({', '.join(cls.bases)})" if cls.bases else ""
    head.append(f"class {cls.name}{bases}:")
    body: list[str] = []
    if with_doc and cls.doc:
        body.append(f'    """{cls.doc}"""')
    for f in cls.fields[:max_fields]:
        if f.name.startswith("_") and cls.kind != "enum":
            continue
        if cls.kind == "enum":
            body.append(f"    {f.name} = {f.default}" if f.default else f"    {f.name}")
        else:
            ann = f": {f.annotation}" if f.annotation else ""
            default = f" = {f.default}" if f.default is not None and len(f.default) <= 24 else ""
            body.append(f"    {f.name}{ann}{default}")
    methods = [m for m in cls.methods if _public(m)]
    for m in methods[:max_methods]:
        body.append(render_function(m, "    "))
    if len(methods) > max_methods:
        body.append(f"    # … {len(methods) - max_methods} more methods")
    if not body:
        body.append("    ...")
    return "\n".join(head + body)


def class_header(cls: ClassSummary) -> str:
    """The class line plus its constructor's signature: what a caller needs."""
    bases = f"({', '.join(cls.bases)})" if cls.bases else ""
    init = cls.method("__init__")
    lines = [f"class {cls.name}{bases}:"]
    if init is not None:
        lines.append("    " + init.header())
    elif cls.kind in ("dataclass", "namedtuple", "model", "typeddict"):
        fields = ", ".join(
            f"{f.name}: {f.annotation}" for f in cls.fields if not f.class_var and f.annotation
        )
        lines.append(f"    # fields: {fields}" if fields else "    ...")
    else:
        lines.append("    ...")
    return "\n".join(lines)
