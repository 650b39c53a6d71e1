"""Checking a ripple: does applying its edits leave a new error? And which uses of a definition
whose type changed no longer type-check?

The built-in checker (:mod:`context.diagnose`) runs on each edited file before and after the
edits, each time in the matching state of the workspace: *before*, the edited file as it was
(``old_text``) and every other file as it is; *after*, every file with its edits applied. The
other buffers of a state stand for their modules (summaries) and for their classes' members
(the checker's facts), so a method renamed in one file is known by its new name in the others.

The check is focused: the checks run on the lines the edits touched, on the lines where a name
the edit retired still occurs (a reference left behind), and on the lines around the uses of a
changed definition — not on every line of large files — and a problem counts as new when the
text before the edits had no problem with the same message on the same line. A new problem on
an edit's lines is attached to that edit; others become holes.
"""

from __future__ import annotations

import ast
import copy
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar, cast

from context.api import Analyzer
from context.diagnose import IGNORE_COMMENT, ModuleFacts, module_facts, syntax_problems
from context.diagnose.checker import Checker
from context.diagnose.memo import MemoResolver, MemoWorkspace
from context.diagnose.text import Lines
from context.memo import TextCache
from context.model import Diagnostic
from context.occurrences import INDEXES
from context.parsing import SYNTAX_TREES
from context.positions import common_head, common_tail
from context.ripple_model import Ripple, RippleEdit, RippleHole, SourceText
from context.summarize import summarize_module
from context.summary import ModuleSummary
from context.workspace import Workspace

log = logging.getLogger(__name__)
N = TypeVar("N", bound=ast.AST)
S = TypeVar("S")
_FACTS: TextCache[ModuleFacts] = TextCache(8_000_000)
_SIGNATURES: TextCache[ModuleSummary] = TextCache(8_000_000)


class _BufferChecker(Checker):
    """The checker, with the facts of other buffers standing for their files on disk."""

    buffer_facts: Mapping[str, ModuleFacts] = {}

    def facts_for(self, module: ModuleSummary) -> ModuleFacts | None:
        found = self.buffer_facts.get(module.path)
        return found if found is not None else super().facts_for(module)


def _facts(path: Path, module: str, text: str) -> ModuleFacts:
    """What the checker knows of another module's classes in a buffer (cached by text): their
    members, from a walk of the statements that store attributes only."""
    key = (str(path), text)
    found = _FACTS.get(key)
    if found is None:
        tree = storing(INDEXES.index(path, text).tree)
        found = module_facts(tree, module, path.name.startswith("__init__."))
        _FACTS[key] = found
    return found


DYNAMIC_STORES = ("setattr", "globals", "vars", "__dict__")


