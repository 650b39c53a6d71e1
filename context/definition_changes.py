"""What an edit did to the definitions of a module: a renamed function, method, class or
module-level name; a parameter added, removed or renamed; a return or attribute type changed.

The two versions are parsed; each definition of the old text (module level and class level,
classes nested in classes included) is paired with the one of the new text of the same name
when that name is unique in its class (or module) on both sides, else with the one that starts
at the same place once the edit's span is accounted for (a definition that starts before the edited
span keeps its offset, one after it moves by the edit's length). Definitions whose statement
the edit rewrote from its first character are paired by order among the unpaired ones.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from context.parsing import tolerant_ast
from context.positions import common_head, common_tail
from context.ripple_model import SourceText

ChangeKind = Literal[
    "rename", "add-parameter", "remove-parameter", "rename-parameter", "return-type", "attribute-type"
]
Defined = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Assign | ast.AnnAssign


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "posonly", "pos", "varargs", "kwonly", "varkw"
    default: bool
    annotation: str | None


@dataclass(frozen=True)
class DefinitionChange:
    """One edit of a definition. ``owner`` is the class of a method or attribute; ``name`` the
    definition's name before the edit. Parameter indexes count every parameter (``self`` too):
    ``index`` of the old signature for a removed or renamed one, of the new for an added one."""

    kind: ChangeKind
    def_kind: str  # "function", "class", "variable", "attribute"
    name: str
    owner: str | None = None
    new_name: str | None = None
    parameter: str | None = None
    new_parameter: str | None = None
    index: int | None = None
    param_kind: str | None = None
    annotation: str | None = None  # an added parameter's, or the new type
    old_annotation: str | None = None
    old_params: tuple[Param, ...] = ()
    new_params: tuple[Param, ...] = ()
    old_line: int = 0  # 0-based line of the definition (``def``/``class`` keyword, or the target)
    new_line: int = 0
    is_static: bool = False

    @property
    def qualname(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name

    def reason(self) -> str:
        where = f"{self.owner}.{self.name}" if self.owner else self.name
        if self.kind == "rename":
            return f"renamed {self.name} → {self.new_name}"
        if self.kind == "add-parameter":
            typed = f": {self.annotation}" if self.annotation else ""
            return f"added parameter {self.new_parameter}{typed} to {where}"
        if self.kind == "remove-parameter":
            return f"removed parameter {self.parameter} of {where}"
        if self.kind == "rename-parameter":
            return f"renamed parameter {self.parameter} → {self.new_parameter} of {where}"
        if self.kind == "return-type":
            return f"return type of {where} changed: {self.old_annotation} → {self.annotation}"
        return f"type of {where} changed: {self.old_annotation} → {self.annotation}"


@dataclass(frozen=True)
class _Def:
    node: Defined
    name: str
    owner: str | None
    start: int  # code-point offset of the statement (after decorators)
    end: int


def _params(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[Param, ...]:
    a = node.args
    out: list[Param] = []
    positional = [*a.posonlyargs, *a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for i, arg in enumerate(positional):
        kind = "posonly" if i < len(a.posonlyargs) else "pos"
        out.append(Param(arg.arg, kind, defaults[i] is not None, _text(arg.annotation)))
    if a.vararg is not None:
        out.append(Param(a.vararg.arg, "varargs", False, _text(a.vararg.annotation)))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        out.append(Param(arg.arg, "kwonly", default is not None, _text(arg.annotation)))
    if a.kwarg is not None:
        out.append(Param(a.kwarg.arg, "varkw", False, _text(a.kwarg.annotation)))
    return tuple(out)


def _text(node: ast.AST | None) -> str | None:
    return ast.unparse(node) if node is not None else None


def _target_name(node: ast.Assign | ast.AnnAssign) -> str | None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) == 1 and isinstance(targets[0], ast.Name):
        return targets[0].id
    return None


def definitions(tree: ast.Module, source: SourceText) -> list[_Def]:
    """Module-level and class-level definitions, in order."""
    out: list[_Def] = []

    def visit(body: list[ast.stmt], owner: str | None) -> None:
        for stmt in body:
            name: str | None = None
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = stmt.name
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                name = _target_name(stmt)
            if name is None:
                continue
            assert isinstance(stmt, Defined)
            out.append(_Def(stmt, name, owner, source.node_start(stmt), source.node_end(stmt)))
            if isinstance(stmt, ast.ClassDef):
                visit(stmt.body, stmt.name if owner is None else f"{owner}.{stmt.name}")

    visit(tree.body, None)
    return out


def _parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return tolerant_ast(text).tree


def definition_changes(old_text: str, new_text: str, old_tree: ast.Module | None = None,
                       new_tree: ast.Module | None = None) -> list[DefinitionChange]:
    """The edits of definitions between two versions of a module (none when the texts are
    equal, or when the definitions cannot be read). The trees, when given, are those of the
    texts."""
    if old_text == new_text:
        return []
    head = common_head(old_text, new_text)
    tail = common_tail(old_text, new_text, min(len(old_text), len(new_text)) - head)
    old_end, new_end = len(old_text) - tail, len(new_text) - tail
    old_source, new_source = SourceText(old_text), SourceText(new_text)
    old_defs = definitions(old_tree or _parse(old_text), old_source)
    new_defs = definitions(new_tree or _parse(new_text), new_source)
    shift = len(new_text) - len(old_text)
    by_start = {(d.start, d.owner is None): d for d in new_defs}
    # A definition whose name (in its class) is unique on both sides keeps its name: a new
    # definition inserted right before it, whose first characters the diff takes for its own
    # (``    def a`` + ``    def b``), renames nothing.
    old_names = Counter((d.owner, d.name) for d in old_defs)
    new_names: dict[tuple[str | None, str], list[_Def]] = {}
    for n in new_defs:
        new_names.setdefault((n.owner, n.name), []).append(n)
    pairs: list[tuple[_Def, _Def]] = []
    unpaired_old: list[_Def] = []
    taken: set[int] = set()
    touched = [d for d in old_defs if not (d.end < head or d.start >= old_end)]  # the others: untouched
    for d in touched:
        same = new_names.get((d.owner, d.name), [])
        if old_names[(d.owner, d.name)] == 1 and len(same) == 1:
            pairs.append((d, same[0]))
            taken.add(id(same[0]))
    for d in touched:
        if any(old is d for old, _ in pairs):
            continue
        mapped = d.start if d.start < head else d.start + shift if d.start >= old_end else None
        partner = by_start.get((mapped, d.owner is None)) if mapped is not None else None
        if partner is not None and id(partner) not in taken:
            pairs.append((d, partner))
            taken.add(id(partner))
        else:
            unpaired_old.append(d)
    paired_new = {id(n) for _, n in pairs}
    unpaired_new = [n for n in new_defs if id(n) not in paired_new and n.end >= head and n.start < new_end]
    if unpaired_old and len(unpaired_old) == len(unpaired_new):
        pairs += list(zip(unpaired_old, unpaired_new, strict=True))
    changes: list[DefinitionChange] = []
    for old, new in pairs:
        changes += compare(old, new, old_source, new_source)
    return changes


def compare(old: _Def, new: _Def, old_source: SourceText, new_source: SourceText) -> list[DefinitionChange]:
    """The changes between two versions of one definition."""
    if _family(old.node) != _family(new.node):
        return []
    old_line = old_source.line_of(old.start)
    new_line = new_source.line_of(new.start)
    def_kind = _def_kind(old.node, old.owner)
    base = {"def_kind": def_kind, "name": old.name, "owner": old.owner, "old_line": old_line, "new_line": new_line}
    out: list[DefinitionChange] = []
    if old.name != new.name:
        out.append(DefinitionChange("rename", new_name=new.name, **base))  # type: ignore[arg-type]
    if isinstance(old.node, ast.FunctionDef | ast.AsyncFunctionDef) and isinstance(
        new.node, ast.FunctionDef | ast.AsyncFunctionDef
    ):
        static = any(_text(d) == "staticmethod" for d in old.node.decorator_list)
        change = parameter_change(_params(old.node), _params(new.node))
        if change is not None:
            out.append(DefinitionChange(**{**base, **change, "is_static": static}))  # type: ignore[arg-type]
        old_returns, new_returns = _text(old.node.returns), _text(new.node.returns)
        if old_returns != new_returns and new_returns is not None and old_returns is not None:
            out.append(DefinitionChange("return-type", annotation=new_returns, old_annotation=old_returns,
                                        **base))  # type: ignore[arg-type]
    if isinstance(old.node, ast.AnnAssign) and isinstance(new.node, ast.AnnAssign) and old.name == new.name:
        before, after = _text(old.node.annotation), _text(new.node.annotation)
        if before != after:
            out.append(DefinitionChange("attribute-type", annotation=after, old_annotation=before,
                                        **base))  # type: ignore[arg-type]
    return out


def _family(node: Defined) -> str:
    """Definitions of one family may turn into each other (``def`` and ``async def``)."""
    if isinstance(node, ast.ClassDef):
        return "class"
    return "function" if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else "variable"


def _def_kind(node: Defined, owner: str | None) -> str:
    if isinstance(node, ast.ClassDef):
        return "class"
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return "function"
    return "attribute" if owner else "variable"


def parameter_change(old: tuple[Param, ...], new: tuple[Param, ...]) -> dict[str, object] | None:
    """The one parameter edit turning ``old`` into ``new``: added, removed or renamed (a
    default given or changed, an annotation changed: None)."""
    old_names, new_names = [p.name for p in old], [p.name for p in new]
    common = {"old_params": old, "new_params": new}
    if len(new) == len(old) + 1:
        for i, p in enumerate(new):
            if new_names[:i] + new_names[i + 1 :] == old_names:
                if p.default or p.kind in ("varargs", "varkw"):
                    return None  # a default value (or *args) added: callers need nothing
                return {"kind": "add-parameter", "new_parameter": p.name, "index": i, "param_kind": p.kind,
                        "annotation": p.annotation, **common}
        return None
    if len(new) == len(old) - 1:
        for i, p in enumerate(old):
            if old_names[:i] + old_names[i + 1 :] == new_names:
                if p.kind in ("varargs", "varkw"):
                    return None
                return {"kind": "remove-parameter", "parameter": p.name, "index": i, "param_kind": p.kind, **common}
        return None
    if len(new) == len(old):
        differ = [i for i in range(len(old)) if old_names[i] != new_names[i]]
        if len(differ) == 1:
            i = differ[0]
            if old[i].kind == new[i].kind and new_names[i] not in old_names:
                return {"kind": "rename-parameter", "parameter": old_names[i], "new_parameter": new_names[i],
                        "index": i, "param_kind": old[i].kind, **common}
    return None
