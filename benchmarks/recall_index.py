"""What a package defines and imports, module by module, read with :mod:`ast`; and the
:class:`Definition` record every part of the recall benchmark shares.

The index answers one question for the hole miner: *which top-level ``def``/``class`` of the
package does this name (or ``module.attribute`` chain) refer to?*  It follows the package's own
imports (``from .x import f``, ``from pkg.x import C``, ``import pkg.x as m``) and re-exports
through ``__init__`` modules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

DEFINITION_KINDS = ("function", "class", "method", "property", "attribute")
MEMBER_KINDS = ("method", "property", "attribute")


@dataclass(frozen=True, order=True)
class Definition:
    """A definition the true code of a hole uses; ``path`` is relative to the package root
    (POSIX). ``qualname`` is ``name`` for a top-level ``def``/``class`` and ``Class.member``
    for a member (``Outer.Inner.member`` when classes nest); ``kind`` is one of
    :data:`DEFINITION_KINDS`."""

    path: str
    qualname: str
    line: int  # 1-based line of the name (the ``def``/``class`` keyword, not a decorator)
    kind: str = "function"

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def owner(self) -> str | None:
        """The class a member is defined in (its innermost one), ``None`` for a top-level one."""
        parts = self.qualname.split(".")
        return parts[-2] if len(parts) > 1 else None

    @property
    def is_class(self) -> bool:
        return self.kind == "class"

    @property
    def is_member(self) -> bool:
        return self.kind in MEMBER_KINDS

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "qualname": self.qualname, "line": self.line, "kind": self.kind}


@dataclass(frozen=True)
class ModuleRef:
    """A name bound to a module of the package."""

    module: str


@dataclass(frozen=True)
class NameRef:
    """A name imported from a module of the package: resolved lazily, it may be a re-export."""

    module: str
    name: str


Target = Definition | ModuleRef | NameRef


@dataclass
class ModuleInfo:
    """One parsed module: its top-level bindings, and every import binding anywhere in it."""

    dotted: str
    path: str
    is_package: bool
    tree: ast.Module
    source: str
    top_level: dict[str, Target] = field(default_factory=dict)
    nested_imports: dict[str, Target] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)


def module_name_of(relative: Path) -> tuple[str, bool]:
    """Dotted module name of a ``.py`` path relative to the root, and whether it is a package."""
    parts = list(relative.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def absolute_module(current: str, is_package: bool, level: int, module: str | None) -> str:
    """The absolute dotted name that ``from <level dots><module> import ...`` refers to."""
    if level == 0:
        return module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


class PackageIndex:
    """Every module under ``root`` that belongs to one of ``packages`` (top-level import names)."""

    def __init__(self, root: Path, packages: tuple[str, ...]) -> None:
        self.root = root
        self.packages = packages
        self.modules: dict[str, ModuleInfo] = {}
        for package in packages:
            for file in sorted((root / package).rglob("*.py")):
                self._add_module(file)

    def _add_module(self, file: Path) -> None:
        relative = file.relative_to(self.root)
        source = file.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(source, filename=str(relative))
        except SyntaxError:
            return
        dotted, is_package = module_name_of(relative)
        info = ModuleInfo(dotted, relative.as_posix(), is_package, tree, source)
        self._collect_bindings(info)
        self.modules[dotted] = info

    def _collect_bindings(self, info: ModuleInfo) -> None:
        for statement in _top_level_statements(info.tree.body):
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                kind = "class" if isinstance(statement, ast.ClassDef) else "function"
                definition = Definition(info.path, statement.name, statement.lineno, kind)
                info.top_level[statement.name] = definition
            elif isinstance(statement, ast.Import | ast.ImportFrom):
                self._bind_import(info, statement, info.top_level, star=True)
        for node in ast.walk(info.tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                self._bind_import(info, node, info.nested_imports, star=False)

    def _bind_import(
        self,
        info: ModuleInfo,
        node: ast.Import | ast.ImportFrom,
        table: dict[str, Target],
        *,
        star: bool,
    ) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not self.is_own(alias.name):
                    continue
                if alias.asname:
                    table[alias.asname] = ModuleRef(alias.name)
                else:
                    head = alias.name.split(".")[0]
                    table.setdefault(head, ModuleRef(head))
            return
        source = absolute_module(info.dotted, info.is_package, node.level, node.module)
        if not self.is_own(source):
            return
        for alias in node.names:
            if alias.name == "*":
                if star:
                    info.star_imports.append(source)
                continue
            submodule = f"{source}.{alias.name}" if source else alias.name
            bound = alias.asname or alias.name
            table[bound] = (
                ModuleRef(submodule) if self._is_module(submodule) else NameRef(source, alias.name)
            )

    def is_own(self, dotted: str) -> bool:
        return dotted.split(".")[0] in self.packages

    def _is_module(self, dotted: str) -> bool:
        return dotted in self.modules or self._module_file(dotted) is not None

    def _module_file(self, dotted: str) -> Path | None:
        base = self.root.joinpath(*dotted.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def resolve(
        self, target: Target | None, _seen: frozenset[tuple[str, str]] = frozenset()
    ) -> Target | None:
        """Follow :class:`NameRef` chains to a :class:`Definition` or :class:`ModuleRef`."""
        if not isinstance(target, NameRef):
            return target
        key = (target.module, target.name)
        if key in _seen:
            return None
        return self.resolve(self.binding_in(target.module, target.name), _seen | {key})

    def binding_in(self, module: str, name: str) -> Target | None:
        """What ``name`` means at the top level of ``module`` (a submodule counts too)."""
        info = self.modules.get(module)
        if info is None:
            return None
        if name in info.top_level:
            return info.top_level[name]
        for star_module in info.star_imports:
            found = self.binding_in(star_module, name)
            if found is not None:
                return found
        submodule = f"{module}.{name}"
        return ModuleRef(submodule) if self._is_module(submodule) else None


def _top_level_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module statements, looking inside top-level ``if``/``try``/``with`` blocks too."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, ast.If):
            found += _top_level_statements(statement.body + statement.orelse)
        elif isinstance(statement, ast.Try):
            handlers = [line for handler in statement.handlers for line in handler.body]
            found += _top_level_statements(statement.body + handlers + statement.orelse)
        elif isinstance(statement, ast.With):
            found += _top_level_statements(statement.body)
    return found
