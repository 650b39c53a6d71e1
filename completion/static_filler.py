"""The ``static`` backend: type-directed fillings with no model, as a typed-holes editor makes.

Candidates, best first: bindings in scope whose type fits the expected type; their fields that
fit; calls of the relevant headers (constructors and functions producing the expected type)
with arguments chosen from the bindings by type, else typed placeholders; members of the
receiver after a dot; literals of simple expected types. A header whose name is not bound in
the file (a function of a module it does not import) comes after the literals: calling it is
an undefined name until the user adds the import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from completion.model import Candidate
from context.model import Binding, Definition, HoleContext

PLACEHOLDER_BY_TYPE = {
    "int": "0",
    "float": "0.0",
    "str": '""',
    "bool": "False",
    "bytes": 'b""',
    "complex": "0j",
    "None": "None",
}
CONTAINER_LITERALS = {
    "list": "[]",
    "List": "[]",
    "dict": "{}",
    "Dict": "{}",
    "set": "set()",
    "Set": "set()",
    "tuple": "()",
    "Tuple": "()",
    "Sequence": "[]",
    "Iterable": "[]",
    "Mapping": "{}",
}
_HEADER = re.compile(
    r"^(?:async )?(?:def )?(?P<label>[\w.]+)\((?P<params>.*)\)(?: -> (?P<ret>.+))?$", re.S
)
PLACEHOLDER = "..."  # what placeholder_for gives for a type it has no value of
NOT_CALLABLE = frozenset({"Any", "Union", "Optional", "Literal", "Never", "NoReturn"})  # typing forms
MAX_CANDIDATES = 8
HEADER_WEIGHT = 0.9
ELSEWHERE_WEIGHT = 0.25  # a header not reachable from the file: below the literals (0.3)
NAME_BONUS = 0.05  # a filling named like the variable or parameter it fills, among equals


@dataclass(frozen=True)
class _Scored:
    text: str
    score: float
    label: str


def _types_fit(actual: str | None, expected: str | None) -> float:
    if not actual or not expected:
        return 0.0
    if actual == expected:
        return 1.0
    members = [m.strip() for m in expected.split("|")]
    if actual in members:
        return 0.9
    inner = [m for m in members if m != "None"]
    if actual.replace(" | None", "") in inner:
        return 0.5  # Optional where a member is expected: may need a check
    return 0.0


def _partial_word(prefix: str) -> str:
    match = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", prefix)
    return match.group(0) if match else ""


def _split_params(params: str) -> list[str]:
    out, depth, current = [], 0, ""
    for ch in params:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current.strip())
    return out


def placeholder_for(type_text: str | None) -> str:
    if not type_text:
        return "..."
    first = type_text.split("|")[0].strip()
    if "None" in [m.strip() for m in type_text.split("|")]:
        return "None"
    head = first.split("[", 1)[0]
    return PLACEHOLDER_BY_TYPE.get(head) or CONTAINER_LITERALS.get(head) or "..."


def _argument(param: str, bindings: list[Binding], used: set[str]) -> str | None:
    """A value for one parameter: a fitting binding, else a typed placeholder; None to skip
    (optional parameters and ``*args``)."""
    if param.startswith("*") or param in ("/",) or "=" in param:
        return None
    name, _, annotation_text = param.partition(":")
    annotation = annotation_text.strip() or None
    for b in bindings:
        if b.name not in used and _types_fit(b.type, annotation) >= 0.9:
            used.add(b.name)
            return b.name
    for b in bindings:
        if b.name == name.strip() and b.name not in used:
            used.add(b.name)
            return b.name
    return placeholder_for(annotation)


def call_with_arguments(header: Definition, bindings: list[Binding]) -> str | None:
    """The header called with an argument for each required parameter; None when it cannot be
    called (``typing.Any`` and the like are types, not constructors) or when an argument is
    unknown (a ``...`` placeholder is no value: ``Config(...)`` is not worth showing)."""
    match = _HEADER.match(header.text.strip())
    if match is None or match.group("label").rsplit(".", 1)[-1] in NOT_CALLABLE:
        return None
    used: set[str] = set()
    args = [
        a
        for a in (_argument(p, bindings, used) for p in _split_params(match.group("params")))
        if a is not None
    ]
    if PLACEHOLDER in args:
        return None
    return f"{match.group('label')}({', '.join(args)})"


def _binding_candidates(hole: HoleContext, usable: list[Binding]) -> list[_Scored]:
    out: list[_Scored] = []
    weight = {
        "local": 1.0,
        "parameter": 1.0,
        "loop": 1.0,
        "comprehension": 1.0,
        "attribute": 0.95,
        "global": 0.85,
    }
    for b in usable:
        score = _types_fit(b.type, hole.expected_type) * weight.get(b.kind, 0.8)
        if score > 0:
            out.append(_Scored(b.name, score, f"{b.name}: {b.type}"))
    return out


def _member_candidates(hole: HoleContext) -> list[_Scored]:
    out: list[_Scored] = []
    for i, m in enumerate(hole.receiver_members):
        fit = _types_fit(m.type, hole.expected_type) if hole.expected_type else 0.0
        text = m.name
        if m.kind == "method":
            header = _HEADER.match(
                m.text.split("\n")[0].removesuffix(": ...").removesuffix(":").strip()
            )
            params = [p for p in _split_params(header.group("params"))[1:]] if header else []
            required = [p for p in params if "=" not in p and not p.startswith("*")]
            args = [placeholder_for(p.partition(":")[2].strip() or None) for p in required]
            if PLACEHOLDER in args:  # an argument of unknown type: no call worth showing
                continue
            text = f"{m.name}({', '.join(args)})"
        out.append(_Scored(text, 0.5 + fit - i * 0.001, m.text.split("\n")[0]))
    return out


def _header_candidates(hole: HoleContext, usable: list[Binding]) -> list[_Scored]:
    bound = {b.name for b in hole.typing_context}
    out: list[_Scored] = []
    for h in hole.relevant_headers:
        reachable = h.name.split(".", 1)[0] in bound or (
            h.location is not None and h.location.path == hole.path
        )
        weight = HEADER_WEIGHT if reachable else ELSEWHERE_WEIGHT
        text = h.name if h.kind == "field" else call_with_arguments(h, usable)
        if text is not None:
            out.append(_Scored(text, weight * h.score, h.text))
    return out


def _words(name: str) -> set[str]:
    """``request_timeout_s``, ``requestTimeout`` -> {"request", "timeout", ...}."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return {w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if len(w) > 1}


