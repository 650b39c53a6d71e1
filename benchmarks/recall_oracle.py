"""The recall benchmark's oracle: which definitions of *other* modules of the package the true
code at a hole uses, resolved by jedi on the true code, never by holepilot's own index.

For every reference of the cut code (see :mod:`benchmarks.recall_sites`) the oracle asks
``jedi.Script(true_source, path, project).goto(line, column, follow_imports=True)``. Where goto
lands on a module-level assignment or stays on an import (an alias such as ``Client = _Client``,
a re-export jedi cannot follow), it asks ``infer`` as well and keeps the classes and functions it
names. A landing place counts when it is a definition of the package (in a ``.py`` module or a
``.pyi`` stub beside one) outside the hole's own module, and is one of:

- a top-level ``def`` (``function``) or ``class`` (nested classes too, ``Outer.Inner``);
- a ``def`` in a class body: ``method`` (class and static methods too) or ``property``
  (decorated ``property``/``cached_property``, or a ``.setter``/``.getter``/``.deleter``);
- an ``attribute``: a name assigned or annotated in a class body, or ``self.NAME`` assigned in a
  method of the class (``__init__`` and the others).

Module-level variables, modules, parameters and locals do not count, except a module-level
variable of a ``.py`` that the ``.pyi`` beside it declares as a ``def`` or ``class`` (``scale =
_make()`` stubbed as ``def scale(x: int) -> int``): that counts as the stub's definition. A hit
in a stub is recorded at the ``.py`` definition of the same qualified name when there is one (the
header rule matches a definition by name and class, so a rendering of either counts). One reference reaching more than
:data:`MAX_TARGETS` distinct definitions is too ambiguous to count and is dropped.

jedi is slow on large packages, so every goto and infer is bounded in time
(:data:`GOTO_TIMEOUT_S`; the number of references that timed out is kept with each hole) and the
answers are cached per package and version under ``benchmarks/.work/oracle``.
"""

from __future__ import annotations

import ast
import gc
import json
import logging
import signal
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import jedi

from benchmarks.recall_index import Definition
from benchmarks.recall_sites import Reference, Site

log = logging.getLogger(__name__)

ORACLE_VERSION = 1
GOTO_TIMEOUT_S = 6.0
RETRY_S = 0.25  # the timer fires again this often until the body ends
MAX_TARGETS = 4
SCRIPTS_KEPT = 12
PROPERTY_DECORATORS = frozenset({"property", "cached_property", "abstractproperty"})
ACCESSOR_DECORATORS = frozenset({"setter", "getter", "deleter"})


# -- what a module defines, by (line, name) ------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    qualname: str
    kind: str  # a definition kind, or "variable" for a module-level assignment


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names: set[str] = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def _member_kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    decorators = _decorator_names(node)
    if decorators & PROPERTY_DECORATORS or decorators & ACCESSOR_DECORATORS:
        return "property"
    return "method"


def _target_names(target: ast.expr) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _assign_targets(statement: ast.stmt) -> list[ast.expr]:
    if isinstance(statement, ast.Assign):
        return list(statement.targets)
    if isinstance(statement, ast.AnnAssign | ast.AugAssign):
        return [statement.target]
    return []


