"""Undefined names."""

from __future__ import annotations

import builtins
import re

from context.diagnose.classes import ClassModel
from context.diagnose.facts import NameScope
from context.diagnose.text import did_you_mean
from context.model import Diagnostic

MODULE_DUNDERS = frozenset({"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__",
                            "__builtins__", "__path__", "__cached__", "__annotations__"})
BUILTIN_NAMES = frozenset(dir(builtins)) | MODULE_DUNDERS | {"reveal_type", "reveal_locals", "WindowsError"}
IDENTIFIER = re.compile(r"[^\W\d]\w*")


class NameChecks(ClassModel):
    """Names read where no enclosing scope, the builtins or a star import binds them."""

    def name_problems(self) -> list[Diagnostic]:
        broken = self._broken_identifiers()
        out: list[Diagnostic] = []
        for node, scope in self.facts.loads:
            if node.id in broken or self.visible(node.id, scope):
                continue
            hint = did_you_mean(node.id, self._visible_names(scope))
            out.append(self.problem(node, f"undefined name '{node.id}'{hint}", "names", "undefined-name"))
        return out

    def _broken_identifiers(self) -> set[str]:
        found: set[str] = set()
        for index in self.replaced:
            if 0 <= index < len(self.lines.lines):
                found.update(IDENTIFIER.findall(self.lines.lines[index]))
        return found

    def visible(self, name: str, scope: NameScope) -> bool:
        current: NameScope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            if current.kind != "module" and name in current.globals:
                current = self.facts.scope
                continue
            if name in current.counts or name in current.annotated or name in current.nonlocals:
                return True
            if (current.kind == "class" and name in ("__qualname__", "__module__")) or (
                    name == "__class__" and current.parent is not None and current.parent.kind == "class"):
                return True
            first = False
            current = current.parent
        if name in BUILTIN_NAMES:
            return True
        stars, complete = self.star_names(self.facts)
        return name in stars or not complete or self.facts.dynamic_globals

    def _visible_names(self, scope: NameScope) -> set[str]:
        names = {n for n in BUILTIN_NAMES if not n.startswith("_")}
        current: NameScope | None = scope
        while current is not None:
            names |= set(current.counts)
            current = current.parent
        return names
