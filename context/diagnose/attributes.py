"""Unknown attributes of modules, classes and instances."""

from __future__ import annotations

import ast
from pathlib import Path

from context.diagnose.inference import InferenceScopes
from context.diagnose.names import MODULE_DUNDERS
from context.diagnose.text import chain_texts, did_you_mean, union_parts
from context.infer import Inferred
from context.model import Diagnostic
from context.resolve import Symbol
from context.types import TypeExpr, display
from context.workspace import TYPESHED_STDLIB

COMPLETE_STUBS = frozenset({"builtins", "abc", "typing", "typing_extensions"})  # bases without private state


class AttributeChecks(InferenceScopes):
    """Attributes read that the module, the class or the instance cannot have."""

    def attribute_problems(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for node, scope in self.facts.attributes:
            attr = node.attr
            if (attr.startswith("__") and attr.endswith("__")) or node.lineno - 1 in self.replaced:
                continue
            narrowed = self.narrowed(scope)
            if narrowed and any(text in narrowed for text in chain_texts(node)):
                continue
            base = self.infer_scope(scope).expr(node.value)
            message = self.missing_attribute(base, attr)
            if message is not None and not self._mixed_in(node, base, attr):
                _, _, end_line, end_column = self.lines.span(node)
                start = max(end_column - len(attr), 0)
                out.append(Diagnostic(end_line, start, end_line, end_column, "error", message, "attributes",
                                      "unknown-attribute"))
        return out

    def _mixed_in(self, node: ast.Attribute, base: Inferred, attr: str) -> bool:
        """``self.attr`` (or ``cls.attr``) in a class that may be mixed into others — none of its
        bases is the project's — which has no member spelled like ``attr`` while another file
        of the workspace spells it: the attribute is likely the host's (a mixin's ``self._save``
        defined by the class it is mixed into), not a slip."""
        if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            return False
        cls = base.symbol if base.symbol is not None and base.symbol.kind == "class" \
            else self.class_of(base.type) if base.type is not None else None
        mro = self.mro(cls) if cls is not None else None
        if cls is None or mro is None or any(
                not owner.path.startswith(str(TYPESHED_STDLIB)) for owner, _ in mro[1:]):
            return False
        members = self.instance_members(cls, instance=True)
        return members is not None and not did_you_mean(attr, members) and self.vocabulary.in_other_files(attr)

    def missing_attribute(self, base: Inferred, attr: str) -> str | None:
        message = self._missing_attribute(base, attr)
        if message is not None and attr.startswith("_") and self._from_stub(base) \
                and not self._missing_in_sources(base, attr):
            return None  # stubs leave private names out
        return message

    def _missing_in_sources(self, base: Inferred, attr: str) -> bool:
        """Whether the modules a stubbed class comes from (the ``.py`` beside its ``.pyi``) lack the
        attribute too."""
        if base.symbol is not None:
            classes: list[Symbol | None] = [base.symbol]
        elif base.type is not None:
            classes = [self.class_of(m) for m in union_parts(base.type) if m.name != "None"]
        else:
            return False
        return bool(classes) and all(c is not None and self._missing_in_source(c, attr) for c in classes)

    def _missing_in_source(self, stubbed: Symbol, attr: str) -> bool:
        if stubbed.kind != "class" or not stubbed.path.endswith(".pyi"):
            return False
        source = self.workspace.summary_for_path(Path(stubbed.path[:-1]))
        cls = source.classes.get(stubbed.name) if source is not None else None
        if source is None or cls is None:
            return False
        members = self.instance_members(Symbol("class", cls.name, source, cls=cls))
        return members is not None and attr not in members

    def _from_stub(self, base: Inferred) -> bool:
        if base.symbol is not None:
            return base.symbol.path.endswith(".pyi")
        for member in union_parts(base.type) if base.type is not None else ():
            symbol = self.class_of(member)
            mro = self.mro(symbol) if symbol is not None else None
            if mro is not None and any(o.path.endswith(".pyi") and o.module.module not in COMPLETE_STUBS
                                       for o, _ in mro):
                return True
        return False

    def _missing_attribute(self, base: Inferred, attr: str) -> str | None:
        symbol = base.symbol
        if symbol is not None:
            if symbol.kind == "module":
                return self._missing_in_module(symbol, attr)
            if symbol.kind == "class":
                return self._missing_in_class_object(symbol, attr)
            return None
        if base.type is None:
            return None
        members = [m for m in union_parts(base.type) if m.name != "None"]
        first: tuple[TypeExpr, set[str]] | None = None
        for member in members:
            cls = self.class_of(member)
            known = self.instance_members(cls, instance=True) if cls is not None else None
            if known is None or attr in known:
                return None
            first = first or (member, known)
        if first is None:
            return None
        return f"'{display(first[0])}' has no attribute '{attr}'{did_you_mean(attr, first[1])}"

    def _missing_in_module(self, symbol: Symbol, attr: str) -> str | None:
        facts = self.facts_for(symbol.module)
        if facts is None or facts.dynamic_globals:
            return None
        names = set(facts.scope.counts) | facts.scope.annotated
        stars, complete = self.star_names(facts)
        if "__getattr__" in names or not complete or attr in names or attr in stars or attr in MODULE_DUNDERS:
            return None
        dotted = symbol.module.module
        if attr in self.facts.stored_attrs or self.workspace.module(f"{dotted}.{attr}") is not None:
            return None
        return f"module '{dotted}' has no attribute '{attr}'{did_you_mean(attr, names | stars)}"

    def _missing_in_class_object(self, symbol: Symbol, attr: str) -> str | None:
        mro = self.mro(symbol)
        members = self.instance_members(symbol)
        kind = symbol.cls.kind if symbol.cls is not None else ""
        if mro is None or members is None or kind in ("typeddict", "model"):
            return None
        type_symbol = self.builtin("type")
        metaclass_members = self.instance_members(type_symbol) if type_symbol is not None else None
        for owner, facts in mro:
            if metaclass_members is None:
                return None
            if facts.metaclass is not None:
                metaclass = self.resolve_class(facts.metaclass, owner.module)
                extra = self.instance_members(metaclass) if metaclass is not None else None
                metaclass_members = metaclass_members | extra if extra is not None else None
        if metaclass_members is None or attr in members or attr in metaclass_members:
            return None
        return f"class '{symbol.name}' has no attribute '{attr}'{did_you_mean(attr, members)}"
