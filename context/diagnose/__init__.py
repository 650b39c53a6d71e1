"""Fast built-in diagnostics: syntax errors, undefined names, unknown attributes, call arity and
keywords, and values that clearly cannot match their declared type.

Precision comes before recall: every check stays silent when the analysis is unsure (an
unresolvable base class, ``__getattr__``, a decorator that may change a signature, a name narrowed
by ``isinstance``, a name bound more than once, ``*args`` at the call site, ...).

One pass over the module records, per lexical scope, what each scope binds (:class:`NameScope`);
the checks then run on the recorded names, attributes, calls, annotated assignments and returns,
inferring types with one :class:`context.infer.Scope` per function.

Modules: ``facts`` and ``scopes`` (the facts and the walker that records them), ``syntax``,
``classes`` (the state of a check, classes and their members), ``inference`` (cautious inference
scopes), ``names``, ``attributes``, ``types`` (declared types), ``calls`` (arity and keywords, and
calls of overloaded standard-library methods and constructors that no overload takes),
``checker`` (all checks together), ``memo`` and ``text`` (columns, hints, type names).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import cast

from context.diagnose.checker import Checker
from context.diagnose.facts import ClassFacts, ModuleFacts, NameScope
from context.diagnose.memo import MemoResolver, MemoWorkspace
from context.diagnose.scopes import module_facts
from context.diagnose.syntax import syntax_problems
from context.diagnose.text import Lines
from context.model import Diagnostic
from context.parsing import SYNTAX_TREES, tolerant_ast
from context.resolve import Resolver
from context.workspace import Workspace

log = logging.getLogger(__name__)

IGNORE_COMMENT = re.compile(r"#\s*(type|pyright):\s*ignore")


def diagnose(workspace: Workspace, resolver: Resolver, path: Path, text: str) -> list[Diagnostic]:
    """Problems in ``text`` (the buffer of ``path``), in document order."""
    started = time.perf_counter()
    parsed = tolerant_ast(text)
    # A broken buffer is checked again and again while typed and with each candidate filling:
    # its tree-sitter tree is edited from the last one of this file, not parsed afresh.
    problems = syntax_problems(text, parsed.replaced_lines, lambda t: SYNTAX_TREES.tree(str(path), t))
    module_name = workspace.module_name(path)
    is_package = path.name in ("__init__.py", "__init__.pyi")
    # Candidate fillings change one statement: the others' summaries come from the fragment cache.
    summary = workspace.summary_for_text(path, text, parsed.tree)
    facts = module_facts(parsed.tree, module_name, is_package, record=True)
    workspace.set_overlay(summary)
    memo = MemoWorkspace(workspace)
    try:
        checker = Checker(cast(Workspace, memo), MemoResolver(cast(Workspace, memo)), summary, facts, Lines(text),
                          parsed.replaced_lines)
        problems += checker.run()
    finally:
        workspace.set_overlay(None, summary.module)
    ignored = _ignored_lines(text)
    unique = sorted({p for p in problems if p.line not in ignored or p.source == "syntax"},
                    key=lambda p: (p.line, p.column, p.message))
    log.debug("diagnosed %s in %.1f ms: %d problems", path, (time.perf_counter() - started) * 1000, len(unique))
    return unique


def _ignored_lines(text: str) -> set[int]:
    """Lines a ``# type: ignore`` or ``# pyright: ignore`` comment silences."""
    if "ignore" not in text:
        return set()
    return {i for i, line in enumerate(text.split("\n")) if IGNORE_COMMENT.search(line)}


__all__ = ["ClassFacts", "ModuleFacts", "NameScope", "diagnose", "module_facts", "syntax_problems"]
