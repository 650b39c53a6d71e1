"""Mine holes the way a user meets them: a statement half typed, whose true code uses
definitions from *other* modules of the same package.

Three kinds of hole:
- ``assign``: the right-hand side of ``x = ...`` / ``x: T = ...`` is cut;
- ``return``: the value of ``return ...`` is cut;
- ``call``: a call statement (``f(...)`` or ``await f(...)``) is cut whole.

The cursor sits where the cut begins; the buffer keeps everything before it and everything after
the end of the statement.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass

from benchmarks.recall_index import Definition, ModuleInfo, ModuleRef, PackageIndex, Target


@dataclass(frozen=True)
class Hole:
    package: str
    path: str  # relative to the package root (POSIX)
    line: int  # 1-based
    column: int  # 1-based, in code points
    kind: str  # "assign" | "return" | "call"
    text: str  # the buffer with the cut removed
    expected: str  # the code that was cut
    definitions: tuple[Definition, ...]  # cross-file definitions the true code uses

    def to_json(self) -> dict[str, object]:
        return {
            "package": self.package,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "expected": self.expected,
            "definitions": [
                {"path": d.path, "name": d.name, "line": d.line, "class": d.is_class}
                for d in self.definitions
            ],
        }


def line_starts(source: str) -> list[int]:
    """Code-point offset where each line starts (lines split on ``\\n``, as :mod:`ast` counts)."""
    starts = [0]
    for index, char in enumerate(source):
        if char == "\n":
            starts.append(index + 1)
    return starts


def code_point_offset(source: str, starts: list[int], line: int, byte_column: int) -> int:
    """Offset in ``source`` of an :mod:`ast` position (1-based line, UTF-8 byte column)."""
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(source)
    prefix = source[start:end].encode("utf-8")[:byte_column].decode("utf-8", errors="ignore")
    return start + len(prefix)


def cursor_offset(text: str, line: int, column: int) -> int:
    """Offset in ``text`` of a 1-based line and 1-based code-point column."""
    return line_starts(text)[line - 1] + column - 1


def hole_cut(statement: ast.stmt) -> tuple[str, ast.expr] | None:
    """The kind of hole a statement offers and the node where its cut begins."""
    if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
        return "assign", statement.value
    if isinstance(statement, ast.Return) and statement.value is not None:
        return "return", statement.value
    if isinstance(statement, ast.Expr):
        value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
        if isinstance(value, ast.Call):
            return "call", statement.value
    return None


class NameResolver:
    """Resolves names and ``module.attr`` chains of one module to package definitions."""

    def __init__(self, index: PackageIndex, module: ModuleInfo) -> None:
        self.index = index
        self.module = module

    def target_of(self, node: ast.expr) -> Target | None:
        if isinstance(node, ast.Name):
            return self.index.resolve(self._lookup(node.id))
        if isinstance(node, ast.Attribute):
            base = self.target_of(node.value)
            if isinstance(base, ModuleRef):
                return self.index.resolve(self.index.binding_in(base.module, node.attr))
        return None

    def _lookup(self, name: str) -> Target | None:
        found = self.module.top_level.get(name)
        if found is None:
            found = self.module.nested_imports.get(name)
        for star_module in self.module.star_imports:
            if found is not None:
                break
            found = self.index.binding_in(star_module, name)
        return found

    def cross_file_definitions(self, expression: ast.AST) -> tuple[Definition, ...]:
        """Top-level definitions of other modules that ``expression`` refers to."""
        found: set[Definition] = set()
        for node in ast.walk(expression):
            if isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
                target = self.target_of(node)
                if isinstance(target, Definition) and target.path != self.module.path:
                    found.add(target)
        return tuple(sorted(found))


def holes_in_module(index: PackageIndex, module: ModuleInfo, package: str) -> list[Hole]:
    """Every hole of ``module`` whose true code uses at least one cross-file definition."""
    resolver = NameResolver(index, module)
    source = module.source
    starts = line_starts(source)
    holes: list[Hole] = []
    for statement in ast.walk(module.tree):
        if not isinstance(statement, ast.stmt):
            continue
        cut = hole_cut(statement)
        if cut is None or statement.end_lineno is None or statement.end_col_offset is None:
            continue
        kind, node = cut
        definitions = resolver.cross_file_definitions(node)
        if not definitions:
            continue
        begin = code_point_offset(source, starts, node.lineno, node.col_offset)
        end = code_point_offset(source, starts, statement.end_lineno, statement.end_col_offset)
        column = begin - starts[node.lineno - 1] + 1
        text = source[:begin] + source[end:]
        holes.append(
            Hole(
                package,
                module.path,
                node.lineno,
                column,
                kind,
                text,
                source[begin:end],
                definitions,
            )
        )
    return holes


def mine_holes(index: PackageIndex, package: str) -> list[Hole]:
    """All holes of the package, in a stable order (path, line, column)."""
    holes: list[Hole] = []
    for dotted in sorted(index.modules):
        holes += holes_in_module(index, index.modules[dotted], package)
    return sorted(holes, key=lambda hole: (hole.path, hole.line, hole.column))


def sample_holes(holes: list[Hole], limit: int, seed: int) -> list[Hole]:
    """Up to ``limit`` holes chosen with a seeded generator, returned in stable order."""
    if len(holes) <= limit:
        return list(holes)
    chosen = random.Random(seed).sample(range(len(holes)), limit)
    return [holes[index] for index in sorted(chosen)]
