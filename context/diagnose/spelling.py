"""Member names known nowhere (see :mod:`context.vocabulary`), on receivers the checks of
attributes cannot judge."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from context.diagnose.inference import InferenceScopes
from context.diagnose.text import Lines, union_parts
from context.infer import Inferred
from context.model import Diagnostic
from context.vocabulary import (
    Vocabulary,
    import_statements,
    misspelling,
    receiver_root,
    root_name,
    unfound_roots,
    unknown_name,
)


class SpellingChecks(InferenceScopes):
    """Members read on a receiver whose class is unknown (or whose members are), spelled like no
    name known anywhere but one edit away from one. A receiver rooted at a name imported from a
    module that cannot be found, or whose class computes its members, is left alone. Members
    assigned to on another object than ``self`` or ``cls`` (``token.tpye = "text"``) too: an
    attribute nobody reads anywhere, one edit away from a known one; and keyword arguments
    (``warn(msg, staclevel=2)``) whose callee the checks of calls could not judge."""

    def spelling_problems(self, flagged: set[tuple[int, int]]) -> list[Diagnostic]:
        """``flagged``: (line, column) of the members other checks already reported."""
        tree = self.facts.scope.node
        assert isinstance(tree, ast.Module)
        module = self.summary.module
        is_package = Path(self.summary.path).name in ("__init__.py", "__init__.pyi")
        imports = list(import_statements(tree))
        vocabulary = self.vocabulary
        # the roots imported from modules that cannot be found: looked for once, when first needed
        unfound = functools.cache(lambda: unfound_roots(imports, module, is_package, self.workspace))
        out: list[Diagnostic] = []
        for node, scope in self.facts.attributes:
            if node.lineno - 1 in self.replaced or not unknown_name(node.attr, vocabulary):
                continue
            if receiver_root(node) in unfound() or self._computed(self.infer_scope(scope).expr(node.value)):
                continue
            out += self._misspelled(node, vocabulary, flagged)
        for call, _ in self.facts.calls:
            for keyword in call.keywords:
                if keyword.arg is None or call.lineno - 1 in self.replaced \
                        or not unknown_name(keyword.arg, vocabulary):
                    continue
                root = root_name(call.func)
                if root is None or (root.id not in unfound() and self.lines.span(root)[:2] not in flagged):
                    out += self._misspelled_keyword(keyword, vocabulary, flagged)
        stored = {name for name in self.facts.stored_attrs if unknown_name(name, vocabulary)}
        if stored:  # rare: only then is the tree walked for them
            for found in ast.walk(tree):
                if isinstance(found, ast.Attribute) and isinstance(found.ctx, ast.Store) and found.attr in stored \
                        and found.lineno - 1 not in self.replaced and not _own(found) \
                        and receiver_root(found) not in unfound():
                    out += self._misspelled(found, vocabulary, flagged)
        return out + self._misspelled_bindings(tree, vocabulary)

    def _misspelled_bindings(self, tree: ast.Module, vocabulary: Vocabulary) -> list[Diagnostic]:
        """Names the buffer binds (a variable, a parameter, an attribute of ``self``) and spells
        nowhere else — nothing reads them, no code anywhere knows them — that
        are a typo of a known name (:meth:`Vocabulary.typo_of`: ``statr = pos + 1``, ``INOF = 3``,
        ``self.conection = ...``). A new name is valid code; one that nothing reads, spelled like
        a name the code around knows but for two letters swapped, is a slip far more often than a
        choice."""
        typos: dict[str, str] = {}
        for word, count in vocabulary.counts.items():
            if count == 1 and len(word) >= MIN_BINDING and unknown_name(word, vocabulary):
                found = vocabulary.typo_of(word)
                if found is not None:
                    typos[word] = found
        if not typos:
            return []
        out: list[Diagnostic] = []
        nodes = list(ast.walk(tree))
        # ``dugettext = udgettext``: a name given on purpose to what the known name is
        aliases = {target.id for node in nodes if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
                   for target in node.targets if isinstance(target, ast.Name) and typos.get(target.id) == node.value.id}
        for node in nodes:
            site = _binding_site(node, self.lines)
            if site is None or site[0] not in typos or site[0] in aliases or site[1] in self.replaced:
                continue
            name, line, column = site
            message = f"'{name}' looks misspelled: nothing reads it and no code knows it; did you mean " \
                      f"'{typos[name]}'?"
            out.append(Diagnostic(line, column, line, column + len(name), "error", message, "names",
                                  "misspelled-binding"))
        return out

    def _misspelled(self, node: ast.Attribute, vocabulary: Vocabulary, flagged: set[tuple[int, int]]) \
            -> list[Diagnostic]:
        _, _, end_line, end_column = self.lines.span(node)
        start = max(end_column - len(node.attr), 0)
        root = root_name(node.value)  # an undefined receiver says it all
        if (end_line, start) in flagged or (root is not None and self.lines.span(root)[:2] in flagged):
            return []
        message = misspelling(node.attr, vocabulary)
        if message is None:
            return []
        return [Diagnostic(end_line, start, end_line, end_column, "error", message, "attributes",
                           "unknown-member-name")]

    def _misspelled_keyword(self, keyword: ast.keyword, vocabulary: Vocabulary, flagged: set[tuple[int, int]]) \
            -> list[Diagnostic]:
        assert keyword.arg is not None
        line, column, _, _ = self.lines.span(keyword)
        message = misspelling(keyword.arg, vocabulary, "parameter") if (line, column) not in flagged else None
        if message is None:
            return []
        return [Diagnostic(line, column, line, column + len(keyword.arg), "error", message, "calls",
                           "unknown-keyword-name")]

    def _computed(self, base: Inferred) -> bool:
        """Whether the receiver's members may be computed: a module or class object (the checks
        of attributes judge those), or an instance of a class that computes attributes
        (``__getattr__``)."""
        if base.symbol is not None:
            return True
        for member in union_parts(base.type) if base.type is not None else ():
            cls = self.class_of(member)
            mro = self.mro(cls) if cls is not None else None
            if mro is not None and self.dynamic(mro):
                return True
        return False


MIN_BINDING = 4  # shorter names are too often each other's anagrams (``ab``, ``ba``)


def _binding_site(node: ast.AST, lines: Lines) -> tuple[str, int, int] | None:
    """The name a node binds and where it is spelled (0-based line, code-point column), if it
    binds one: an assignment or loop target, a parameter, an attribute of ``self`` or ``cls``
    assigned to. Not a ``def`` or ``class``: an interface names what its users call, and its
    names come in families (``dugettext`` beside ``udgettext``, ``float_altitude`` beside
    ``float_latitude``)."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return (node.id, *lines.span(node)[:2])
    if isinstance(node, ast.arg):
        return (node.arg, *lines.span(node)[:2])
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _own(node):
        _, _, end_line, end_column = lines.span(node)
        return node.attr, end_line, max(end_column - len(node.attr), 0)
    return None


def _own(node: ast.Attribute) -> bool:
    """An attribute of ``self`` or ``cls`` assigned to: the object's own, a new one as often as not."""
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
