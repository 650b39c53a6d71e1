"""What each lexical scope of a module binds, and the uses of names the checks look at."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass(eq=False)
class ClassFacts:
    """What a class body and its methods bind, from the syntax tree (nested ``if`` blocks too)."""

    name: str
    members: set[str] = field(default_factory=set)
    self_stores: dict[str, int] = field(default_factory=dict)
    annotated: set[str] = field(default_factory=set)
    duplicated: set[str] = field(default_factory=set)  # defined more than once
    dynamic: bool = False  # __getattr__, __getattribute__, setattr with computed names
    decorated: bool = False  # an unknown class decorator: it may rewrite __init__ (not the attributes)
    metaclass: str | None = None
    dataclass_fields: list[tuple[str, bool]] | None = None  # (name, has default) when a plain @dataclass
    slotted: bool = False  # literal ``__slots__`` without ``__dict__``: instances take no other attributes


@dataclass(eq=False)
class NameScope:
    """A lexical scope: module, class, function, lambda or comprehension."""

    kind: str
    node: ast.AST
    parent: NameScope | None
    counts: dict[str, int] = field(default_factory=dict)
    annotated: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    narrowed: set[str] = field(default_factory=set)  # expressions narrowed by isinstance & co
    facts: ClassFacts | None = None  # for class scopes
    self_name: str | None = None  # first parameter of a method
    stars: list[str] = field(default_factory=list)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # local: (module, name)
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)

    def bind(self, name: str, annotated: bool = False) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1
        if annotated:
            self.annotated.add(name)
        if self.facts is not None:
            self.facts.members.add(name)

    def ambiguous(self) -> set[str]:
        return {n for n, c in self.counts.items() if c > 1 and n not in self.annotated}


@dataclass(eq=False)
class ModuleFacts:
    """One module's scopes and the uses the checks look at."""

    scope: NameScope
    classes: dict[int, ClassFacts] = field(default_factory=dict)  # by 0-based line of ``class``
    stored_attrs: set[str] = field(default_factory=set)
    dynamic_attrs: bool = False  # setattr with a computed name, __dict__ updates
    dynamic_globals: bool = False  # globals() in use
    loads: list[tuple[ast.Name, NameScope]] = field(default_factory=list)
    attributes: list[tuple[ast.Attribute, NameScope]] = field(default_factory=list)
    calls: list[tuple[ast.Call, NameScope]] = field(default_factory=list)
    annassigns: list[tuple[ast.AnnAssign, NameScope]] = field(default_factory=list)
    returns: list[tuple[ast.Return, NameScope]] = field(default_factory=list)
