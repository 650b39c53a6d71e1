"""Mutations of true fillings: each makes one kind of mistake a model makes.

A filling is an expression (the value of an assignment or a return, or a call statement). A
mutation is a new text for it, with what the mistake introduced (the misspelled name, the callee)
so a checker's message can be matched against it. Kinds that do not apply to a filling give
nothing (a filling without a keyword argument has no wrong-keyword mutation).
"""

from __future__ import annotations

import ast
import builtins
import random
from collections.abc import Callable
from dataclasses import dataclass

KINDS = ("attribute", "name", "extra_argument", "missing_argument", "wrong_keyword", "bracket", "wrong_type")
# The kinds as the benchmark reports them: the five kinds of mistake a checker must catch.
GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "attribute": ("attribute",),
    "call arity": ("extra_argument", "missing_argument", "wrong_keyword"),
    "argument type": ("wrong_type",),
    "syntax": ("bracket",),
}


@dataclass(frozen=True)
class Mutation:
    kind: str
    text: str  # the mutated filling
    token: str  # the identifier the mistake introduced, or the callee's name for call mistakes
    callee: str = ""  # the called name, for a wrong keyword (whose token is the keyword)


class Filling:
    """A filling's text, parsed, with ast positions turned into offsets of the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = ast.parse(text, mode="eval")
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def offset(self, lineno: int, byte_col: int) -> int:
        start = self.starts[lineno - 1]
        end = self.starts[lineno] if lineno < len(self.starts) else len(self.text)
        prefix = self.text[start:end].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")
        return start + len(prefix)

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                self.offset(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]

    def nodes(self, kind: type[ast.AST]) -> list[ast.AST]:
        return [n for n in ast.walk(self.tree) if isinstance(n, kind)]

    def replace(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]


def typo(word: str, rng: random.Random, taken: set[str]) -> str | None:
    """A misspelling of ``word`` that is an identifier and names nothing in ``taken``."""
    options: list[str] = []
    for i in range(1, len(word) - 1):
        if word[i] != word[i + 1]:
            options.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # swap
        options.append(word[:i] + word[i + 1 :])  # drop
        options.append(word[:i] + word[i] + word[i:])  # double
    rng.shuffle(options)
    for option in options:
        if option.isidentifier() and option not in taken and option != word:
            return option
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _plain_calls(filling: Filling) -> list[ast.Call]:
    return [c for c in filling.nodes(ast.Call) if isinstance(c, ast.Call) and _callee(c)
            and not any(isinstance(a, ast.Starred) for a in c.args) and all(k.arg for k in c.keywords)]


def mutate_attribute(f: Filling, rng: random.Random, taken: set[str]) -> Mutation | None:
    nodes = [n for n in f.nodes(ast.Attribute) if isinstance(n, ast.Attribute) and len(n.attr) >= 3
             and not n.attr.startswith("__")]
    if not nodes:
        return None
    node = rng.choice(nodes)
    new = typo(node.attr, rng, taken)
    if new is None:
        return None
    _, end = f.span(node)
    return Mutation("attribute", f.replace(end - len(node.attr), end, new), new)


def mutate_name(f: Filling, rng: random.Random, taken: set[str]) -> Mutation | None:
    nodes = [n for n in f.nodes(ast.Name) if isinstance(n, ast.Name) and len(n.id) >= 3
             and isinstance(n.ctx, ast.Load)]
    if not nodes:
        return None
    node = rng.choice(nodes)
    new = typo(node.id, rng, taken)
    if new is None:
        return None
    start, end = f.span(node)
    return Mutation("name", f.replace(start, end, new), new)


# the argument an extra-argument mutation adds
EXTRA = "None"


def mutate_extra_argument(f: Filling, rng: random.Random, taken: set[str]) -> Mutation | None:
    calls = _plain_calls(f)
    if not calls:
        return None
    call = rng.choice(calls)
    if call.args:
        _, end = f.span(call.args[-1])
        return Mutation("extra_argument", f.replace(end, end, f", {EXTRA}"), _callee(call))
    if call.keywords:
        start, _ = f.span(call.keywords[0])
        return Mutation("extra_argument", f.replace(start, start, f"{EXTRA}, "), _callee(call))
    _, end = f.span(call)
    return Mutation("extra_argument", f.replace(end - 1, end - 1, EXTRA), _callee(call))


def mutate_missing_argument(f: Filling, rng: random.Random, taken: set[str]) -> Mutation | None:
    calls = [c for c in _plain_calls(f) if c.args]
    if not calls:
        return None
    call = rng.choice(calls)
    last = call.args[-1]
    start, end = f.span(last)
    if len(call.args) > 1:
        start = f.span(call.args[-2])[1]
    elif call.keywords:
        end = f.span(call.keywords[0])[0]
    return Mutation("missing_argument", f.replace(start, end, ""), _callee(call))


def mutate_wrong_keyword(f: Filling, rng: random.Random, taken: set[str]) -> Mutation | None:
    pairs = [(c, k) for c in _plain_calls(f) for k in c.keywords if k.arg and len(k.arg) >= 3]
    if not pairs:
        return None
    call, keyword = rng.choice(pairs)
    assert keyword.arg is not None
    new = typo(keyword.arg, rng, taken)
    if new is None:
        return None
    start, _ = f.span(keyword)
    return Mutation("wrong_keyword", f.replace(start, start + len(keyword.arg), new), new, _callee(call))


def mutate_bracket(f: Filling, rng: random.Random, taken: set[str]) -> Mutation | None:
    calls = [c for c in f.nodes(ast.Call) if isinstance(c, ast.Call)]
    if calls:
        _, end = f.span(rng.choice(calls))
        return Mutation("bracket", f.replace(end - 1, end, ""), "")
    return Mutation("bracket", "(" + f.text, "")


def mutate_wrong_type(f: Filling, rng: random.Random, taken: set[str], whole: bool = False) -> Mutation | None:
    """A literal of another type: for the whole value (returns, annotated assignments), else for
    the first positional argument of a call."""
    target: ast.expr | None = f.tree.body if whole else None
    callee = ""
    if target is None:
        calls = [c for c in _plain_calls(f) if c.args]
        if not calls:
            return None
        call = rng.choice(calls)
        target, callee = call.args[0], _callee(call)
    is_text = isinstance(target, ast.Constant) and isinstance(target.value, str)
    start, end = f.span(target)
    return Mutation("wrong_type", f.replace(start, end, "12345" if is_text else '"wrong"'), callee)


MUTATORS: dict[str, Callable[[Filling, random.Random, set[str]], Mutation | None]] = {
    "attribute": mutate_attribute,
    "name": mutate_name,
    "extra_argument": mutate_extra_argument,
    "missing_argument": mutate_missing_argument,
    "wrong_keyword": mutate_wrong_keyword,
    "bracket": mutate_bracket,
    "wrong_type": mutate_wrong_type,
}


def mutations(text: str, rng: random.Random, taken: set[str], whole_value_typed: bool) -> list[Mutation]:
    """One mutation of each kind that applies to the filling ``text``."""
    try:
        filling = Filling(text)
    except SyntaxError:
        return []
    out: list[Mutation] = []
    for kind, mutator in MUTATORS.items():
        if kind == "wrong_type":
            found = mutate_wrong_type(filling, rng, taken, whole=whole_value_typed)
        else:
            found = mutator(filling, rng, taken)
        if found is not None and found.text != text and (kind == "bracket" or _parses(found.text)):
            out.append(found)
    return out


def _parses(text: str) -> bool:
    """Only the bracket mutation may break the syntax (ast spans leave out enclosing parentheses)."""
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def names_the_problem(kind: str, token: str, message: str, source: str, callee: str = "") -> bool:
    """Whether a problem's message names the mistake of a mutation (ours or pyright's wording)."""
    lowered = message.lower()
    if kind == "wrong_keyword":  # for an overloaded callee, pyright finds no signature that fits
        return f"'{token}'" in message or f'"{token}"' in message or _no_overload(callee, message)
    if kind in ("attribute", "name"):
        return f"'{token}'" in message or f'"{token}"' in message
    if kind == "extra_argument":  # an extra positional argument may also land on a keyword's parameter,
        # or on an optional one that does not take its value (``None``): a type error of that call, or
        # of the callable it forwards its arguments to, which pyright does not name
        # (``run_in_threadpool(file.seek, offset, None)``: ``whence`` does not take None)
        return "positional" in lowered or "too many" in lowered or "multiple values" in lowered \
            or "already assigned" in lowered or _no_overload(token, message) \
            or (_names_the_call(token, message) and _type_error(lowered, source)) \
            or (message.startswith(f'Argument of type "{EXTRA}"') and "function" not in lowered
                and _type_error(lowered, source))
    if kind == "missing_argument":  # the arguments after the dropped one land on other parameters:
        # a type error of that call (a variadic callee's packed arguments, say)
        return "missing" in lowered or "more positional" in lowered or _no_overload(token, message) \
            or (_names_the_call(token, message) and _type_error(lowered, source))
    if kind == "bracket":
        return source == "syntax" or (source == "pyright" and ("closed" in lowered or "expected" in lowered
                                                                or "unexpected" in lowered))
    if kind == "wrong_type":
        return _type_error(lowered, source)
    return False


def _type_error(lowered: str, source: str) -> bool:
    return source == "types" or "assignable" in lowered or "cannot be assigned" in lowered \
        or "incompatible" in lowered


def _no_overload(callee: str, message: str) -> bool:
    """pyright's word for arguments that fit no signature of an overloaded callee; a class's
    constructor is ``__init__`` or ``__new__`` to it, and classes may be lower case
    (``itertools.groupby``, ``enumerate``)."""
    return bool(callee) and any(f'No overloads for "{name}"' in message for name in (callee, "__init__", "__new__"))


def _names_the_call(callee: str, message: str) -> bool:
    """The message is about a call of ``callee`` (a class's call is pyright's ``__init__``, and
    builtin classes are lower case: ``enumerate``, ``map``)."""
    names = (callee, "__init__", "__new__") if callee[:1].isupper() or callee in dir(builtins) else (callee,)
    return bool(callee) and any(f"{name}()" in message or f'function "{name}"' in message for name in names)
