"""Member names known nowhere (see :mod:`context.vocabulary`), on receivers the checks of
attributes cannot judge."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from context.diagnose.inference import InferenceScopes
from context.diagnose.text import union_parts
from context.infer import Inferred
from context.model import Diagnostic
from context.vocabulary import (
    Vocabulary,
    import_statements,
    imported_modules,
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
        if not (self.facts.attributes or self.facts.stored_attrs or self.facts.calls):
            return []
        tree = self.facts.scope.node
        assert isinstance(tree, ast.Module)
        module = self.summary.module
        is_package = Path(self.summary.path).name in ("__init__.py", "__init__.pyi")
        imports = list(import_statements(tree))
        vocabulary = Vocabulary(self.workspace, Path(self.summary.path), "\n".join(self.lines.lines),
                                imported_modules(imports, module, is_package))
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


def _own(node: ast.Attribute) -> bool:
    """An attribute of ``self`` or ``cls`` assigned to: the object's own, a new one as often as not."""
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
