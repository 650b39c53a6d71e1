"""Mine holes the way a user meets them: a statement half typed, whose true code uses
definitions from *other* modules of the same package.

:func:`mine_oracle_holes` is the recall benchmark's miner: every site of
:mod:`benchmarks.recall_sites` (eight kinds of position), kept when jedi's oracle
(:mod:`benchmarks.recall_oracle`) finds that its cut code uses at least one definition of
another module, sampled with a fixed seed and the same share for every kind.

:func:`mine_holes` is the older, cheaper miner (three kinds, top-level definitions reached by
name through :class:`~benchmarks.recall_index.PackageIndex`), kept for the checking benchmark:
- ``assign``: the right-hand side of ``x = ...`` / ``x: T = ...`` is cut;
- ``return``: the value of ``return ...`` is cut;
- ``call``: a call statement (``f(...)`` or ``await f(...)``) is cut whole.

The cursor sits where the cut begins; the buffer keeps everything before it and everything after
the end of the statement.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.recall_index import Definition, ModuleInfo, ModuleRef, PackageIndex, Target
from benchmarks.recall_oracle import Oracle, OracleCache, Resolution
from benchmarks.recall_sites import HOLE_KINDS, Site, sites_in_source


@dataclass(frozen=True)
class Hole:
    package: str
    path: str  # relative to the package root (POSIX)
    line: int  # 1-based
    column: int  # 1-based, in code points
    kind: str  # one of benchmarks.recall_sites.HOLE_KINDS
    text: str  # the buffer with the cut removed
    expected: str  # the code that was cut
    definitions: tuple[Definition, ...]  # cross-file definitions the true code uses
    timeouts: int = 0  # references whose resolution timed out

    def to_json(self) -> dict[str, object]:
        return {
            "package": self.package,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "expected": self.expected,
            "definitions": [d.to_json() for d in self.definitions],
            "timeouts": self.timeouts,
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


# -- the oracle's miner ---------------------------------------------------------------------------
EXAMINE_FACTOR = 16  # sites examined per kind, at most, for each hole of its share


@dataclass
class Mined:
    """The holes of one package and what finding them took."""

    holes: list[Hole]
    sites: dict[str, int]  # candidate sites per kind (those whose cut has references)
    examined: int = 0  # sites whose references were resolved (or read from the cache)
    resolved: int = 0  # of those, resolved now rather than read from the cache
    timeouts: int = 0  # references resolved now whose goto or infer timed out
    ambiguous: int = 0  # references resolved now dropped as too ambiguous


def package_sources(root: Path, packages: tuple[str, ...]) -> dict[str, str]:
    """The ``.py`` modules of the import packages, by path relative to ``root``."""
    sources: dict[str, str] = {}
    for package in packages:
        for file in sorted((root / package).rglob("*.py")):
            relative = file.relative_to(root).as_posix()
            sources[relative] = file.read_text(encoding="utf-8", errors="replace")
    return sources


def shares(limit: int, kinds: tuple[str, ...]) -> dict[str, int]:
    """``limit`` holes split evenly over ``kinds`` (the first kinds take the remainder)."""
    base, extra = divmod(limit, len(kinds))
    return {kind: base + (index < extra) for index, kind in enumerate(kinds)}


@dataclass
class _KindQueue:
    sites: list[Site]
    cap: int
    position: int = 0
    taken: list[Hole] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.position < min(self.cap, len(self.sites))


class OracleMiner:
    """Draws holes kind by kind in a seeded order, resolving each candidate with the oracle."""

    def __init__(
        self, package: str, sources: dict[str, str], oracle: Oracle, cache: OracleCache
    ) -> None:
        self.package = package
        self.sources = sources
        self.oracle = oracle
        self.cache = cache
        self.mined = Mined([], {})

    def resolve(self, site: Site) -> Resolution:
        self.mined.examined += 1
        cached = self.cache.get(site.key)
        if cached is not None:
            return cached
        resolution = self.oracle.resolve(site, self.sources[site.path])
        self.mined.resolved += 1
        self.mined.timeouts += resolution.timeouts
        self.mined.ambiguous += resolution.ambiguous
        self.cache.put(site.key, resolution)
        if self.mined.resolved % 200 == 0:
            self.cache.save()
        return resolution

    def try_next(self, queue: _KindQueue) -> None:
        site = queue.sites[queue.position]
        queue.position += 1
        resolution = self.resolve(site)
        if resolution.definitions:
            queue.taken.append(self.hole(site, resolution))

    def hole(self, site: Site, resolution: Resolution) -> Hole:
        source = self.sources[site.path]
        text = source[: site.begin] + source[site.end :]
        expected = source[site.begin : site.end]
        return Hole(
            self.package,
            site.path,
            site.line,
            site.column,
            site.kind,
            text,
            expected,
            resolution.definitions,
            resolution.timeouts,
        )


def mine_oracle_holes(
    package: str,
    sources: dict[str, str],
    oracle: Oracle,
    cache: OracleCache,
    limit: int,
    seed: int,
) -> Mined:
    """Up to ``limit`` holes, the same share of each kind; a kind short of holes leaves its
    share to the others (one at a time to the kind with the fewest). Each kind tries its
    candidates in an order that depends only on ``seed``, and at most ``EXAMINE_FACTOR`` per
    hole of its share."""
    by_kind: dict[str, list[Site]] = {kind: [] for kind in HOLE_KINDS}
    for path in sorted(sources):
        for site in sites_in_source(sources[path], path):
            if site.references:  # a cut that refers to nothing can need no definition
                by_kind[site.kind].append(site)
    miner = OracleMiner(package, sources, oracle, cache)
    miner.mined.sites = {kind: len(sites) for kind, sites in by_kind.items()}
    quota = shares(limit, HOLE_KINDS)
    queues: dict[str, _KindQueue] = {}
    for kind, sites in by_kind.items():
        order = sorted(sites, key=lambda site: (site.path, site.begin))
        random.Random(f"{seed}:{kind}").shuffle(order)
        queues[kind] = _KindQueue(order, EXAMINE_FACTOR * max(1, quota[kind]))
    for kind, queue in queues.items():
        while queue.open and len(queue.taken) < quota[kind]:
            miner.try_next(queue)
    total = sum(len(queue.taken) for queue in queues.values())
    while total < limit:  # shares left over go, one at a time, to the kind with fewest holes
        open_queues = [queue for queue in queues.values() if queue.open]
        if not open_queues:
            break
        queue = min(open_queues, key=lambda q: len(q.taken))
        before = len(queue.taken)
        while queue.open and len(queue.taken) == before:
            miner.try_next(queue)
        total += len(queue.taken) - before
    cache.save()
    holes = [hole for queue in queues.values() for hole in queue.taken]
    miner.mined.holes = sorted(holes, key=lambda h: (h.path, h.line, h.column, h.kind))
    return miner.mined
