"""The ripple of an edit: after a definition changed, the edits every other place needs.

    ripple = find_ripple(analyzer, path, old_text, new_text)   # edits, holes, notes
    checked = verify_ripple(analyzer, path, old_text, new_text, ripple)   # see context.ripple_check

What the edit did is read from the two texts (:mod:`context.definition_changes`); the places
are the references of the changed definition in the workspace *as it was before the edit*
(:mod:`context.references`: the old names still resolve there), in the edited file too — those
are moved to the new text, and the ones inside the edited span are left alone (the user wrote
them). Edits of calls come from :mod:`context.call_edits`. ``x.name`` with ``x`` of unknown type
is followed only when no other definition of the workspace (nor a builtin type's member) bears
the name (and, for a module-level definition, ``x`` is spelled as its module); otherwise it is a
hole (the first ``MAX_UNSURE``, the rest counted in a note). A changed return or attribute type
proposes no edit: the lines around its uses are watched, and what no longer type-checks there
becomes a hole when the ripple is verified.

Proposals are capped (``max_edits``, the rest counted in ``more``); uses the analysis cannot
follow (``getattr(x, "name")``, ``*args``/``**kwargs`` forwarding, a function passed as a
value) are reported as holes, never edited.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from context.api import Analyzer
from context.call_edits import Skip, TextChange, add_argument, remove_argument, rename_keyword
from context.definition_changes import DefinitionChange, definition_changes
from context.occurrences import INDEXES, ModuleIndex
from context.positions import common_head, common_tail
from context.references import Found, Reference, ReferenceFinder, Target, summaries_of
from context.ripple_model import (
    Argument,
    Ripple,
    RippleEdit,
    RippleHole,
    SourceText,
    content_stamp,
    make_edit,
)
from context.summary import ClassSummary, ModuleSummary
from context.vocabulary import import_statements

log = logging.getLogger(__name__)

MAX_EDITS = 200
MAX_UNSURE = 20  # uses on receivers of unknown type listed as holes
# Method names too common to guess a receiver of unknown type by (builtin containers have them).
COMMON_NAMES = frozenset({"get", "set", "add", "update", "pop", "run", "close", "open", "read", "write",
                          "send", "start", "stop", "copy", "clear", "append", "extend", "remove", "items",
                          "keys", "values", "format", "join", "split", "strip", "replace", "call", "apply"})


@dataclass(frozen=True)
class EditSpan:
    """Where the edit of the file lies: ``old[head:old_end]`` became ``new[head:new_end]``."""

    head: int
    old_end: int
    new_end: int

    @classmethod
    def between(cls, old: str, new: str) -> EditSpan:
        head = common_head(old, new)
        tail = common_tail(old, new, min(len(old), len(new)) - head)
        return cls(head, len(old) - tail, len(new) - tail)

    def moved(self, start: int, end: int) -> tuple[int, int] | None:
        """Offsets of the old text in the new one; None for a range the edit touched."""
        if end <= self.head and not (start == end == self.head and self.old_end > self.head):
            return start, end
        if start >= self.old_end:
            shift = self.new_end - self.old_end
            return start + shift, end + shift
        return None


@dataclass
class _Pending:
    path: Path
    change: TextChange
    reason: str
    kind: str
    in_new: bool  # offsets of the edited file's new text (else: of the text the reference was found in)
    argument: Argument | None = None


class RippleFinder:
    """The ripple of one edit of ``path`` (``old_text`` → ``new_text``)."""

    def __init__(self, analyzer: Analyzer, path: Path, old_text: str, new_text: str,
                 buffers: Mapping[Path, str] | None = None) -> None:
        self.analyzer = analyzer
        self.path = path
        self.old_text = old_text
        self.new_text = new_text
        self.span = EditSpan.between(old_text, new_text)
        self.buffers = {**(buffers or {}), path: old_text}
        self.pending: list[_Pending] = []
        self.holes: list[RippleHole] = []
        self.notes: list[str] = []
        self.texts: dict[str, str] = {str(path): new_text}
        self.summaries: Mapping[Path, ModuleSummary] = {}
        self.watch: dict[str, set[int]] = {}
        self.watch_reason = ""

    def run(self, max_edits: int = MAX_EDITS) -> Ripple:
        changes = definition_changes(self.old_text, self.new_text, INDEXES.index(self.path, self.old_text).tree,
                                     INDEXES.index(self.path, self.new_text).tree)
        if not changes:
            return Ripple((), texts=self.texts)
        workspace = self.analyzer.workspace
        self.analyzer.resolver.begin_request()
        with summaries_of(workspace, self.buffers) as summaries:
            self.summaries = summaries
            finder = ReferenceFinder(workspace, self.analyzer.resolver, self.buffers, summaries)
            module = summaries[self.path].module
            for change in changes:
                self.ripple_of(finder, module, change)
        edits = self.finish()
        kept, more = edits[:max_edits], max(0, len(edits) - max_edits)
        if more:
            self.notes.append(f"{more} more edits were left out (at most {max_edits} are proposed)")
        return Ripple(tuple(c.reason() for c in changes), tuple(kept), tuple(self.holes), tuple(self.notes),
                      more, self.texts, self.watch, self.watch_reason, frozenset(_retired(changes)))

    # -- one change ------------------------------------------------------------------------------
    def ripple_of(self, finder: ReferenceFinder, module: str, change: DefinitionChange) -> None:
        target = Target(str(self.path), module, change.name, change.owner, change.def_kind)
        found = finder.find(target)
        if change.kind in ("return-type", "attribute-type"):
            self.watch_uses(found.references, change)  # what no longer type-checks: found by checking
            return
        references = found.references + self.uncertain_uses(found, change, module)
        self.report_dynamic(found, change)
        reason = change.reason()
        if change.kind == "rename":
            assert change.new_name is not None
            for ref in references:
                self.add(ref, TextChange(ref.start, ref.end, change.new_name), reason, "rename")
            return
        if change.name == "__init__" and change.owner:
            outer, _, class_name = change.owner.rpartition(".")
            constructor = Target(str(self.path), module, class_name, outer or None, "class")
            references += [
                Reference(r.path, r.index, r.occurrence, r.start, r.end, r.call, True, r.certain)
                for r in finder.find(constructor).references
            ]
        for ref in references:
            self.call_edit(ref, change, reason)
        if change.kind == "rename-parameter":
            self.body_uses(change, reason)

    def uncertain_uses(self, found: Found, change: DefinitionChange, module: str) -> list[Reference]:
        """``x.name`` with ``x`` of unknown type: followed when no other definition bears that
        name — for a module-level definition, only when ``x`` is spelled as its module (``obj.
        helpers.name`` for the module ``helpers``: ``match.group()`` is no use of a module's
        ``group``); otherwise holes (the first ``MAX_UNSURE``, the rest counted in a note),
        never edited, never dropped."""
        if not found.uncertain:
            return []
        followed: list[Reference] = []
        unsure = found.uncertain
        reason = (f"the receiver's type is unknown and other definitions bear the name '{change.name}': "
                  f"check this use by hand ({change.reason()})")
        if change.def_kind in ("function", "class") and self.unique_name(change):
            if change.owner:
                return found.uncertain
            followed = [r for r in found.uncertain if _spells_module(r, module)]
            unsure = [r for r in found.uncertain if not _spells_module(r, module)]
            reason = (f"the receiver's type is unknown and it does not name the module of '{change.name}': "
                      f"check this use by hand ({change.reason()})")
        for ref in unsure[:MAX_UNSURE]:
            self.hole(ref.path, ref.index, ref.start, ref.end, reason)
        more = len(unsure) - MAX_UNSURE
        if more > 0:
            self.notes.append(f"and {more} more uses of '.{change.name}' on receivers of unknown type "
                              f"(at most {MAX_UNSURE} are listed as holes)")
        return followed

    def unique_name(self, change: DefinitionChange) -> bool:
        """Whether the changed definition is the only one of the workspace with its name (as a
        function, class, variable, method or attribute), and no builtin type has a member so
        named."""
        name = change.name
        if name.startswith("__") or name in COMMON_NAMES:
            return False
        builtins = self.analyzer.workspace.module("builtins")
        if builtins is not None and any(c.method(name) or c.field(name) for c in builtins.classes.values()):
            return False
        found = 0
        for summary in self.summaries_holding(name):
            found += (name in summary.functions) + (name in summary.classes) + (name in summary.variables)
            found += sum(1 for cls in _classes(summary.classes.values()) if cls.method(name) or cls.field(name))
            if found > 1:
                return False
        return True

    def summaries_holding(self, name: str) -> Iterator[ModuleSummary]:
        """The summaries of the edited file (before the edit) and of the workspace files whose
        text holds ``name``: the only ones that may define it (the others are never summarized
        for it)."""
        own = self.summaries.get(self.path)
        if own is not None:
            yield own
        workspace = self.analyzer.workspace
        for path in workspace.files():
            path = path.resolve()
            if path == self.path:
                continue
            text = self.buffers[path] if path in self.buffers else INDEXES.text_of(path)
            if text is None or name not in text:
                continue
            summary = self.summaries.get(path) or workspace.summary_for_path(path)
            if summary is not None:
                yield summary

    def report_dynamic(self, found: Found, change: DefinitionChange) -> None:
        for ref in found.dynamic:
            self.hole(ref.path, ref.index, ref.start, ref.end,
                      f"dynamic use of '{change.name}' (a string): check it by hand ({change.reason()})")

    def call_edit(self, ref: Reference, change: DefinitionChange, reason: str) -> None:
        if ref.call is None:
            if ref.occurrence.kind in ("name", "attribute") and not _is_definition_use(ref):
                self.hole(ref.path, ref.index, ref.start, ref.end,
                          f"'{change.name}' is used as a value here: its calls elsewhere are not visible ({reason})")
            return
        source = ref.index.source
        result: TextChange | Skip | None
        if change.kind == "add-parameter":
            result = add_argument(ref.call, source, change, ref.bound)
            kind = "add-argument"
        elif change.kind == "remove-parameter":
            result = remove_argument(ref.call, source, change, ref.bound)
            kind = "remove-argument"
        else:
            assert change.parameter is not None and change.new_parameter is not None
            result = rename_keyword(ref.call, source, change.parameter, change.new_parameter)
            kind = "rename-keyword"
        if isinstance(result, Skip):
            call_start, call_end = source.node_start(ref.call), source.node_end(ref.call)
            self.hole(ref.path, ref.index, call_start, call_end, f"{result.reason} ({reason})")
        elif result is not None:
            self.add(ref, result, reason, kind)
            if change.kind == "add-parameter" and change.index is not None:
                param = change.new_params[change.index]
                self.pending[-1].argument = Argument(param.name, param.annotation, str(self.path))

    def body_uses(self, change: DefinitionChange, reason: str) -> None:
        """Uses of a renamed parameter in its function's body (in the new text)."""
        assert change.parameter is not None and change.new_parameter is not None
        index = INDEXES.index(self.path, self.new_text)
        function = _function_at(index, change.new_line, change.new_parameter)
        if function is None:
            return
        for occurrence in index.occurrences(change.parameter):
            node = occurrence.node
            if occurrence.kind != "name" or function not in occurrence.chain:
                continue
            inner = occurrence.chain[occurrence.chain.index(function) + 1 :]
            if any(change.parameter in index.binds(s).names or change.parameter in index.binds(s).declared
                   for s in inner if not isinstance(s, ast.ClassDef)):
                continue
            start = index.source.node_start(node)
            self.pending.append(_Pending(self.path, TextChange(start, start + len(change.parameter),
                                                               change.new_parameter), reason, "rename-use", True))
        for start in _nonlocal_declarations(index, function, change.parameter):
            self.pending.append(_Pending(self.path, TextChange(start, start + len(change.parameter),
                                                               change.new_parameter), reason, "rename-use", True))

    def watch_uses(self, references: list[Reference], change: DefinitionChange) -> None:
        """The lines around each use (its function, else its statement), to be checked."""
        self.watch_reason = change.reason()
        new_source: SourceText | None = None
        for ref in references:
            occurrence = ref.occurrence
            functions = [n for n in occurrence.chain if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            around: ast.AST | None = functions[-1] if functions else occurrence.statement
            if around is None:
                continue
            source = ref.index.source
            start, end = source.node_start(around), source.node_end(around)
            if ref.path == self.path:
                moved = self.span.moved(start, end)
                if moved is None:
                    continue
                new_source = new_source or SourceText(self.new_text)
                source, (start, end) = new_source, moved
            else:
                self.texts.setdefault(str(ref.path), ref.index.text)
            lines = self.watch.setdefault(str(ref.path), set())
            lines.update(range(source.line_of(start), source.line_of(end) + 1))

    # -- collecting --------------------------------------------------------------------------------
    def add(self, ref: Reference, change: TextChange, reason: str, kind: str) -> None:
        suffix = "" if ref.certain else " (the receiver's type is unknown; no other definition bears this name)"
        self.pending.append(_Pending(ref.path, change, reason + suffix, kind, False))

    def hole(self, path: Path, index: ModuleIndex, start: int, end: int, reason: str) -> None:
        if path == self.path:
            moved = self.span.moved(start, end)
            if moved is None:
                return
            source = SourceText(self.new_text)
            start, end = moved
        else:
            source = index.source
        span = source.span(start, end)
        self.holes.append(RippleHole(str(path), span.start_line, span.start_column, span.end_line,
                                     span.end_column, reason))

    def finish(self) -> list[RippleEdit]:
        """The pending changes as edits of the current texts, in file order, without overlaps."""
        new_source = SourceText(self.new_text)
        new_stamp = content_stamp(self.new_text)
        sources: dict[Path, tuple[SourceText, str]] = {}
        edits: list[RippleEdit] = []
        for p in self.pending:
            change = p.change
            if p.path == self.path:
                start, end = change.start, change.end
                if not p.in_new:
                    moved = self.span.moved(start, end)
                    if moved is None:
                        continue  # inside the span the user edited
                    start, end = moved
                edits.append(make_edit(new_source, str(p.path), start, end, change.new_text, p.reason, p.kind,
                                       stamp=new_stamp, hole=change.hole, argument=p.argument))
                continue
            if p.path not in sources:
                text = INDEXES.text_of(p.path) if p.path not in self.buffers else self.buffers[p.path]
                if text is None:
                    continue
                sources[p.path] = (SourceText(text), content_stamp(text))
                self.texts[str(p.path)] = text
            source, stamp = sources[p.path]
            edits.append(make_edit(source, str(p.path), change.start, change.end, change.new_text, p.reason,
                                   p.kind, stamp=stamp, hole=change.hole, argument=p.argument))
        edits.sort(key=lambda e: (e.path != str(self.path), e.path, e.start, e.end))
        unique: dict[tuple[str, int, int, str], RippleEdit] = {}
        for edit in edits:
            unique.setdefault((edit.path, edit.start, edit.end, edit.new_text), edit)
        return _without_overlaps(list(unique.values()))


def _classes(classes: Iterable[ClassSummary]) -> Iterator[ClassSummary]:
    """Classes and the classes nested in them."""
    for cls in classes:
        yield cls
        yield from _classes(cls.classes)


def _retired(changes: list[DefinitionChange]) -> set[str]:
    out: set[str] = set()
    for change in changes:
        if change.kind == "rename":
            out.add(change.name)
        elif change.kind in ("remove-parameter", "rename-parameter") and change.parameter:
            out.add(change.parameter)
    return out


def _without_overlaps(edits: list[RippleEdit]) -> list[RippleEdit]:
    kept: list[RippleEdit] = []
    last_end: dict[str, int] = {}
    for edit in edits:
        if edit.start < last_end.get(edit.path, -1):
            continue
        kept.append(edit)
        last_end[edit.path] = max(last_end.get(edit.path, -1), edit.end)
    return kept


def _spells_module(ref: Reference, module: str) -> bool:
    """Whether the receiver of ``x.name`` is spelled as ``module`` or a package holding it (which
    may export the name: ``md.helpers.parse`` for ``pkg.helpers.parse_link.parse``): its last
    identifier is one of their names, or a name the file imports one of them as."""
    node = ref.occurrence.node
    receiver = node.value if isinstance(node, ast.Attribute) else None
    spelled = receiver.id if isinstance(receiver, ast.Name) else receiver.attr if isinstance(
        receiver, ast.Attribute) else None
    if spelled is None:
        return False
    parts = module.split(".")
    if spelled in parts:
        return True
    dotted = {".".join(parts[: i + 1]) for i in range(len(parts))}
    for stmt in import_statements(ref.index.tree):
        for alias in stmt.names:
            named = alias.name if isinstance(stmt, ast.Import) else alias.name.rsplit(".", 1)[-1]
            if alias.asname == spelled and (named in dotted or named in parts):
                return True
    return False


def _is_definition_use(ref: Reference) -> bool:
    """``f.attr`` (``@prop.setter``, ``f.cache_clear()``) uses the function, never calls it."""
    return isinstance(ref.occurrence.parent, ast.Attribute)


def _nonlocal_declarations(index: ModuleIndex, function: ast.FunctionDef | ast.AsyncFunctionDef,
                           name: str) -> Iterator[int]:
    """Offsets of ``name`` in the ``nonlocal`` statements of the functions nested in
    ``function`` that declare its variable (no scope between binds the name again)."""

    def visit(node: ast.AST, inner: tuple[ast.AST, ...]) -> Iterator[int]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Nonlocal) and name in child.names and not any(
                    name in index.binds(s).names or name in index.binds(s).declared
                    for s in inner if not isinstance(s, ast.ClassDef)):
                yield _declared_at(index, child, name)
            scoped = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
            yield from visit(child, (*inner, child) if scoped else inner)

    yield from visit(function, ())


def _declared_at(index: ModuleIndex, statement: ast.Nonlocal, name: str) -> int:
    """The offset of ``name`` in a ``nonlocal a, b`` statement."""
    start = index.source.node_start(statement) + len("nonlocal")
    text = index.source.text[start : index.source.node_end(statement)]
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    return start + (found.start() if found else 0)


def _function_at(index: ModuleIndex, line: int, parameter: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for node in ast.walk(index.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno - 1 == line:
            args = node.args
            names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            if parameter in names:
                return node
    return None


def find_ripple(analyzer: Analyzer, path: Path | str, old_text: str, new_text: str, *,
                buffers: Mapping[Path, str] | None = None, max_edits: int = MAX_EDITS) -> Ripple:
    """The edits the edit of ``path`` from ``old_text`` to ``new_text`` implies elsewhere.
    ``buffers``: unsaved texts of other files (path → text). A text that does not parse gives
    what its readable definitions allow, or nothing."""
    resolved = Path(path).resolve()
    return RippleFinder(analyzer, resolved, old_text, new_text, buffers).run(max_edits)