def storing(tree: ast.Module) -> ast.Module:
    """The module with each function's body cut to the statements that may store attributes
    (``x.a = ...``, ``setattr``, ``__dict__`` updates): what the members of its classes come
    from, for a fraction of the walk."""

    def stores(stmt: ast.stmt) -> bool:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute) and (isinstance(node.ctx, ast.Store) or node.attr == "__dict__"):
                return True
            if isinstance(node, ast.Name) and node.id in DYNAMIC_STORES:
                return True
        return False

    def flat(body: list[ast.stmt]) -> Iterator[ast.stmt]:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            inner = [b for name in ("body", "orelse", "finalbody") for b in getattr(stmt, name, [])]
            inner += [b for h in getattr(stmt, "handlers", []) for b in h.body]
            inner += [b for c in getattr(stmt, "cases", []) for b in c.body]
            if inner and not isinstance(stmt, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
                yield from flat(inner)
            elif stores(stmt):
                yield stmt

    def body_of(body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, ast.ClassDef):
                cls = copy.copy(stmt)
                cls.body = body_of(stmt.body)
                out.append(cls)
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                function = copy.copy(stmt)
                function.body = list(flat(stmt.body)) or [ast.copy_location(ast.Pass(), stmt.body[0])]
                out.append(function)
            else:
                out.append(stmt)
        return out

    return ast.Module(body=body_of(tree.body), type_ignores=[])


@dataclass
class State:
    """A state of the workspace: the texts that stand for their modules instead of the files on
    disk (path → text), and ``members``: those whose classes' members the checker reads from the
    text too (the edited definitions' file; the other edits touch uses and imports only)."""

    buffers: dict[Path, str]
    members: frozenset[Path] = frozenset()

    def others(self, path: Path) -> dict[Path, str]:
        return {p: t for p, t in self.buffers.items() if p != path}


def signatures(workspace: Workspace, path: Path, text: str) -> ModuleSummary:
    """The summary of a buffer from its signatures alone (every body emptied): what other
    modules see of it, without the cost of reading bodies (cached by text). What the bodies
    would add (the types of unannotated returns) is unknown before and after alike."""
    key = (str(path), text)
    found = _SIGNATURES.get(key)
    if found is None:
        tree = reduced(INDEXES.index(path, text).tree, set())
        found = summarize_module(tree, str(path), workspace.module_name(path), path.name.startswith("__init__."))
        _SIGNATURES[key] = found
    return found


@contextmanager
def _state(workspace: Workspace, state: State, checked: Path) -> Iterator[dict[str, ModuleFacts]]:
    """While open, the buffers of ``state`` (but ``checked``) stand for their modules."""
    others = state.others(checked)
    summaries = [signatures(workspace, p, t) for p, t in others.items()]
    for summary in summaries:
        workspace.set_overlay(summary)
    try:
        yield {str(p): _facts(p, workspace.module_name(p), t) for p, t in others.items() if p in state.members}
    finally:
        for summary in summaries:
            workspace.set_overlay(None, summary.module)


def defines(path: Path, text: str, edits: list[RippleEdit]) -> bool:
    """Whether edits of a file change what it defines: one outside every ``def`` and ``class``
    (an import, ``__all__``, a module variable). Edits inside bodies change uses only."""
    index = INDEXES.index(path, text)
    for stmt in index.tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        low, high = index.source.node_start(stmt), index.source.node_end(stmt)
        if any(low <= e.start <= high for e in edits):
            return True
    return False


def check_lines(analyzer: Analyzer, path: Path, text: str, lines: set[int], state: State) -> list[Diagnostic]:
    """The built-in checker's problems of ``text`` (the buffer of ``path`` in ``state``) on
    ``lines`` (0-based), and its syntax errors anywhere."""
    workspace = analyzer.workspace
    index = INDEXES.index(path, text)
    problems = syntax_problems(text, index.replaced, lambda t: SYNTAX_TREES.tree(str(path), t))
    module = workspace.module_name(path)
    is_package = path.name in ("__init__.py", "__init__.pyi")
    tree = reduced(index.tree, lines)
    full = module_facts(tree, module, is_package, True)
    facts = replace(full, loads=_on(full.loads, lines), attributes=_on(full.attributes, lines),
                    calls=_on(full.calls, lines), annassigns=_on(full.annassigns, lines),
                    returns=_on(full.returns, lines))
    with _state(workspace, state, path) as buffer_facts:
        summary = signatures(workspace, path, text)
        workspace.set_overlay(summary)
        memo = MemoWorkspace(workspace)
        try:
            checker = _BufferChecker(cast(Workspace, memo), MemoResolver(cast(Workspace, memo)), summary, facts,
                                     Lines(text), index.replaced)
            checker.buffer_facts = buffer_facts
            problems += checker.run()
        finally:
            workspace.set_overlay(None, summary.module)
    ignored = {i for i, line in enumerate(text.split("\n")) if "ignore" in line and IGNORE_COMMENT.search(line)}
    return sorted({p for p in problems if p.line not in ignored or p.source == "syntax"},
                  key=lambda p: (p.line, p.column, p.message))


def reduced(tree: ast.Module, lines: set[int]) -> ast.Module:
    """The module with the body of every function that holds none of ``lines`` emptied (a
    ``pass`` in its place): the checker's walk over it is short. What the emptied bodies would
    have told (attributes a method assigns) is missing before and after an edit alike, and the
    problems it causes are not new."""

    def touches(node: ast.stmt) -> bool:
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        return any(first <= line <= last for line in lines) if last - first > 64 else any(
            line in lines for line in range(first, last + 1))

    def body_of(body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                shallow = copy.copy(stmt)
                if isinstance(stmt, ast.ClassDef) or touches(stmt):
                    shallow.body = body_of(stmt.body)
                else:
                    shallow.body = [ast.copy_location(ast.Pass(), stmt.body[0])]
                out.append(shallow)
            else:
                out.append(stmt)
        return out

    return ast.Module(body=body_of(tree.body), type_ignores=[])


def _on(items: list[tuple[N, S]], lines: set[int]) -> list[tuple[N, S]]:
    """The recorded uses that lie on one of ``lines``."""
    out: list[tuple[N, S]] = []
    if not lines:
        return out
    low, high = min(lines), max(lines)
    for node, scope in items:
        first = node.lineno - 1  # type: ignore[attr-defined]
        last = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        if last < low or first > high:
            continue
        if any(line in lines for line in range(first, last + 1)) if last - first < 64 else any(
                first <= line <= last for line in lines):
            out.append((node, scope))
    return out


# -- the edits of one file ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Rewrite:
    """A text, edits of it, and the result: where each edit's lines are before and after."""

    before: str
    after: str
    spans: tuple[tuple[int, int, int, int], ...]  # per edit: first/last line before, first/last after
    offsets: tuple[tuple[int, int], ...] = ()  # per edit: its start and end in the text after

    @classmethod
    def of(cls, text: str, changes: list[tuple[int, int, str]]) -> Rewrite:
        out: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        offsets: list[tuple[int, int]] = []
        at = 0
        written = 0
        after_line = 0
        for start, end, new in sorted(changes):
            if start < at:
                continue
            kept = text[at:start]
            out.append(kept)
            after_line += kept.count("\n")
            written += len(kept)
            first_before, last_before = text.count("\n", 0, start), text.count("\n", 0, end)
            spans.append((first_before, last_before, after_line, after_line + new.count("\n")))
            offsets.append((written, written + len(new)))
            out.append(new)
            after_line += new.count("\n")
            written += len(new)
            at = end
        out.append(text[at:])
        return cls(text, "".join(out), tuple(spans), tuple(offsets))

    def after_line(self, line: int) -> int:
        """Where a line of the text before the edits went (a line inside an edit: its first)."""
        shift = 0
        for first_before, last_before, first_after, last_after in self.spans:
            if line < first_before:
                break
            if line <= last_before:
                return first_after
            shift = last_after - last_before
        return line + shift

    def edit_lines(self) -> tuple[set[int], set[int]]:
        before: set[int] = set()
        after: set[int] = set()
        for first_before, last_before, first_after, last_after in self.spans:
            before.update(range(first_before, last_before + 1))
            after.update(range(first_after, last_after + 1))
        return before, after


def word_lines(text: str, words: set[str]) -> set[int]:
    """Lines where one of ``words`` occurs as an identifier."""
    if not words:
        return set()
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")\b")
    return {text.count("\n", 0, m.start()) for m in pattern.finditer(text)}


def new_problems(analyzer: Analyzer, path: Path, rewrite: Rewrite, before_state: State, after_state: State,
                 extra_after: set[int]) -> list[Diagnostic]:
    """Problems of ``rewrite.after`` on the edited lines (and ``extra_after``) that the text
    before had not on the same line."""
    lines_before, lines_after = rewrite.edit_lines()
    lines_after |= extra_after
    before = check_lines(analyzer, path, rewrite.before, lines_before | _back(rewrite, extra_after), before_state)
    after = check_lines(analyzer, path, rewrite.after, lines_after, after_state)
    seen = {(rewrite.after_line(d.line), d.message) for d in before}
    return [d for d in after if (d.line, d.message) not in seen]


def _back(rewrite: Rewrite, lines: set[int]) -> set[int]:
    """Lines of the text before that went to ``lines`` of the text after (roughly: by shift)."""
    mapping: dict[int, int] = {}
    for line in range(rewrite.before.count("\n") + 1):
        mapping.setdefault(rewrite.after_line(line), line)
    return {mapping[line] for line in lines if line in mapping}


def verify_ripple(analyzer: Analyzer, path: Path | str, old_text: str, new_text: str, ripple: Ripple,
                  buffers: Mapping[Path, str] | None = None) -> Ripple:
    """The ripple with each edit's new problems attached (``problems``; empty: verified) and
    the new problems off its edits as holes. The lines where a name the edit retired still
    occurs are checked too: a reference left behind is a new problem there."""
    path = Path(path).resolve()
    extra = dict(buffers or {})
    by_file: dict[Path, list[RippleEdit]] = {}
    for edit in ripple.edits:
        by_file.setdefault(Path(edit.path), []).append(edit)
    by_file.setdefault(path, [])
    for watched_path in ripple.watch:
        by_file.setdefault(Path(watched_path), [])
    rewrites: dict[Path, Rewrite] = {}
    for file, edits in by_file.items():
        text = new_text if file == path else ripple.texts.get(str(file))
        if text is not None:
            rewrites[file] = Rewrite.of(text, [(e.start, e.end, e.new_text) for e in edits])
    defining = {f: r.after for f, r in rewrites.items() if f != path and defines(f, r.before, by_file[f])}
    members = frozenset({path, *extra})
    after_state = State({**extra, **defining, path: new_text}, members)
    before_state = State({**extra, path: old_text}, members)
    problems: dict[Path, list[Diagnostic]] = {}
    words = set(ripple.retired)
    for file, rewrite in rewrites.items():
        checked = _from_old(old_text, new_text, by_file[file]) if file == path else rewrite
        watched = ripple.watch.get(str(file), set())
        if file == path and not by_file[file] and not watched and not _left_behind(old_text, new_text, words):
            continue  # nothing of ours in the edited file: its problems are the user's to see
        problems[file] = new_problems(analyzer, file, checked, before_state, after_state,
                                      word_lines(checked.after, words) | watched)
    return _attach(ripple, rewrites, problems)


def _left_behind(old: str, new: str, words: set[str]) -> bool:
    """Whether a retired name still occurs in the edited file outside the user's edit."""
    if not words:
        return False
    head = common_head(old, new)
    tail = common_tail(old, new, min(len(old), len(new)) - head)
    outside = new[:head] + "\n" + new[len(new) - tail :]
    return bool(word_lines(outside, words))


def _from_old(old: str, new: str, edits: list[RippleEdit]) -> Rewrite:
    """The edited file's text before the user's edit, rewritten by that edit and by the ripple's
    edits of the file (moved to the old text's offsets)."""
    head = common_head(old, new)
    tail = common_tail(old, new, min(len(old), len(new)) - head)
    old_end, new_end = len(old) - tail, len(new) - tail
    changes = [(head, old_end, new[head:new_end])]
    shift = new_end - old_end
    for e in edits:
        if e.end <= head:
            changes.append((e.start, e.end, e.new_text))
        elif e.start >= new_end:
            changes.append((e.start - shift, e.end - shift, e.new_text))
        else:  # inside the user's edit: one change from the old text to the result
            result = Rewrite.of(new, [(x.start, x.end, x.new_text) for x in edits]).after
            head = common_head(old, result)
            tail = common_tail(old, result, min(len(old), len(result)) - head)
            return Rewrite.of(old, [(head, len(old) - tail, result[head : len(result) - tail])])
    return Rewrite.of(old, changes)


def _charges(edits: list[RippleEdit], rewrite: Rewrite, found: list[Diagnostic]) -> list[tuple[RippleEdit, Diagnostic]]:
    """Each problem with the edits whose text it overlaps (touching counts: a call whose
    arity an inserted argument broke); a problem overlapping none is charged to none."""
    source = SourceText(rewrite.after)
    out: list[tuple[RippleEdit, Diagnostic]] = []
    for d in found:
        start = source.starts[min(d.line, len(source.starts) - 1)] + d.column
        end = source.starts[min(d.end_line, len(source.starts) - 1)] + d.end_column
        out += [(e, d) for e, (a, b) in zip(edits, rewrite.offsets, strict=False) if a <= end and start <= b]
    return out


def _attach(ripple: Ripple, rewrites: Mapping[Path, Rewrite], problems: Mapping[Path, list[Diagnostic]]) -> Ripple:
    """Each edit with the new problems on its lines; the other new problems as holes."""
    attached: dict[int, tuple[Diagnostic, ...]] = {}
    holes = list(ripple.holes)
    for file, rewrite in rewrites.items():
        file_edits = sorted((e for e in ripple.edits if Path(e.path) == file), key=lambda e: (e.start, e.end))
        found = problems.get(file, [])
        charged: set[Diagnostic] = set()
        for edit, d in _charges(file_edits, rewrite, found):
            attached[id(edit)] = (*attached.get(id(edit), ()), d)
            charged.add(d)
        watched = ripple.watch.get(str(file), set())
        for d in found:
            if d not in charged:
                why = (f"no longer type-checks ({ripple.watch_reason}): {d.message}" if d.line in watched
                       else f"a new error after the edits: {d.message}")
                holes.append(RippleHole(str(file), d.line, d.column, d.end_line, d.end_column, why))
    edits = tuple(replace(e, problems=attached[id(e)]) if id(e) in attached else e for e in ripple.edits)
    return replace(ripple, edits=edits, holes=tuple(holes))
