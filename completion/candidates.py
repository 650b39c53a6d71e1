"""Closed candidate sets: holes whose valid answers the context can list (pure).

    member        an attribute after a dot on a known type: one of the receiver's members,
                  then anything that does not continue the name (``corner.x``, ``area()``)
    enum member   ``Color.`` where a ``Color`` is expected: exactly one of its members of that type
    keyword       a new argument after a keyword argument: one of the parameters not given yet,
                  with its ``=``, then the value
    literal       a value where a ``Literal[...]`` is expected: one of its values (or a name
                  bound to that type); as a call's argument, a keyword argument instead

The set becomes a :class:`Constraint` for servers that enforce one, and ranks and checks the
model's candidates everywhere else. Every choice is what follows the hole: the part of a name
already typed before it is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from completion.backends.base import Constraint
from context.model import Diagnostic, HoleContext

PARTIAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
PARTIAL_STRING = re.compile(r"""(?<![A-Za-z0-9_])(["'])([^"'\\\n]*)$""")
KEYWORD_ARGUMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")
NUMBER = re.compile(r"-?\d[\d_]*(\.\d*)?([eE][-+]?\d+)?j?")
NOT_IN_SET = "not-in-closed-set"
SHOWN_CHOICES = 8  # of a set named in a message


@dataclass(frozen=True)
class CandidateSet:
    kind: str  # "member" | "enum member" | "keyword" | "literal"
    choices: tuple[str, ...]  # whole answers that may follow the hole, best first
    heads: tuple[str, ...]  # answers' beginnings (then anything not continuing the name)
    reason: str

    @property
    def constraint(self) -> Constraint:
        return Constraint(self.choices, self.heads)

    def fits(self, filling: str) -> bool:
        return self.constraint.allows(filling.strip())

    def rank(self, filling: str) -> int:
        """The place of the choice or head ``filling`` takes (choices first), best 0; the size
        of the set when it takes none."""
        text = filling.strip()
        for index, choice in enumerate(self.choices):
            if text == choice:
                return index
        for index, head in enumerate(self.heads, len(self.choices)):
            if text.startswith(head) and Constraint(heads=(head,)).allows(text):
                return index
        return len(self.choices) + len(self.heads)

    @property
    def size(self) -> int:
        return len(self.choices) + len(self.heads)

    def miss(self, filling: str, line: int, column: int) -> Diagnostic:
        """The problem of a filling outside the set, on its span (for the error rounds)."""
        lines = filling.split("\n")
        end_line = line + len(lines) - 1
        end_column = (column if len(lines) == 1 else 0) + len(lines[-1])
        every = (*self.choices, *self.heads)
        shown = ", ".join(every[:SHOWN_CHOICES]) + (", ..." if len(every) > SHOWN_CHOICES else "")
        message = f"`{filling.strip()}` is not one of the {self.kind} choices here: {shown}"
        return Diagnostic(line, column, end_line, end_column, "error", message, "candidates", NOT_IN_SET)


def candidate_set(hole: HoleContext) -> CandidateSet | None:
    """The closed set of answers at ``hole``, or None when the context cannot list them."""
    line = hole.prefix[hole.prefix.rfind("\n") + 1 :]
    if hole.hole_kind == "attribute":
        return _member_set(hole, line)
    return _keyword_set(hole, line) or _literal_set(hole, line)


def _partial_name(line: str) -> str:
    found = PARTIAL_NAME.search(line)
    return found.group(0) if found else ""


def _completions(names: list[str], typed: str) -> tuple[str, ...] | None:
    """What follows ``typed`` for each name starting with it; None when a name is already
    complete (the answer may then be empty, which no constraint can say) or none is left."""
    rests = [name[len(typed) :] for name in dict.fromkeys(names) if name.startswith(typed)]
    if not rests or "" in rests:
        return None
    return tuple(rests)


def _member_set(hole: HoleContext, line: str) -> CandidateSet | None:
    members = hole.receiver_members
    typed = _partial_name(line)
    if not members or typed.startswith("_"):
        return None  # private names are not among the listed members
    expected = _short(hole.expected_type) if hole.expected_type else None
    receiver = (hole.receiver or "").rsplit(".", 1)[-1]
    if expected is not None and receiver == expected:
        enum = [m.name for m in members if m.kind == "field" and _short(m.type) == expected]
        choices = _completions(enum, typed)
        if choices:
            return CandidateSet("enum member", choices, (),
                                f"a member of {hole.receiver} where a {expected} is expected")
    fitting = [m.name for m in members if expected is not None and _short(m.type) == expected]
    names = fitting + [m.name for m in members]
    choices = _completions(names, typed)
    if choices is None:
        return None
    where = hole.receiver_type or hole.receiver
    return CandidateSet("member", (), choices, f"an attribute of {where} ({len(members)} members)")


def _keyword_set(hole: HoleContext, line: str) -> CandidateSet | None:
    call = hole.call
    if call is None or hole.hole_kind != "argument" or "**" in call.signature:
        return None
    arguments = _arguments_so_far(hole.prefix)
    if arguments is None or len(arguments) < 2:
        return None
    given = _keywords_given(arguments)
    current = arguments[-1]
    typed = _partial_name(current)
    if not given or current.strip() != typed:
        return None  # positional arguments may still follow, or a value is being written
    heads = _completions(_keyword_heads(call.parameters, given), typed)
    if heads is None:
        return None
    return CandidateSet("keyword", (), heads,
                        f"a keyword argument of {call.callee} after `{given[-1]}=`")


def _keywords_given(arguments: list[str]) -> list[str]:
    return [m.group(1) for m in map(KEYWORD_ARGUMENT.match, arguments[:-1]) if m]


def _keyword_heads(parameters: tuple[str, ...], given: list[str], start: int = 0) -> list[str]:
    return [f"{p}=" for p in parameters[start:] if not p.startswith("*") and p not in given]


def _arguments_so_far(prefix: str) -> list[str] | None:
    """The arguments written in the innermost open call before the hole, split at top-level
    commas (the last one is the one at the hole); None outside a call."""
    depth = 0
    quote = ""
    index = len(prefix) - 1
    while index >= 0:  # back to the innermost unclosed "("
        ch = prefix[index]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                break
            depth -= 1
        index -= 1
    if index < 0 or prefix[index] != "(":
        return None
    return _split_top(prefix[index + 1 :])


def _split_top(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    return [*parts, "".join(current)]


def _literal_set(hole: HoleContext, line: str) -> CandidateSet | None:
    values = literal_values(hole.expected_type or "")
    if not values or hole.hole_kind not in ("expression", "argument", "placeholder"):
        return None
    prefer_double = hole.prefix.count('"') >= hole.prefix.count("'")
    spelled: list[str] = []
    for value in values:
        spelled.extend(_spellings(value, prefer_double))
    spelled.extend(b.name for b in hole.typing_context if b.type == hole.expected_type)
    opened = PARTIAL_STRING.search(line)
    inside_string = opened is not None and line.count(opened.group(1)) % 2 == 1
    typed = opened.group(0) if opened is not None and inside_string else _partial_name(line)
    choices = _completions(spelled, typed)
    if choices is None:
        return None
    heads = _keywords_instead(hole, typed)
    return CandidateSet("literal", choices, heads, f"a value of {hole.expected_type}")


def _keywords_instead(hole: HoleContext, typed: str) -> tuple[str, ...]:
    """At a positional argument, the keyword arguments that may come instead of the value:
    the parameters from the hole's position on that are not given yet."""
    call = hole.call
    arguments = _arguments_so_far(hole.prefix) if call is not None else None
    if call is None or arguments is None or "=" in arguments[-1] or "**" in call.signature:
        return ()
    start = call.active_parameter or 0
    heads = _completions(_keyword_heads(call.parameters, _keywords_given(arguments), start), typed)
    return heads or ()


def literal_values(type_text: str) -> list[str] | None:
    """The values of a ``Literal[...]`` type (a union of them, with ``None``), each as the
    type's text spells it; None for any other type."""
    values: list[str] = []
    for part in _split_top_level(type_text, "|"):
        part = part.strip()
        if part in ("None", "Literal[None]"):
            values.append("None")
            continue
        head = re.sub(r"^(typing\.|typing_extensions\.)", "", part)
        if not (head.startswith("Literal[") and head.endswith("]")):
            return None
        values.extend(v.strip() for v in _split_top_level(head[len("Literal[") : -1], ",") if v.strip())
    return values or None


def _spellings(value: str, prefer_double: bool) -> list[str]:
    """How a Literal value is written: strings in both quote styles (the file's first)."""
    bare = value in ("True", "False", "None") or "." in value or NUMBER.fullmatch(value)
    if value[:1] in "\"'" or bare:
        return [value]
    # The context shows a string value without its quotes (``Literal[fast]``).
    double, single = f'"{value}"', f"'{value}'"
    return [double, single] if prefer_double else [single, double]


def _split_top_level(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    return [*parts, "".join(current)]


def _short(type_text: str | None) -> str | None:
    if not type_text:
        return None
    return type_text.strip().rsplit(".", 1)[-1]


__all__ = ["NOT_IN_SET", "CandidateSet", "candidate_set", "literal_values"]
