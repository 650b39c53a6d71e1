"""Source text and spelled names: code-point columns, spelling hints, dotted chains, type names."""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterator

from context.positions import code_point_column
from context.types import TypeExpr, parse_type

TYPING_ALIASES = {"List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset", "Tuple": "tuple",
                  "Text": "str"}


class Lines:
    """ast byte columns to code-point columns."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self._encoded: dict[int, bytes] = {}

    def column(self, lineno: int, byte_col: int) -> int:
        index = lineno - 1
        if not 0 <= index < len(self.lines):
            return byte_col
        line = self.lines[index]
        if line.isascii():
            return byte_col
        data = self._encoded.get(index)
        if data is None:
            data = self._encoded[index] = line.encode("utf-8")
        return code_point_column(data, byte_col)

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None) or 0
        return (line - 1, self.column(line, node.col_offset), end_line - 1,  # type: ignore[attr-defined]
                self.column(end_line, end_col))


def did_you_mean(name: str, candidates: Iterator[str] | set[str] | list[str]) -> str:
    pool = [c for c in candidates if c != name and not (c.startswith("__") and not name.startswith("__"))]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def chain_texts(node: ast.expr) -> Iterator[str]:
    """``a``, ``a.b``, ``a.b.c`` for ``a.b.c`` (what an ``isinstance`` may have narrowed)."""
    while True:
        yield ast.unparse(node)
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return


def short_name(base: str) -> str:
    parsed = parse_type(base)
    return parsed.name if parsed is not None else base


def short(base: str) -> str:
    parsed = parse_type(base)
    return parsed.short if parsed is not None else base


def norm(name: str) -> str:
    name = name.removeprefix("builtins.")
    return TYPING_ALIASES.get(name.removeprefix("typing."), name)


def union_parts(t: TypeExpr) -> list[TypeExpr]:
    """The members of a union, nested unions (an alias inside a union) flattened."""
    if t.name != "|":
        return [t]
    return [m for arg in t.args for m in union_parts(arg)]
