"""Workspace and resolver that remember their answers for the duration of one check."""

from __future__ import annotations

from typing import Any

from context.resolve import Resolver, Symbol
from context.summary import ModuleSummary
from context.types import TypeExpr
from context.workspace import Workspace


class MemoWorkspace:
    """The workspace, with modules looked up once per check (files do not change meanwhile)."""

    def __init__(self, inner: Workspace) -> None:
        self.inner = inner
        self.memo: dict[str, ModuleSummary | None] = {}

    def module(self, dotted: str) -> ModuleSummary | None:
        if dotted not in self.memo:
            self.memo[dotted] = self.inner.module(dotted)
        return self.memo[dotted]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class MemoResolver(Resolver):
    """The resolver, remembering lookups and types for the duration of one check."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._lookups: dict[tuple[int, str], Symbol | None] = {}
        self._types: dict[tuple[int, str], TypeExpr | None] = {}

    def lookup(self, module: ModuleSummary, name: str, depth: int = 0) -> Symbol | None:
        key = (id(module), name)
        if key not in self._lookups:
            self._lookups[key] = super().lookup(module, name, depth)
        return self._lookups[key]

    def resolve_type(self, text: str | TypeExpr | None, module: ModuleSummary) -> TypeExpr | None:
        if not isinstance(text, str):
            return super().resolve_type(text, module)
        key = (id(module), text)
        if key not in self._types:
            self._types[key] = super().resolve_type(text, module)
        return self._types[key]