def name_likeness(name: str, filling: str) -> float:
    """How much the last name in ``filling`` (before any call) shares the words of ``name``."""
    head = filling.split("(", 1)[0].rsplit(".", 1)[-1]
    wanted, offered = _words(name.rsplit(".", 1)[-1]), _words(head)
    return len(wanted & offered) / len(wanted) if wanted else 0.0


def _assigned_name(hole: HoleContext) -> str | None:
    """The variable the hole is the value of (never a useful filling of itself)."""
    source = hole.expected_type_source or ""
    for lead in ("annotation of ", "declared type of "):
        if source.startswith(lead):
            return source[len(lead) :]
    return None


def static_candidates(hole: HoleContext) -> list[Candidate]:
    """Ranked fillings for the hole, each real code: never a ``...`` placeholder argument nor
    ``Any()`` (the checker flags both)."""
    partial = _partial_word(hole.prefix) if hole.hole_kind != "placeholder" else ""
    target = _assigned_name(hole)
    usable = [
        b
        for b in hole.typing_context
        if b.kind != "import"
        and b.name != target
        and not (b.location and b.location.path == hole.path and b.location.line == hole.line)
    ]
    scored: list[_Scored] = []
    if hole.hole_kind == "attribute" or hole.receiver:
        scored += _member_candidates(hole)
    else:
        scored += _binding_candidates(hole, usable)
        scored += _header_candidates(hole, usable)
        if hole.expected_type:
            literal = placeholder_for(hole.expected_type)
            if literal != "...":
                scored.append(_Scored(literal, 0.3, f"a {hole.expected_type} value"))
    name = target or (hole.call.active_name if hole.call else None)
    if name:  # ``timeout: float = `` -> ``settings.request_timeout_s`` before other floats
        scored = [_Scored(s.text, s.score + NAME_BONUS * name_likeness(name, s.text), s.label) for s in scored]
    seen: set[str] = set()
    out: list[Candidate] = []
    for s in sorted(scored, key=lambda s: -s.score):
        if s.text in seen or not s.text.startswith(partial):
            continue
        seen.add(s.text)
        out.append(Candidate(s.text[len(partial) :], (), "static", s.label))
        if len(out) >= MAX_CANDIDATES:
            break
    return out
