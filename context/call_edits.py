"""Edits of one call after its callee's signature changed: an argument added (positional, or by
keyword when the call names later parameters), removed (positional or keyword) or its keyword
renamed. A call the edit cannot be made on safely (``*args``/``**kwargs`` where the argument
would go) gives a :class:`Skip` saying why. Arguments are taken with the parentheses written
around them, and a lone generator argument gets parentheses of its own when another joins it.

Offsets are code points of the call's file text (:class:`context.ripple_model.SourceText`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from context.definition_changes import DefinitionChange
from context.ripple_model import PLACEHOLDER, SourceText


@dataclass(frozen=True)
class TextChange:
    start: int
    end: int
    new_text: str
    hole: tuple[str, str] | None = None  # (before, after) around the argument to fill


@dataclass(frozen=True)
class Skip:
    reason: str


def argument_spans(call: ast.Call, source: SourceText) -> list[tuple[int, int, ast.AST]]:
    """The call's arguments and keywords in source order: (start, end, node), each span taking
    in the parentheses written around the argument (``f((x), y)``)."""
    nodes: list[ast.AST] = [*call.args, *call.keywords]
    spans = sorted(((source.node_start(n), source.node_end(n), n) for n in nodes), key=lambda s: s[0])
    low, high = open_paren(call, source), _close_paren(call, source)
    out: list[tuple[int, int, ast.AST]] = []
    for i, (start, end, node) in enumerate(spans):
        after = spans[i + 1][0] if i + 1 < len(spans) else high
        start, end = _with_parentheses(source.text, start, end, out[-1][1] if out else low, after)
        out.append((start, end, node))
    return out


def _with_parentheses(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """``start:end`` widened by the pairs of parentheses around it, between ``low`` and ``high``."""
    opens: list[int] = []
    at = start
    while at > low and (text[at - 1].isspace() or text[at - 1] == "("):
        at -= 1
        if text[at] == "(":
            opens.append(at)
    closes: list[int] = []
    at = end
    while at < high and len(closes) < len(opens) and (text[at].isspace() or text[at] == ")"):
        if text[at] == ")":
            closes.append(at + 1)
        at += 1
    pairs = min(len(opens), len(closes))
    return (opens[pairs - 1], closes[pairs - 1]) if pairs else (start, end)


def open_paren(call: ast.Call, source: SourceText) -> int:
    """Offset just after the call's ``(``."""
    at = source.text.find("(", source.node_end(call.func))
    return at + 1 if at >= 0 else source.node_end(call.func)


def _close_paren(call: ast.Call, source: SourceText) -> int:
    """Offset of the call's ``)``."""
    end = source.node_end(call)
    return end - 1 if source.text[end - 1 : end] == ")" else end


def _shares_parens(call: ast.Call, source: SourceText) -> bool:
    """A lone generator argument written without its own parentheses (``f(x for x in y)``)."""
    return (len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.GeneratorExp)
            and source.node_start(call.args[0]) < open_paren(call, source))


def first_passed(bound: bool, change: DefinitionChange) -> int:
    """How many leading parameters the call passes implicitly (``self`` or ``cls``)."""
    return 1 if bound and change.owner and not change.is_static else 0


def removal(call: ast.Call, source: SourceText, node: ast.AST) -> TextChange:
    """The change removing one argument (and its comma) from a call."""
    elements = argument_spans(call, source)
    at = next(i for i, e in enumerate(elements) if e[2] is node)
    start, end, _ = elements[at]
    if at + 1 < len(elements):
        return TextChange(start, elements[at + 1][0], "")
    if at > 0:
        return TextChange(elements[at - 1][1], end, "")
    return TextChange(open_paren(call, source), _close_paren(call, source), "")


def remove_argument(call: ast.Call, source: SourceText, change: DefinitionChange, bound: bool) -> TextChange | Skip | None:
    """The argument of the removed parameter taken out; None when the call does not pass it."""
    assert change.parameter is not None and change.index is not None
    for keyword in call.keywords:
        if keyword.arg == change.parameter:
            return removal(call, source, keyword)
    param = change.old_params[change.index]
    spread = any(k.arg is None for k in call.keywords)
    if param.kind in ("pos", "posonly"):
        position = change.index - first_passed(bound, change)
        if position < 0:
            return Skip("the call passes the removed parameter implicitly")
        starred = [i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)]
        if starred and starred[0] <= position:
            return Skip(f"*{ast.unparse(call.args[starred[0]].value)} may hold the removed argument")  # type: ignore[attr-defined]
        if position < len(call.args):
            return removal(call, source, call.args[position])
    if spread:
        return Skip("**kwargs may hold the removed argument")
    return None


def add_argument(call: ast.Call, source: SourceText, change: DefinitionChange, bound: bool) -> TextChange | Skip | None:
    """The argument of the added parameter, a hole to fill, in the form the call allows."""
    assert change.new_parameter is not None and change.index is not None
    param = change.new_params[change.index]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return Skip("the call passes *args or **kwargs: the new argument may come through them")
    if any(k.arg == param.name for k in call.keywords):
        return None
    position = change.index - first_passed(bound, change)
    if position < 0:
        return Skip("the call passes the new parameter implicitly")
    later = {p.name for p in change.new_params[change.index + 1 :]}
    keyword_form = param.kind == "kwonly" or len(call.args) < position or (
        len(call.args) == position and any(k.arg in later for k in call.keywords)
    )
    if keyword_form and param.kind == "posonly":
        return Skip("a positional-only parameter cannot be passed by keyword here")
    if _shares_parens(call, source):  # ``f(x for x in y)``: the generator gets parentheses of its own
        low, high = open_paren(call, source), _close_paren(call, source)
        inner = f"({source.text[low:high].strip()})"
        if keyword_form or position > 0:
            lead = f"{inner}, {param.name + '=' if keyword_form else ''}"
            return TextChange(low, high, f"{lead}{PLACEHOLDER}", (lead, ""))
        return TextChange(low, high, f"{PLACEHOLDER}, {inner}", ("", f", {inner}"))
    if keyword_form:
        return _append(call, source, f"{param.name}=")
    elements = argument_spans(call, source)
    extent = {id(node): (start, end) for start, end, node in elements}
    if position < len(call.args):
        at = extent[id(call.args[position])][0]
        return TextChange(at, at, f"{PLACEHOLDER}, ", ("", ", "))
    if position > 0:
        end = extent[id(call.args[position - 1])][1]
        return TextChange(end, end, f", {PLACEHOLDER}", (", ", ""))
    if elements:
        return TextChange(elements[0][0], elements[0][0], f"{PLACEHOLDER}, ", ("", ", "))
    at = open_paren(call, source)
    return TextChange(at, at, PLACEHOLDER, ("", ""))


def _append(call: ast.Call, source: SourceText, lead: str) -> TextChange:
    elements = argument_spans(call, source)
    if elements:
        end = elements[-1][1]
        return TextChange(end, end, f", {lead}{PLACEHOLDER}", (f", {lead}", ""))
    at = open_paren(call, source)
    return TextChange(at, at, f"{lead}{PLACEHOLDER}", (lead, ""))


def rename_keyword(call: ast.Call, source: SourceText, old: str, new: str) -> TextChange | None:
    """The keyword ``old=`` of the call renamed ``new=``."""
    for keyword in call.keywords:
        if keyword.arg == old:
            start = source.node_start(keyword)
            if source.text[start : start + len(old)] == old:
                return TextChange(start, start + len(old), new)
    return None

