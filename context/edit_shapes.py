"""Repeated edits: when the user made the same edit at two places, the places still waiting for it.

The shape of one edit (one step of the edit history) is either

- a *replacement* of one piece of a line (``.scale(`` → ``.resize(``): the changed text, widened
  to whole identifiers, with the character on each side; or
- a *call edit*: the innermost call around the change gained or lost a keyword argument, had
  one renamed, or gained or lost a positional argument — the same callee, the same change.

When the newest step's shape is also the shape of an earlier step, the other places of the
files those steps edited that match the shape's *before* side are where it applies next. One
step is enough when it replaced a name that its module no longer binds (:func:`orphaned`): the
other uses of that name are undefined now, and get the same replacement.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from pathlib import Path

from context.call_edits import TextChange, argument_spans, open_paren, removal
from context.occurrences import INDEXES, ModuleIndex
from context.positions import common_head, common_tail

MAX_PIECE = 80
BUILTIN_NAMES = frozenset(dir(builtins))
WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Shape:
    kind: str  # "replace" or "call"
    before: str  # replace: the old piece; call: the callee as written
    after: str = ""  # replace: the new piece
    left: str = ""  # replace: the character before the piece
    right: str = ""  # replace: the character after it
    op: tuple[str, ...] = ()  # call: ("add-keyword", name, value), ("remove-keyword", name),
    #   ("rename-keyword", old, new), ("append", value, count), ("remove", index, count)

    def describe(self) -> str:
        if self.kind == "replace":
            return f"{self.left}{self.before}{self.right} → {self.left}{self.after}{self.right}"
        action = self.op[0]
        if action == "add-keyword":
            return f"{self.before}(..., {self.op[1]}={self.op[2]})"
        if action == "remove-keyword":
            return f"{self.before}(...) without {self.op[1]}="
        if action == "rename-keyword":
            return f"{self.before}({self.op[1]}= → {self.op[2]}=)"
        if action == "append":
            return f"{self.before}(..., {self.op[1]})"
        return f"{self.before}(...) without its argument {int(self.op[1]) + 1}"


def _is_word(ch: str) -> bool:
    return bool(ch) and WORD.match(ch) is not None


def replacement_shape(old: str, new: str) -> Shape | None:
    head = common_head(old, new)
    tail = common_tail(old, new, min(len(old), len(new)) - head)
    a, b, c = head, len(old) - tail, len(new) - tail
    while a > 0 and _is_word(old[a - 1]):
        a -= 1
    while b < len(old) and _is_word(old[b]):
        b += 1
        c += 1
    piece, replaced = old[a:b], new[a:c]
    if not piece.strip() or piece == replaced or len(piece) > MAX_PIECE or len(replaced) > MAX_PIECE:
        return None
    if "\n" in piece or "\n" in replaced:
        return None
    return Shape("replace", piece, replaced, old[a - 1 : a] if a else "", old[b : b + 1])


def _innermost_call(index: ModuleIndex, start: int, end: int) -> ast.Call | None:
    best: ast.Call | None = None
    for node in ast.walk(index.tree):
        if isinstance(node, ast.Call):
            s, e = index.source.node_start(node), index.source.node_end(node)
            if s <= start and end <= e and (best is None or s >= index.source.node_start(best)):
                best = node
    return best


def call_shape(path: Path, old: str, new: str) -> Shape | None:
    head = common_head(old, new)
    tail = common_tail(old, new, min(len(old), len(new)) - head)
    before = _innermost_call(INDEXES.index(path, old), head, len(old) - tail)
    after = _innermost_call(INDEXES.index(path, new), head, len(new) - tail)
    if before is None or after is None or ast.unparse(before.func) != ast.unparse(after.func):
        return None
    func = ast.unparse(before.func)
    old_args, new_args = [ast.unparse(a) for a in before.args], [ast.unparse(a) for a in after.args]
    old_kw = {k.arg: ast.unparse(k.value) for k in before.keywords if k.arg}
    new_kw = {k.arg: ast.unparse(k.value) for k in after.keywords if k.arg}
    op = _call_op(old_args, new_args, old_kw, new_kw)
    return Shape("call", func, op=op) if op else None


def _call_op(old_args: list[str], new_args: list[str], old_kw: dict[str, str],
             new_kw: dict[str, str]) -> tuple[str, ...] | None:
    if old_args == new_args:
        added, removed = set(new_kw) - set(old_kw), set(old_kw) - set(new_kw)
        if len(added) == 1 and not removed:
            name = next(iter(added))
            return ("add-keyword", name, new_kw[name])
        if len(removed) == 1 and not added:
            return ("remove-keyword", next(iter(removed)))
        if len(added) == len(removed) == 1:
            a, r = next(iter(added)), next(iter(removed))
            if new_kw[a] == old_kw[r]:
                return ("rename-keyword", r, a)
        return None
    if old_kw != new_kw:
        return None
    if new_args[:-1] == old_args and len(new_args) == len(old_args) + 1:
        return ("append", new_args[-1], str(len(old_args)))
    for i in range(len(old_args)):
        if old_args[:i] + old_args[i + 1 :] == new_args:
            return ("remove", str(i), str(len(old_args)))
    return None


def shape_of(path: Path, old: str, new: str) -> Shape | None:
    """The shape of one edit, a call edit first."""
    return call_shape(path, old, new) or replacement_shape(old, new)


def loosened(shape: Shape | None) -> Shape | None:
    """A replacement of one identifier by another without the characters around it: the same
    rename wherever the identifier stands (``scale(`` and ``import scale``); None for other shapes."""
    if shape is None or shape.kind != "replace" or not (shape.before.isidentifier() and shape.after.isidentifier()):
        return None
    return Shape("replace", shape.before, shape.after)


def repeated(steps: list[tuple[Path, str, str]], loose: bool = False) -> tuple[Shape, list[Path]] | None:
    """The newest step's shape and the files of the steps having it, when at least two have.
    ``loose``: identifiers renamed alike count as one shape whatever stands around them
    (:func:`loosened`)."""
    if len(steps) < 2:
        return None
    path, old, new = steps[-1]
    shape = shape_of(path, old, new)
    if loose:
        shape = loosened(shape)
    if shape is None:
        return None
    files = [path]
    found = False
    for other_path, other_old, other_new in reversed(steps[:-1]):
        other = shape_of(other_path, other_old, other_new)
        if (loosened(other) if loose else other) == shape:
            found = True
            if other_path not in files:
                files.append(other_path)
    return (shape, files) if found else None


def places(shape: Shape, path: Path, text: str) -> list[TextChange]:
    """Where ``shape`` applies in ``text`` (the places already edited no longer match)."""
    if shape.kind == "replace":
        return _replacements(shape, text)
    index = INDEXES.index(path, text)
    name = shape.before.rsplit(".", 1)[-1]
    out: list[TextChange] = []
    for occurrence in index.occurrences(name):
        call = occurrence.parent
        if isinstance(call, ast.Call) and call.func is occurrence.node and ast.unparse(call.func) == shape.before:
            change = _call_change(shape, call, index)
            if change is not None:
                out.append(change)
    return out


def _replacements(shape: Shape, text: str) -> list[TextChange]:
    lead = r"(?<!\w)" if _is_word(shape.before[:1]) and not shape.left else ""
    trail = r"(?!\w)" if _is_word(shape.before[-1:]) and not shape.right else ""
    pattern = re.compile(lead + re.escape(shape.left + shape.before + shape.right) + trail)
    out = []
    for match in pattern.finditer(text):
        start = match.start() + len(shape.left)
        out.append(TextChange(start, start + len(shape.before), shape.after))
    return out


def _call_change(shape: Shape, call: ast.Call, index: ModuleIndex) -> TextChange | None:
    source = index.source
    action = shape.op[0]
    names = {k.arg for k in call.keywords}
    spans = argument_spans(call, source)
    if action == "add-keyword":
        if shape.op[1] in names or None in names:
            return None
        text = f"{shape.op[1]}={shape.op[2]}"
        if spans:
            return TextChange(spans[-1][1], spans[-1][1], f", {text}")
        at = open_paren(call, source)
        return TextChange(at, at, text)
    if action in ("remove-keyword", "rename-keyword"):
        for k in call.keywords:
            if k.arg == shape.op[1]:
                if action == "remove-keyword":
                    return removal(call, source, k)
                start = source.node_start(k)
                return TextChange(start, start + len(k.arg), shape.op[2])
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) != int(shape.op[-1]):
        return None
    if action == "append":
        extent = {id(node): (start, end) for start, end, node in spans}
        if call.args:
            end = extent[id(call.args[-1])][1]
            return TextChange(end, end, f", {shape.op[1]}")
        if spans:
            return TextChange(spans[0][0], spans[0][0], f"{shape.op[1]}, ")
        at = open_paren(call, source)
        return TextChange(at, at, shape.op[1])
    if action == "remove":
        return removal(call, source, call.args[int(shape.op[1])])
    return None


# -- one edit that left a name undefined ------------------------------------------------------------
def orphaned(path: Path, old: str, new: str) -> Shape | None:
    """The edit's identifier renamed (``X`` → ``Y``, :func:`loosened`) when ``X`` is bound nowhere
    in the module now — no definition, assignment or import, no ``import *``, no builtin (its
    definition went in this edit or an earlier one): its other uses are undefined names,
    waiting for the same edit."""
    shape = loosened(shape_of(path, old, new))
    if shape is None or shape.before in BUILTIN_NAMES:
        return None
    after = INDEXES.index(path, new)
    if after.broken:
        return None
    bound = module_bindings(after.tree)
    return shape if bound is not None and shape.before not in bound else None


def unbound_uses(shape: Shape, path: Path, text: str) -> list[TextChange]:
    """The uses of ``shape.before`` that no scope of ``text`` binds, as the edit ``shape`` makes."""
    index = INDEXES.index(path, text)
    out: list[TextChange] = []
    for occurrence in index.occurrences(shape.before):
        node = occurrence.node
        if occurrence.kind != "name" or not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load):
            continue
        scopes = [s for s in occurrence.chain if not isinstance(s, ast.ClassDef)]
        if any(shape.before in index.binds(s).names for s in scopes):
            continue
        start = index.source.node_start(node)
        out.append(TextChange(start, start + len(shape.before), shape.after))
    return out


def module_bindings(tree: ast.Module) -> set[str] | None:
    """The names a module binds at its top level (in ``if``/``try`` blocks too); None when an
    ``import *`` may bind any."""
    names: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add((alias.asname or alias.name).split(".")[0])
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names