def _nested_bodies(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """Bodies of ``if``/``try``/``with``/``for``/``while``: the same scope continues there."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return
    for name in ("body", "orelse", "finalbody"):
        inner = getattr(statement, name, None)
        if isinstance(inner, list):
            yield inner
    for handler in getattr(statement, "handlers", []):
        yield handler.body


class DefinitionTable:
    """Definitions of one module keyed by the line and name jedi reports for them."""

    def __init__(self, source: str) -> None:
        self.entries: dict[tuple[int, str], Entry] = {}
        self.first_line: dict[str, int] = {}  # qualname -> first line it is defined on
        self.kinds: dict[str, str] = {}  # qualname -> kind
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return
        self._scope(tree.body, owner=None)

    def _add(self, line: int, name: str, qualname: str, kind: str) -> None:
        self.entries.setdefault((line, name), Entry(qualname, kind))
        if kind != "variable":
            self.first_line[qualname] = min(line, self.first_line.get(qualname, line))
            self.kinds.setdefault(qualname, kind)

    def _scope(self, body: list[ast.stmt], owner: str | None) -> None:
        for statement in body:
            self._statement(statement, owner)
            for inner in _nested_bodies(statement):
                self._scope(inner, owner)

    def _statement(self, statement: ast.stmt, owner: str | None) -> None:
        prefix = f"{owner}." if owner else ""
        if isinstance(statement, ast.ClassDef):
            qualname = prefix + statement.name
            self._add(statement.lineno, statement.name, qualname, "class")
            self._scope(statement.body, qualname)
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            kind = _member_kind(statement) if owner else "function"
            self._add(statement.lineno, statement.name, prefix + statement.name, kind)
            if owner:
                self._self_attributes(statement, owner)
        else:
            kind = "attribute" if owner else "variable"
            for target in _assign_targets(statement):
                for name in _target_names(target):
                    self._add(name.lineno, name.id, prefix + name.id, kind)

    def _self_attributes(self, method: ast.FunctionDef | ast.AsyncFunctionDef, owner: str) -> None:
        """``self.NAME = …`` (and annotated) anywhere in a method: attributes of ``owner``."""
        parameters = [*method.args.posonlyargs, *method.args.args]
        if not parameters:
            return
        receiver = parameters[0].arg
        for node in ast.walk(method):
            for target in _assign_targets(node) if isinstance(node, ast.stmt) else []:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == receiver
                    and target.end_lineno is not None
                ):
                    self._add(target.end_lineno, target.attr, f"{owner}.{target.attr}", "attribute")


# -- bounding jedi in time ----------------------------------------------------------------------
class OracleTimeout(BaseException):
    """Raised inside jedi by the timer. A BaseException, so that jedi's own ``except
    Exception`` clauses cannot swallow it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the body after ``seconds`` (main thread only; elsewhere, unbounded).

    An interruption that lands in a finalizer is swallowed by Python, so the handler arms the
    timer again before raising; the garbage collector is paused meanwhile so that fewer
    finalizers run inside the body at all."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    active = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        if active[0]:
            signal.setitimer(signal.ITIMER_REAL, RETRY_S)
            raise OracleTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    collecting = gc.isenabled()
    gc.disable()
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if collecting:
            gc.enable()


def disarm() -> None:
    """After a timeout: no timer left armed, the collector on (even if the timeout struck while
    :func:`time_limit` was cleaning up)."""
    signal.setitimer(signal.ITIMER_REAL, 0)
    gc.enable()


# -- the oracle -----------------------------------------------------------------------------------
@dataclass
class Resolution:
    """What the references of one hole reach."""

    definitions: tuple[Definition, ...]
    references: int
    timeouts: int = 0
    ambiguous: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "definitions": [d.to_json() for d in self.definitions],
            "references": self.references,
            "timeouts": self.timeouts,
            "ambiguous": self.ambiguous,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Resolution:
        definitions = tuple(
            Definition(d["path"], d["qualname"], int(d["line"]), d["kind"])
            for d in data["definitions"]
        )
        return Resolution(
            definitions, int(data["references"]), int(data["timeouts"]), int(data["ambiguous"])
        )


@dataclass
class _Reached:
    definitions: frozenset[Definition]
    timed_out: bool = False
    ambiguous: bool = False


def module_stem(relative: str) -> str:
    """``pkg/mod.py`` and ``pkg/mod.pyi`` are the same module."""
    return relative.rsplit(".", 1)[0]


@dataclass
class Oracle:
    """Resolves the references of holes in one package (``root`` holds its import packages)."""

    root: Path
    packages: tuple[str, ...]
    timeout_s: float = GOTO_TIMEOUT_S
    _project: Any = None
    _scripts: OrderedDict[str, Any] = field(default_factory=OrderedDict)
    _tables: dict[str, DefinitionTable] = field(default_factory=dict)
    _reached: dict[tuple[str, int], _Reached] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        # The default "smart" sys.path puts the project root first: the package's own absolute
        # imports resolve to these sources, not to a copy installed elsewhere.
        self._project = jedi.Project(self.root, load_unsafe_extensions=False)

    def resolve(self, site: Site, source: str) -> Resolution:
        """The definitions of other modules that the references of ``site`` reach."""
        found: set[Definition] = set()
        timeouts = ambiguous = 0
        for reference in site.references:
            reached = self._reach(site.path, source, reference)
            found |= reached.definitions
            timeouts += reached.timed_out
            ambiguous += reached.ambiguous
        return Resolution(tuple(sorted(found)), len(site.references), timeouts, ambiguous)

    def _reach(self, path: str, source: str, reference: Reference) -> _Reached:
        key = (path, reference.offset)
        if key not in self._reached:
            self._reached[key] = self._ask_jedi(path, source, reference)
        return self._reached[key]

    def _ask_jedi(self, path: str, source: str, reference: Reference) -> _Reached:
        script = self._script(path, source)
        position = (reference.line, reference.column)
        try:
            with time_limit(self.timeout_s):
                found = self._goto(script, path, position)
        except OracleTimeout:
            disarm()
            self._scripts.pop(path, None)  # its caches may be half built
            return _Reached(frozenset(), timed_out=True)
        except Exception as error:  # jedi's own failures: the reference resolves to nothing
            log.debug("jedi failed on %s:%d:%d: %s", path, *position, error)
            return _Reached(frozenset())
        kept = frozenset(d for d in found if module_stem(d.path) != module_stem(path))
        if len({d.qualname for d in kept}) > MAX_TARGETS:
            return _Reached(frozenset(), ambiguous=True)
        return _Reached(kept)

    def _goto(self, script: Any, path: str, position: tuple[int, int]) -> set[Definition]:
        found: set[Definition] = set()
        needs_infer = False
        for name in script.goto(*position, follow_imports=True):
            entry = self._entry_of(name)
            if entry is not None and entry[1].kind == "variable":
                entry = self._stub_entry(*entry)
            if entry is None or entry[1].kind == "variable":
                needs_infer = needs_infer or name.type in ("statement", "module", "instance")
                continue
            found.add(self._definition(*entry))
        if needs_infer and not found:
            for name in script.infer(*position):
                entry = self._entry_of(name)
                if entry is not None and entry[1].kind in ("class", "function", "method"):
                    found.add(self._definition(*entry))
        return found

    def _entry_of(self, name: Any) -> tuple[str, Entry] | None:
        """The package path and table entry of a jedi name, if it is a definition of ours."""
        module_path = name.module_path
        if module_path is None or name.line is None:
            return None
        relative = self._relative(Path(module_path))
        if relative is None:
            return None
        entry = self._table(relative).entries.get((name.line, name.name))
        return None if entry is None else (relative, entry)

    def _stub_entry(self, relative: str, entry: Entry) -> tuple[str, Entry]:
        """A module-level variable of a ``.py`` that its ``.pyi`` declares as a definition
        (``scale = _make()`` stubbed as ``def scale(x: int) -> int``): the stub's entry."""
        stub = relative + "i"
        if not relative.endswith(".py") or not (self.root / stub).is_file():
            return relative, entry
        kind = self._table(stub).kinds.get(entry.qualname)
        return (stub, Entry(entry.qualname, kind)) if kind else (relative, entry)

    def _definition(self, relative: str, entry: Entry) -> Definition:
        """The definition record; a stub's at the ``.py`` beside it when that defines it too."""
        if relative.endswith(".pyi"):
            source = relative[:-1]
            line = self._table(source).first_line.get(entry.qualname)
            if line is not None:
                return Definition(source, entry.qualname, line, entry.kind)
        line = self._table(relative).first_line[entry.qualname]
        return Definition(relative, entry.qualname, line, entry.kind)

    def _relative(self, module_path: Path) -> str | None:
        try:
            relative = module_path.resolve().relative_to(self.root)
        except ValueError:
            return None
        if relative.parts[0] not in self.packages or relative.suffix not in (".py", ".pyi"):
            return None
        return relative.as_posix()

    def _table(self, relative: str) -> DefinitionTable:
        if relative not in self._tables:
            file = self.root / relative
            source = file.read_text(encoding="utf-8", errors="replace") if file.is_file() else ""
            self._tables[relative] = DefinitionTable(source)
        return self._tables[relative]

    def _script(self, path: str, source: str) -> Any:
        if path in self._scripts:
            self._scripts.move_to_end(path)
            return self._scripts[path]
        script = jedi.Script(source, path=self.root / path, project=self._project)
        self._scripts[path] = script
        while len(self._scripts) > SCRIPTS_KEPT:
            self._scripts.popitem(last=False)
        return script


# -- the cache ------------------------------------------------------------------------------------
class OracleCache:
    """Resolutions of one package version, by hole key, in a JSON file."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.stamp = {"oracle": ORACLE_VERSION, "jedi": jedi.__version__}
        self.entries: dict[str, Resolution] = {}
        self.dirty = False
        if file.is_file():
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                log.warning("ignoring the unreadable oracle cache %s: %s", file, error)
                return
            if data.get("stamp") == self.stamp:
                self.entries = {k: Resolution.from_json(v) for k, v in data["holes"].items()}

    def get(self, key: str) -> Resolution | None:
        return self.entries.get(key)

    def put(self, key: str, resolution: Resolution) -> None:
        self.entries[key] = resolution
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        holes = {key: value.to_json() for key, value in sorted(self.entries.items())}
        payload = json.dumps({"stamp": self.stamp, "holes": holes}, indent=0)
        temporary = self.file.with_suffix(".tmp")
        temporary.write_text(payload + "\n", encoding="utf-8")
        temporary.replace(self.file)
        self.dirty = False
