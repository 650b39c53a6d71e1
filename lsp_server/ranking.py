"""Completion items from the context at a hole, ranked by how well their type fits.

Tiers: 0 the type fits the expected type (or a member of its union), 1 the same generic
head (``list[int]`` for ``list[str]``), 2 anything else. After a dot the receiver's
members come first, then the rest.
"""

from __future__ import annotations

import re

from lsprotocol import types

from context.model import Binding, Definition, HoleContext

_UNION_WRAPPERS = re.compile(r"^(Optional|Union|typing\.Optional|typing\.Union)\[(.*)\]$")

_KINDS = {
    "parameter": types.CompletionItemKind.Variable,
    "local": types.CompletionItemKind.Variable,
    "loop": types.CompletionItemKind.Variable,
    "comprehension": types.CompletionItemKind.Variable,
    "attribute": types.CompletionItemKind.Field,
    "global": types.CompletionItemKind.Variable,
    "import": types.CompletionItemKind.Module,
    "class": types.CompletionItemKind.Class,
    "function": types.CompletionItemKind.Function,
    "method": types.CompletionItemKind.Method,
    "constructor": types.CompletionItemKind.Constructor,
    "alias": types.CompletionItemKind.Reference,
    "variable": types.CompletionItemKind.Variable,
    "module": types.CompletionItemKind.Module,
}


def _normal(type_text: str) -> str:
    return re.sub(r"\s+", "", type_text).replace("typing.", "")


def _split_top(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    depth, current = 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def union_members(type_text: str) -> set[str]:
    """The alternatives of a type: ``A | None``, ``Optional[A]`` and ``Union[A, B]`` split."""
    text = _normal(type_text)
    wrapped = _UNION_WRAPPERS.match(text)
    if wrapped:
        members = set(_split_top(wrapped.group(2), ","))
        if wrapped.group(1).endswith("Optional"):
            members.add("None")
        return members
    return set(_split_top(text, "|"))


def _head(type_text: str) -> str:
    return _normal(type_text).split("[", 1)[0].lower()


def fit_tier(candidate: str | None, expected: str | None) -> int:
    """0 fits, 1 same generic head, 2 no evidence."""
    if not candidate or not expected:
        return 2
    wanted = union_members(expected)
    if _normal(candidate) in wanted or union_members(candidate) <= wanted:
        return 0
    if any(_head(candidate) == _head(member) for member in wanted):
        return 1
    return 2


def _item(
    name: str, kind: str, type_text: str | None, rank: str, detail: str | None = None
) -> types.CompletionItem:
    return types.CompletionItem(
        label=name,
        kind=_KINDS.get(kind, types.CompletionItemKind.Text),
        detail=detail or type_text,
        sort_text=f"{rank}{name}",
        label_details=types.CompletionItemLabelDetails(description=type_text)
        if type_text
        else None,
    )


def _binding_item(binding: Binding, expected: str | None, group: int) -> types.CompletionItem:
    tier = fit_tier(binding.type, expected)
    return _item(binding.name, binding.kind, binding.type, f"{group}{tier}")


def _definition_item(
    definition: Definition, expected: str | None, group: int
) -> types.CompletionItem:
    tier = fit_tier(definition.type, expected)
    return _item(
        definition.name, definition.kind, definition.type, f"{group}{tier}", definition.text
    )


def ranked_items(hole: HoleContext) -> list[types.CompletionItem]:
    """Items sorted best first (``sort_text`` carries the order for the client too)."""
    expected = hole.expected_type
    items: list[types.CompletionItem] = []
    if hole.receiver_members or hole.hole_kind == "attribute":
        items += [_definition_item(member, expected, 0) for member in hole.receiver_members]
    else:
        items += [_binding_item(binding, expected, 1) for binding in hole.typing_context]
        items += [_definition_item(header, expected, 1) for header in hole.relevant_headers]
    unique: dict[str, types.CompletionItem] = {}
    for item in items:
        best = unique.get(item.label)
        if best is None or (item.sort_text or "") < (best.sort_text or ""):
            unique[item.label] = item
    return sorted(unique.values(), key=lambda item: item.sort_text or item.label)
